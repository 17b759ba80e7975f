"""The escalation log as read: returned escalations from the signed reviews (v1 and the v2
shape), their status and overdue acknowledgements against a fixed clock, and what an
amendment does to a logged escalation."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from reviewer_app.domain.records import EscalationStatus
from reviewer_app.services.records.escalation_log import (
    NOT_ASKED,
    escalation_entries,
    overdue_acknowledgements,
    withdrawn_escalations,
)
from reviewer_app.services.records.escalation_updates import update_escalation
from reviewer_app.services.study import Study
from tests.unit.records.conftest import (
    NOW,
    TODAY,
    case_refs,
    content,
    escalation_item,
    fixed_clock,
    put_review,
)

S = EscalationStatus


def _one(study: Study, **item: object) -> str:
    case = case_refs(study)[0]
    put_review(study, "R01", content(case, [escalation_item(**item)]))
    return f"{case}/R01/e1"


def test_a_returned_escalation_is_read_from_the_signed_review(study: Study) -> None:
    case = case_refs(study)[0]
    items = [escalation_item("e1"), escalation_item("e2", triggers=["conduct"], harm="no")]
    put_review(study, "R02", content(case, items))
    first, second = escalation_entries(study)
    assert (first.esc_id, second.esc_id) == (f"{case}/R02/e1", f"{case}/R02/e2")
    assert first.triggers == ("harm",) and not first.triggers_derived
    assert first.trigger_labels == ("Problem in care that led to harm",)
    assert first.destination_labels == ("Provider patient-safety team (ICB oversight)",)
    assert first.phase_label == "Ongoing care"
    assert (first.harm, first.harm_severity) == ("yes", "severe")
    assert first.avoidability is not None and first.avoidability.rcp_grade == 3
    assert first.care_date == date(2026, 1, 12)
    assert first.duty_of_candour.required == "yes"
    assert first.duty_of_candour.notified is None  # not recorded yet: not "no"
    assert first.status is S.TO_SEND and first.sent_date is None  # the form said draft
    assert first.lead_organisation == "Northfield Acute Hospitals NHS Trust"
    assert second.triggers == ("conduct",) and second.harm == "no"
    assert first.history == ()


def test_no_escalation_when_the_decision_is_not_to_escalate_or_nothing_is_listed(
    study: Study,
) -> None:
    first, second, third = case_refs(study)[:3]
    put_review(study, "R01", content(first, [escalation_item()], decision="not_escalating"))
    put_review(study, "R01", content(second, None))
    put_review(study, "R01", content(third, []))
    assert escalation_entries(study) == []


def test_the_v2_shape_derives_triggers_harm_and_avoidability_from_the_review(
    study: Study,
) -> None:
    case = case_refs(study)[0]
    problems = [
        {
            "id": "p1",
            "answers": {"problems.item.harm": "probably", "problems.item.severity": "low"},
        },
        {"id": "p2", "answers": {"problems.item.harm": "yes", "problems.item.severity": "severe"}},
        {"id": "p3", "answers": {"problems.item.harm": "no"}},
    ]
    item = escalation_item(triggers=None, harm=None, harm_severity=None, avoidability=None)
    item["answers"]["escalation.item.duty_of_candour"] = {"state": NOT_ASKED}
    extra = {
        "problems.any": {"state": "answered", "value": "yes"},
        "problems.items": {"state": "answered", "value": problems},
        "escalation.safeguarding_concern": {"state": "answered", "value": "no"},
        "escalation.conduct_concern": {"state": "not_asked"},
    }
    put_review(study, "R01", content(case, [item], extra=extra))
    (entry,) = escalation_entries(study)
    # avoidability RCP 3 and a problem with harm "yes" fire; the conduct question not asked
    assert entry.triggers == ("avoidability", "harm") and entry.triggers_derived
    assert (entry.harm, entry.harm_severity) == ("yes", "severe")
    assert entry.avoidability is not None and entry.avoidability.rcp_grade == 3
    assert entry.duty_of_candour.required == NOT_ASKED  # distinct from unanswered (None)


def test_a_v2_review_gives_triggers_scores_and_candour_follow_up(study: Study) -> None:
    """Definition v2 asks none of triggers, harm, avoidability, scores or status in the item:
    they come from the review (v2's own triggers, immediate safety among them)."""
    case = case_refs(study)[0]
    v2_item = {
        "id": "e1",
        "answers": {
            "escalation.item.destination": ["provider_patient_safety", "coroner"],
            "escalation.item.organisations": "Acute Trust; Community Trust",
            "escalation.item.phase": "ongoing",
            "escalation.item.description": "Deterioration was not escalated overnight.",
            "escalation.item.family_aware": "yes",
            "escalation.item.duty_of_candour": "yes",
            "escalation.item.duty_of_candour_notified_date": "2026-03-02",
            "escalation.item.duty_of_candour_notified_by": "Ward manager",
        },
    }
    problem = {"problems.item.harm": "probably", "problems.item.severity": "death"}
    answered = {
        "avoidability.grade": {"scale": "hogan", "grade": 5},  # = RCP 2
        "problems.any": "yes",
        "problems.items": [{"id": "p1", "answers": problem}],
        "phase.ongoing.score": 1,
        "phase.overall.score": 2,
        "phase.admission.score": 4,
        "immediate.concern": "yes",
        "escalation.safeguarding_concern": "no",
        "escalation.conduct_concern": "no",
    }
    extra = {k: {"state": "answered", "value": v} for k, v in answered.items()}
    put_review(study, "R03", content(case, [v2_item], extra=extra, definition_version="2"))
    (entry,) = escalation_entries(study)
    assert entry.definition_version == "2"
    assert entry.triggers == ("avoidability", "harm", "very_poor_care", "immediate_safety")
    assert entry.triggers_derived
    assert entry.trigger_labels[-1] == "Immediate safety concern (a risk to current patients)"
    assert (entry.harm, entry.harm_severity) == ("probably", "death")
    assert entry.avoidability is not None and entry.avoidability.rcp_grade == 2
    assert entry.scores == "Ongoing care: 1 (Very poor); Overall care: 2 (Poor)"
    doc = entry.duty_of_candour
    assert (doc.notified, doc.notified_on, doc.notified_by) == (
        "yes",
        date(2026, 3, 2),
        "Ward manager",
    )
    assert entry.status is S.TO_SEND and entry.review_status is None


def test_a_sent_escalation_is_overdue_five_working_days_after_sending(study: Study) -> None:
    # sent Friday 13 March 2026: 5 working days later is Friday 20 March (weekend skipped)
    esc = _one(study, status="sent", date_sent="2026-03-13", external_reference="PSE-1")
    (entry,) = escalation_entries(study)
    assert entry.status is S.SENT and entry.sent_date == date(2026, 3, 13)
    assert entry.reference == "PSE-1"
    assert entry.acknowledgement_due == date(2026, 3, 20)
    assert not entry.overdue(date(2026, 3, 20))
    assert entry.overdue(date(2026, 3, 21))
    assert entry.overdue(date(2026, 3, 17), working_days=1)  # configurable: due Monday 16th
    assert overdue_acknowledgements([entry], date(2026, 3, 23)) == [entry]
    later = datetime(2026, 3, 23, 9, tzinfo=NOW.tzinfo)
    done = update_escalation(study, esc, status=S.ACKNOWLEDGED, clock=fixed_clock(later))
    assert not done.overdue(date(2026, 4, 30))  # acknowledged: never overdue again


def test_sent_without_a_date_is_never_overdue(study: Study) -> None:
    _one(study, status="sent")
    (entry,) = escalation_entries(study)
    assert entry.status is S.SENT and entry.sent_date is None
    assert not entry.overdue(TODAY + timedelta(days=60))


def test_an_amended_review_keeps_the_escalation_history(study: Study) -> None:
    case = case_refs(study)[0]
    put_review(study, "R01", content(case, [escalation_item()]))
    esc = f"{case}/R01/e1"
    update_escalation(study, esc, status=S.SENT, clock=fixed_clock())
    put_review(study, "R01", content(case, [escalation_item(harm="probably")], version=2))
    (entry,) = escalation_entries(study)
    assert entry.version == 2 and entry.harm == "probably"
    assert entry.status is S.SENT and len(entry.history) == 1
    assert withdrawn_escalations(study) == []
    put_review(study, "R01", content(case, [escalation_item("e2")], version=3))
    assert [e.esc_id for e in escalation_entries(study)] == [f"{case}/R01/e2"]
    assert withdrawn_escalations(study) == [esc]  # taken out by the amendment, history kept


def test_a_real_signed_content_is_read_as_the_form_wrote_it(definition) -> None:  # type: ignore[no-untyped-def]
    """The demo's answer generator and the real canonical content, not a hand-made shape."""
    from reviewer_app.services.demo.practice_answers import escalating_answers
    from reviewer_app.services.demo.synthetic import synthetic_cases
    from reviewer_app.services.records.review_escalations import escalations_in
    from reviewer_app.services.signing.canonical import canonical_content
    from reviewer_app.storage.audit import AuditHead

    case = synthetic_cases(1, seed=5)[0]
    answers = escalating_answers(definition, case, seed=5)
    assert answers.get("escalation.decision") == "escalate"
    signed = canonical_content(
        case=case,
        definition=definition,
        answers=answers,
        version=1,
        outcome="full_review",
        outcome_reason=None,
        supersedes_version=None,
        amendment_reason=None,
        audit_head=AuditHead(1, "0" * 64),
    ).document
    found = escalations_in(signed, definition)
    items = answers["escalation.items"]
    assert isinstance(items, list) and len(found) == len(items) >= 1
    first, typed = found[0], items[0]["answers"]  # type: ignore[index]
    assert first.item_id == items[0]["id"]  # type: ignore[index]
    assert first.destinations == tuple(typed["escalation.item.destination"])
    assert first.description == typed["escalation.item.description"]
    assert first.triggers  # typed (v1) or derived (v2): never empty for an escalation
