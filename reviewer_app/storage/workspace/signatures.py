"""Signatures, signed PDF summaries and co-signer slots (schema v3): rows in, rows out.

The sign-off service decides what to sign; this module only reads and writes, inside the
caller's transaction when there is one (``Database.transaction`` nests). Triggers make the
first two tables append-only, so a stored signed PDF can never be replaced or removed.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.vocabulary import DocumentKind as DocumentKind  # noqa: PLC0414 (re-export: moved to domain)
from reviewer_app.errors import NotFoundError
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository


class SignatureRole(StrEnum):
    REVIEWER = "reviewer"
    CO_REVIEWER = "co_reviewer"


class SignatureRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    review_id: int
    seq: int
    role: SignatureRole
    signer_ref: str | None
    signer_name: str
    signer_profession: str
    signer_registration: str | None
    signed_at: datetime
    content_sha256: str
    audit_seq: int
    audit_hash: str
    cert_pem: str


class SignedDocument(BaseModel):
    model_config = ConfigDict(frozen=True)

    review_id: int
    version: int
    kind: DocumentKind
    signature_count: int
    pdf: bytes
    pdf_sha256: str
    created_at: datetime


class CosignerSlot(BaseModel):
    """A co-reviewer's identity file held for co-signing (still under their passphrase)."""

    model_config = ConfigDict(frozen=True)

    id: int
    pkcs12: bytes
    reviewer_ref: str | None
    name: str
    cert_fingerprint: str
    added_at: datetime


_SIG_COLUMNS = (
    "review_id, seq, role, signer_ref, signer_name, signer_profession, signer_registration, "
    "signed_at, content_sha256, audit_seq, audit_hash, cert_pem"
)
_DOC_COLUMNS = "review_id, version, kind, signature_count, pdf, pdf_sha256, created_at"
_SLOT_COLUMNS = "id, pkcs12, reviewer_ref, name, cert_fingerprint, added_at"


def _signature(row: tuple[Any, ...]) -> SignatureRecord:
    return SignatureRecord.model_validate(dict(zip(_SIG_COLUMNS.split(", "), row, strict=True)))


def _document(row: tuple[Any, ...]) -> SignedDocument:
    fields = dict(zip(_DOC_COLUMNS.split(", "), row, strict=True))
    fields["pdf"] = bytes(fields["pdf"])
    return SignedDocument.model_validate(fields)


def _slot(row: tuple[Any, ...]) -> CosignerSlot:
    fields = dict(zip(_SLOT_COLUMNS.split(", "), row, strict=True))
    fields["pkcs12"] = bytes(fields["pkcs12"])
    return CosignerSlot.model_validate(fields)


class SignatureStore(Repository):
    # -- signatures

    def add_signature(self, record: SignatureRecord) -> None:
        values = record.model_dump()
        values["signed_at"] = iso_utc(record.signed_at)
        values["role"] = record.role.value
        names = _SIG_COLUMNS.split(", ")
        with self._db.transaction():
            self._db.execute(
                f"INSERT INTO signatures ({_SIG_COLUMNS}) VALUES ({', '.join('?' * len(names))})",
                [values[n] for n in names],
            )

    def signatures(self, review_id: int) -> list[SignatureRecord]:
        rows = self._db.query_all(
            f"SELECT {_SIG_COLUMNS} FROM signatures WHERE review_id = ? ORDER BY seq",
            (review_id,),
        )
        return [_signature(row) for row in rows]

    # -- signed documents

    def add_document(
        self, review_id: int, version: int, kind: DocumentKind, signature_count: int, pdf: bytes
    ) -> SignedDocument:
        digest = hashlib.sha256(pdf).hexdigest()
        now = self._clock()
        with self._db.transaction():
            self._db.execute(
                f"INSERT INTO signed_documents ({_DOC_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (review_id, version, kind.value, signature_count, pdf, digest, iso_utc(now)),
            )
        return SignedDocument(
            review_id=review_id,
            version=version,
            kind=kind,
            signature_count=signature_count,
            pdf=pdf,
            pdf_sha256=digest,
            created_at=now,
        )

    def latest_document(self, review_id: int, kind: DocumentKind) -> SignedDocument | None:
        """The newest stored file of this kind (the co-signed one once there is one)."""
        row = self._db.query_one(
            f"SELECT {_DOC_COLUMNS} FROM signed_documents WHERE review_id = ? AND kind = ? "
            "ORDER BY signature_count DESC LIMIT 1",
            (review_id, kind.value),
        )
        return None if row is None else _document(row)

    def documents(self, review_id: int) -> list[SignedDocument]:
        rows = self._db.query_all(
            f"SELECT {_DOC_COLUMNS} FROM signed_documents WHERE review_id = ? "
            "ORDER BY kind, signature_count",
            (review_id,),
        )
        return [_document(row) for row in rows]

    def signed_review_ids(self) -> dict[str, list[int]]:
        """Per case ref, the ids of its review versions that have a signed document."""
        rows = self._db.query_all(
            "SELECT r.case_ref, r.id FROM reviews r WHERE EXISTS "
            "(SELECT 1 FROM signed_documents d WHERE d.review_id = r.id) "
            "ORDER BY r.case_ref, r.version"
        )
        found: dict[str, list[int]] = {}
        for case_ref, review_id in rows:
            found.setdefault(str(case_ref), []).append(int(review_id))
        return found

    # -- co-signer slots

    def add_slot(
        self, pkcs12: bytes, *, reviewer_ref: str | None, name: str, cert_fingerprint: str
    ) -> int:
        with self._db.transaction():
            cursor = self._db.execute(
                f"INSERT INTO cosigner_slots ({_SLOT_COLUMNS}) VALUES (NULL, ?, ?, ?, ?, ?)",
                (pkcs12, reviewer_ref, name, cert_fingerprint, iso_utc(self._clock())),
            )
            return int(cursor.lastrowid or 0)

    def slot(self, slot_id: int) -> CosignerSlot:
        row = self._db.query_one(
            f"SELECT {_SLOT_COLUMNS} FROM cosigner_slots WHERE id = ?", (slot_id,)
        )
        if row is None:
            raise NotFoundError("That co-signer is no longer held in this workspace.")
        return _slot(row)

    def slots(self) -> list[CosignerSlot]:
        rows = self._db.query_all(f"SELECT {_SLOT_COLUMNS} FROM cosigner_slots ORDER BY id")
        return [_slot(row) for row in rows]

    def remove_slot(self, slot_id: int) -> bool:
        with self._db.transaction():
            cursor = self._db.execute("DELETE FROM cosigner_slots WHERE id = ?", (slot_id,))
            return bool(cursor.rowcount)
