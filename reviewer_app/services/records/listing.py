"""The escalation log and the action plan in lines of text, as ``escalation list`` and
``action list`` print them: references, statuses and dates only, never patient data (the
signed free text is left out; the referral and the de-identified log carry it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from reviewer_app.services.records.action_plan import Action
from reviewer_app.services.records.escalation_log import EscalationEntry


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'s' if number != 1 else ''}."


def escalation_lines(
    entries: Sequence[EscalationEntry],
    *,
    today: dt.date,
    working_days: int,
    withdrawn: Sequence[str] = (),
    overdue_only: bool = False,
) -> list[str]:
    lines = [_count(len(entries), "overdue acknowledgement" if overdue_only else "escalation")]
    for e in entries:
        when = f" {e.status_date.isoformat()}" if e.status_date else ""
        ref = f"  ref {e.reference}" if e.reference else ""
        doc = e.duty_of_candour
        candour = f"  DoC required: {doc.required or 'not answered'}"
        if doc.notified:
            candour += f", notified: {doc.notified}"
        late = "  OVERDUE (acknowledgement)" if e.overdue(today, working_days) else ""
        lines.append(f"{e.esc_id}  {e.status.label}{when}{ref}{candour}{late}")
    if withdrawn and not overdue_only:
        lines.append(
            f"{len(withdrawn)} logged escalation(s) no longer in a review in force (taken out "
            f"by an amendment; their history is kept): {', '.join(withdrawn)}"
        )
    return lines


def action_lines(
    actions: Sequence[Action], *, today: dt.date, overdue_only: bool = False
) -> list[str]:
    lines = [_count(len(actions), "overdue action" if overdue_only else "action")]
    for a in actions:
        late = "  OVERDUE" if a.overdue(today) else ""
        lines.append(
            f"{a.reference}  [{a.status.value}] {a.status.label}  due {a.due_date.isoformat()}  "
            f"{a.theme}  lead: {a.lead}{late}"
        )
    return lines
