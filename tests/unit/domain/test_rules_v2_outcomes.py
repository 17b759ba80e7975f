"""Definition v2: each non-review outcome needs its definition to hold, and the records agree.

Every finding is tested on both sides: the contradiction is refused, the coherent record passes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.validation import validate
from tests.support.review_fixtures import SCREENING, make_case

CASE = make_case()


def outcome(kind: str, **more: Any) -> dict[str, Any]:
    return {**SCREENING, "outcome.type": kind, "outcome.reason": "Stated at length here.", **more}


def codes(v2: ReviewDefinition, answers: dict[str, Any], case: Any = CASE) -> set[str]:
    return {i.code for i in validate(v2, answers, case).errors}


# --- handed back: conflict ------------------------------------------------------------------


def test_handed_back_needs_a_declared_conflict(v2: ReviewDefinition) -> None:
    assert "R1.handed_back_without_conflict" in codes(v2, outcome("handed_back"))
    declared = outcome("handed_back", **{"screening.conflict_of_interest": "yes"})
    assert validate(v2, declared, CASE).can_sign


# --- outside this method ----------------------------------------------------------------------


def test_outside_method_needs_a_child_neonatal_or_maternal_death(v2: ReviewDefinition) -> None:
    assert "R1.outside_method_not_routed" in codes(v2, outcome("outside_method"))
    for category in ("child", "neonatal", "maternal", "late_maternal"):
        answers = outcome("outside_method", **{"screening.death_category": category})
        case = make_case(date_of_birth=date(2010, 1, 1)) if category == "child" else CASE
        assert validate(v2, answers, case).can_sign, category


def test_maternal_is_defined_and_late_maternal_goes_to_mbrrace(v2: ReviewDefinition) -> None:
    question = v2.question("screening.death_category")
    labels = {o.value: o.label for o in question.options}  # type: ignore[union-attr]
    assert "42 days" in labels["maternal"]
    assert "one year" in labels["late_maternal"]
    assert "MBRRACE" in question.help
    # a late maternal death reviewed in full is routed out like a maternal one
    answers = {
        **SCREENING,
        "screening.death_category": "late_maternal",
        "outcome.type": "full_review",
    }
    assert "R1.outside_method" in codes(v2, answers)


# --- records missing ----------------------------------------------------------------------------


def test_records_missing_needs_the_missing_records_named(v2: ReviewDefinition) -> None:
    unnamed = outcome("records_missing")
    assert "R1.required" in codes(v2, unnamed)
    assert "R1.records_missing_not_named" in codes(
        v2, outcome("records_missing", **{"records.missing": ["none"]})
    )
    named = outcome("records_missing", **{"records.missing": ["acute"]})
    assert validate(v2, named, CASE).can_sign
    with_some_read = named | {"records.reviewed": ["gp"]}
    assert validate(v2, with_some_read, CASE).can_sign


def test_records_missing_cannot_mark_the_missing_record_reviewed(v2: ReviewDefinition) -> None:
    both = outcome(
        "records_missing", **{"records.missing": ["acute"], "records.reviewed": ["acute"]}
    )
    report = validate(v2, both, CASE)
    [issue] = report.with_code("R1.record_reviewed_and_missing")
    assert "Acute trust notes" in issue.message
    assert issue.question_id == "records.missing"


def test_a_full_review_record_both_reviewed_and_missing_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2["records.missing"] = ["gp", "social_care"]
    report = validate(v2, full2, CASE)
    [issue] = report.with_code("R1.record_reviewed_and_missing")
    assert "GP record" in issue.message and "Social care" not in issue.message
    full2["records.missing"] = ["social_care"]
    assert validate(v2, full2, CASE).issues == ()


def test_a_full_review_with_every_record_missing_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2["records.missing"] = ["acute", "community", "gp", "social_care"]
    del full2["records.reviewed"]
    assert "R1.all_records_missing" in codes(v2, full2)
    full2["records.missing"] = ["acute", "community", "gp"]
    full2["records.reviewed"] = ["social_care"]
    assert "R1.all_records_missing" not in codes(v2, full2)
    assert validate(v2, full2, CASE).can_sign


@pytest.mark.parametrize("kind", ["handed_back", "outside_method"])
def test_outcomes_without_records_do_not_ask_for_them(v2: ReviewDefinition, kind: str) -> None:
    fits = (
        {"screening.conflict_of_interest": "yes"}
        if kind == "handed_back"
        else {"screening.death_category": "neonatal"}
    )
    answers = outcome(kind, **fits)
    assert validate(v2, answers, CASE).can_sign
    assert not {"records.reviewed", "records.missing"} & {
        i.question_id for i in validate(v2, answers, CASE).issues
    }


def test_an_immediate_concern_in_a_non_review_outcome_needs_no_escalation_decision(
    v2: ReviewDefinition,
) -> None:
    """The concern is telephoned through the same day; the escalation section is not asked
    for an outcome other than a full review, so its decision cannot block the outcome."""
    answers = outcome("records_missing", **{"records.missing": ["acute"]}) | {
        "immediate.concern": "yes",
        "immediate.who_told": "Duty patient-safety manager",
        "immediate.told_at": "2024-06-01T10:30",
    }
    report = validate(v2, answers, CASE)
    assert "R4.escalation_decision_required" not in report.codes
    assert report.can_sign
    full = answers | {"outcome.type": "full_review"}
    assert "R4.escalation_decision_required" in {i.code for i in validate(v2, full, CASE).errors}
