"""Fixtures shared by the validation and trigger tests."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition
from tests.support.review_fixtures import complete_answers


@pytest.fixture
def full(d: ReviewDefinition) -> dict[str, Any]:
    """A complete full review of the shipped definition (a fresh dict for each test)."""
    return complete_answers(d)
