"""The taskforce's action plan: actions as the board paper lists them, with dated progress.

Public read function for the report and the coordinator's desktop: :func:`list_actions`
(typed, frozen rows with the latest status and the whole history). Writing:
:func:`add_action` and :func:`update_action`; the CSV intake and export are in
``action_csv.py`` and the board paper's appendix PDF in ``action_appendix.py``.

An action's status is its latest progress update's (by progress date, then as recorded).
Progress updates are appended and never changed; a change to an action's own fields (its
due date moved, its lead changed) is recorded beside it with the old value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.natural_order import natural_key
from reviewer_app.domain.records import ActionStatus, action_overdue
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.services.records import action_fields as fields
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.actions import (
    ActionStore,
    ActionWrite,
    EditRow,
    NewProgress,
    WriteReport,
)

__all__ = [
    "Action",
    "ActionEdit",
    "ProgressUpdate",
    "WriteReport",
    "add_action",
    "list_actions",
    "overdue_actions",
    "update_action",
]

DEFAULT_RECORDER = "coordinator"


@dataclass(frozen=True)
class ProgressUpdate:
    status: ActionStatus
    date: date
    note: str
    recorded_by: str
    recorded_at: datetime


ActionEdit = EditRow
"""A change to one of an action's own fields, as the store keeps it (never changed after)."""


@dataclass(frozen=True)
class Action:
    """One action of the plan, with its latest status and every update before it."""

    reference: str
    theme: str  # the definition's theme id (e.g. "deterioration")
    theme_label: str  # its title, or the id itself if the definition no longer has it
    work_stream: str
    committee: str  # the monitoring committee
    action: str
    lead: str  # a role
    organisation: str
    due_date: date
    status: ActionStatus
    status_date: date
    latest_note: str  # the latest progress update's note ("" when none)
    history: tuple[ProgressUpdate, ...]  # oldest first; the last is the current status
    edits: tuple[ActionEdit, ...]  # changes to the action's own fields, oldest first

    def overdue(self, today: date) -> bool:
        """Open (neither complete nor revised) and past its due date."""
        return action_overdue(self.status, self.due_date, today)

    def to_json(self, today: date | None = None) -> dict[str, object]:
        found: dict[str, object] = {
            "reference": self.reference,
            "theme": self.theme,
            "theme_label": self.theme_label,
            "work_stream": self.work_stream,
            "committee": self.committee,
            "action": self.action,
            "lead": self.lead,
            "organisation": self.organisation,
            "due_date": self.due_date.isoformat(),
            "status": self.status.number,
            "status_label": self.status.label,
            "status_date": self.status_date.isoformat(),
            "history": [
                {
                    "status": u.status.number,
                    "date": u.date.isoformat(),
                    "note": u.note,
                    "recorded_by": u.recorded_by,
                    "recorded_at": u.recorded_at.isoformat(),
                }
                for u in self.history
            ],
            "edits": [
                {
                    "field": e.field,
                    "old": e.old_value,
                    "new": e.new_value,
                    "recorded_by": e.recorded_by,
                    "recorded_at": e.recorded_at.isoformat(),
                }
                for e in self.edits
            ],
        }
        if today is not None:
            found["overdue"] = self.overdue(today)
        return found


def list_actions(study: Study, definition: ReviewDefinition | None = None) -> list[Action]:
    """Every action in the plan, in reference order as a person numbers them (1.2, 2.1, 10.1:
    ``domain.natural_order``), with its status and history."""
    themes = fields.themes_of(definition or default_definition())
    store = ActionStore(study.db)
    progress = store.progress()
    edits = store.edits()
    found: list[Action] = []
    for row in store.actions():
        history = tuple(
            ProgressUpdate(
                status=ActionStatus(p.status),
                date=p.progress_date,
                note=p.note,
                recorded_by=p.recorded_by,
                recorded_at=p.recorded_at,
            )
            for p in progress.get(row.reference, [])
        )
        if not history:  # every write adds a progress update with a new action
            raise RuntimeError(f"action {row.reference} has no status")
        theme = themes.get(row.fields["theme"])
        found.append(
            Action(
                reference=row.reference,
                theme=row.fields["theme"],
                theme_label=theme.label if theme else row.fields["theme"],
                work_stream=row.fields["work_stream"],
                committee=row.fields["committee"],
                action=row.fields["action"],
                lead=row.fields["lead"],
                organisation=row.fields["organisation"],
                due_date=date.fromisoformat(row.fields["due_date"]),
                status=history[-1].status,
                status_date=history[-1].date,
                latest_note=history[-1].note,
                history=history,
                edits=tuple(edits.get(row.reference, [])),
            )
        )
    found.sort(key=lambda a: natural_key(a.reference))
    return found


def overdue_actions(actions: list[Action], today: date) -> list[Action]:
    return [a for a in actions if a.overdue(today)]


def _value(what: str, parse: Callable[[], object]) -> object:
    try:
        return parse()
    except ValueError as err:
        raise InvalidInputError(f"The {what} {err}. Nothing was changed.") from None


def _check_progress_date(day: date, today: date) -> None:
    if day > today:
        raise InvalidInputError(
            "The progress date is in the future. Give the date the progress was reported "
            "(today or earlier). Nothing was changed."
        )


def add_action(
    study: Study,
    *,
    reference: str,
    theme: str,
    action: str,
    lead: str,
    organisation: str,
    due_date: date,
    work_stream: str = "",
    committee: str = "",
    status: ActionStatus = ActionStatus.NOT_COMMENCED,
    progress_date: date | None = None,
    note: str = "",
    recorded_by: str = DEFAULT_RECORDER,
    definition: ReviewDefinition | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Action:
    """Add one action with its first status; refused if the reference is taken."""
    themes = fields.themes_of(definition or default_definition())
    ref = str(_value("reference", lambda: fields.parse_reference(reference)))
    store = ActionStore(study.db, clock=clock)
    if any(a.reference == ref for a in store.actions()):
        raise UserError(
            f"There is already an action {ref}. Change it with coordinator action update, or "
            "choose another reference. Nothing was changed."
        )
    today = clock().date()
    day = progress_date or today
    _check_progress_date(day, today)
    values = {
        "theme": str(_value("theme", lambda: fields.parse_theme(theme, themes))),
        "work_stream": _text("work-stream", work_stream, required=False),
        "committee": _text("monitoring committee", committee, required=False),
        "action": _text("action", action, required=True, max_length=fields.MAX_ACTION),
        "lead": str(_value("lead", lambda: fields.parse_lead(lead))),
        "organisation": _text("organisation", organisation, required=True),
        "due_date": due_date.isoformat(),
    }
    note_text = _text("note", note, required=False, max_length=fields.MAX_NOTE, one_line=False)
    store.write(
        [ActionWrite(ref, values, NewProgress(status.value, day, note_text))],
        recorded_by=recorded_by,
    )
    return _one(study, ref, definition)


def update_action(
    study: Study,
    reference: str,
    *,
    status: ActionStatus | None = None,
    progress_date: date | None = None,
    note: str | None = None,
    theme: str | None = None,
    work_stream: str | None = None,
    committee: str | None = None,
    action: str | None = None,
    lead: str | None = None,
    organisation: str | None = None,
    due_date: date | None = None,
    recorded_by: str = DEFAULT_RECORDER,
    definition: ReviewDefinition | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Action:
    """Append a progress update and/or change the action's fields (each change audited).

    A progress update needs a status or a note; without a new status the current one is
    carried into the update. Without anything to record it is refused.
    """
    themes = fields.themes_of(definition or default_definition())
    current = _one(study, reference, definition)
    values: dict[str, str] = {}
    if theme is not None:
        values["theme"] = str(_value("theme", lambda: fields.parse_theme(theme, themes)))
    if work_stream is not None:
        values["work_stream"] = _text("work-stream", work_stream, required=False)
    if committee is not None:
        values["committee"] = _text("monitoring committee", committee, required=False)
    if action is not None:
        values["action"] = _text("action", action, required=True, max_length=fields.MAX_ACTION)
    if lead is not None:
        values["lead"] = str(_value("lead", lambda: fields.parse_lead(lead)))
    if organisation is not None:
        values["organisation"] = _text("organisation", organisation, required=True)
    if due_date is not None:
        values["due_date"] = due_date.isoformat()
    progress = None
    if status is not None or note is not None or progress_date is not None:
        progress = _progress_update(status or current.status, status, progress_date, note, clock)
    if progress is None and not values:
        raise UserError(
            f"Nothing to change for action {current.reference}: give a new status, a note or "
            "a field to change (see --help)."
        )
    ActionStore(study.db, clock=clock).write(
        [ActionWrite(current.reference, values, progress)], recorded_by=recorded_by
    )
    return _one(study, current.reference, definition)


def _progress_update(
    carried: ActionStatus,
    status: ActionStatus | None,
    progress_date: date | None,
    note: str | None,
    clock: Callable[[], datetime],
) -> NewProgress:
    """A progress update: dated today unless told, with a new status or a note (else refused);
    without a new status the current one is carried."""
    today = clock().date()
    day = progress_date or today
    _check_progress_date(day, today)
    note_text = _text(
        "note", note or "", required=False, max_length=fields.MAX_NOTE, one_line=False
    )
    if status is None and not note_text:
        raise UserError(
            "A progress update needs a new status (--status) or a note (--note). "
            "Nothing was changed."
        )
    return NewProgress(carried.value, day, note_text)


def _text(
    what: str,
    raw: str,
    *,
    required: bool,
    max_length: int = fields.MAX_SHORT,
    one_line: bool = True,
) -> str:
    return str(
        _value(
            what,
            lambda: fields.parse_text(
                raw, required=required, max_length=max_length, one_line=one_line
            ),
        )
    )


def _one(study: Study, reference: str, definition: ReviewDefinition | None) -> Action:
    for found in list_actions(study, definition):
        if found.reference == reference.strip():
            return found
    raise NotFoundError(
        f"There is no action {reference.strip()[:30]} in this study's plan. "
        "See coordinator action list."
    )
