"""The coordinator's escalation log in the study database (schema_records.py).

Each update is one appended row holding the whole state after it; the newest row per
escalation (highest ``seq``) is its current state and the rows before it are its history.
Rows are never changed: the table's triggers refuse an UPDATE or DELETE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import (
    columns_of,
    iso_datetime,
    optional_date,
    record_from_row,
)


@dataclass(frozen=True)
class LogRow:
    """One update as stored: the state after it (values as the schema spells them)."""

    esc_id: str
    seq: int
    status: str
    status_date: date | None
    reference: str | None
    doc_notified: str | None  # "yes" / "no" / None: not recorded
    doc_date: date | None
    doc_by: str | None
    doc_in_writing: str | None
    lead_org: str | None
    note: str | None
    recorded_by: str
    recorded_at: datetime


_COLUMNS = columns_of(LogRow)


def _row(r: tuple[Any, ...]) -> LogRow:
    return record_from_row(
        LogRow, r, status_date=optional_date, doc_date=optional_date, recorded_at=iso_datetime
    )


class EscalationLogStore(Repository):
    def history(self) -> dict[str, list[LogRow]]:
        """esc_id -> its updates, oldest first."""
        found: dict[str, list[LogRow]] = {}
        for r in self._db.query_all(
            f"SELECT {_COLUMNS} FROM escalation_updates ORDER BY esc_id, seq"
        ):
            row = _row(r)
            found.setdefault(row.esc_id, []).append(row)
        return found

    def history_of(self, esc_id: str) -> list[LogRow]:
        rows = self._db.query_all(
            f"SELECT {_COLUMNS} FROM escalation_updates WHERE esc_id = ? ORDER BY seq",
            (esc_id,),
        )
        return [_row(r) for r in rows]

    def append(
        self,
        esc_id: str,
        *,
        expected_seq: int,
        status: str,
        status_date: date | None,
        reference: str | None,
        doc_notified: str | None,
        doc_date: date | None,
        doc_by: str | None,
        doc_in_writing: str | None,
        lead_org: str | None,
        note: str | None,
        recorded_by: str,
    ) -> LogRow:
        """Append the state after one update, as update number ``expected_seq``.

        ``expected_seq`` is one more than the number of updates the caller read: if another
        update came in meanwhile, the unique (esc_id, seq) refuses this one rather than
        silently building on a state the caller did not see.
        """
        now = self._clock()
        with self._db.transaction():
            row = self._db.query_one(
                "SELECT coalesce(max(seq), 0) FROM escalation_updates WHERE esc_id = ?",
                (esc_id,),
            )
            current = int(row[0]) if row else 0
            if current + 1 != expected_seq:
                raise StaleUpdateError(esc_id)
            self._db.execute(
                f"INSERT INTO escalation_updates ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    esc_id,
                    expected_seq,
                    status,
                    None if status_date is None else status_date.isoformat(),
                    reference,
                    doc_notified,
                    None if doc_date is None else doc_date.isoformat(),
                    doc_by,
                    doc_in_writing,
                    lead_org,
                    note,
                    recorded_by,
                    iso_utc(now),
                ),
            )
        return self.history_of(esc_id)[-1]


class StaleUpdateError(Exception):
    """The escalation was updated by someone else since its state was read."""

    def __init__(self, esc_id: str) -> None:
        super().__init__(esc_id)
        self.esc_id = esc_id
