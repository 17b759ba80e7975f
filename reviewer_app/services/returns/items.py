"""The signed review versions a return carries, read from the workspace as they were signed.

For each signed version not yet returned: the canonical content is recomputed exactly as
sign-off computed it (``SigningInputs.content`` at the audit head the signature sealed) and
must hash to the SHA-256 the signature row recorded, else the record is not coherent and
nothing is returned. Then, per item, both stored signed PDFs (the newest of each kind: the
co-signed file once there is one) and the review's audit entries up to the sealed head.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from reviewer_app.domain.definition import load_definition_version
from reviewer_app.domain.vocabulary import DocumentKind, ReturnHold
from reviewer_app.errors import DamagedFileError, UserError
from reviewer_app.services.returns.format import AuditHead, Outcome, ReturnItem
from reviewer_app.services.returns.holds import hold_of
from reviewer_app.services.signing.signing_inputs import SigningInputs
from reviewer_app.storage.audit import AuditHead as SealedHead
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.returns import ReturnStore, SignedVersion
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureRecord, SignatureStore

FULL_REVIEW = "full_review"  # the canonical content's outcome for a full review


@dataclass(frozen=True)
class HeldBack:
    case_ref: str
    version: int
    reason: ReturnHold


@dataclass(frozen=True)
class Prepared:
    """A signed version checked coherent, its canonical content recomputed (no PDFs yet)."""

    review: Review
    signature: SignatureRecord
    content: bytes
    content_sha256: str
    outcome: Outcome
    supersedes_version: int | None


@dataclass(frozen=True)
class Candidates:
    ready: tuple[Prepared, ...]
    held_back: tuple[HeldBack, ...]


class ItemReader:
    """Reads what a return carries, on one connection (no writes)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._reviews = ReviewStore(db)
        self._cases = CaseStore(db)
        self._signatures = SignatureStore(db)
        self._audit = AuditLog(db)
        self._inputs = SigningInputs(
            db, clock=utc_now, definition_loader=load_definition_version, synthetic=False
        )

    def candidates(self) -> Candidates:
        """Every signed version not yet returned: ready (checked coherent) or held back."""
        ready: list[Prepared] = []
        held: list[HeldBack] = []
        for version in ReturnStore(self._db).unreturned():
            reason = hold_of(version)
            prepared = None if reason else self._prepare(version)
            if prepared is None:
                reason = reason or ReturnHold.IDENTIFIERS_CORRECTED
                held.append(HeldBack(version.case_ref, version.version, reason))
            else:
                ready.append(prepared)
        return Candidates(tuple(ready), tuple(held))

    def still_as_signed(self, version: SignedVersion) -> bool:
        """Whether ``version`` would go in a return (not held back for corrected identifiers);
        a content that matches nothing it can explain is refused, as the return refuses it."""
        return self._prepare(version) is not None

    def _prepare(self, version: SignedVersion) -> Prepared | None:
        """The version's content as signed; None when a later correction of the case's
        identifiers explains the difference (held back), refused when nothing does."""
        review = self._reviews.get(version.review_id)
        signature = self._signatures.signatures(review.id)[0]
        head = SealedHead(signature.audit_seq, signature.audit_hash)
        content = self._inputs.content(review, head)
        if content.sha256 != signature.content_sha256:
            if self._cases.get_record(review.case_ref).identifiers_corrected:
                return None
            raise UserError(
                f"Case {review.case_ref} version {review.version} in this workspace no longer "
                "matches what was signed, so it cannot be returned as signed. Nothing was "
                "returned. Tell the study coordinator."
            )
        document = content.document
        said = document["review"]["outcome"]
        return Prepared(
            review=review,
            signature=signature,
            content=content.data,
            content_sha256=content.sha256,
            outcome=Outcome.REVIEWED if said == FULL_REVIEW else Outcome(said),
            supersedes_version=document["review"]["supersedes_version"],
        )

    def item(self, prepared: Prepared) -> ReturnItem:
        """The full item: content, both signed PDFs, the audit entries up to the sealed head."""
        review, signature = prepared.review, prepared.signature
        full, taskforce = (self._pdf(review, kind) for kind in DocumentKind)
        entries = [
            e.model_dump() for e in self._audit.entries(review.id) if e.seq <= signature.audit_seq
        ]
        return ReturnItem(
            case_ref=review.case_ref,
            version=review.version,
            outcome=prepared.outcome,
            definition_id=review.definition_id,
            definition_version=review.definition_version,
            supersedes_version=prepared.supersedes_version,
            signed_at=signature.signed_at,
            content=prepared.content.decode("utf-8"),
            content_sha256=prepared.content_sha256,
            audit_head=AuditHead(seq=signature.audit_seq, hash=signature.audit_hash),
            pdf_full_sha256=hashlib.sha256(full).hexdigest(),
            pdf_taskforce_sha256=hashlib.sha256(taskforce).hexdigest(),
            pdf_full_b64=base64.b64encode(full).decode("ascii"),
            pdf_taskforce_b64=base64.b64encode(taskforce).decode("ascii"),
            audit_entries=entries,
        )

    def _pdf(self, review: Review, kind: DocumentKind) -> bytes:
        stored = self._signatures.latest_document(review.id, kind)
        if stored is None or hashlib.sha256(stored.pdf).hexdigest() != stored.pdf_sha256:
            raise DamagedFileError(
                f"The signed {kind.value} summary of case {review.case_ref} version "
                f"{review.version} is missing or damaged in this workspace. Nothing more "
                "was returned. Tell the study coordinator."
            )
        return stored.pdf
