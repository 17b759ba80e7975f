"""The practice study's action plan: a plausible trust action plan, as the board paper that
seeded this product lays one out (work-streams under the review's themes, a lead role, a
monitoring committee, a due date and dated progress on the 0-5 scale).

Added through the real path (``records.action_plan``), with dates relative to the day the
practice study is built, so that it always has actions complete, on track, delayed, not yet
commenced, revised and overdue. SYNTHETIC DATA: the organisations are the synthetic cohort's.
The plan itself is data: ``resources/practice-actions.json``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from reviewer_app.domain.records import ActionStatus
from reviewer_app.resources import resource
from reviewer_app.services.records.action_plan import add_action, update_action
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now

RECORDER = "practice coordinator"
PLAN_RESOURCE = "practice-actions.json"


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


def _load_plans() -> tuple[_Plan, ...]:
    """The plan as ``resources/practice-actions.json`` writes it (data, not code)."""
    data = json.loads(resource(PLAN_RESOURCE).read_text(encoding="utf-8"))
    organisations: dict[str, str] = data["organisations"]
    return tuple(
        _Plan(
            reference=a["reference"],
            theme=a["theme"],
            work_stream=a["work_stream"],
            committee=a["committee"],
            action=a["action"],
            lead=a["lead"],
            organisation=organisations[a["organisation"]],
            due_in_days=int(a["due_in_days"]),
            progress=tuple((int(d), ActionStatus(s), str(n)) for d, s, n in a["progress"]),
        )
        for a in data["actions"]
    )


PRACTICE_ACTIONS: tuple[_Plan, ...] = _load_plans()


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
