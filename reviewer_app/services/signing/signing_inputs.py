"""What a signature seals and what its summaries show, read from the workspace (no writes).

The canonical content (whose SHA-256 every page of the summary prints and the signature row
records) is recomputed from storage when a version is signed, when the signature is stored,
and when it is co-signed: the three must agree, or nothing is signed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cryptography import x509

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.vocabulary import DocumentKind, ReviewMode
from reviewer_app.services.signing.canonical import CanonicalContent, canonical_content, outcome_of
from reviewer_app.services.summary.input import (
    ChangedField,
    Signer,
    SummaryInput,
    SummaryOutcome,
    changes_between,
)
from reviewer_app.services.trust.authority import load_certificate, study_id_of
from reviewer_app.storage.audit import AuditHead
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity
from reviewer_app.storage.workspace.reviews import Review, ReviewStore

PENDING_PROFESSION = "Recorded by the study coordinator"


@dataclass(frozen=True)
class Draft:
    """One review version about to be signed, with everything its summary shows."""

    review: Review
    case: Case
    definition: ReviewDefinition
    content: CanonicalContent
    signers: tuple[Signer, ...]


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

    def definition_for(self, review: Review) -> ReviewDefinition:
        return self._load_definition(review.definition_id, int(review.definition_version))

    def content(self, review: Review, head: AuditHead) -> CanonicalContent:
        """The canonical content of ``review`` sealing the audit trail at ``head``."""
        return self._content(review, self._cases.get(review.case_ref), head)

    def draft(self, review: Review, head: AuditHead, me: Signer) -> Draft:
        """``review`` as its summaries will show it, signed by ``me`` (and, for a joint
        review, with the co-reviewer's box left to fill)."""
        case = self._cases.get(review.case_ref)
        joint = self._co_reviewer_name(review.case_ref)
        signers = (me,) if joint is None else (me, _pending_co_reviewer(joint))
        content = self._content(review, case, head)
        return Draft(review, case, self.definition_for(review), content, signers)

    def summary_input(self, draft: Draft, kind: DocumentKind) -> SummaryInput:
        review = draft.review
        previous = self._previous(review)
        changes: tuple[ChangedField, ...] = ()
        if previous is not None:
            changes = changes_between(
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

    def _content(self, review: Review, case: Case, head: AuditHead) -> CanonicalContent:
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
