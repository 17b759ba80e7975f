"""Definition v2: contradictions the method can recognise, as errors or warnings.

Each finding is tested on both sides: the contradiction is found, the coherent record is not.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from reviewer_app.domain.case import Tristate
from reviewer_app.domain.definition import ReviewDefinition, Severity
from reviewer_app.domain.validation import ReviewTiming, validate
from tests.support.review_fixtures import LONG_COMMENT, make_case

CASE = make_case()  # died in the index admission (no discharge date)
DISCHARGED = make_case(discharge_date=date(2024, 1, 12))


def found(v2: ReviewDefinition, answers: dict[str, Any], code: str, case: Any = CASE) -> list[Any]:
    return list(validate(v2, answers, case).with_code(code))


def problem(**answers: Any) -> dict[str, Any]:
    base = {"problems.item.type": "monitoring", "problems.item.phase": "ongoing"}
    base |= {"problems.item.setting": "acute_hospital"}
    return {"id": "p1", "answers": base | answers}


def test_the_coherent_record_has_no_issue(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    assert validate(v2, full2, CASE).issues == ()


# --- errors ----------------------------------------------------------------------------------


def test_problem_in_a_phase_marked_not_applicable_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {"problems.any": "yes", "problems.items": [problem(**{"problems.item.harm": "no"})]}
    assert not found(v2, full2, "R2.problem_in_phase_not_applicable")
    full2["phase.ongoing.score"] = "not_applicable"
    [issue] = found(v2, full2, "R2.problem_in_phase_not_applicable")
    assert issue.severity is Severity.ERROR
    assert (issue.group_id, issue.item_id) == ("problems.items", "p1")
    assert "Ongoing care" in issue.message


@pytest.mark.parametrize("text", ["....", "xxxxxxx", "1111111", "- - - -", "Ab"])
def test_a_reference_of_punctuation_or_one_character_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any], text: str
) -> None:
    full2 |= {
        "screening.learning_disability": "yes",
        "screening.leder_reference": text,
    }
    issues = found(v2, full2, "R5.reference_meaningless")
    if text == "Ab":
        assert not issues  # short but real: two different characters
    else:
        assert [i.question_id for i in issues] == ["screening.leder_reference"]
    full2["screening.leder_reference"] = "LDR-48213"
    assert not found(v2, full2, "R5.reference_meaningless")
    assert validate(v2, full2, CASE).can_sign


def test_immediate_safety_time_in_the_future_is_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    began = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    now = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 15:00 UK (GMT in March before the change)
    timing = ReviewTiming(now, began)
    full2 |= {
        "immediate.concern": "yes",
        "immediate.who_told": "Duty patient-safety manager",
        "immediate.told_at": "2026-03-02T15:01",
        "escalation.decision": "escalate",
        "escalation.items": [_escalation()],
    }
    report = validate(v2, full2, CASE, timing)
    assert [i.code for i in report.errors] == ["R6.time_told_in_future"]
    full2["immediate.told_at"] = "2026-03-02T15:00"
    assert validate(v2, full2, CASE, timing).issues == ()
    full2["immediate.told_at"] = "2026-03-02T08:59"  # before the review began: an error
    report = validate(v2, full2, CASE, timing)
    assert not report.can_sign
    assert [i.code for i in report.errors] == ["R6.time_told_before_review"]


def test_time_told_is_compared_in_uk_time(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    # 14:30 UTC in July is 15:30 British Summer Time: 15:10 UK is not in the future.
    timing = ReviewTiming(datetime(2026, 7, 1, 14, 30, tzinfo=UTC))
    full2 |= {
        "immediate.concern": "yes",
        "immediate.who_told": "Duty patient-safety manager",
        "immediate.told_at": "2026-07-01T15:10",
        "escalation.decision": "escalate",
        "escalation.items": [_escalation()],
    }
    assert not validate(v2, full2, CASE, timing).errors
    full2["immediate.told_at"] = "2026-07-01T15:40"
    assert [i.code for i in validate(v2, full2, CASE, timing).errors] == ["R6.time_told_in_future"]


def test_the_time_told_needs_a_date_and_a_time(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= {"immediate.concern": "yes", "immediate.who_told": "Duty manager"}
    full2["immediate.told_at"] = "2026-03-02"
    assert "R10.invalid_value" in {i.code for i in validate(v2, full2, CASE).errors}


# --- warnings ----------------------------------------------------------------------------------


def test_discharge_phases_scored_after_death_in_admission_warn(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {"phase.discharge.score": 3, "phase.discharge.comment": "Discharge was planned well."}
    [issue] = found(v2, full2, "R7.discharge_phase_after_death_in_admission")
    assert issue.severity is Severity.WARNING
    assert issue.question_id == "phase.discharge.score"
    assert not found(v2, full2, "R7.discharge_phase_after_death_in_admission", DISCHARGED)


@pytest.mark.parametrize("phase", ["phase.discharge.score", "phase.after_discharge.score"])
def test_unanswered_discharge_phases_are_offered_on_arrival_after_death_in_admission(
    v2: ReviewDefinition, full2: dict[str, Any], phase: str
) -> None:
    code = "R7.discharge_phase_after_death_in_admission"
    del full2[phase]
    [issue] = found(v2, full2, code)
    assert (issue.question_id, issue.severity) == (phase, Severity.WARNING)
    assert not found(v2, full2, code, DISCHARGED), "a discharge date: nothing to offer"
    assert not found(v2, full2 | {phase: "not_applicable"}, code), "settled: left alone"
    records_missing = full2 | {"outcome.type": "records_missing"}
    assert not found(v2, records_missing, code), "a phase not asked is not offered"


def test_theme_issue_with_no_problems_in_care_warns(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {
        "theme.fluids.issue": "yes",
        "theme.fluids.setting": ["acute_hospital"],
        "theme.fluids.phase": ["ongoing"],
        "theme.fluids.comment": "Fluid balance charts were not kept for two days.",
    }
    [issue] = found(v2, full2, "R7.theme_issue_without_problems")
    assert issue.severity is Severity.WARNING
    full2 |= {"problems.any": "yes", "problems.items": [problem(**{"problems.item.harm": "no"})]}
    assert validate(v2, full2, CASE).issues == ()


def test_poor_overall_care_with_no_problems_warns(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {"phase.overall.score": 2, "phase.overall.comment": LONG_COMMENT}
    assert found(v2, full2, "R7.poor_care_without_problems")
    full2 |= {"problems.any": "yes", "problems.items": [problem(**{"problems.item.harm": "no"})]}
    assert not found(v2, full2, "R7.poor_care_without_problems")


def test_strongly_avoidable_with_only_low_harm_warns(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    low = problem(**{"problems.item.harm": "yes", "problems.item.severity": "low"})
    full2 |= {"problems.any": "yes", "problems.items": [low]}
    full2["avoidability.grade"] = {"scale": "hogan", "grade": 5}  # RCP 2
    assert found(v2, full2, "R7.avoidable_with_low_harm")
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 3}
    assert not found(v2, full2, "R7.avoidable_with_low_harm")
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 2}
    low["answers"]["problems.item.severity"] = "severe"
    assert not found(v2, full2, "R7.avoidable_with_low_harm")


def test_cohort_learning_disability_against_the_reviewers_no_warns(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    cohort_yes = make_case(learning_disability=Tristate.YES)
    assert found(v2, full2, "R7.cohort_learning_disability", cohort_yes)
    assert not found(v2, full2, "R7.cohort_learning_disability", CASE)
    full2["screening.learning_disability"] = "unknown"  # unknown is not "no"
    assert not found(v2, full2, "R7.cohort_learning_disability", cohort_yes)


def test_family_concerns_with_no_second_review_warn(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2["screening.concerns_family"] = "yes"
    assert found(v2, full2, "R7.family_concerns_no_second_review")
    full2 |= {"second_review.requested": "yes", "second_review.reason": "The family's concerns."}
    assert not found(v2, full2, "R7.family_concerns_no_second_review")
    assert validate(v2, full2, CASE).can_sign


def test_death_from_a_problem_with_rcp_5_or_6_warns(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    fatal = problem(**{"problems.item.harm": "yes", "problems.item.severity": "death"})
    full2 |= {"problems.any": "yes", "problems.items": [fatal]}
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 5}
    assert found(v2, full2, "R4.death_from_harm_not_avoidable")
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 4}
    assert not found(v2, full2, "R4.death_from_harm_not_avoidable")
    fatal["answers"]["problems.item.harm"] = "probably"
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 6}
    assert not found(v2, full2, "R4.death_from_harm_not_avoidable")


# --- judgement comments judged by content -----------------------------------------------------


@pytest.mark.parametrize("text", ["x" * 120, "." * 150, "ok", "Fine, fine, fine, fine."])
def test_a_comment_of_one_character_or_a_word_or_two_does_not_count(
    v2: ReviewDefinition, full2: dict[str, Any], text: str
) -> None:
    full2["phase.ongoing.comment"] = text
    codes = {i.code for i in validate(v2, full2, CASE).errors}
    assert "R2.comment_required" in codes
    full2["phase.ongoing.comment"] = "Plans were clear and acted on."
    assert validate(v2, full2, CASE).can_sign


def test_a_low_score_needs_a_substantial_comment_by_content(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2["phase.ongoing.score"] = 2
    full2["phase.ongoing.comment"] = "poor " * 40  # 200 characters, one word
    assert found(v2, full2, "R2.substantial_comment")
    full2["phase.ongoing.comment"] = LONG_COMMENT
    assert not found(v2, full2, "R2.substantial_comment")


def test_theme_comments_are_judged_by_content(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= {
        "theme.fluids.good_practice": "yes",
        "theme.fluids.setting": ["acute_hospital"],
        "theme.fluids.phase": ["ongoing"],
        "theme.fluids.comment": "zzzzzzzz",
    }
    assert "R1.text_too_short" in {i.code for i in validate(v2, full2, CASE).errors}
    full2["theme.fluids.comment"] = "Fluid balance was charted hourly."
    assert validate(v2, full2, CASE).issues == ()


def _escalation(**more: Any) -> dict[str, Any]:
    answers = {
        "escalation.item.destination": ["provider_patient_safety"],
        "escalation.item.organisations": "Synthetic Acute Trust",
        "escalation.item.phase": "ongoing",
        "escalation.item.description": "Observations were not repeated for eleven hours.",
        "escalation.item.family_aware": "unknown",
        "escalation.item.duty_of_candour": "unsure",
        "escalation.item.duty_of_candour_provider": "Synthetic Acute Trust",
    }
    return {"id": "e1", "answers": answers | more}
