"""Workspace schema step v6 and its repository: the reviewer's private scratch notes.

- ``scratch_notes``: one row per case holding what the reviewer jots down while reading the
  records (page numbers, things to check). It lives only in the encrypted workspace: it is
  no part of the review, so nothing that is signed, printed, exported or returned reads this
  table, and it has no audit entries (the audit trail is returned with a review). The row
  goes with its case if a pack removes a case that was never opened (ON DELETE CASCADE).
  Deleting a note (clearing it) is allowed: it is the reviewer's own jotting.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from reviewer_app.errors import NotFoundError
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.database import Database
from reviewer_app.storage.repository import Repository
from reviewer_app.storage.rows import columns_of, iso_datetime, record_from_row

MAX_NOTE_CHARS = 20_000
"""The longest note the schema keeps (the service refuses longer ones in words first)."""

SCHEMA_V6 = f"""
CREATE TABLE scratch_notes (
    case_ref   TEXT PRIMARY KEY REFERENCES cases (case_ref) ON DELETE CASCADE,
    text       TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND {MAX_NOTE_CHARS}),
    updated_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
"""


def migrate_to_v6(db: Database) -> None:
    db.executescript(SCHEMA_V6)


class ScratchNote(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_ref: str
    text: str
    updated_at: datetime


class ScratchNoteStore(Repository):
    def get(self, case_ref: str) -> ScratchNote | None:
        row = self._db.query_one(
            f"SELECT {columns_of(ScratchNote)} FROM scratch_notes WHERE case_ref = ?", (case_ref,)
        )
        return None if row is None else record_from_row(ScratchNote, row, updated_at=iso_datetime)

    def put(self, case_ref: str, text: str) -> datetime:
        """Keep ``text`` as the case's note (empty: no note); returns when it was stored."""
        now = self._clock()
        with self._db.transaction():
            if self._db.query_one("SELECT 1 FROM cases WHERE case_ref = ?", (case_ref,)) is None:
                raise NotFoundError(f"There is no case {case_ref} in this workspace.")
            if text:
                self._db.execute(
                    "INSERT INTO scratch_notes (case_ref, text, updated_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (case_ref) DO UPDATE SET text = excluded.text, "
                    "updated_at = excluded.updated_at",
                    (case_ref, text, iso_utc(now)),
                )
            else:
                self._db.execute("DELETE FROM scratch_notes WHERE case_ref = ?", (case_ref,))
        return now

    def count(self) -> int:
        row = self._db.query_one("SELECT count(*) FROM scratch_notes")
        return int(row[0]) if row else 0
