"""The taskforce's action plan in the study database (schema_records.py).

An action's own fields live in ``actions``; every change to them is appended to
``action_edits`` in the same transaction, and every progress update (the 0-5 status, its date,
a note) to ``action_progress``. Neither appended table is ever changed (triggers refuse), so
nothing recorded is overwritten. The store never decides policy: the service checks values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import columns_of, iso_datetime, record_from_row

ACTION_FIELDS: tuple[str, ...] = (
    "theme",
    "work_stream",
    "committee",
    "action",
    "lead",
    "organisation",
    "due_date",
)
"""The action's own fields (beside its reference), as the table names them."""


@dataclass(frozen=True)
class ActionRow:
    reference: str
    fields: dict[str, str]  # ACTION_FIELDS -> value; due_date as an ISO date
    added_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProgressRow:
    reference: str
    status: str  # "0".."5"
    progress_date: date
    note: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class EditRow:
    reference: str
    field: str
    old_value: str | None
    new_value: str
    recorded_by: str
    recorded_at: datetime


@dataclass(frozen=True)
class NewProgress:
    status: str
    progress_date: date
    note: str


@dataclass(frozen=True)
class ActionWrite:
    """One action to add or change, with the progress update to append (if any)."""

    reference: str
    fields: Mapping[str, str]  # only the fields to set (all of them for a new action)
    progress: NewProgress | None


@dataclass(frozen=True)
class WriteReport:
    added: tuple[str, ...]
    edited: dict[str, tuple[str, ...]]  # reference -> fields changed
    progressed: tuple[str, ...]  # references with a new progress update


class ActionStore(Repository):
    # -- reading

    def actions(self) -> list[ActionRow]:
        columns = ", ".join(ACTION_FIELDS)
        rows = self._db.query_all(
            f"SELECT reference, {columns}, added_at, updated_at FROM actions ORDER BY reference"
        )
        return [_action(r) for r in rows]

    def progress(self) -> dict[str, list[ProgressRow]]:
        """reference -> its progress updates in date order (same date: as recorded)."""
        found: dict[str, list[ProgressRow]] = {}
        for r in self._db.query_all(
            f"SELECT {columns_of(ProgressRow)} "
            "FROM action_progress ORDER BY reference, progress_date, id"
        ):
            found.setdefault(r[0], []).append(
                record_from_row(
                    ProgressRow, r, progress_date=date.fromisoformat, recorded_at=iso_datetime
                )
            )
        return found

    def edits(self) -> dict[str, list[EditRow]]:
        found: dict[str, list[EditRow]] = {}
        for r in self._db.query_all(
            f"SELECT {columns_of(EditRow)} FROM action_edits ORDER BY reference, id"
        ):
            found.setdefault(r[0], []).append(record_from_row(EditRow, r, recorded_at=iso_datetime))
        return found

    # -- writing

    def write(self, writes: Sequence[ActionWrite], *, recorded_by: str) -> WriteReport:
        """Add new actions, change fields and append progress, all in one transaction.

        A field set to the value it already has is not written (and not audited), so writing
        the same plan twice changes nothing.
        """
        now = iso_utc(self._clock())
        added: list[str] = []
        edited: dict[str, tuple[str, ...]] = {}
        progressed: list[str] = []
        with self._db.transaction():
            existing = {a.reference: a for a in self.actions()}
            for w in writes:
                old = existing.get(w.reference)
                if old is None:
                    missing = [f for f in ACTION_FIELDS if f not in w.fields]
                    if missing:
                        raise ValueError(f"a new action needs every field: {missing}")
                    self._insert(w, now)
                    added.append(w.reference)
                else:
                    changed = self._update(old, w, now, recorded_by)
                    if changed:
                        edited[w.reference] = changed
                if w.progress is not None:
                    self._db.execute(
                        "INSERT INTO action_progress (reference, status, progress_date, note, "
                        "recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (
                            w.reference,
                            w.progress.status,
                            w.progress.progress_date.isoformat(),
                            w.progress.note,
                            recorded_by,
                            now,
                        ),
                    )
                    progressed.append(w.reference)
        return WriteReport(tuple(added), edited, tuple(progressed))

    def _insert(self, w: ActionWrite, now: str) -> None:
        columns = ", ".join(ACTION_FIELDS)
        marks = ", ".join("?" for _ in ACTION_FIELDS)
        self._db.execute(
            f"INSERT INTO actions (reference, {columns}, added_at, updated_at) "
            f"VALUES (?, {marks}, ?, ?)",
            (w.reference, *(w.fields[f] for f in ACTION_FIELDS), now, now),
        )

    def _update(
        self, old: ActionRow, w: ActionWrite, now: str, recorded_by: str
    ) -> tuple[str, ...]:
        changed = tuple(f for f in ACTION_FIELDS if f in w.fields and w.fields[f] != old.fields[f])
        if not changed:
            return ()
        assignments = ", ".join(f"{f} = ?" for f in changed)
        self._db.execute(
            f"UPDATE actions SET {assignments}, updated_at = ? WHERE reference = ?",
            (*(w.fields[f] for f in changed), now, w.reference),
        )
        self._db.executemany(
            "INSERT INTO action_edits (reference, field, old_value, new_value, recorded_by, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
            [(w.reference, f, old.fields[f], w.fields[f], recorded_by, now) for f in changed],
        )
        return changed


def _action(r: tuple[Any, ...]) -> ActionRow:
    count = len(ACTION_FIELDS)
    return ActionRow(
        reference=r[0],
        fields=dict(zip(ACTION_FIELDS, r[1 : 1 + count], strict=True)),
        added_at=datetime.fromisoformat(r[1 + count]),
        updated_at=datetime.fromisoformat(r[2 + count]),
    )
