"""Returned reviews in the study database: bundle files read, versions stored, conflicts,
quarantine and collection runs (study schema v3, schema_collection.py).

Reads that need no PDF never touch one: the summaries come from a covering index (study
schema v7, schema_returns_index.py) and ``content_text`` reads the canonical content alone.

Each bundle file is recorded once, keyed by its SHA-256, together with everything taken from
it, in one transaction: killed half way, a file is either wholly collected or not at all.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import (
    columns_of,
    iso_datetime,
    optional_datetime,
    record_from_row,
)

ACCEPTED = "accepted"
QUARANTINED = "quarantined"
RETRYABLE_REASON = "no_predecessor"  # QuarantineReason.NO_PREDECESSOR: may come right later


@dataclass(frozen=True)
class BundleFileRow:
    file_sha256: str
    file_name: str
    bundle_id: str | None = None
    reviewer_ref: str | None = None
    sequence: int | None = None
    signed_at: datetime | None = None


@dataclass(frozen=True)
class VersionRow:
    """One accepted review version, as stored."""

    case_ref: str
    reviewer_ref: str
    version: int
    outcome: str
    definition_id: str
    definition_version: str
    supersedes_version: int | None
    signed_at: datetime
    content: str
    content_sha256: str
    audit_head_seq: int
    audit_head_hash: str
    pdf_full: bytes
    pdf_full_sha256: str
    pdf_taskforce: bytes
    pdf_taskforce_sha256: str
    audit_entries: list[dict[str, Any]]
    verdicts: dict[str, str]
    bundle_id: str
    returned_at: datetime


@dataclass(frozen=True)
class ConflictRow:
    case_ref: str
    reviewer_ref: str
    version: int
    stored_sha256: str
    arrived_sha256: str


@dataclass(frozen=True)
class StoredVersion:
    """A stored version's summary (no content, no PDFs)."""

    case_ref: str
    reviewer_ref: str
    version: int
    outcome: str
    supersedes_version: int | None
    signed_at: datetime
    content_sha256: str
    bundle_id: str
    returned_at: datetime
    collected_at: datetime


@dataclass(frozen=True)
class QuarantineRow:
    file_sha256: str
    file_name: str
    kept_as: str
    reason: str
    message: str
    reviewer_ref: str | None
    quarantined_at: datetime


@dataclass(frozen=True)
class RunRow:
    run_id: int
    folder: str
    started_at: datetime
    finished_at: datetime | None
    counts: dict[str, int]


_VERSION_COLUMNS = columns_of(StoredVersion)


def _stored(row: tuple[Any, ...]) -> StoredVersion:
    return record_from_row(
        StoredVersion,
        row,
        signed_at=iso_datetime,
        returned_at=iso_datetime,
        collected_at=iso_datetime,
    )


class ReturnsStore(Repository):
    # -- reading

    def file_verdict(self, file_sha256: str) -> str | None:
        row = self._db.query_one(
            "SELECT verdict FROM bundle_files WHERE file_sha256 = ?", (file_sha256,)
        )
        return None if row is None else str(row[0])

    def is_settled(self, file_sha256: str) -> bool:
        """Whether the file was read before and need not be again: collected, or quarantined
        for good (a bundle quarantined only for a missing predecessor is tried again)."""
        row = self._db.query_one(
            "SELECT f.verdict, q.reason FROM bundle_files f "
            "LEFT JOIN quarantine q ON q.file_sha256 = f.file_sha256 WHERE f.file_sha256 = ?",
            (file_sha256,),
        )
        return row is not None and row[1] != RETRYABLE_REASON

    def version_sha256(self, case_ref: str, reviewer_ref: str, version: int) -> str | None:
        row = self._db.query_one(
            "SELECT content_sha256 FROM returned_versions "
            "WHERE case_ref = ? AND reviewer_ref = ? AND version = ?",
            (case_ref, reviewer_ref, version),
        )
        return None if row is None else str(row[0])

    def latest_version(self, case_ref: str, reviewer_ref: str) -> int | None:
        row = self._db.query_one(
            "SELECT max(version) FROM returned_versions WHERE case_ref = ? AND reviewer_ref = ?",
            (case_ref, reviewer_ref),
        )
        return None if row is None or row[0] is None else int(row[0])

    def versions(self) -> list[StoredVersion]:
        """Every version's summary, by case, reviewer and version (read from the covering
        index ``returned_versions_summary``: no PDF page is touched)."""
        rows = self._db.query_all(
            f"SELECT {_VERSION_COLUMNS} FROM returned_versions "
            "ORDER BY case_ref, reviewer_ref, version"
        )
        return [_stored(r) for r in rows]

    def content_text(self, case_ref: str, reviewer_ref: str, version: int) -> str:
        """A stored version's canonical content alone (its PDFs, stored after it, are never
        read: a version's text is a few KB, its two PDFs about 190 KB)."""
        return str(self._version_row("content", case_ref, reviewer_ref, version)[0])

    def content(self, case_ref: str, reviewer_ref: str, version: int) -> tuple[str, bytes, bytes]:
        """A stored version's canonical content and its two signed PDFs (full, taskforce)."""
        row = self._version_row("content, pdf_full, pdf_taskforce", case_ref, reviewer_ref, version)
        return str(row[0]), bytes(row[1]), bytes(row[2])

    def _version_row(
        self, columns: str, case_ref: str, reviewer_ref: str, version: int
    ) -> tuple[Any, ...]:
        row = self._db.query_one(
            f"SELECT {columns} FROM returned_versions "
            "WHERE case_ref = ? AND reviewer_ref = ? AND version = ?",
            (case_ref, reviewer_ref, version),
        )
        if row is None:
            raise KeyError((case_ref, reviewer_ref, version))
        return tuple(row)

    def handed_back(self) -> set[tuple[str, str]]:
        """(case_ref, reviewer_ref) for every case a reviewer has returned handed back."""
        rows = self._db.query_all(
            "SELECT DISTINCT case_ref, reviewer_ref FROM returned_versions "
            "WHERE outcome = 'handed_back'"
        )
        return {(r[0], r[1]) for r in rows}

    def conflicts(self) -> list[ConflictRow]:
        rows = self._db.query_all(
            "SELECT case_ref, reviewer_ref, version, stored_sha256, arrived_sha256 "
            "FROM return_conflicts ORDER BY case_ref, reviewer_ref, version, id"
        )
        return [ConflictRow(*r) for r in rows]

    def quarantine(self) -> list[QuarantineRow]:
        rows = self._db.query_all(
            f"SELECT {columns_of(QuarantineRow)} FROM quarantine ORDER BY quarantined_at, file_name"
        )
        return [record_from_row(QuarantineRow, r, quarantined_at=iso_datetime) for r in rows]

    def runs(self) -> list[RunRow]:
        rows = self._db.query_all(
            "SELECT run_id, folder, started_at, finished_at, counts_json FROM collection_runs "
            "ORDER BY run_id"
        )
        return [
            record_from_row(
                RunRow,
                r,
                started_at=iso_datetime,
                finished_at=optional_datetime,
                counts=json.loads,
            )
            for r in rows
        ]

    # -- writing

    def start_run(self, folder: str) -> int:
        with self._db.transaction():
            cursor = self._db.execute(
                "INSERT INTO collection_runs (folder, started_at) VALUES (?, ?)",
                (folder, iso_utc(self._clock())),
            )
            return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, counts: dict[str, int]) -> None:
        with self._db.transaction():
            self._db.execute(
                "UPDATE collection_runs SET finished_at = ?, counts_json = ? WHERE run_id = ?",
                (iso_utc(self._clock()), json.dumps(counts, sort_keys=True), run_id),
            )

    def _file(self, run_id: int, row: BundleFileRow, verdict: str) -> None:
        # a retried file (see is_settled) replaces its earlier quarantine
        self._db.execute("DELETE FROM quarantine WHERE file_sha256 = ?", (row.file_sha256,))
        self._db.execute("DELETE FROM bundle_files WHERE file_sha256 = ?", (row.file_sha256,))
        self._db.execute(
            "INSERT INTO bundle_files (file_sha256, file_name, run_id, read_at, verdict, "
            "bundle_id, reviewer_ref, sequence, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row.file_sha256,
                row.file_name,
                run_id,
                iso_utc(self._clock()),
                verdict,
                row.bundle_id,
                row.reviewer_ref,
                row.sequence,
                None if row.signed_at is None else iso_utc(row.signed_at),
            ),
        )

    def accept(
        self,
        run_id: int,
        file: BundleFileRow,
        versions: Sequence[VersionRow],
        conflicts: Sequence[ConflictRow],
    ) -> None:
        """Record a bundle file and everything taken from it, in one transaction."""
        now = iso_utc(self._clock())
        with self._db.transaction():
            self._file(run_id, file, ACCEPTED)
            self._db.executemany(
                "INSERT INTO returned_versions (case_ref, reviewer_ref, version, outcome, "
                "definition_id, definition_version, supersedes_version, signed_at, content, "
                "content_sha256, audit_head_seq, audit_head_hash, pdf_full, pdf_full_sha256, "
                "pdf_taskforce, pdf_taskforce_sha256, audit_entries_json, verdicts_json, "
                "bundle_id, bundle_file_sha256, returned_at, collected_at) VALUES "
                "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_version_params(v, file.file_sha256, now) for v in versions],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO return_conflicts (case_ref, reviewer_ref, version, "
                "stored_sha256, arrived_sha256, bundle_file_sha256, found_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        c.case_ref,
                        c.reviewer_ref,
                        c.version,
                        c.stored_sha256,
                        c.arrived_sha256,
                        file.file_sha256,
                        now,
                    )
                    for c in conflicts
                ],
            )

    def quarantine_file(
        self, run_id: int, file: BundleFileRow, *, kept_as: str, reason: str, message: str
    ) -> None:
        with self._db.transaction():
            self._file(run_id, file, QUARANTINED)
            self._db.execute(
                "INSERT INTO quarantine (file_sha256, file_name, kept_as, reason, message, "
                "reviewer_ref, quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    file.file_sha256,
                    file.file_name,
                    kept_as,
                    reason,
                    message,
                    file.reviewer_ref,
                    iso_utc(self._clock()),
                ),
            )


def _version_params(v: VersionRow, file_sha256: str, now: str) -> tuple[Any, ...]:
    return (
        v.case_ref,
        v.reviewer_ref,
        v.version,
        v.outcome,
        v.definition_id,
        v.definition_version,
        v.supersedes_version,
        iso_utc(v.signed_at),
        v.content,
        v.content_sha256,
        v.audit_head_seq,
        v.audit_head_hash,
        v.pdf_full,
        v.pdf_full_sha256,
        v.pdf_taskforce,
        v.pdf_taskforce_sha256,
        json.dumps(v.audit_entries, sort_keys=True),
        json.dumps(v.verdicts, sort_keys=True),
        v.bundle_id,
        file_sha256,
        iso_utc(v.returned_at),
        now,
    )
