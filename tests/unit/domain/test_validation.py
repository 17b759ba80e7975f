"""The ten sign-off rules of review-method.md, each with a passing and a failing case.

These are the rules of definition v1, run against v1 (``d`` below): a review made under v1
keeps validating as v1 after v2 ships. The rules v2 adds are tested in ``test_rules_v2_*.py``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer_app.domain.definition import (
    ReviewDefinition,
    default_definition,
    load_definition_version,
)
from reviewer_app.domain.validation import (
    ChangeKind,
    Severity,
    ValidationReport,
    changed_fields,
    validate,
)
from tests.support.review_fixtures import LONG_COMMENT, make_case, outcome_only

CASE = make_case()


@pytest.fixture
def d() -> ReviewDefinition:
    """Definition v1, as a review made under it is read (not the newest bundled version)."""
    return load_definition_version("nhs-mortality-review", 1)


def check(d: ReviewDefinition, answers: dict[str, Any], case: Any = CASE) -> ValidationReport:
    return validate(d, answers, case)


def with_problem(full: dict[str, Any], **item: Any) -> dict[str, Any]:
    answers = {"problems.item.type": "monitoring", **item}
    return full | {"problems.any": "yes", "problems.items": [{"id": "p1", "answers": answers}]}


def test_complete_full_review_passes_with_no_issue(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    report = check(d, full)
    assert report.issues == ()
    assert report.can_sign


# --- rule 1: what a full review needs; other outcomes need only reason and screening ----------


@pytest.mark.parametrize(
    "missing",
    [
        "phase.overall.score",
        "avoidability.grade",
        "screening.learning_disability",
        "records.reviewed",
        "phase.procedure.score",
        "theme.medicines.issue",
        "theme.medicines.good_practice",
    ],
)
def test_rule1_full_review_needs_its_core_answers(
    d: ReviewDefinition, full: dict[str, Any], missing: str
) -> None:
    del full[missing]
    report = check(d, full)
    assert not report.can_sign
    assert [(i.code, i.question_id) for i in report.errors] == [("R1.required", missing)]
    assert report.errors[0].missing


def test_rule1_a_phase_marked_not_applicable_counts(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full["phase.procedure.score"] = "not_applicable"
    del full["phase.procedure.comment"]
    assert check(d, full).can_sign


def test_rule1_overall_care_cannot_be_not_applicable(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full["phase.overall.score"] = "not_applicable"
    assert "R10.invalid_value" in check(d, full).codes
    assert not check(d, full).can_sign


@pytest.mark.parametrize("outcome", ["records_missing", "handed_back", "outside_method"])
def test_rule1_other_outcomes_need_only_reason_and_screening(
    d: ReviewDefinition, outcome: str
) -> None:
    answers = outcome_only(outcome)
    assert check(d, answers).can_sign
    del answers["outcome.reason"]
    assert [i.question_id for i in check(d, answers).errors] == ["outcome.reason"]
    answers = outcome_only(outcome)
    del answers["screening.severe_mental_illness"]
    assert [i.question_id for i in check(d, answers).errors] == ["screening.severe_mental_illness"]


def test_rule1_other_outcome_ignores_hidden_full_review_answers(d: ReviewDefinition) -> None:
    # Scored a phase as 1 (a trigger) before finding records missing: nothing fires.
    answers = outcome_only("records_missing") | {"phase.ongoing.score": 1}
    assert check(d, answers).issues == ()


def test_rule1_conflict_must_be_handed_back(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["screening.conflict_of_interest"] = "yes"
    assert "R1.conflict_hand_back" in {i.code for i in check(d, full).errors}


def test_rule1_child_death_is_outside_the_method(d: ReviewDefinition, full: dict[str, Any]) -> None:
    child = make_case(date_of_birth=date(2010, 1, 1))
    assert "R1.child_death" in {i.code for i in check(d, full, child).errors}
    assert check(d, outcome_only("outside_method"), child).can_sign
    full["screening.death_category"] = "maternal"
    assert "R1.outside_method" in {i.code for i in check(d, full).errors}


def test_rule1_theme_issue_needs_setting_phase_and_comment(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full["theme.fluids.issue"] = "yes"
    missing = {i.question_id for i in check(d, full).errors}
    assert missing == {"theme.fluids.setting", "theme.fluids.phase", "theme.fluids.comment"}
    full |= {
        "theme.fluids.setting": ["acute_hospital"],
        "theme.fluids.phase": ["ongoing"],
        "theme.fluids.comment": "Fluid balance charts were not kept for two days.",
    }
    assert check(d, full).can_sign


# --- rule 2: scored phases need a judgement; 1-2 a substantial one ------------------------------


def test_rule2_scored_phase_needs_a_comment(d: ReviewDefinition, full: dict[str, Any]) -> None:
    del full["phase.ongoing.comment"]
    report = check(d, full)
    assert [(i.code, i.question_id) for i in report.errors] == [
        ("R2.comment_required", "phase.ongoing.comment")
    ]


@pytest.mark.parametrize("score", [1, 2])
def test_rule2_low_score_needs_a_substantial_comment(
    d: ReviewDefinition, full: dict[str, Any], score: int
) -> None:
    full["phase.ongoing.score"] = score
    full["phase.ongoing.comment"] = "Poor care."
    full["escalation.decision"] = "not_escalating"
    full["escalation.not_escalating_reason"] = "Already investigated by the trust; no new concern."
    codes = [i.code for i in check(d, full).errors]
    assert codes == ["R2.substantial_comment"]
    full["phase.ongoing.comment"] = LONG_COMMENT
    assert check(d, full).can_sign


def test_rule2_whitespace_does_not_make_a_comment_substantial(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full["phase.ongoing.score"] = 2
    full["phase.ongoing.comment"] = "Poor." + " " * 200
    assert "R2.substantial_comment" in check(d, full).codes


# --- rule 3: harm yes / probably needs phase, setting, severity -------------------------------


@pytest.mark.parametrize("harm", ["yes", "probably"])
def test_rule3_harm_needs_phase_setting_severity(
    d: ReviewDefinition, full: dict[str, Any], harm: str
) -> None:
    answers = with_problem(full, **{"problems.item.harm": harm})
    answers |= {"escalation.decision": "not_escalating"}
    answers |= {"escalation.not_escalating_reason": "The provider already investigates this."}
    report = check(d, answers)
    r3 = report.with_code("R3.harm_details_required")
    assert {(i.question_id, i.item_id) for i in r3} == {
        ("problems.item.phase", "p1"),
        ("problems.item.setting", "p1"),
        ("problems.item.severity", "p1"),
    }
    assert all(i.location.startswith("problems.items[p1].") for i in r3)
    item = answers["problems.items"][0]["answers"]
    item |= {
        "problems.item.phase": "ongoing",
        "problems.item.setting": "acute_hospital",
        "problems.item.severity": "moderate",
    }
    assert not check(d, answers).with_code("R3.harm_details_required")


def test_rule3_no_harm_needs_no_details(d: ReviewDefinition, full: dict[str, Any]) -> None:
    answers = with_problem(full, **{"problems.item.harm": "no"})
    assert check(d, answers).can_sign


def test_problems_yes_needs_at_least_one_problem(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["problems.any"] = "yes"
    assert [i.question_id for i in check(d, full).errors] == ["problems.items"]
    full["problems.items"] = []
    assert [i.code for i in check(d, full).errors] == ["R1.too_few_items"]


# --- rule 4: triggers need a decision; escalations need Duty of Candour; warn ------------------


def test_rule4_trigger_needs_escalation_decision(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["escalation.safeguarding_concern"] = "yes"
    report = check(d, full)
    assert [(i.code, i.question_id) for i in report.errors] == [
        ("R4.escalation_decision_required", "escalation.decision")
    ]
    assert "Safeguarding concern" in report.errors[0].message
    full["escalation.decision"] = "not_escalating"
    assert [i.question_id for i in check(d, full).errors] == ["escalation.not_escalating_reason"]
    full["escalation.not_escalating_reason"] = "Safeguarding team already involved at the time."
    assert check(d, full).can_sign


def escalation(**changes: Any) -> dict[str, Any]:
    answers = {
        "escalation.item.triggers": ["safeguarding"],
        "escalation.item.destination": ["safeguarding"],
        "escalation.item.organisations": "Acute trust",
        "escalation.item.phase": "ongoing",
        "escalation.item.description": "Unexplained bruising was not investigated or reported.",
        "escalation.item.harm": "no",
        "escalation.item.family_aware": "unknown",
        "escalation.item.status": "draft",
        "escalation.item.duty_of_candour": "no",
    }
    answers.update(changes)
    return {"id": "e1", "answers": {k: v for k, v in answers.items() if v is not None}}


def test_rule4_escalation_needs_duty_of_candour(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full |= {"escalation.safeguarding_concern": "yes", "escalation.decision": "escalate"}
    assert [i.question_id for i in check(d, full).errors] == ["escalation.items"]
    full["escalation.items"] = [escalation(**{"escalation.item.duty_of_candour": None})]
    report = check(d, full)
    assert [(i.code, i.item_id) for i in report.errors] == [("R4.duty_of_candour_required", "e1")]
    full["escalation.items"] = [escalation(**{"escalation.item.duty_of_candour": "unsure"})]
    assert [i.code for i in check(d, full).errors] == ["R4.duty_of_candour_provider"]
    full["escalation.items"] = [
        escalation(
            **{
                "escalation.item.duty_of_candour": "unsure",
                "escalation.item.duty_of_candour_provider": "Acute trust",
            }
        )
    ]
    assert check(d, full).can_sign


@pytest.mark.parametrize(
    ("grade", "warned"),
    [
        ({"scale": "rcp", "grade": 3}, True),
        ({"scale": "hogan", "grade": 4}, True),
        ({"scale": "rcp", "grade": 4}, False),
        ({"scale": "hogan", "grade": 3}, False),
    ],
)
def test_rule4_avoidable_without_harm_warns_on_both_scales(
    d: ReviewDefinition, full: dict[str, Any], grade: dict[str, Any], warned: bool
) -> None:
    full["avoidability.grade"] = grade
    full["escalation.decision"] = "escalate"
    full["escalation.items"] = [escalation()]
    report = check(d, full)
    assert ("R4.avoidable_without_harm" in report.codes) is warned
    assert report.can_sign  # a warning does not block
    for issue in report.with_code("R4.avoidable_without_harm"):
        assert issue.severity is Severity.WARNING


def test_rule4_avoidable_with_harm_recorded_does_not_warn(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    answers = with_problem(
        full,
        **{
            "problems.item.harm": "probably",
            "problems.item.phase": "ongoing",
            "problems.item.setting": "acute_hospital",
            "problems.item.severity": "severe",
        },
    )
    answers["avoidability.grade"] = {"scale": "rcp", "grade": 2}
    answers |= {"escalation.decision": "escalate", "escalation.items": [escalation()]}
    assert "R4.avoidable_without_harm" not in check(d, answers).codes


# --- rule 5: learning disability / autism needs LeDeR notification -----------------------------


@pytest.mark.parametrize("question", ["screening.learning_disability", "screening.autism"])
def test_rule5_leder_needed_for_ld_or_autism(
    d: ReviewDefinition, full: dict[str, Any], question: str
) -> None:
    full[question] = "yes"
    report = check(d, full)
    assert [(i.code, i.question_id) for i in report.errors] == [
        ("R5.leder_notification", "screening.leder_date")
    ]
    full["screening.leder_reference"] = "LD-2024-001"
    assert check(d, full).can_sign


def test_rule5_unknown_is_not_yes(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["screening.learning_disability"] = "unknown"
    assert check(d, full).can_sign


# --- rule 6: dates consistent -----------------------------------------------------------------


def test_rule6_case_dates_out_of_order(d: ReviewDefinition, full: dict[str, Any]) -> None:
    bad = make_case(admission_date=date(2024, 2, 1))  # admitted after death
    report = check(d, full, bad)
    assert [i.code for i in report.errors] == ["R6.dates_order"]
    assert report.errors[0].question_id is None
    assert check(d, full, make_case(discharge_date=date(2024, 1, 10))).can_sign


def test_rule6_death_over_30_days_after_discharge_warns(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    late = make_case(discharge_date=date(2023, 12, 1), admission_date=date(2023, 11, 20))
    report = check(d, full, late)
    assert [i.code for i in report.warnings] == ["R6.outside_cohort"]
    assert report.can_sign
    on_day_30 = make_case(discharge_date=date(2023, 12, 21), admission_date=date(2023, 12, 1))
    assert check(d, full, on_day_30).issues == ()


def test_rule6_answer_dates_checked_against_the_case(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full |= {"screening.learning_disability": "yes", "screening.leder_date": "2023-06-01"}
    assert [i.question_id for i in check(d, full).with_code("R6.answer_date")] == [
        "screening.leder_date"
    ]
    full["screening.leder_date"] = "2024-02-01"
    assert not check(d, full).with_code("R6.answer_date")


# --- rule 7: inconsistent judgements warn -------------------------------------------------------


def test_rule7_good_overall_with_avoidable_death(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full["phase.overall.score"] = 4
    full["avoidability.grade"] = {"scale": "hogan", "grade": 5}
    full |= {"escalation.decision": "escalate", "escalation.items": [escalation()]}
    assert "R7.good_care_avoidable" in {i.code for i in check(d, full).warnings}
    full["avoidability.grade"] = {"scale": "hogan", "grade": 3}
    assert "R7.good_care_avoidable" not in check(d, full).codes


def test_rule7_excellent_overall_with_harm(d: ReviewDefinition, full: dict[str, Any]) -> None:
    item = {
        "problems.item.harm": "yes",
        "problems.item.phase": "ongoing",
        "problems.item.setting": "acute_hospital",
        "problems.item.severity": "low",
    }
    answers = with_problem(full, **item) | {"phase.overall.score": 5}
    answers |= {"escalation.decision": "escalate", "escalation.items": [escalation()]}
    assert "R7.excellent_with_harm" in check(d, answers).codes
    answers["phase.overall.score"] = 4
    assert "R7.excellent_with_harm" not in check(d, answers).codes


def test_rule7_phase_1_with_good_overall(d: ReviewDefinition, full: dict[str, Any]) -> None:
    full |= {"phase.admission.score": 1, "phase.admission.comment": LONG_COMMENT}
    full |= {"escalation.decision": "escalate", "escalation.items": [escalation()]}
    full["phase.overall.score"] = 4
    assert "R7.very_poor_phase_good_overall" in check(d, full).codes
    full["phase.overall.score"] = 3
    assert "R7.very_poor_phase_good_overall" not in check(d, full).codes


# --- rule 8: identifiers in free text -----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NHS no 943 476 5919 on the drug chart.",
        "Ref 9434765919.",
        "Lives at LE1 5WW with daughter.",
        "Lives at le15ww.",
        "DOB 12/03/1940 on the wristband.",
        "born 12.3.40",
        "born 1940-03-12",
        "born 12th March 1940",
        "born March 12, 1940",
        "Mrs featherstonehaugh was seen late.",
        "Ada was seen late.",
    ],
)
def test_rule8_identifier_in_free_text_is_flagged(
    d: ReviewDefinition, full: dict[str, Any], text: str
) -> None:
    full["learning.poor_care"] = text
    report = check(d, full)
    flagged = report.with_code("R8.identifier_in_text")
    assert [i.question_id for i in flagged] == ["learning.poor_care"]
    # The message names the kind of identifier, never the identifier itself.
    for fragment in ("943", "LE1", "1940", "Featherstonehaugh", "Ada"):
        assert fragment.lower() not in flagged[0].message.lower()


@pytest.mark.parametrize(
    "text",
    [
        "Observations at 12/03/2024 were normal.",
        "Phone 07700 900123 was unanswered.",
        "Number 1234567890 is not a valid NHS number.",
        "Adam and Adaline were the nurses.",
        "Seen in bay 12, ward 5.",
    ],
)
def test_rule8_ordinary_text_is_not_flagged(
    d: ReviewDefinition, full: dict[str, Any], text: str
) -> None:
    full["learning.poor_care"] = text
    assert check(d, full).issues == ()


def test_rule8_names_match_nfc_normalised(d: ReviewDefinition, full: dict[str, Any]) -> None:
    case = make_case(given_names="Zoe\u0301")  # decomposed accent in the header
    full["learning.good_practice"] = "Zo\u00e9 was kept comfortable."
    assert check(d, full, case).with_code("R8.identifier_in_text")


def test_rule8_scans_group_items(d: ReviewDefinition, full: dict[str, Any]) -> None:
    answers = with_problem(
        full, **{"problems.item.harm": "no", "problems.item.comment": "Ada fell at night."}
    )
    flagged = check(d, answers).with_code("R8.identifier_in_text")
    assert [(i.question_id, i.item_id) for i in flagged] == [("problems.item.comment", "p1")]


# --- rule 9: amendments are diffs; storage enforces no change in place ------------------------


def test_rule9_changed_fields_lists_every_difference() -> None:
    old = {"a.x": "no", "a.y": 3, "a.z": ["gp"], "a.w": "unknown"}
    new = {"a.x": "no", "a.y": 4, "a.z": ["gp", "acute"], "a.v": "not_applicable"}
    changes = changed_fields(old, new)
    assert [(c.question_id, c.kind) for c in changes] == [
        ("a.v", ChangeKind.ADDED),
        ("a.w", ChangeKind.REMOVED),
        ("a.y", ChangeKind.CHANGED),
        ("a.z", ChangeKind.CHANGED),
    ]
    assert changed_fields(old, dict(old)) == []


def test_rule9_type_differences_are_changes() -> None:
    assert changed_fields({"a.b": 1}, {"a.b": True})
    assert changed_fields({"a.b": 1}, {"a.b": "1"})


# --- rule 10: unanswered, no, unknown, not applicable, cannot tell never confused --------------


def test_rule10_malformed_values_are_errors_not_crashes(
    d: ReviewDefinition, full: dict[str, Any]
) -> None:
    full["screening.autism"] = None
    full["phase.ongoing.score"] = "3"
    full["no.such.question"] = "yes"
    report = check(d, full)
    invalid = {i.question_id for i in report.with_code("R10.invalid_value")}
    assert invalid == {"screening.autism", "phase.ongoing.score"}
    assert [i.question_id for i in report.with_code("R10.unknown_question")] == ["no.such.question"]
    # An invalid value counts as unanswered for the requirement, too.
    assert {i.question_id for i in report.with_code("R1.required")} == {
        "screening.autism",
        "phase.ongoing.score",
    }


@pytest.mark.parametrize("value", ["no", "not_applicable", "cannot_tell"])
def test_rule10_each_special_value_is_an_answer(
    d: ReviewDefinition, full: dict[str, Any], value: str
) -> None:
    full["theme.fluids.issue"] = value
    assert check(d, full).can_sign
    del full["theme.fluids.issue"]
    assert not check(d, full).can_sign


# --- robustness ---------------------------------------------------------------------------------


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 8) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=8,
)


def _question_ids() -> list[str]:
    d = default_definition()
    return sorted(d.question_order())


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(_question_ids()) | st.text(max_size=8), json_values))
def test_validate_never_raises_on_random_answers(answers: dict[str, Any]) -> None:
    report = validate(default_definition(), answers, CASE)
    for issue in report.issues:
        assert issue.code and issue.message


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            qid: st.sampled_from(["yes", "no", "unknown", "not_applicable", "cannot_tell", 1, 2, 5])
            for qid in _question_ids()
        },
    )
)
def test_validate_never_raises_on_plausible_answers(answers: dict[str, Any]) -> None:
    report = validate(default_definition(), answers, CASE)
    assert isinstance(report.can_sign, bool)
