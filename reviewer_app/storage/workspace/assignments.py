"""What assignment packs put into a workspace: the pinned root, imported packs, case changes.

The pack import service decides what to do; this module only reads and writes the rows, and
every write runs inside the import's one transaction (``Database.transaction`` nests).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.case import Case
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository
from reviewer_app.storage.rows import columns_of, iso_datetime, optional_date, record_from_row
from reviewer_app.storage.workspace.cases import CASE_FIELDS, CaseStore, case_from_row


class PinnedRoot(BaseModel):
    model_config = ConfigDict(frozen=True)

    cert_pem: str
    fingerprint: str
    study_id: str
    study_name: str
    pinned_at: datetime


class ImportedPack(BaseModel):
    model_config = ConfigDict(frozen=True)

    pack_id: str
    sequence: int
    imported_at: datetime
    digest: str
    case_count: int
    withdrawn_count: int


class HeldCase(BaseModel):
    """A case already in the workspace, as the importer needs to see it."""

    model_config = ConfigDict(frozen=True)

    case: Case
    withdrawn: bool
    identifiers_corrected: bool
    has_review: bool  # a review row exists: the reviewer has opened or started it


class Assignment(BaseModel):
    model_config = ConfigDict(frozen=True)

    case_ref: str
    review_mode: ReviewMode
    co_reviewer_ref: str | None
    co_reviewer_name: str | None
    pack_sequence: int
    due_date: date | None = None
    """When the review is due back, as the latest pack said (None: it did not say)."""


_HELD_SQL = f"""
SELECT {", ".join("c." + f for f in CASE_FIELDS)}, c.withdrawn, c.identifiers_corrected,
       EXISTS (SELECT 1 FROM reviews r WHERE r.case_ref = c.case_ref)
FROM cases c
"""


class AssignmentStore(Repository):
    # -- the trusted study root

    def pinned_root(self) -> PinnedRoot | None:
        row = self._db.query_one(f"SELECT {columns_of(PinnedRoot)} FROM study_root")
        return None if row is None else record_from_row(PinnedRoot, row, pinned_at=iso_datetime)

    def pin_root(self, cert_pem: str, fingerprint: str, study_id: str, study_name: str) -> None:
        """Pin the study root (once; the schema refuses any later change)."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO study_root (id, cert_pem, fingerprint, study_id, study_name, "
                "pinned_at) VALUES (1, ?, ?, ?, ?, ?)",
                (cert_pem, fingerprint, study_id, study_name, iso_utc(self._clock())),
            )

    # -- imported packs

    def imported(self, pack_id: str) -> ImportedPack | None:
        row = self._db.query_one(
            f"SELECT {columns_of(ImportedPack)} FROM imported_packs WHERE pack_id = ?", (pack_id,)
        )
        return None if row is None else _imported(row)

    def latest_sequence(self) -> int:
        row = self._db.query_one("SELECT coalesce(max(sequence), 0) FROM imported_packs")
        return int(row[0]) if row else 0

    def record_pack(
        self, pack_id: str, sequence: int, digest: str, case_count: int, withdrawn_count: int
    ) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO imported_packs (pack_id, sequence, imported_at, digest, "
                "case_count, withdrawn_count) VALUES (?, ?, ?, ?, ?, ?)",
                (pack_id, sequence, iso_utc(self._clock()), digest, case_count, withdrawn_count),
            )

    def store_definition(
        self, definition_id: str, definition_version: str, content: dict[str, Any]
    ) -> None:
        """Keep the definition a pack carried (first copy of each id and version wins)."""
        with self._db.transaction():
            self._db.execute(
                "INSERT OR IGNORE INTO pack_definitions (definition_id, definition_version, "
                "content_json, received_at) VALUES (?, ?, ?, ?)",
                (
                    definition_id,
                    definition_version,
                    json.dumps(content, sort_keys=True, ensure_ascii=False),
                    iso_utc(self._clock()),
                ),
            )

    def definition(self, definition_id: str, definition_version: str) -> dict[str, Any] | None:
        row = self._db.query_one(
            "SELECT content_json FROM pack_definitions WHERE definition_id = ? "
            "AND definition_version = ?",
            (definition_id, definition_version),
        )
        if row is None:
            return None
        content: dict[str, Any] = json.loads(row[0])
        return content

    # -- cases

    def held_cases(self) -> dict[str, HeldCase]:
        n = len(CASE_FIELDS)
        held: dict[str, HeldCase] = {}
        for row in self._db.query_all(_HELD_SQL):
            case = case_from_row(row)
            held[case.case_ref] = HeldCase(
                case=case,
                withdrawn=bool(row[n]),
                identifiers_corrected=bool(row[n + 1]),
                has_review=bool(row[n + 2]),
            )
        return held

    def write_cases(self, cases: Sequence[Case]) -> None:
        """Insert or refresh case facts; storage flags (withdrawn, corrected) are kept."""
        CaseStore(self._db, clock=self._clock).upsert_many(cases)

    def set_flags(
        self, case_refs: Iterable[str], *, withdrawn: bool | None = None, corrected: bool = False
    ) -> None:
        refs = list(case_refs)
        with self._db.transaction():
            if withdrawn is not None:
                self._db.executemany(
                    "UPDATE cases SET withdrawn = ? WHERE case_ref = ?",
                    [(int(withdrawn), r) for r in refs],
                )
            if corrected:
                self._db.executemany(
                    "UPDATE cases SET identifiers_corrected = 1 WHERE case_ref = ?",
                    [(r,) for r in refs],
                )

    def remove_cases(self, case_refs: Iterable[str]) -> None:
        """Delete cases that were never opened (callers check: no review row)."""
        refs = [(r,) for r in case_refs]
        with self._db.transaction():
            self._db.executemany("DELETE FROM case_assignments WHERE case_ref = ?", refs)
            self._db.executemany("DELETE FROM cases WHERE case_ref = ?", refs)

    def set_assignments(self, assignments: Sequence[Assignment]) -> None:
        if not assignments:
            return
        with self._db.transaction():
            self._db.executemany(
                "INSERT INTO case_assignments (case_ref, review_mode, co_reviewer_ref, "
                "co_reviewer_name, pack_sequence, due_date) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (case_ref) DO UPDATE SET review_mode = excluded.review_mode, "
                "co_reviewer_ref = excluded.co_reviewer_ref, "
                "co_reviewer_name = excluded.co_reviewer_name, "
                "pack_sequence = excluded.pack_sequence, due_date = excluded.due_date",
                [
                    (
                        a.case_ref,
                        a.review_mode,
                        a.co_reviewer_ref,
                        a.co_reviewer_name,
                        a.pack_sequence,
                        None if a.due_date is None else a.due_date.isoformat(),
                    )
                    for a in assignments
                ],
            )

    def assignment(self, case_ref: str) -> Assignment | None:
        row = self._db.query_one(
            f"SELECT {columns_of(Assignment)} FROM case_assignments WHERE case_ref = ?",
            (case_ref,),
        )
        return None if row is None else record_from_row(Assignment, row, due_date=optional_date)

    def due_dates(self) -> dict[str, date]:
        """case ref -> when its review is due back, for every case whose pack said."""
        rows = self._db.query_all(
            "SELECT case_ref, due_date FROM case_assignments WHERE due_date IS NOT NULL"
        )
        return {ref: date.fromisoformat(due) for ref, due in rows}

    def latest_review_ids(self, case_refs: Iterable[str]) -> dict[str, int]:
        found: dict[str, int] = {}
        for ref in case_refs:
            row = self._db.query_one(
                "SELECT id FROM reviews WHERE case_ref = ? ORDER BY version DESC LIMIT 1", (ref,)
            )
            if row is not None:
                found[ref] = int(row[0])
        return found


def _imported(row: tuple[Any, ...]) -> ImportedPack:
    return record_from_row(ImportedPack, row, imported_at=iso_datetime)
