"""What a signature seals and what its summaries show, read from the workspace (no writes).

The canonical content (whose SHA-256 every page of the summary prints and the signature row
records) is recomputed from storage when a version is signed, when the signature is stored,
and when it is co-signed: the three must agree, or nothing is signed.

The warnings acknowledged at sign-off are part of the content (format version 2). Before the
signature they are what the sign-off check found; afterwards they are read back from the
signature's audit entry ("signed"), which records them. A version signed before format 2
recomputes as format 1 when that is what its signature row sealed, so it still verifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.domain.vocabulary import DocumentKind, ReviewMode
from reviewer_app.services.signing.amendment_changes import withdrawn_aware_changes
from reviewer_app.services.signing.canonical import (
    CONTENT_FORMAT_VERSION,
    AcknowledgedWarning,
    CanonicalContent,
    canonical_content,
    outcome_of,
)
from reviewer_app.services.summary.input import (
    ChangedField,
    Signer,
    SummaryInput,
    SummaryOutcome,
)
from reviewer_app.services.summary.signature_block import AcknowledgingSigner
from reviewer_app.services.trust.authority import load_certificate, study_id_of
from reviewer_app.storage.audit import AuditHead, AuditLog
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureRole, SignatureStore
from reviewer_app.storage.workspace.study_settings import StudySettingsStore

SIGNED_ACTION = "signed"
"""The audit action of a reviewer's signature; its entry records the acknowledged warnings."""

PENDING_PROFESSION = "Recorded by the study coordinator"


@dataclass(frozen=True)
class Draft:
    """One review version about to be signed, with everything its summary shows."""

    review: Review
    case: Case
    definition: ReviewDefinition
    """As the summaries show it: on the study's avoidability scale (``study_scale``)."""
    content: CanonicalContent
    signers: tuple[Signer, ...]
    acknowledged: tuple[AcknowledgedWarning, ...] = ()


class SigningInputs:
    """Reads a review version's content and its summaries' inputs on one connection."""

    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], dt.datetime],
        definition_loader: Callable[[str, int], ReviewDefinition],
        synthetic: bool,
    ) -> None:
        self._db = db
        self._load_definition = definition_loader
        self._synthetic = synthetic
        self._reviews = ReviewStore(db, clock=clock)
        self._cases = CaseStore(db, clock=clock)
        self._assignments = AssignmentStore(db, clock=clock)
        self._signatures = SignatureStore(db, clock=clock)
        self._audit = AuditLog(db, clock=clock)

    def definition_for(self, review: Review) -> ReviewDefinition:
        """The definition the review was made with, on the study's avoidability scale (what
        the form showed, and what the rule on the study's scale checks)."""
        return on_study_scale(
            self._load_definition(review.definition_id, int(review.definition_version)),
            StudySettingsStore(self._db).avoidability_scale(),
        )

    def content(
        self,
        review: Review,
        head: AuditHead,
        acknowledged: tuple[AcknowledgedWarning, ...] | None = None,
    ) -> CanonicalContent:
        """The canonical content of ``review`` sealing the audit trail at ``head``.

        ``acknowledged``: the warnings acknowledged now (sign-off); None reads those the
        version's signature recorded. When the reviewer's signature row sealed ``head`` with
        an older format, that format is rebuilt (it is what the signature commits to).
        """
        case = self._cases.get(review.case_ref)
        if acknowledged is None:
            acknowledged = self.acknowledged_at_signing(review.id)
        current = self._content(review, case, head, acknowledged)
        sealed = self._sealed_sha256(review.id, head)
        if sealed is None or sealed == current.sha256:
            return current
        older = self._content(review, case, head, (), format_version=1)
        return older if older.sha256 == sealed else current

    def acknowledged_at_signing(self, review_id: int) -> tuple[AcknowledgedWarning, ...]:
        """The warnings the reviewer's signature of ``review_id`` recorded (none if unsigned)."""
        for entry in reversed(self._audit.entries(review_id)):
            if entry.action != SIGNED_ACTION:
                continue
            new = entry.new_value
            listed = new.get("acknowledged_warnings", []) if isinstance(new, dict) else []
            return tuple(
                sorted(
                    AcknowledgedWarning(str(w["code"]), str(w["location"]), str(w["message"]))
                    for w in listed
                    if isinstance(w, dict)
                )
            )
        return ()

    def _sealed_sha256(self, review_id: int, head: AuditHead) -> str | None:
        for signature in self._signatures.signatures(review_id):
            if signature.role is SignatureRole.REVIEWER and (
                signature.audit_seq,
                signature.audit_hash,
            ) == tuple(head):
                return signature.content_sha256
        return None

    def draft(
        self,
        review: Review,
        head: AuditHead,
        me: Signer,
        acknowledged: tuple[AcknowledgedWarning, ...] = (),
    ) -> Draft:
        """``review`` as its summaries will show it, signed by ``me`` (and, for a joint
        review, with the co-reviewer's box left to fill), sealing ``acknowledged``."""
        case = self._cases.get(review.case_ref)
        joint = self._co_reviewer_name(review.case_ref)
        sealing = AcknowledgingSigner(
            **me.model_dump(),
            acknowledged_warnings=tuple((w.code, w.message) for w in acknowledged),
        )
        signers = (sealing,) if joint is None else (sealing, _pending_co_reviewer(joint))
        content = self._content(review, case, head, acknowledged)
        return Draft(review, case, self.definition_for(review), content, signers, acknowledged)

    def summary_input(self, draft: Draft, kind: DocumentKind) -> SummaryInput:
        review = draft.review
        previous = self._previous(review)
        changes: tuple[ChangedField, ...] = ()
        if previous is not None:
            changes = withdrawn_aware_changes(
                draft.definition,
                self._reviews.answers(previous.id),
                self._reviews.answers(review.id),
            )
        study_name, study_id = self._study()
        return SummaryInput(
            study_name=study_name,
            study_id=study_id,
            case=draft.case,
            definition=draft.definition,
            answers=self._reviews.answers(review.id),
            version=review.version,
            supersedes=None if previous is None else previous.version,
            amendment_reason=review.amendment_reason,
            changes=changes,
            outcome=SummaryOutcome(review.status.value) if review.status.is_outcome else None,
            outcome_reason=review.outcome_reason,
            signers=draft.signers,
            content_hash=draft.content.sha256,
            synthetic=self._synthetic,
            taskforce_copy=kind is DocumentKind.TASKFORCE,
        )

    def _content(
        self,
        review: Review,
        case: Case,
        head: AuditHead,
        acknowledged: tuple[AcknowledgedWarning, ...],
        format_version: int | None = None,
    ) -> CanonicalContent:
        """The content in ``format_version`` (None: the format signed today)."""
        previous = self._previous(review)
        return canonical_content(
            case=case,
            definition=self.definition_for(review),
            answers=self._reviews.answers(review.id),
            version=review.version,
            outcome=outcome_of(review.status),
            outcome_reason=review.outcome_reason,
            supersedes_version=None if previous is None else previous.version,
            amendment_reason=review.amendment_reason,
            audit_head=head,
            acknowledged=acknowledged,
            format_version=CONTENT_FORMAT_VERSION if format_version is None else format_version,
        )

    def _previous(self, review: Review) -> Review | None:
        return (
            None if review.amends_review_id is None else self._reviews.get(review.amends_review_id)
        )

    def _co_reviewer_name(self, case_ref: str) -> str | None:
        assignment = self._assignments.assignment(case_ref)
        if assignment is None or assignment.review_mode != ReviewMode.JOINT:
            return None
        return assignment.co_reviewer_name or "Co-reviewer"

    def _study(self) -> tuple[str, str]:
        pinned = self._assignments.pinned_root()
        if pinned is not None:
            return pinned.study_name, pinned.study_id
        stored = IdentityStore(self._db).get()
        for pem in () if stored is None else stored.chain_pems:
            root = load_certificate(pem)
            study_id = study_id_of(root)
            if study_id:
                names = root.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
                return (str(names[0].value) if names else study_id), study_id
        return "Unknown study", "unknown"


def reviewer_signer(stored: StoredIdentity, signed_at: dt.datetime) -> Signer:
    """The reviewer as their summary's signature block shows them."""
    return Signer(
        name=stored.name,
        profession=stored.profession,
        registration=stored.registration or None,
        role="reviewer",
        signed_at=signed_at,
    )


def _pending_co_reviewer(name: str) -> Signer:
    return Signer(name=name, profession=PENDING_PROFESSION, role="co-reviewer", signed_at=None)
