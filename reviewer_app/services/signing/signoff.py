"""Sign-off: sign a review version, co-sign it, amend it, and hand out the stored signed PDFs.

What signing a review version does, in ONE transaction (all or nothing):

1. Checks: validation reports no error; every warning's code is in the acknowledged list
   (an amendment that withdraws a finding an earlier signed version recorded adds the
   warning ``rules.FINDING_WITHDRAWN``, naming each finding); an amendment that turns a
   signed full review into another outcome is refused when ANY earlier signed full review of
   the case holds a finding (escalation trigger, escalation, immediate safety concern), and
   needs a reason of substance otherwise;
   the workspace has an enrolled identity (key and certificate); the passphrase matches the
   workspace key (``storage.keys.unlock_key`` on the key-check file), checked before anything.
2. Reads the audit trail's head and builds the canonical content (``services.signing.canonical``)
   with the acknowledged warnings sealed in it: its SHA-256 is printed on every page of the
   summary and recorded with the signature; the warnings are printed in the "Warnings
   acknowledged at sign-off" box of both summaries and recorded in the sign event's audit entry.
3. Renders the summary twice, the identifiable ``full`` summary and the ``taskforce`` copy
   (direct identifiers left out), and signs BOTH with a PAdES-B-B signature in the
   reviewer's visible signature box. For a joint review an empty signature field is reserved
   in the co-reviewer's box, so co-signing later is pure form filling.
4. Moves the status to signed (outcomes keep their status), stores the signature row and both
   signed PDFs, and audits the sign event. Triggers then keep all of it unchangeable.

The signed PDF bytes are what every later Print, Save and export hands out; nothing is
re-rendered. Co-signing appends the co-reviewer's signature to both stored files as an
incremental update and stores the results as new rows. An amendment is a new version
(``ReviewStore.start_amendment``, reason required) that must be signed again; its summary
names the version it supersedes and lists what changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Collection, Mapping, Sequence

from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from reviewer_app.domain.review_timing import ReviewTiming
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.validation import validate
from reviewer_app.domain.vocabulary import DocumentKind, ReviewMode
from reviewer_app.errors import NotFoundError, ReadOnlyError
from reviewer_app.services.integrity.checks import require_intact
from reviewer_app.services.signing.canonical import (
    AcknowledgedWarning,
    CanonicalContent,
    outcome_of,
    sealed_warnings,
)
from reviewer_app.services.signing.cosigner_slots import CosignerSlots
from reviewer_app.services.signing.pades_sign import SigningIdentity, sign_pdf
from reviewer_app.services.signing.rules import (
    NO_DESIGNATED_CO_REVIEWER,
    NOT_JOINT_NO_COSIGNATURE,
    SIGNABLE_STATUSES,
    SignoffRefusedError,
    UnacknowledgedWarningsError,
    ValidationBlocksSigningError,
    amendment_reason_problem,
    case_outcome_change_refusal,
    earlier_signed_versions,
    withdrawn_finding_warning,
)
from reviewer_app.services.signing.session import (
    SignerDetails,
    SigningSession,
    SignoffCheck,
    SignResult,
    open_signing_session,
    record_signature,
)
from reviewer_app.services.signing.signed_pdfs import (
    CO_REVIEWER_FIELD,
    SignJob,
    produce_signed_pdfs,
    produced,
    self_check,
    signature_reason,
)
from reviewer_app.services.signing.signer_certificate import signer_details_of
from reviewer_app.services.signing.signing_inputs import (
    SIGNED_ACTION,
    SigningInputs,
    reviewer_signer,
)
from reviewer_app.services.summary.input import Signer, SummaryInput
from reviewer_app.services.summary.taskforce import ShownRedaction, redaction_preview
from reviewer_app.services.trust.authority import reviewer_ref_of
from reviewer_app.services.trust.enrolment import import_pkcs12
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditHead, AuditLog
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import (
    CosignerSlot,
    SignatureRecord,
    SignatureRole,
    SignatureStore,
    SignedDocument,
)

__all__ = ["SignResult", "SigningSession", "SignoffCheck", "SignoffService"]

log = logging.getLogger(__name__)


class SignoffService:
    """Sign-off use-cases on an unlocked workspace (its main connection, or one per thread)."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        definition_loader: Callable[[str, int], ReviewDefinition] = load_definition_version,
        synthetic: bool = False,
    ) -> None:
        self._workspace = workspace
        self._db = workspace.db
        self._clock = clock
        self._inputs = SigningInputs(
            self._db, clock=clock, definition_loader=definition_loader, synthetic=synthetic
        )
        self._slots = CosignerSlots(self._db, clock=clock)
        self._reviews = ReviewStore(self._db, clock=clock)
        self._cases = CaseStore(self._db, clock=clock)
        self._store = SignatureStore(self._db, clock=clock)
        self._audit = AuditLog(self._db, clock=clock)
        self._assignments = AssignmentStore(self._db, clock=clock)

    # -- checks ------------------------------------------------------------------------------

    def definition_for(self, review: Review) -> ReviewDefinition:
        return self._inputs.definition_for(review)

    def check(self, review_id: int) -> SignoffCheck:
        """Validation as the sign dialog shows it: errors block, warnings need acknowledging."""
        review = self._reviews.get(review_id)
        definition = self.definition_for(review)
        answers = self._reviews.answers(review_id)
        report = validate(
            definition,
            answers,
            self._cases.get(review.case_ref),
            ReviewTiming(self._clock(), self._reviews.began(review)),
        )
        withdrawn = withdrawn_finding_warning(
            self._db, review, definition, answers, self.definition_for
        )
        warnings = report.warnings if withdrawn is None else (*report.warnings, withdrawn)
        return SignoffCheck(review, report.errors, warnings)

    def taskforce_redactions(self, review_id: int) -> tuple[ShownRedaction, ...]:
        """Every redaction the taskforce copy of this version will make, with its context:
        the same input the signed taskforce copy is rendered from (no writes)."""
        me = Signer(name="Reviewer", profession="Reviewer")  # not shown: only the text is read
        inputs = self.summary_inputs(review_id, me, sealing=False)
        return redaction_preview(inputs[DocumentKind.TASKFORCE])

    def summary_inputs(
        self, review_id: int, signer: Signer, *, sealing: bool = True
    ) -> dict[DocumentKind, SummaryInput]:
        """Both summaries' inputs as signing would make them now (no writes): ``signer``
        signs; with ``sealing`` every warning the check finds is sealed, as signing seals
        them (each must be acknowledged); the audit head as it stands. What the sign dialog
        previews is rendered from exactly this."""
        if sealing:
            check = self.check(review_id)
            review, sealed = check.review, sealed_warnings(check.warnings)
        else:
            review, sealed = self._reviews.get(review_id), ()
        draft = self._inputs.draft(review, self._audit.head(), signer, sealed)
        return {kind: self._inputs.summary_input(draft, kind) for kind in DocumentKind}

    def open_session(self, passphrase: str) -> SigningSession:
        """Check the passphrase (the workspace key) and load the enrolled identity once."""
        return open_signing_session(self._db, self._workspace.folder, passphrase, self._clock())

    # -- signing -----------------------------------------------------------------------------

    def sign(self, review_id: int, passphrase: str, acknowledged: Collection[str]) -> SignResult:
        """Sign one review version (see the module docstring for exactly what happens)."""
        self._precheck(review_id, acknowledged)  # refuse before the (slow) passphrase check
        return self.sign_with(self.open_session(passphrase), review_id, acknowledged)

    def sign_with(
        self, session: SigningSession, review_id: int, acknowledged: Collection[str]
    ) -> SignResult:
        """Sign with an already unlocked session: everything in one transaction."""
        with self._db.transaction():
            require_intact(self._db, "signing")
            check = self._precheck(review_id, acknowledged)
            job = self._job(session, check, self._audit.head())
            pdfs = produce_signed_pdfs(job, session.identity)
            return self._commit(session, job, pdfs, acknowledged)

    def sign_batch(
        self,
        session: SigningSession,
        items: Sequence[tuple[int, Collection[str]]],
        *,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[SignResult]:
        """Sign many review versions ((review id, acknowledged warning codes) each).

        Every version is checked first: one that cannot be signed refuses the batch before
        anything is signed. Rendering and signing then run in ``workers`` processes (default:
        one per CPU, at most 4) while this process prepares the next jobs and stores the
        finished ones, one transaction per review. Every signature in the batch seals the
        audit head as it was when the batch started (each signature row records which head it
        sealed), which is what lets the summaries be made in parallel. A review that changed
        while the batch ran is refused, not signed.
        """
        require_intact(self._db, "signing")
        head = self._audit.head()
        checks = [self._precheck(rid, ack) for rid, ack in items]
        acknowledged = {rid: ack for rid, ack in items}
        jobs = (self._job(session, check, head) for check in checks)
        results: list[SignResult] = []
        with produced(jobs, session.identity, workers, count=len(checks)) as signed:
            for done, (job, pdfs) in enumerate(signed, start=1):
                with self._db.transaction():
                    results.append(self._commit(session, job, pdfs, acknowledged[job.review_id]))
                if progress is not None:
                    progress(done, len(checks))
        return results

    def _job(self, session: SigningSession, check: SignoffCheck, head: AuditHead) -> SignJob:
        """Everything the two summaries of a checked version show, read from storage."""
        review = check.review
        signed_at = self._clock()
        sealed = sealed_warnings(check.warnings)
        me = reviewer_signer(session.stored, signed_at)
        draft = self._inputs.draft(review, head, me, sealed)
        return SignJob(
            review_id=review.id,
            version=review.version,
            signed_at=signed_at,
            content=draft.content,
            reason=signature_reason(review, draft.content, "Reviewer sign-off"),
            inputs={kind: self._inputs.summary_input(draft, kind) for kind in DocumentKind},
            acknowledged=sealed,
        )

    def _commit(
        self,
        session: SigningSession,
        job: SignJob,
        pdfs: Mapping[DocumentKind, bytes],
        acknowledged: Collection[str],
    ) -> SignResult:
        """Store one signed version; must run inside a transaction."""
        check = self._precheck(job.review_id, acknowledged)
        review = check.review
        head = job.content.audit_head
        sealed: tuple[AcknowledgedWarning, ...] = sealed_warnings(check.warnings)
        if (
            sealed != job.acknowledged
            or self._inputs.content(review, head, sealed).sha256 != job.content.sha256
        ):
            raise SignoffRefusedError(
                f"Review {review.case_ref} changed while it was being signed; nothing was "
                "signed. Check it and sign again."
            )
        if not review.status.is_outcome:
            review = self._reviews.set_status(job.review_id, ReviewStatus.SIGNED, session.actor)
        record = record_signature(
            self._store,
            job.review_id,
            SignatureRole.REVIEWER,
            SignerDetails.of(session),
            signed_at=job.signed_at,
            content_sha256=job.content.sha256,
            head=head,
        )
        docs = {
            kind: self._store.add_document(job.review_id, review.version, kind, 1, pdfs[kind])
            for kind in DocumentKind
        }
        self._audit.append(
            actor=session.actor,
            action=SIGNED_ACTION,
            review_id=job.review_id,
            new={
                "role": record.role.value,
                "outcome": outcome_of(review.status),
                "acknowledged_warnings": [w.to_json() for w in sealed],
                "content_sha256": job.content.sha256,
                "audit_head": [head.seq, head.hash],
                "pdf_sha256": {k.value: d.pdf_sha256 for k, d in docs.items()},
            },
            at=job.signed_at,
        )
        log.info("signed review %d (version %d)", job.review_id, review.version)
        return SignResult(
            review,
            record,
            docs[DocumentKind.FULL],
            docs[DocumentKind.TASKFORCE],
            job.content.sha256,
        )

    def _precheck(self, review_id: int, acknowledged: Collection[str]) -> SignoffCheck:
        review = self._reviews.get(review_id)
        if review.status == ReviewStatus.SIGNED or self._store.signatures(review_id):
            raise ReadOnlyError(
                f"Review {review.case_ref} version {review.version} is already signed. "
                "Start an amendment to change it."
            )
        if review.status not in SIGNABLE_STATUSES:
            raise SignoffRefusedError(f"A review that is {review.status.label} cannot be signed.")
        check = self.check(review_id)
        if check.errors:
            raise ValidationBlocksSigningError(check.errors)
        missing = [w for w in check.warnings if w.code not in set(acknowledged)]
        if missing:
            raise UnacknowledgedWarningsError(missing)
        self._check_outcome_change(review)
        return check

    def _check_outcome_change(self, review: Review) -> None:
        """An amendment turning a signed full review into another outcome: refused when ANY
        earlier signed full review of the case holds a finding (so removing the finding in
        one amendment and changing the outcome in the next is no route out), and only with
        a reason of substance otherwise."""
        if review.amends_review_id is None or not review.status.is_outcome:
            return
        earlier = earlier_signed_versions(self._db, review)
        if all(previous.status.is_outcome for previous in earlier):
            return
        refusal = case_outcome_change_refusal(self._db, review, self.definition_for)
        if refusal is not None:
            raise SignoffRefusedError(refusal)
        problem = amendment_reason_problem(review.amendment_reason or "")
        if problem is not None:
            raise SignoffRefusedError(problem)

    # -- co-signing --------------------------------------------------------------------------

    def add_cosigner(self, pkcs12: bytes, passphrase: str) -> CosignerSlot:
        """Hold a co-reviewer's exported identity (checked to open, kept under THEIR passphrase)."""
        return self._slots.add(pkcs12, passphrase)

    def remove_cosigner(self, slot_id: int) -> None:
        """Forget a held co-reviewer identity (after co-signing, or if brought by mistake)."""
        self._slots.remove(slot_id)

    def cosigners(self) -> list[CosignerSlot]:
        return self._slots.all()

    def cosign(self, review_id: int, slot_id: int, passphrase: str) -> SignResult:
        """Add the held co-reviewer's signature to both stored PDFs of a signed version."""
        slot = self._store.slot(slot_id)
        opened = import_pkcs12(slot.pkcs12, passphrase)
        identity = SigningIdentity(opened.key, opened.cert, tuple(opened.chain))
        co_ref = reviewer_ref_of(opened.cert)
        with self._db.transaction():
            require_intact(self._db, "co-signing")
            review = self._reviews.get(review_id)
            first = self._first_signature(review, co_ref)
            sealed = self._inputs.content(review, AuditHead(first.audit_seq, first.audit_hash))
            if sealed.sha256 != first.content_sha256:
                raise SignoffRefusedError(
                    "The stored review no longer matches what was signed, so it cannot be "
                    "co-signed. Please report this to the study coordinator."
                )
            head = self._audit.head()
            signed_at = self._clock()
            details = signer_details_of(opened.cert)
            docs = self._cosigned_documents(review, identity, sealed, details.stamp_lines())
            signer = SignerDetails(
                co_ref, slot.name, details.profession, details.registration, opened.cert
            )
            record = record_signature(
                self._store,
                review_id,
                SignatureRole.CO_REVIEWER,
                signer,
                signed_at=signed_at,
                content_sha256=first.content_sha256,
                head=head,
            )
            self._audit.append(
                actor=co_ref or "co-reviewer",
                action="co_signed",
                review_id=review_id,
                new={
                    "role": record.role.value,
                    "content_sha256": first.content_sha256,
                    "pdf_sha256": {k.value: d.pdf_sha256 for k, d in docs.items()},
                },
                at=signed_at,
            )
        log.info("co-signed review %d (version %d)", review_id, review.version)
        return SignResult(
            review,
            record,
            docs[DocumentKind.FULL],
            docs[DocumentKind.TASKFORCE],
            first.content_sha256,
        )

    def _first_signature(self, review: Review, co_ref: str | None) -> SignatureRecord:
        """The reviewer's signature, once it is certain ``co_ref`` may add the second."""
        existing = self._store.signatures(review.id)
        if not existing:
            raise SignoffRefusedError("Only a signed review can be co-signed.")
        if len(existing) > 1:
            raise ReadOnlyError("This review version is already co-signed.")
        first = existing[0]
        if co_ref is not None and co_ref == first.signer_ref:
            raise SignoffRefusedError("The co-reviewer must be someone other than the reviewer.")
        assignment = self._assignments.assignment(review.case_ref)
        if assignment is None or assignment.review_mode != ReviewMode.JOINT:
            raise SignoffRefusedError(NOT_JOINT_NO_COSIGNATURE.format(case_ref=review.case_ref))
        if assignment.co_reviewer_ref is None:
            raise SignoffRefusedError(NO_DESIGNATED_CO_REVIEWER.format(case_ref=review.case_ref))
        if co_ref != assignment.co_reviewer_ref:
            raise SignoffRefusedError(
                f"This case's co-reviewer is {assignment.co_reviewer_ref}; the identity "
                "held is someone else's."
            )
        return first

    def _cosigned_documents(
        self,
        review: Review,
        identity: SigningIdentity,
        sealed: CanonicalContent,
        stamp_lines: Sequence[str],
    ) -> dict[DocumentKind, SignedDocument]:
        """Both stored PDFs with the co-signature appended, self-checked and stored."""
        docs = {}
        for kind in DocumentKind:
            current = self._store.latest_document(review.id, kind)
            if current is None:
                raise NotFoundError("The signed summary of this review is missing.")
            pdf = sign_pdf(
                current.pdf,
                identity,
                field_name=CO_REVIEWER_FIELD,
                reason=signature_reason(review, sealed, "Co-reviewer sign-off"),
                stamp_lines=stamp_lines,
            )
            self_check(pdf, expected_signatures=2)
            docs[kind] = self._store.add_document(review.id, review.version, kind, 2, pdf)
        return docs

    # -- amendment and the stored documents ----------------------------------------------------

    def amend(self, review_id: int, reason: str, actor: str) -> Review:
        """A new version of a signed review, to correct and sign again (a reason of substance
        required). A joint review's amendment needs both signatures again: the new version
        starts with none, and awaits the co-reviewer once the reviewer has signed it."""
        problem = amendment_reason_problem(reason)
        if problem is not None:
            raise SignoffRefusedError(problem)
        return self._reviews.start_amendment(review_id, actor, reason)

    def signatures(self, review_id: int) -> list[SignatureRecord]:
        return self._store.signatures(review_id)

    def document(
        self, case_ref: str, kind: DocumentKind = DocumentKind.FULL, version: int | None = None
    ) -> SignedDocument:
        """The stored signed PDF of the case's latest signed version (or of ``version``)."""
        versions = [r for r in self._reviews.versions(case_ref) if self._store.signatures(r.id)]
        if version is not None:
            versions = [r for r in versions if r.version == version]
        if not versions:
            if not self._cases.exists(case_ref):
                raise NotFoundError(f"There is no case {case_ref} in this workspace.")
            which = "" if version is None else f" version {version}"
            raise NotFoundError(
                f"Case {case_ref}{which} has not been signed, so there is no signed summary "
                "to give out. Sign the review first."
            )
        found = self._store.latest_document(versions[-1].id, kind)
        if found is None:
            raise NotFoundError(f"The signed summary of case {case_ref} is missing.")
        return found
