"""Every certificate the study authority issued; at most one active (not replaced) per
reviewer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import (
    columns_of,
    iso_datetime,
    optional_datetime,
    record_from_row,
)


class Enrolment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    reviewer_ref: str
    cert_pem: str
    fingerprint: str
    key_fingerprint: str
    issued_at: datetime
    replaced: bool
    revoked_at: datetime | None = None
    revoke_reason: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


_ENROLMENT_COLUMNS = columns_of(Enrolment)


def _enrolment(row: tuple[Any, ...]) -> Enrolment:
    return record_from_row(
        Enrolment, row, issued_at=iso_datetime, replaced=bool, revoked_at=optional_datetime
    )


class EnrolmentStore(Repository):
    def active(self, reviewer_ref: str) -> Enrolment | None:
        row = self._db.query_one(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE reviewer_ref = ? AND replaced = 0",
            (reviewer_ref,),
        )
        return None if row is None else _enrolment(row)

    def all_active(self) -> dict[str, Enrolment]:
        rows = self._db.query_all(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE replaced = 0 ORDER BY reviewer_ref"
        )
        return {row[1]: _enrolment(row) for row in rows}

    def history(self, reviewer_ref: str) -> list[Enrolment]:
        rows = self._db.query_all(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE reviewer_ref = ? ORDER BY id",
            (reviewer_ref,),
        )
        return [_enrolment(r) for r in rows]

    def every(self) -> list[Enrolment]:
        """Every certificate issued: active, replaced and revoked."""
        rows = self._db.query_all(f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments ORDER BY id")
        return [_enrolment(r) for r in rows]

    def by_fingerprint(self, cert_fingerprint: str) -> Enrolment | None:
        """Any certificate the study issued (active, replaced or revoked), by fingerprint."""
        row = self._db.query_one(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE fingerprint = ?",
            (cert_fingerprint,),
        )
        return None if row is None else _enrolment(row)

    def revoke(self, reviewer_ref: str, reason: str) -> Enrolment | None:
        """Revoke the reviewer's active certificate from now on; None if there is none.

        Revoking again keeps the first time and reason.
        """
        with self._db.transaction():
            self._db.execute(
                "UPDATE enrolments SET revoked_at = ?, revoke_reason = ? "
                "WHERE reviewer_ref = ? AND replaced = 0 AND revoked_at IS NULL",
                (iso_utc(self._clock()), reason, reviewer_ref),
            )
        return self.active(reviewer_ref)

    def add(self, reviewer_ref: str, cert_pem: str, fingerprint: str, key_fingerprint: str) -> None:
        """Record a new certificate, retiring the reviewer's active one (if any) with it."""
        now = iso_utc(self._clock())
        with self._db.transaction():
            self._db.execute(
                "UPDATE enrolments SET replaced = 1, replaced_at = ? "
                "WHERE reviewer_ref = ? AND replaced = 0",
                (now, reviewer_ref),
            )
            self._db.execute(
                "INSERT INTO enrolments (reviewer_ref, cert_pem, fingerprint, key_fingerprint, "
                "issued_at) VALUES (?, ?, ?, ?, ?)",
                (reviewer_ref, cert_pem, fingerprint, key_fingerprint, now),
            )
