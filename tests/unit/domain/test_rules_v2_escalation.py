"""Definition v2: the escalation record is built from the review, not typed again.

Every finding is tested on both sides: the contradiction is refused, the coherent record passes.
"""

from __future__ import annotations

from typing import Any

import pytest

from reviewer_app.domain.definition import ReviewDefinition, Severity
from reviewer_app.domain.escalation_facts import escalation_facts
from reviewer_app.domain.triggers import escalation_triggers, second_review_triggers
from reviewer_app.domain.validation import validate
from tests.support.review_fixtures import LONG_COMMENT, make_case

CASE = make_case()
TRACKING = {"triggers", "harm", "harm_severity", "avoidability", "scores", "date_sent"}


def harmful(harm: str = "yes", severity: str = "moderate") -> dict[str, Any]:
    answers = {
        "problems.item.type": "monitoring",
        "problems.item.phase": "ongoing",
        "problems.item.setting": "acute_hospital",
        "problems.item.harm": harm,
        "problems.item.severity": severity,
    }
    return {"problems.any": "yes", "problems.items": [{"id": "p1", "answers": answers}]}


def escalation(**more: Any) -> dict[str, Any]:
    answers = {
        "escalation.item.destination": ["provider_patient_safety"],
        "escalation.item.organisations": "Synthetic Acute Trust",
        "escalation.item.phase": "ongoing",
        "escalation.item.description": "Observations were not repeated for eleven hours.",
        "escalation.item.family_aware": "unknown",
        "escalation.item.duty_of_candour": "yes",
        "escalation.item.duty_of_candour_provider": "Synthetic Acute Trust",
    }
    return {"id": "e1", "answers": answers | more}


def escalate(*items: dict[str, Any]) -> dict[str, Any]:
    return {"escalation.decision": "escalate", "escalation.items": list(items or [escalation()])}


def codes(v2: ReviewDefinition, answers: dict[str, Any]) -> set[str]:
    return {i.code for i in validate(v2, answers, CASE).errors}


def test_the_escalation_asks_only_what_the_reviewer_knows(v2: ReviewDefinition) -> None:
    group = v2.question("escalation.items")
    asked = {q.id.removeprefix("escalation.item.") for q in group.item_questions}  # type: ignore[union-attr]
    assert not asked & TRACKING
    assert not asked & {"status", "external_reference"}  # tracking is the coordinator's log
    assert {"destination", "organisations", "lead_organisation", "phase", "care_date"} <= asked
    assert {"description", "family_aware", "duty_of_candour"} <= asked
    assert "does not discharge" in v2.question("escalation.item.duty_of_candour").help


def test_an_escalated_harmful_review_signs(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= harmful() | escalate()
    assert validate(v2, full2, CASE).issues == ()


# --- triggers ----------------------------------------------------------------------------------


def test_probably_led_to_death_triggers_like_yes(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    for harm, severity, fires in [
        ("yes", "low", True),
        ("probably", "death", True),
        ("probably", "severe", False),
        ("no", "death", False),
    ]:
        answers = full2 | harmful(harm, severity)
        assert ("harm" in {t.id for t in escalation_triggers(v2, answers)}) is fires
        assert ("harm" in {t.id for t in second_review_triggers(v2, answers)}) is fires


def test_an_immediate_safety_concern_is_an_escalation_trigger(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {
        "immediate.concern": "yes",
        "immediate.who_told": "Duty patient-safety manager",
        "immediate.told_at": "2024-06-01T10:30",
    }
    assert "immediate_safety" in {t.id for t in escalation_triggers(v2, full2)}
    assert "R4.escalation_decision_required" in codes(v2, full2)
    full2 |= escalate()
    assert validate(v2, full2, CASE).can_sign


# --- destinations follow the trigger -----------------------------------------------------------


def test_destinations_follow_the_trigger_others_added_not_substituted(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    coroner_only = escalation(**{"escalation.item.destination": ["coroner"]})
    full2 |= harmful() | escalate(coroner_only)
    [issue] = validate(v2, full2, CASE).with_code("R4.trigger_destination_missing")
    assert "patient-safety" in issue.message.lower()
    assert issue.question_id == "escalation.items"
    both = escalation(**{"escalation.item.destination": ["provider_patient_safety", "coroner"]})
    full2 |= escalate(both)
    assert validate(v2, full2, CASE).issues == ()


def test_safeguarding_goes_to_safeguarding(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= {"escalation.safeguarding_concern": "yes"} | escalate()
    assert "R4.trigger_destination_missing" in codes(v2, full2)
    item = escalation(**{"escalation.item.destination": ["safeguarding"]})
    full2 |= escalate(item)
    assert validate(v2, full2, CASE).can_sign


def test_learning_disability_goes_to_leder(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= harmful() | escalate()
    full2 |= {"screening.learning_disability": "yes", "screening.leder_reference": "LDR-40211"}
    assert "R4.leder_destination_missing" in codes(v2, full2)
    item = escalation(**{"escalation.item.destination": ["provider_patient_safety", "leder"]})
    full2 |= escalate(item)
    assert validate(v2, full2, CASE).can_sign


# --- not escalating ----------------------------------------------------------------------------


def _not_escalating() -> dict[str, Any]:
    return {
        "escalation.decision": "not_escalating",
        "escalation.not_escalating_reason": "The trust investigates already; see its reference.",
    }


def test_not_escalating_an_avoidable_death_is_an_error_unless_under_investigation(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= harmful() | _not_escalating() | {"avoidability.grade": {"scale": "rcp", "grade": 3}}
    full2["phase.overall.score"] = 3
    assert "R4.not_escalating_avoidable" in codes(v2, full2)
    full2 |= {
        "screening.existing_process": "yes",
        "screening.existing_process_types": ["complaint"],
        "screening.existing_process_reference": "CMP-2231",
    }
    assert "R4.not_escalating_avoidable" in codes(v2, full2)  # a complaint is not a PSII
    full2["screening.existing_process_types"] = ["incident_investigation"]
    assert "R4.not_escalating_avoidable" not in codes(v2, full2)
    del full2["screening.existing_process_reference"]  # "with its reference"
    assert "R4.not_escalating_avoidable" in codes(v2, full2)


def test_not_escalating_a_safeguarding_concern_is_an_error_unless_under_review(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= {"escalation.safeguarding_concern": "yes"} | _not_escalating()
    assert "R4.not_escalating_safeguarding" in codes(v2, full2)
    full2 |= {
        "screening.existing_process": "yes",
        "screening.existing_process_types": ["safeguarding"],
        "screening.existing_process_reference": "SG-0912",
    }
    assert validate(v2, full2, CASE).can_sign


def test_not_escalating_harm_with_a_reason_is_allowed(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= harmful() | _not_escalating()
    assert validate(v2, full2, CASE).can_sign


# --- Duty of Candour -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("severity", "needs_reason"),
    [
        ("low", False),
        ("moderate", True),
        ("prolonged_psychological", True),
        ("severe", True),
        ("death", True),
    ],
)
def test_duty_of_candour_no_with_serious_harm_needs_a_reason(
    v2: ReviewDefinition, full2: dict[str, Any], severity: str, needs_reason: bool
) -> None:
    no = escalation(**{"escalation.item.duty_of_candour": "no"})
    full2 |= harmful("yes", severity) | escalate(no)
    if severity == "death":
        full2["avoidability.grade"] = {"scale": "rcp", "grade": 4}
    assert ("R4.duty_of_candour_no_reason" in codes(v2, full2)) is needs_reason
    no["answers"]["escalation.item.duty_of_candour_no_reason"] = "zz"
    assert ("R4.duty_of_candour_no_reason" in codes(v2, full2)) is needs_reason
    no["answers"]["escalation.item.duty_of_candour_no_reason"] = (
        "The trust met Duty of Candour through its complaint response."
    )
    assert validate(v2, full2, CASE).can_sign


def test_duty_of_candour_notified_date_and_by_whom(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    item = escalation(
        **{
            "escalation.item.duty_of_candour_notified_date": "2024-01-28",
            "escalation.item.duty_of_candour_notified_by": "Head of patient safety",
        }
    )
    full2 |= harmful() | escalate(item)
    assert validate(v2, full2, CASE).issues == ()
    item["answers"]["escalation.item.duty_of_candour_notified_date"] = "2024-01-02"
    report = validate(v2, full2, CASE)
    assert report.can_sign
    assert [i.code for i in report.warnings] == ["R6.answer_date"]  # before the death


# --- the facts, taken from the review -------------------------------------------------------------


def test_escalation_facts_come_from_the_review(v2: ReviewDefinition, full2: dict[str, Any]) -> None:
    full2 |= harmful("probably", "severe")
    full2["problems.items"].append(
        {
            "id": "p2",
            "answers": {
                "problems.item.type": "medication",
                "problems.item.phase": "admission",
                "problems.item.setting": "acute_hospital",
                "problems.item.harm": "yes",
                "problems.item.severity": "moderate",
            },
        }
    )
    full2 |= {
        "avoidability.grade": {"scale": "hogan", "grade": 4},
        "phase.ongoing.score": 2,
        "phase.ongoing.comment": LONG_COMMENT,
    }
    facts = escalation_facts(v2, full2)
    assert [t.id for t in facts.triggers] == ["avoidability", "harm"]
    assert facts.worst_harm == "Yes"
    assert facts.worst_severity == "Severe harm"  # the worst among all harmful problems
    assert "Probably avoidable" in facts.avoidability and "Hogan grade 4" in facts.avoidability
    scores = dict(facts.care_scores)
    assert scores["Ongoing care"] == "2 – Poor"
    assert scores["Discharge and transfer"] == "Not applicable"
    assert all(not text.isdigit() for _, text in facts.rows())  # labels, never bare numbers


def test_escalation_facts_when_nothing_was_found(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    facts = escalation_facts(v2, full2)
    assert facts.triggers == ()
    assert facts.worst_harm == "None recorded"
    assert facts.worst_severity == "Not applicable"
    assert facts.avoidability.startswith("Slight evidence")
    assert dict(facts.rows())["Triggers (from the review)"] == "None"
    empty = escalation_facts(v2, {})
    assert (empty.worst_harm, empty.avoidability) == ("None recorded", "Not answered")


def test_harm_yes_death_with_rcp_5_is_a_warning_not_an_error(
    v2: ReviewDefinition, full2: dict[str, Any]
) -> None:
    full2 |= harmful("yes", "death") | escalate(
        escalation(**{"escalation.item.duty_of_candour": "yes"})
    )
    full2["avoidability.grade"] = {"scale": "rcp", "grade": 5}
    report = validate(v2, full2, CASE)
    assert report.can_sign
    [issue] = report.with_code("R4.death_from_harm_not_avoidable")
    assert issue.severity is Severity.WARNING
