"""Fixtures shared by the validation and trigger tests."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from tests.support.review_fixtures import complete_answers


@pytest.fixture
def full(d: ReviewDefinition) -> dict[str, Any]:
    """A complete full review of the shipped definition (a fresh dict for each test)."""
    return complete_answers(d)


@pytest.fixture(scope="session")
def v2() -> ReviewDefinition:
    """Definition v2, the one new reviews use."""
    return load_definition_version("nhs-mortality-review", 2)


@pytest.fixture
def full2(v2: ReviewDefinition) -> dict[str, Any]:
    """A coherent full review under v2 of ``make_case()`` (who died in the index admission,
    so the discharge phases are not applicable)."""
    answers = complete_answers(v2)
    for phase in ("discharge", "after_discharge"):
        answers[f"phase.{phase}.score"] = "not_applicable"
        answers.pop(f"phase.{phase}.comment", None)
    return answers
