"""What a sign-off works with: the unlocked signer, the checks, the stored signature row.

``open_signing_session`` checks the passphrase once and loads the enrolled identity; the
signing service (``signoff``) then signs one review or a batch with it. ``SignoffCheck`` is
what stands between a version and its signature; ``record_signature`` stores the row that
says who signed what.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from reviewer_app.domain.issues import Issue
from reviewer_app.services.signing.pades_sign import SigningIdentity
from reviewer_app.services.signing.rules import NO_IDENTITY, NOT_ENROLLED, NotEnrolledError
from reviewer_app.services.trust.authority import certificate_pem, load_certificate
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditHead
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import unlock_key
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity
from reviewer_app.storage.workspace.reviews import Review
from reviewer_app.storage.workspace.signatures import (
    SignatureRecord,
    SignatureRole,
    SignatureStore,
    SignedDocument,
)


@dataclass(frozen=True)
class SignoffCheck:
    """What stands between a review version and its signature."""

    review: Review
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]

    @property
    def can_sign(self) -> bool:
        return not self.errors

    @property
    def warning_codes(self) -> tuple[str, ...]:
        return tuple(sorted({w.code for w in self.warnings}))


@dataclass(frozen=True, repr=False)
class SigningSession:
    """An unlocked signer: the passphrase was checked once; the key is held in memory."""

    identity: SigningIdentity
    stored: StoredIdentity

    @property
    def actor(self) -> str:
        return self.stored.reviewer_ref or "reviewer"

    def __repr__(self) -> str:
        return f"SigningSession(reviewer={self.stored.reviewer_ref!r})"


@dataclass(frozen=True)
class SignerDetails:
    """Who a signature row records as the signer, and the certificate they signed with."""

    reviewer_ref: str | None
    name: str
    profession: str
    registration: str | None
    cert: x509.Certificate

    @classmethod
    def of(cls, session: SigningSession) -> SignerDetails:
        stored = session.stored
        return cls(
            stored.reviewer_ref,
            stored.name,
            stored.profession,
            stored.registration or None,
            session.identity.cert,
        )


@dataclass(frozen=True)
class SignResult:
    review: Review
    signature: SignatureRecord
    full: SignedDocument
    taskforce: SignedDocument
    content_sha256: str


def open_signing_session(
    db: Database, folder: Path, passphrase: str, now: dt.datetime
) -> SigningSession:
    """Check the passphrase (the workspace key) and load the enrolled identity once."""
    stored = IdentityStore(db).get()
    if stored is None:
        raise NotEnrolledError(NO_IDENTITY)
    if stored.cert_pem is None:
        raise NotEnrolledError(NOT_ENROLLED)
    unlock_key(Workspace.key_check_path_in(folder), passphrase)
    cert = load_certificate(stored.cert_pem)
    chain = tuple(load_certificate(p) for p in stored.chain_pems)
    key = load_private_key(stored)
    if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
        raise NotEnrolledError(
            "The certificate in this workspace does not belong to your key. Ask the "
            "coordinator to re-issue it."
        )
    if cert.not_valid_after_utc <= now:
        raise NotEnrolledError(
            "Your signing certificate has expired. Ask the coordinator to re-issue it."
        )
    return SigningSession(SigningIdentity(key, cert, chain), stored)


def record_signature(
    store: SignatureStore,
    review_id: int,
    role: SignatureRole,
    signer: SignerDetails,
    *,
    signed_at: dt.datetime,
    content_sha256: str,
    head: AuditHead,
) -> SignatureRecord:
    """Store the signature row: who signed, when, what content and audit head it seals."""
    record = SignatureRecord(
        review_id=review_id,
        seq=1 if role is SignatureRole.REVIEWER else 2,
        role=role,
        signer_ref=signer.reviewer_ref,
        signer_name=signer.name,
        signer_profession=signer.profession,
        signer_registration=signer.registration,
        signed_at=signed_at,
        content_sha256=content_sha256,
        audit_seq=head.seq,
        audit_hash=head.hash,
        cert_pem=certificate_pem(signer.cert),
    )
    store.add_signature(record)
    return record
