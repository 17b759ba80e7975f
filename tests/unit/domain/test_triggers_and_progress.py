"""Escalation and second-review triggers, section states and the readiness list."""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.validation import (
    SectionState,
    escalation_triggers,
    readiness,
    second_review_triggers,
    section_states,
    validate,
)
from tests.support.review_fixtures import LONG_COMMENT, make_case, outcome_only

CASE = make_case()


def ids(triggers: list[Any]) -> list[str]:
    return [t.id for t in triggers]


def harm(value: str) -> dict[str, Any]:
    return {
        "problems.any": "yes",
        "problems.items": [
            {"id": "p1", "answers": {"problems.item.type": "other", "problems.item.harm": value}}
        ],
    }


def test_nothing_triggers_on_adequate_care(d: ReviewDefinition, full: dict[str, Any]) -> None:
    assert escalation_triggers(d, full) == []
    assert second_review_triggers(d, full) == []


@pytest.mark.parametrize(
    ("grade", "fires"),
    [
        ({"scale": "rcp", "grade": 3}, True),
        ({"scale": "hogan", "grade": 4}, True),
        ({"scale": "rcp", "grade": 4}, False),
        ({"scale": "hogan", "grade": 3}, False),
        ({"scale": "rcp", "grade": 1}, True),
        ({"scale": "hogan", "grade": 1}, False),
    ],
)
def test_avoidability_triggers_on_both_scales(
    d: ReviewDefinition, full: dict[str, Any], grade: dict[str, Any], fires: bool
) -> None:
    full["avoidability.grade"] = grade
    assert ("avoidability" in ids(escalation_triggers(d, full))) is fires
    assert ("avoidability" in ids(second_review_triggers(d, full))) is fires


@pytest.mark.parametrize(("value", "fires"), [("yes", True), ("probably", False), ("no", False)])
def test_harm_yes_triggers(
    d: ReviewDefinition, full: dict[str, Any], value: str, fires: bool
) -> None:
    full |= harm(value)
    assert ("harm" in ids(escalation_triggers(d, full))) is fires
    assert ("harm" in ids(second_review_triggers(d, full))) is fires


@pytest.mark.parametrize(
    ("score", "escalate", "second"),
    [(1, True, True), (2, False, True), (3, False, False), ("not_applicable", False, False)],
)
def test_phase_scores_trigger(
    d: ReviewDefinition, full: dict[str, Any], score: Any, escalate: bool, second: bool
) -> None:
    full["phase.end_of_life.score"] = score
    assert ("very_poor_care" in ids(escalation_triggers(d, full))) is escalate
    assert ("poor_care" in ids(second_review_triggers(d, full))) is second


def test_overall_score_2_triggers_second_review(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["phase.overall.score"] = 2
    assert ids(second_review_triggers(d, full)) == ["poor_care"]


@pytest.mark.parametrize(
    ("question", "trigger"),
    [
        ("escalation.safeguarding_concern", "safeguarding"),
        ("escalation.conduct_concern", "conduct"),
    ],
)
def test_concerns_trigger_escalation(
    d: ReviewDefinition, full: dict[str, Any], question: str, trigger: str
) -> None:
    full[question] = "yes"
    assert ids(escalation_triggers(d, full)) == [trigger]


def test_relatives_and_reviewer_trigger_second_review(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full |= {
        "relatives.contact_attempted": "yes",
        "relatives.outcome": "spoke",
        "relatives.concerns_raised": "yes",
        "second_review.requested": "yes",
    }
    assert ids(second_review_triggers(d, full)) == ["relatives_concerns", "reviewer_request"]
    full["relatives.concerns_raised"] = "no"
    full["second_review.requested"] = "no"
    assert second_review_triggers(d, full) == []


def test_hidden_answers_do_not_trigger(d: ReviewDefinition) -> None:
    answers = outcome_only("records_missing") | {"phase.overall.score": 1} | harm("yes")
    assert escalation_triggers(d, answers) == []
    assert second_review_triggers(d, answers) == []


# --- section states and readiness ----------------------------------------------------------


def test_section_states(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["phase.ongoing.score"] = 1
    full["phase.ongoing.comment"] = LONG_COMMENT
    del full["theme.fluids.issue"]
    full["screening.concerns_family"] = None  # malformed: an error that is not "missing"
    report = validate(d, full, CASE)
    states = section_states(d, full, report)
    assert list(states) == [s.id for s in d.sections]
    assert states["theme.fluids"] is SectionState.IN_PROGRESS
    assert states["screening"] is SectionState.HAS_ERRORS
    assert states["phase.overall"] is SectionState.COMPLETE
    assert states["learning"] is SectionState.NOT_STARTED
    assert states["escalation"] is SectionState.IN_PROGRESS  # decision needed
    outcome = outcome_only("handed_back")
    other = section_states(d, outcome, validate(d, outcome, CASE))
    assert other["phase.overall"] is SectionState.NOT_NEEDED
    assert other["screening"] is SectionState.COMPLETE


def test_readiness_lists_every_blocker_in_form_order(d: ReviewDefinition) -> None:
    report = validate(d, {}, make_case(admission_date=make_case().date_of_death.replace(year=2025)))
    items = readiness(d, report)
    assert len(items) == len(report.errors)
    assert items[0].code == "R6.dates_order"
    assert items[0].section_title == "Case details"
    question_items = [i for i in items if i.question_id]
    order = d.question_order()
    positions = [order[i.question_id] for i in question_items if i.question_id]
    assert positions == sorted(positions)
    assert {i.question_id for i in question_items} >= {
        "screening.learning_disability",
        "outcome.type",
        "phase.overall.score",
        "avoidability.grade",
        "theme.deterioration.issue",
    }
    assert all(
        i.section_id == d.section_of(i.question_id).id for i in question_items if i.question_id
    )


def test_readiness_is_empty_when_ready(d: ReviewDefinition, full: dict[str, Any]) -> None:
    assert readiness(d, validate(d, full, CASE)) == []
