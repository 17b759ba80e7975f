"""The action plan as CSV: a trust's existing plan in, the study's plan out (the column
contract is in docs/data-contracts.md, "Action plan CSV").

Intake is all or nothing, as the cohort's is (``intake.csv_reader``): every problem is
reported at once with its line and column, and a file with any problem imports nothing.
Importing the same file again changes nothing: an action's fields are written only where
they differ (each change audited), and a progress update is appended only when the row says
something new (another status, another note, or another progress date).

The export has the same columns, so an exported plan imports back unchanged; its cells go
through the spreadsheet-safe writer (``intake.csv_export``) and the import takes that escape
off again. UTF-8 with a byte-order mark, so Excel opens accents correctly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.records import ActionStatus
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.intake.csv_export import csv_unescape, write_csv
from reviewer_app.services.intake.csv_reader import (
    CsvRow,
    RowChecks,
    RowProblem,
    format_problems,
    parse_date,
    read_table,
)
from reviewer_app.services.records import action_fields as fields
from reviewer_app.services.records.action_plan import DEFAULT_RECORDER, Action, list_actions
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.actions import (
    ACTION_FIELDS,
    ActionStore,
    ActionWrite,
    NewProgress,
)

REQUIRED = ("reference", "theme", "action", "lead", "organisation", "due_date", "status")
OPTIONAL = ("work_stream", "committee", "progress_date", "progress_note")
COLUMNS = ("reference", *ACTION_FIELDS, "status", "progress_date", "progress_note")
UTF8_BOM = "\ufeff"
_AGAIN = "import the file again."
# Columns whose bad value may be quoted back in a message (short codes, dates, digits).
_ECHOED = frozenset({"reference", "due_date", "status", "progress_date"})


@dataclass
class ActionImport:
    """What an import did (nothing at all when ``errors`` is not empty)."""

    added: tuple[str, ...] = ()
    edited: dict[str, tuple[str, ...]] = field(default_factory=dict)
    progressed: tuple[str, ...] = ()
    unchanged: int = 0
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        found = [
            f"{len(self.added)} action(s) added, {len(self.edited)} changed, "
            f"{len(self.progressed)} with a new progress update, {self.unchanged} unchanged."
        ]
        found += [f"  changed {ref}: {', '.join(names)}" for ref, names in self.edited.items()]
        return found + self.notices


class ActionsRejectedError(InvalidInputError):
    """The file had problems; nothing was imported. ``problems`` lists every one."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            "Nothing was imported: the action plan has "
            f"{len(problems)} problem{'s' if len(problems) != 1 else ''}.\n"
            + format_problems(problems)
        )
        self.problems = problems


def import_actions(
    study: Study,
    data: bytes,
    source_name: str,
    *,
    recorded_by: str = DEFAULT_RECORDER,
    definition: ReviewDefinition | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> ActionImport:
    """Import an action-plan CSV, all or nothing (see the module docstring)."""
    definition = definition or default_definition()
    table = read_table(data, source_name, required=REQUIRED, optional=OPTIONAL)
    themes = fields.themes_of(definition)
    current = {a.reference: a for a in list_actions(study, definition)}
    today = clock().date()
    problems = list(table.problems)
    writes: list[ActionWrite] = []
    seen: dict[str, int] = {}
    unchanged = 0
    for csv_row in table.rows:
        row = _Row(source_name, csv_row)
        parsed = row.parse(themes, today)
        reference = parsed.get("reference")
        if isinstance(reference, str):
            if reference in seen:
                row.problem(
                    "reference",
                    f'"{reference}" is also on line {seen[reference]}',
                    f"Give each action one row (its latest status), then {_AGAIN}",
                )
            else:
                seen[reference] = csv_row.line
        if row.problems:
            problems += row.problems
            continue
        write = _write_for(row, parsed, current.get(str(reference)), today)
        if write is None:
            unchanged += 1
        else:
            writes.append(write)
        problems += row.problems
    if problems:
        raise ActionsRejectedError(problems)
    report = ActionStore(study.db, clock=clock).write(writes, recorded_by=recorded_by)
    untouched = [
        w.reference
        for w in writes
        if w.reference not in report.added
        and w.reference not in report.edited
        and w.reference not in report.progressed
    ]
    return ActionImport(
        added=report.added,
        edited=dict(report.edited),
        progressed=tuple(r for r in report.progressed if r not in report.added),
        unchanged=unchanged + len(untouched),
        notices=list(table.notices),
    )


def _write_for(
    row: _Row, parsed: dict[str, object], old: Action | None, today: date
) -> ActionWrite | None:
    reference = str(parsed["reference"])
    values = {
        "theme": str(parsed["theme"]),
        "work_stream": str(parsed["work_stream"]),
        "committee": str(parsed["committee"]),
        "action": str(parsed["action"]),
        "lead": str(parsed["lead"]),
        "organisation": str(parsed["organisation"]),
        "due_date": str(parsed["due_date"]),
    }
    status = parsed["status"]
    assert isinstance(status, ActionStatus)
    given_date = parsed["progress_date"]
    note = str(parsed["progress_note"])
    if old is None:
        day = given_date if isinstance(given_date, date) else today
        return ActionWrite(reference, values, NewProgress(status.value, day, note))
    if isinstance(given_date, date) and given_date < old.status_date:
        row.problem(
            "progress_date",
            f"is before the latest progress already recorded ({old.status_date.isoformat()})",
            f"Give the date of this update (on or after that one), then {_AGAIN}",
        )
        return None
    new_progress = (
        status is not old.status
        or (note and note != old.latest_note)
        or (isinstance(given_date, date) and given_date != old.status_date)
    )
    progress = None
    if new_progress:
        day = given_date if isinstance(given_date, date) else today
        progress = NewProgress(status.value, day, note)
    before = _fields_of(old)
    changed = {k: v for k, v in values.items() if v != before[k]}
    if progress is None and not changed:
        return None
    return ActionWrite(reference, changed, progress)


def _fields_of(action: Action) -> dict[str, str]:
    """The action's own fields as the store keeps them (the due date as an ISO date)."""
    found: dict[str, str] = {f: getattr(action, f) for f in ACTION_FIELDS}
    return {**found, "due_date": action.due_date.isoformat()}


class _Row(RowChecks):
    """One row checked against the contract, every problem collected."""

    def __init__(self, source: str, row: CsvRow) -> None:
        super().__init__(source, row, {k: csv_unescape(v) for k, v in row.values.items()})

    def _shown(self, column: str) -> str:
        value = self.values.get(column, "")
        if column in _ECHOED and len(value) <= 30 and value.isprintable():
            return f'"{value}" '
        return ""

    def _get(self, column: str, parse: Callable[[str], object], fix: str) -> object:
        try:
            return parse(self.values.get(column, ""))
        except ValueError as err:
            self.problem(column, f"{self._shown(column)}{err}".strip(), f"{fix}, then {_AGAIN}")
            return None

    def _date(self, column: str, *, required: bool) -> date | None:
        raw = self.values.get(column, "")
        if not raw.strip():
            if required:
                self.problem(column, "is empty", f"Fill in the date, then {_AGAIN}")
            return None
        found = self._get(column, parse_date, "Write the date as 2026-03-31 or 31/03/2026")
        return found if isinstance(found, date) else None

    def parse(self, themes: dict[str, fields.Theme], today: date) -> dict[str, object]:
        def text(required: bool, max_length: int, one_line: bool = True) -> Callable[[str], str]:
            return lambda raw: fields.parse_text(
                raw, required=required, max_length=max_length, one_line=one_line
            )

        parsed: dict[str, object] = {
            "reference": self._get("reference", fields.parse_reference, "Give a short reference"),
            "theme": self._get(
                "theme", lambda raw: fields.parse_theme(raw, themes), "Use one of the themes"
            ),
            "work_stream": self._get("work_stream", text(False, fields.MAX_SHORT), "Shorten it"),
            "committee": self._get("committee", text(False, fields.MAX_SHORT), "Shorten it"),
            "action": self._get(
                "action", text(True, fields.MAX_ACTION, one_line=False), "Write the action"
            ),
            "lead": self._get("lead", fields.parse_lead, "Name the lead's role"),
            "organisation": self._get(
                "organisation", text(True, fields.MAX_SHORT), "Name the organisation"
            ),
            "status": self._get("status", fields.parse_status, "Use a status from 0 to 5"),
            "progress_note": self._get(
                "progress_note", text(False, fields.MAX_NOTE, one_line=False), "Shorten it"
            ),
        }
        due = self._date("due_date", required=True)
        parsed["due_date"] = None if due is None else due.isoformat()
        progress_date = self._date("progress_date", required=False)
        if progress_date is not None and progress_date > today:
            self.problem(
                "progress_date",
                "is in the future",
                f"Give the date the progress was reported (today or earlier), then {_AGAIN}",
            )
        parsed["progress_date"] = progress_date
        return parsed


def actions_csv(actions: list[Action]) -> str:
    """The plan as CSV text (with the BOM), one row per action, its latest progress."""
    rows = [
        [
            a.reference,
            a.theme,
            a.work_stream,
            a.committee,
            a.action,
            a.lead,
            a.organisation,
            a.due_date.isoformat(),
            a.status.value,
            a.status_date.isoformat(),
            a.latest_note,
        ]
        for a in actions
    ]
    return UTF8_BOM + write_csv(COLUMNS, rows)


def export_actions(study: Study, out: Path, *, definition: ReviewDefinition | None = None) -> int:
    """Write the plan's CSV to ``out`` atomically; returns the number of actions."""
    actions = list_actions(study, definition)
    atomic_write_bytes(out, actions_csv(actions).encode("utf-8"), mode=0o600)
    return len(actions)
