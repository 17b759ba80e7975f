"""The coordinator's escalation log in the study database (schema_records.py).

Each update is one appended row holding the whole state after it; the newest row per
escalation (highest ``seq``) is its current state and the rows before it are its history.
Rows are never changed: the table's triggers refuse an UPDATE or DELETE.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reviewer_app.storage.clock import iso_utc, utc_now
from reviewer_app.storage.database import Database

_COLUMNS = (
    "esc_id, seq, status, status_date, reference, doc_notified, doc_date, doc_by, "
    "doc_in_writing, lead_org, note, recorded_by, recorded_at"
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


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _row(r: tuple[Any, ...]) -> LogRow:
    return LogRow(
        esc_id=r[0],
        seq=r[1],
        status=r[2],
        status_date=_day(r[3]),
        reference=r[4],
        doc_notified=r[5],
        doc_date=_day(r[6]),
        doc_by=r[7],
        doc_in_writing=r[8],
        lead_org=r[9],
        note=r[10],
        recorded_by=r[11],
        recorded_at=datetime.fromisoformat(r[12]),
    )


class EscalationLogStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

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
