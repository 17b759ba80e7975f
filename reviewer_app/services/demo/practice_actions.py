"""The practice study's action plan: a plausible trust action plan, as the board paper that
seeded this product lays one out (work-streams under the review's themes, a lead role, a
monitoring committee, a due date and dated progress on the 0-5 scale).

Added through the real path (``records.action_plan``), with dates relative to the day the
practice study is built, so that it always has actions complete, on track, delayed, not yet
commenced, revised and overdue. SYNTHETIC DATA: the organisations are the synthetic cohort's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reviewer_app.domain.records import ActionStatus
from reviewer_app.services.records.action_plan import add_action, update_action
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now

ACUTE = "Northfield Acute Hospitals NHS Trust (SYNTHETIC)"
COMMUNITY = "Northfield Community Health NHS Trust (SYNTHETIC)"
ICB = "Northfield Integrated Care Board (SYNTHETIC)"
RECORDER = "practice coordinator"


@dataclass(frozen=True)
class _Plan:
    reference: str
    theme: str
    work_stream: str
    committee: str
    action: str
    lead: str
    organisation: str
    due_in_days: int  # from the build day (negative: already due)
    # (days before the build day, status, note), oldest first
    progress: tuple[tuple[int, ActionStatus, str], ...]


_S = ActionStatus
PRACTICE_ACTIONS: tuple[_Plan, ...] = (
    _Plan(
        "1.1",
        "deterioration",
        "Early warning scores",
        "Deteriorating Patient Board",
        "Roll out electronic observations with automatic escalation of a raised early warning "
        "score to the outreach team on every adult ward.",
        "Deputy Medical Director",
        ACUTE,
        -30,
        (
            (120, _S.NOT_COMMENCED, "Business case approved."),
            (75, _S.ON_TRACK, "Live on 18 of 24 adult wards."),
            (20, _S.COMPLETE, "Live on all adult wards; audit of escalation times started."),
        ),
    ),
    _Plan(
        "1.2",
        "deterioration",
        "Sepsis",
        "Deteriorating Patient Board",
        "Sepsis screening and antibiotics within one hour for patients with red-flag sepsis, "
        "audited monthly in the emergency department and on the assessment units.",
        "Clinical Lead for Sepsis",
        ACUTE,
        -10,
        (
            (90, _S.ON_TRACK, "Monthly audit in place: 78% within the hour."),
            (15, _S.SOME_DELAY, "84% within the hour; assessment units not yet audited."),
        ),
    ),
    _Plan(
        "2.1",
        "clinical_reasoning",
        "Clinical management plans",
        "Mortality Review Committee",
        "A documented management plan with a ceiling of treatment within 24 hours of "
        "admission, checked at the post-take ward round.",
        "Associate Medical Director",
        ACUTE,
        60,
        ((40, _S.ON_TRACK, "Template agreed; pilot on two medical wards."),),
    ),
    _Plan(
        "3.1",
        "senior_review",
        "Seven-day services",
        "Quality Assurance Committee",
        "Consultant review within 14 hours of emergency admission, seven days a week.",
        "Medical Director",
        ACUTE,
        -45,
        (
            (150, _S.ON_TRACK, "Weekday compliance 91%."),
            (30, _S.SIGNIFICANT_DELAY, "Weekend compliance 62%: consultant rota gaps."),
        ),
    ),
    _Plan(
        "3.2",
        "senior_review",
        "Ward-round standards",
        "Quality Assurance Committee",
        "Ward-round standards (board round, safety huddle, plan shared with the nurse in "
        "charge) adopted by every specialty.",
        "Chief Nurse",
        ACUTE,
        90,
        ((10, _S.NOT_COMMENCED, "Standards drafted for consultation."),),
    ),
    _Plan(
        "4.1",
        "palliative_care",
        "Recognising dying",
        "End of Life Care Board",
        "Use of the SPICT tool and the AMBER care bundle for patients whose recovery is "
        "uncertain, with training for every ward team.",
        "Lead Nurse for Palliative Care",
        COMMUNITY,
        30,
        (
            (100, _S.ON_TRACK, "Training delivered to 12 ward teams."),
            (25, _S.ON_TRACK, "AMBER care bundle in use on all medical wards."),
        ),
    ),
    _Plan(
        "5.1",
        "resuscitation_decisions",
        "Treatment-escalation plans",
        "Resuscitation Committee",
        "One treatment-escalation and DNACPR form shared across the acute trust, community "
        "services and GP practices.",
        "Head of Clinical Effectiveness",
        ICB,
        -5,
        (
            (80, _S.ON_TRACK, "Regional form agreed with the ambulance service."),
            (12, _S.OBJECTIVE_REVISED, "Replaced by the national ReSPECT process (action 5.2)."),
        ),
    ),
    _Plan(
        "6.1",
        "fluids",
        "Fluid balance and acute kidney injury",
        "Patient Safety Committee",
        "Fluid balance charts completed and reviewed daily for patients on intravenous fluids; "
        "AKI alerts acted on within 24 hours.",
        "Consultant Nephrologist",
        ACUTE,
        -20,
        ((60, _S.NOT_COMMENCED, "Awaiting the e-observations fluid module."),),
    ),
    _Plan(
        "7.1",
        "medicines",
        "Omitted doses",
        "Medicines Optimisation Committee",
        "Reduce omitted and delayed critical medicines, with a ward-level monthly report.",
        "Chief Pharmacist",
        ACUTE,
        45,
        ((35, _S.ON_TRACK, "Monthly ward reports published."),),
    ),
    _Plan(
        "9.1",
        "discharge",
        "Discharge communication",
        "Patient Safety Committee",
        "Discharge letters to the GP within 24 hours, with results awaited and who will "
        "follow them up.",
        "Director of Operations",
        ACUTE,
        -60,
        (
            (140, _S.ON_TRACK, "Electronic discharge letter live."),
            (50, _S.SOME_DELAY, "72% within 24 hours; results-awaited field often empty."),
        ),
    ),
    _Plan(
        "10.1",
        "interfaces",
        "Joint action plan",
        "System Quality Group",
        "A joint mortality review with primary and community care for deaths within 30 days "
        "of discharge, reported to the system quality group each quarter.",
        "ICB Director of Nursing",
        ICB,
        120,
        ((5, _S.NOT_COMMENCED, "Terms of reference drafted."),),
    ),
    _Plan(
        "12.1",
        "policies_records",
        "Policies and guidelines",
        "Policy and Guideline Committee",
        "Every clinical guideline within its review date, with a single search point on the "
        "intranet.",
        "Head of Clinical Governance",
        ACUTE,
        15,
        (
            (70, _S.ON_TRACK, "Guidelines past their review date down from 140 to 52."),
            (8, _S.ON_TRACK, "21 left out of date."),
        ),
    ),
)


def add_practice_actions(study: Study, *, clock: Callable[[], datetime] = utc_now) -> int:
    """Add the practice action plan to ``study``; returns the number of actions added."""
    today = clock().date()
    for plan in PRACTICE_ACTIONS:
        first, *rest = plan.progress
        add_action(
            study,
            reference=plan.reference,
            theme=plan.theme,
            work_stream=plan.work_stream,
            committee=plan.committee,
            action=plan.action,
            lead=plan.lead,
            organisation=plan.organisation,
            due_date=today + timedelta(days=plan.due_in_days),
            status=first[1],
            progress_date=_before(today, first[0]),
            note=first[2],
            recorded_by=RECORDER,
            clock=clock,
        )
        for days_before, status, note in rest:
            update_action(
                study,
                plan.reference,
                status=status,
                progress_date=_before(today, days_before),
                note=note,
                recorded_by=RECORDER,
                clock=clock,
            )
    return len(PRACTICE_ACTIONS)


def _before(today: date, days: int) -> date:
    return today - timedelta(days=days)
