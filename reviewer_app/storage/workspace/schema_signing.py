"""Workspace schema step v3: signatures, the stored signed PDF summaries, co-signer slots.

- ``signatures``: one row per signature on a review version, in order (``seq``): who signed,
  in which role, when (UTC), the SHA-256 of the canonical review content they signed, the
  audit trail's head (sequence and hash) at that moment, and the certificate used.
- ``signed_documents``: the signed PDF bytes themselves, per review version and kind (the
  identifiable ``full`` summary and the ``taskforce`` copy). A co-signature does not change a
  row: it adds a new row holding the co-signed file (``signature_count`` 2). The newest row
  of a kind is what every Print, Save and export hands out; PDFs are never regenerated.
- ``cosigner_slots``: a co-reviewer's exported identity (PKCS#12), still encrypted under
  the co-reviewer's own passphrase, held only until they have co-signed; removable.

Triggers make signatures and signed documents append-only (no UPDATE, no DELETE), allow them
only on a review that is signed or closed with an outcome, and freeze a review row once it
carries a signature (for outcomes, whose status otherwise could be reopened).
"""

from __future__ import annotations

from reviewer_app.domain.status import OUTCOMES, ReviewStatus
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.triggers import never_changed_records, refusing_trigger

_SIGNABLE = ", ".join(
    f"'{s.value}'" for s in sorted({ReviewStatus.SIGNED, *OUTCOMES}, key=lambda s: s.value)
)


def _append_only(table: str, what: str) -> str:
    """Signing records: never changed or deleted, and only ever about a signed review."""
    when_signed = refusing_trigger(
        f"{table}_only_when_signed",
        "INSERT",
        table,
        f"only a signed review or a closed outcome carries {what}",
        when=f"(SELECT status FROM reviews WHERE id = NEW.review_id) NOT IN ({_SIGNABLE})",
    )
    return f"{never_changed_records(table, what)}\n{when_signed}\n"


_SIGNATURE_FROZEN = refusing_trigger(
    "reviews_with_signature_frozen",
    "UPDATE",
    "reviews",
    "the review is signed; amend it instead",
    when="EXISTS (SELECT 1 FROM signatures WHERE review_id = OLD.id)",
)


SCHEMA_V3 = f"""
CREATE TABLE signatures (
    id                  INTEGER PRIMARY KEY,
    review_id           INTEGER NOT NULL REFERENCES reviews (id),
    seq                 INTEGER NOT NULL CHECK (seq >= 1),
    role                TEXT NOT NULL CHECK (role IN ('reviewer', 'co_reviewer')),
    signer_ref          TEXT,
    signer_name         TEXT NOT NULL,
    signer_profession   TEXT NOT NULL,
    signer_registration TEXT,
    signed_at           TEXT NOT NULL,
    content_sha256      TEXT NOT NULL CHECK (length(content_sha256) = 64),
    audit_seq           INTEGER NOT NULL CHECK (audit_seq >= 0),
    audit_hash          TEXT NOT NULL CHECK (length(audit_hash) = 64),
    cert_pem            TEXT NOT NULL,
    UNIQUE (review_id, seq)
) STRICT;

CREATE TABLE signed_documents (
    id              INTEGER PRIMARY KEY,
    review_id       INTEGER NOT NULL REFERENCES reviews (id),
    version         INTEGER NOT NULL CHECK (version >= 1),
    kind            TEXT NOT NULL CHECK (kind IN ('full', 'taskforce')),
    signature_count INTEGER NOT NULL CHECK (signature_count >= 1),
    pdf             BLOB NOT NULL,
    pdf_sha256      TEXT NOT NULL CHECK (length(pdf_sha256) = 64),
    created_at      TEXT NOT NULL,
    UNIQUE (review_id, kind, signature_count)
) STRICT;
CREATE INDEX signed_documents_by_review ON signed_documents (review_id, kind, signature_count);

CREATE TABLE cosigner_slots (
    id               INTEGER PRIMARY KEY,
    pkcs12           BLOB NOT NULL,
    reviewer_ref     TEXT,
    name             TEXT NOT NULL,
    cert_fingerprint TEXT NOT NULL,
    added_at         TEXT NOT NULL
) STRICT;

{_append_only("signatures", "signatures")}
{_append_only("signed_documents", "signed summaries")}

{_SIGNATURE_FROZEN}
"""


def migrate_to_v3(db: Database) -> None:
    db.executescript(SCHEMA_V3)
