"""Recording what happened to an escalation: one update, checked, then appended.

The transition rules are the domain's (``domain.records.transition_refusal``); this module
adds the checks on the values given (dates not in the future nor before the current status's
when moving on, one-line references, the Duty of Candour follow-up complete) and refuses an
update that would change nothing. A refusal raises a ``UserError`` saying why, and nothing is
written. The read side is ``escalation_log.py``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.records import EscalationStatus, transition_refusal
from reviewer_app.errors import InvalidInputError, UserError
from reviewer_app.services.records.escalation_log import (
    DEFAULT_RECORDER,
    DutyOfCandour,
    EscalationEntry,
    escalation_entry,
)
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.escalation_log import EscalationLogStore, StaleUpdateError

__all__ = ["update_escalation"]

MAX_REFERENCE = 100
MAX_ORG = 200
MAX_ROLE = 100
MAX_NOTE = 2000
YES_NO = ("yes", "no")


def _refuse(message: str) -> UserError:
    return InvalidInputError(f"{message}. Nothing was changed.")


def _one_line(what: str, value: str | None, max_length: int) -> str | None:
    if value is None:
        return None
    text = nfc(value).strip()
    if not text:
        raise _refuse(f"The {what} is empty")
    if "\n" in text or "\r" in text:
        raise _refuse(f"The {what} runs over more than one line")
    if len(text) > max_length:
        raise _refuse(f"The {what} is longer than {max_length} characters")
    return text


def _yes_no(what: str, value: str | None) -> str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text not in YES_NO:
        raise _refuse(f"{what} must be yes or no")
    return text


def update_escalation(
    study: Study,
    esc_id: str,
    *,
    status: EscalationStatus,
    status_date: dt.date | None = None,
    reference: str | None = None,
    doc_notified: str | None = None,
    doc_date: dt.date | None = None,
    doc_by: str | None = None,
    doc_in_writing: str | None = None,
    lead_organisation: str | None = None,
    note: str | None = None,
    recorded_by: str = DEFAULT_RECORDER,
    clock: Callable[[], dt.datetime] = utc_now,
) -> EscalationEntry:
    """Record one update of an escalation (appended; the history is kept whole).

    Refused, with nothing written, when: the transition is not allowed (closing without a
    date, going back without a note, unsending); a date is in the future or before the
    current status's date when moving on; Duty of Candour is marked notified without when
    and by whom, or details are given with "not notified"; or nothing would change.
    """
    entry = escalation_entry(study, esc_id)
    today = clock().date()
    note_text = _note(note)
    status_date = _status_date(entry, status, status_date, doc_date, today, note_text)
    doc = _doc_follow_up(entry.duty_of_candour, doc_notified, doc_date, doc_by, doc_in_writing)
    new_reference = _one_line("reference", reference, MAX_REFERENCE) or entry.reference
    new_lead = _one_line("lead organisation", lead_organisation, MAX_ORG)
    latest_lead = entry.history[-1].lead_organisation if entry.history else None
    lead = new_lead or latest_lead
    current = (entry.status, entry.status_date, entry.reference, latest_lead)
    unchanged = (status, status_date, new_reference, lead) == current and (
        doc == _doc_tuple(entry.duty_of_candour) and note_text is None
    )
    if unchanged:
        raise UserError(
            f"Nothing to record for escalation {entry.esc_id}: it is already "
            f'"{entry.status.label}" with these details. Give what changed, or a note.'
        )
    _append(
        study,
        entry,
        clock,
        status=status.value,
        status_date=status_date,
        reference=new_reference,
        doc_notified=doc[0],
        doc_date=doc[1],
        doc_by=doc[2],
        doc_in_writing=doc[3],
        lead_org=lead,
        note=note_text,
        recorded_by=recorded_by,
    )
    return escalation_entry(study, entry.esc_id)


def _append(
    study: Study, entry: EscalationEntry, clock: Callable[[], dt.datetime], **values: Any
) -> None:
    try:
        EscalationLogStore(study.db, clock=clock).append(
            entry.esc_id, expected_seq=len(entry.history) + 1, **values
        )
    except StaleUpdateError:
        raise UserError(
            f"Escalation {entry.esc_id} was updated by someone else just now. Look at it "
            "again (coordinator escalation list) and repeat your update if still needed."
        ) from None


def _note(note: str | None) -> str | None:
    note_text = None if note is None else nfc(note).strip() or None
    if note_text is not None and len(note_text) > MAX_NOTE:
        raise _refuse(f"The note is longer than {MAX_NOTE} characters")
    return note_text


def _status_date(  # noqa: PLR0917
    entry: EscalationEntry,
    status: EscalationStatus,
    status_date: dt.date | None,
    doc_date: dt.date | None,
    today: dt.date,
    note_text: str | None,
) -> dt.date | None:
    """The update's status date, once the transition and its dates are allowed: today when
    moving on undated, the current status's date when staying."""
    reason = transition_refusal(
        entry.status, status, dated=status_date is not None, noted=note_text is not None
    )
    if reason:
        raise _refuse(f"Escalation {entry.esc_id}: {reason}")
    for what, day in (("date", status_date), ("Duty of Candour date", doc_date)):
        if day is not None and day > today:
            raise _refuse(f"The {what} is in the future")
    moving = status is not entry.status
    if status_date is None:
        return today if moving else entry.status_date
    if (
        moving
        and status.rank > entry.status.rank
        and entry.status_date is not None
        and status_date < entry.status_date
    ):
        raise _refuse(
            f"The date is before the date of the current status ({entry.status_date.isoformat()})"
        )
    return status_date


DocTuple = tuple[str | None, dt.date | None, str | None, str | None]


def _doc_tuple(doc: DutyOfCandour) -> DocTuple:
    return doc.notified, doc.notified_on, doc.notified_by, doc.in_writing


def _doc_follow_up(
    current: DutyOfCandour,
    notified: str | None,
    on: dt.date | None,
    by: str | None,
    in_writing: str | None,
) -> DocTuple:
    """The Duty of Candour follow-up after this update (given values over recorded ones)."""
    notified = _yes_no("--doc-notified", notified)
    in_writing = _yes_no("--doc-in-writing", in_writing)
    by = _one_line("Duty of Candour role (--doc-by)", by, MAX_ROLE)
    details = on is not None or by is not None or in_writing is not None
    if notified is None and not details:
        return _doc_tuple(current)
    state = notified or current.notified
    if state is None:
        raise _refuse("Duty of Candour details need --doc-notified yes (or no, with no details)")
    if state == "no":
        if details:
            raise _refuse(
                "Duty of Candour is recorded as not notified: leave out --doc-date, --doc-by "
                "and --doc-in-writing, or give --doc-notified yes"
            )
        return "no", None, None, None
    keep = notified is None or current.notified == "yes"
    on = on or (current.notified_on if keep else None)
    by = by or (current.notified_by if keep else None)
    in_writing = in_writing or (current.in_writing if keep else None)
    if on is None or by is None:
        raise _refuse(
            "Duty of Candour notified needs when (--doc-date) and by whom (--doc-by, a role)"
        )
    return "yes", on, by, in_writing
