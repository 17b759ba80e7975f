"""Sign-off: sign a review version, co-sign it, amend it, and hand out the stored signed PDFs.

What signing a review version does, in ONE transaction (all or nothing):

1. Checks: validation reports no error; every warning's code is in the acknowledged list;
   the workspace has an enrolled identity (key and certificate); the passphrase matches the
   workspace key (``storage.keys.unlock_key`` on the key-check file), checked before anything.
2. Reads the audit trail's head and builds the canonical content (``services.signing.canonical``):
   its SHA-256 is printed on every page of the summary and recorded with the signature.
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
import os
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.validation import validate
from reviewer_app.errors import NotFoundError, ReadOnlyError, UserError
from reviewer_app.services.signing.canonical import CanonicalContent, canonical_content, outcome_of
from reviewer_app.services.signing.pades import (
    SignaturePlace,
    SigningIdentity,
    sign_pdf,
    verify_pdf,
)
from reviewer_app.services.summary.input import (
    ChangedField,
    Signer,
    SummaryInput,
    SummaryOutcome,
    changes_between,
)
from reviewer_app.services.summary.pdf import RenderedSummary, render_summary_layout
from reviewer_app.services.summary.signature_block import field_name_for
from reviewer_app.services.trust.authority import (
    certificate_pem,
    fingerprint,
    load_certificate,
    reviewer_ref_of,
    study_id_of,
)
from reviewer_app.services.trust.enrolment import import_pkcs12
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditHead, AuditLog, utc_now
from reviewer_app.storage.keys import unlock_key
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.signatures import (
    CosignerSlot,
    DocumentKind,
    SignatureRecord,
    SignatureRole,
    SignatureStore,
    SignedDocument,
)

log = logging.getLogger(__name__)

REVIEWER_FIELD = field_name_for("reviewer", 0)
CO_REVIEWER_FIELD = field_name_for("co-reviewer", 1)
PENDING_PROFESSION = "Recorded by the study coordinator"

_SIGNABLE = frozenset(
    {
        ReviewStatus.NOT_STARTED,
        ReviewStatus.IN_PROGRESS,
        ReviewStatus.READY_TO_SIGN,
        ReviewStatus.AMENDMENT_IN_PROGRESS,
        ReviewStatus.RECORDS_MISSING,
        ReviewStatus.HANDED_BACK,
        ReviewStatus.OUTSIDE_METHOD,
    }
)


class SignoffRefusedError(UserError):
    """Signing was refused; the message says why and what to do."""


class ValidationBlocksSigningError(SignoffRefusedError):
    def __init__(self, errors: Sequence[Issue]) -> None:
        self.issues = tuple(errors)
        listed = "; ".join(i.message for i in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        super().__init__(
            f"This review cannot be signed yet: {len(errors)} problem(s) must be fixed first: "
            f"{listed}{more}."
        )


class UnacknowledgedWarningsError(SignoffRefusedError):
    def __init__(self, warnings: Sequence[Issue]) -> None:
        self.issues = tuple(warnings)
        codes = sorted({i.code for i in warnings})
        listed = "; ".join(f"{i.code}: {i.message}" for i in warnings)
        super().__init__(
            "Every warning must be read and acknowledged before signing. Not acknowledged: "
            f"{listed}. (Acknowledge with the codes {', '.join(codes)}.)"
        )


class NotEnrolledError(SignoffRefusedError):
    """No identity, or no certificate from the study authority yet."""


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
class _Draft:
    """One review version about to be signed, with everything its summary shows."""

    review: Review
    case: Case
    definition: ReviewDefinition
    content: CanonicalContent
    signers: tuple[Signer, ...]


@dataclass(frozen=True)
class SignJob:
    """One review version to sign: the two summaries' inputs and what the signature records.

    Picklable, so that batch signing can render and sign in worker processes.
    """

    review_id: int
    version: int
    signed_at: dt.datetime
    content: CanonicalContent
    reason: str
    inputs: dict[DocumentKind, SummaryInput]


@dataclass(frozen=True)
class SignResult:
    review: Review
    signature: SignatureRecord
    full: SignedDocument
    taskforce: SignedDocument
    content_sha256: str


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
        self._load_definition = definition_loader
        self._synthetic = synthetic
        self._reviews = ReviewStore(self._db, clock=clock)
        self._cases = CaseStore(self._db, clock=clock)
        self._store = SignatureStore(self._db, clock=clock)
        self._audit = AuditLog(self._db, clock=clock)
        self._assignments = AssignmentStore(self._db, clock=clock)

    # -- checks ------------------------------------------------------------------------------

    def definition_for(self, review: Review) -> ReviewDefinition:
        return self._load_definition(review.definition_id, int(review.definition_version))

    def check(self, review_id: int) -> SignoffCheck:
        """Validation as the sign dialog shows it: errors block, warnings need acknowledging."""
        review = self._reviews.get(review_id)
        report = validate(
            self.definition_for(review),
            self._reviews.answers(review_id),
            self._cases.get(review.case_ref),
        )
        return SignoffCheck(review, report.errors, report.warnings)

    def open_session(self, passphrase: str) -> SigningSession:
        """Check the passphrase (the workspace key) and load the enrolled identity once."""
        stored = IdentityStore(self._db).get()
        if stored is None:
            raise NotEnrolledError(
                "This workspace has no reviewer identity, so nobody can sign here. Create "
                "your identity and import the pack your coordinator sends you first."
            )
        if stored.cert_pem is None:
            raise NotEnrolledError(
                "Your identity is not enrolled yet: the study authority's certificate arrives "
                "with your first assignment pack. Import it, then sign."
            )
        unlock_key(Workspace.key_check_path_in(self._workspace.folder), passphrase)
        cert = load_certificate(stored.cert_pem)
        chain = tuple(load_certificate(p) for p in stored.chain_pems)
        key = load_private_key(stored)
        if key.public_key().public_numbers() != cert.public_key().public_numbers():  # type: ignore[union-attr]
            raise NotEnrolledError(
                "The certificate in this workspace does not belong to your key. Ask the "
                "coordinator to re-issue it."
            )
        if cert.not_valid_after_utc <= self._clock():
            raise NotEnrolledError(
                "Your signing certificate has expired. Ask the coordinator to re-issue it."
            )
        return SigningSession(SigningIdentity(key, cert, chain), stored)

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
            job = self._prepare(session, review_id, acknowledged, self._audit.head())
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

        Rendering and signing run in ``workers`` processes (default: one per CPU, at most 4);
        storing runs here, one transaction per review. Every signature in the batch seals the
        audit head as it was when the batch started (each signature row records which head it
        sealed), which is what lets the summaries be made in parallel. A review that changed
        while the batch ran is refused, not signed.
        """
        head = self._audit.head()
        jobs = [self._prepare(session, rid, ack, head) for rid, ack in items]
        acknowledged = {rid: ack for rid, ack in items}
        count = workers if workers is not None else min(4, os.cpu_count() or 1)
        results: list[SignResult] = []
        produced: Iterable[dict[DocumentKind, bytes]]
        pool: ProcessPoolExecutor | None = None
        if count > 1 and len(jobs) > 1:
            pool = ProcessPoolExecutor(
                max_workers=count,
                initializer=_worker_init,
                initargs=(_identity_pems(session.identity),),
            )
            produced = pool.map(_worker_produce, jobs, chunksize=4)
        else:
            produced = (produce_signed_pdfs(job, session.identity) for job in jobs)
        try:
            for done, (job, pdfs) in enumerate(zip(jobs, produced, strict=True), start=1):
                with self._db.transaction():
                    results.append(self._commit(session, job, pdfs, acknowledged[job.review_id]))
                if progress is not None:
                    progress(done, len(jobs))
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        return results

    def _prepare(
        self,
        session: SigningSession,
        review_id: int,
        acknowledged: Collection[str],
        head: AuditHead,
    ) -> SignJob:
        """Everything the two summaries show, read from storage (no writes)."""
        review = self._precheck(review_id, acknowledged).review
        case = self._cases.get(review.case_ref)
        definition = self.definition_for(review)
        content = self._content(review, case, definition, head)
        signed_at = self._clock()
        joint = self._co_reviewer_name(review.case_ref)
        me = self._signer(session.stored, "reviewer", signed_at)
        signers = (me,) if joint is None else (me, _pending_co_reviewer(joint))
        draft = _Draft(review, case, definition, content, signers)
        return SignJob(
            review_id=review_id,
            version=review.version,
            signed_at=signed_at,
            content=content,
            reason=_reason(review, content, "Reviewer sign-off"),
            inputs={kind: self._summary_input(draft, kind) for kind in DocumentKind},
        )

    def _commit(
        self,
        session: SigningSession,
        job: SignJob,
        pdfs: Mapping[DocumentKind, bytes],
        acknowledged: Collection[str],
    ) -> SignResult:
        """Store one signed version; must run inside a transaction."""
        review = self._precheck(job.review_id, acknowledged).review
        case = self._cases.get(review.case_ref)
        now = self._content(review, case, self.definition_for(review), job.content.audit_head)
        if now.sha256 != job.content.sha256:
            raise SignoffRefusedError(
                f"Review {review.case_ref} changed while it was being signed; nothing was "
                "signed. Check it and sign again."
            )
        if not review.status.is_outcome:
            review = self._reviews.set_status(job.review_id, ReviewStatus.SIGNED, session.actor)
        record = self._record(
            job.review_id,
            seq=1,
            role=SignatureRole.REVIEWER,
            session=session,
            signed_at=job.signed_at,
            content=job.content,
            head=job.content.audit_head,
        )
        self._store.add_signature(record)
        docs = {
            kind: self._store.add_document(job.review_id, review.version, kind, 1, pdfs[kind])
            for kind in DocumentKind
        }
        head = job.content.audit_head
        self._audit.append(
            actor=session.actor,
            action="signed",
            review_id=job.review_id,
            new={
                "role": record.role.value,
                "outcome": outcome_of(review.status),
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
        if review.status not in _SIGNABLE:
            raise SignoffRefusedError(f"A review that is {review.status.label} cannot be signed.")
        check = self.check(review_id)
        if check.errors:
            raise ValidationBlocksSigningError(check.errors)
        missing = [w for w in check.warnings if w.code not in set(acknowledged)]
        if missing:
            raise UnacknowledgedWarningsError(missing)
        return check

    def _content(
        self, review: Review, case: Case, definition: ReviewDefinition, head: AuditHead
    ) -> CanonicalContent:
        previous = self._previous(review)
        return canonical_content(
            case=case,
            definition=definition,
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
        if assignment is None or assignment.review_mode != "joint":
            return None
        return assignment.co_reviewer_name or "Co-reviewer"

    @staticmethod
    def _signer(stored: StoredIdentity, role: str, signed_at: dt.datetime) -> Signer:
        return Signer(
            name=stored.name,
            profession=stored.profession,
            registration=stored.registration or None,
            role="reviewer" if role == "reviewer" else "co-reviewer",
            signed_at=signed_at,
        )

    def _summary_input(self, draft: _Draft, kind: DocumentKind) -> SummaryInput:
        review, case, definition = draft.review, draft.case, draft.definition
        previous = self._previous(review)
        changes: tuple[ChangedField, ...] = ()
        if previous is not None:
            changes = changes_between(
                definition, self._reviews.answers(previous.id), self._reviews.answers(review.id)
            )
        study_name, study_id = self._study()
        return SummaryInput(
            study_name=study_name,
            study_id=study_id,
            case=case,
            definition=definition,
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

    def _record(
        self,
        review_id: int,
        *,
        seq: int,
        role: SignatureRole,
        session: SigningSession,
        signed_at: dt.datetime,
        content: CanonicalContent | str,
        head: AuditHead,
    ) -> SignatureRecord:
        stored = session.stored
        return SignatureRecord(
            review_id=review_id,
            seq=seq,
            role=role,
            signer_ref=stored.reviewer_ref,
            signer_name=stored.name,
            signer_profession=stored.profession,
            signer_registration=stored.registration or None,
            signed_at=signed_at,
            content_sha256=content if isinstance(content, str) else content.sha256,
            audit_seq=head.seq,
            audit_hash=head.hash,
            cert_pem=certificate_pem(session.identity.cert),
        )

    # -- co-signing --------------------------------------------------------------------------

    def add_cosigner(self, pkcs12: bytes, passphrase: str) -> CosignerSlot:
        """Hold a co-reviewer's exported identity (checked to open, kept under THEIR passphrase)."""
        opened = import_pkcs12(pkcs12, passphrase)
        own = IdentityStore(self._db).get()
        if own is not None and own.cert_pem is not None:
            own_cert = load_certificate(own.cert_pem)
            if own_cert.public_key().public_numbers() == opened.cert.public_key().public_numbers():  # type: ignore[union-attr]
                raise SignoffRefusedError(
                    "This is your own identity. The co-reviewer brings the identity file "
                    "exported from their own workspace."
                )
            self._check_same_study(opened.cert, own.chain_pems)
        name_attrs = opened.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        name = str(name_attrs[0].value) if name_attrs else "Co-reviewer"
        with self._db.transaction():
            slot_id = self._store.add_slot(
                pkcs12,
                reviewer_ref=reviewer_ref_of(opened.cert),
                name=name,
                cert_fingerprint=fingerprint(opened.cert),
            )
            self._audit.append(
                actor=(own.reviewer_ref if own else None) or "reviewer",
                action="cosigner_added",
                new={"slot": slot_id, "reviewer_ref": reviewer_ref_of(opened.cert)},
            )
        return self._store.slot(slot_id)

    @staticmethod
    def _check_same_study(cert: x509.Certificate, chain_pems: Sequence[bytes]) -> None:
        for pem in chain_pems:
            root = load_certificate(pem)
            try:
                cert.verify_directly_issued_by(root)
            except (InvalidSignature, ValueError, TypeError):
                continue
            return
        raise SignoffRefusedError(
            "This co-reviewer's certificate was not issued by your study's authority, so their "
            "signature could not be verified against the study."
        )

    def remove_cosigner(self, slot_id: int) -> None:
        """Forget a held co-reviewer identity (after co-signing, or if brought by mistake)."""
        with self._db.transaction():
            if self._store.remove_slot(slot_id):
                self._audit.append(
                    actor="reviewer", action="cosigner_removed", new={"slot": slot_id}
                )

    def cosigners(self) -> list[CosignerSlot]:
        return self._store.slots()

    def cosign(self, review_id: int, slot_id: int, passphrase: str) -> SignResult:
        """Add the held co-reviewer's signature to both stored PDFs of a signed version."""
        slot = self._store.slot(slot_id)
        opened = import_pkcs12(slot.pkcs12, passphrase)
        identity = SigningIdentity(opened.key, opened.cert, tuple(opened.chain))
        co_ref = reviewer_ref_of(opened.cert)
        with self._db.transaction():
            review = self._reviews.get(review_id)
            existing = self._store.signatures(review_id)
            if not existing:
                raise SignoffRefusedError("Only a signed review can be co-signed.")
            if len(existing) > 1:
                raise ReadOnlyError("This review version is already co-signed.")
            first = existing[0]
            if co_ref is not None and co_ref == first.signer_ref:
                raise SignoffRefusedError(
                    "The co-reviewer must be someone other than the reviewer."
                )
            assignment = self._assignments.assignment(review.case_ref)
            if (
                assignment is not None
                and assignment.co_reviewer_ref is not None
                and co_ref != assignment.co_reviewer_ref
            ):
                raise SignoffRefusedError(
                    f"This case's co-reviewer is {assignment.co_reviewer_ref}; the identity "
                    "held is someone else's."
                )
            case = self._cases.get(review.case_ref)
            definition = self.definition_for(review)
            recomputed = self._content(
                review, case, definition, AuditHead(first.audit_seq, first.audit_hash)
            )
            if recomputed.sha256 != first.content_sha256:
                raise SignoffRefusedError(
                    "The stored review no longer matches what was signed, so it cannot be "
                    "co-signed. Please report this to the study coordinator."
                )
            head = self._audit.head()
            signed_at = self._clock()
            docs = {}
            for kind in DocumentKind:
                current = self._store.latest_document(review_id, kind)
                if current is None:
                    raise NotFoundError("The signed summary of this review is missing.")
                pdf = sign_pdf(
                    current.pdf,
                    identity,
                    field_name=CO_REVIEWER_FIELD,
                    reason=_reason(review, recomputed, "Co-reviewer sign-off"),
                )
                self_check(pdf, expected_signatures=2)
                docs[kind] = self._store.add_document(review_id, review.version, kind, 2, pdf)
            session = SigningSession(identity, _cosigner_details(slot, opened.cert))
            record = self._record(
                review_id,
                seq=2,
                role=SignatureRole.CO_REVIEWER,
                session=session,
                signed_at=signed_at,
                content=first.content_sha256,
                head=head,
            )
            self._store.add_signature(record)
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

    # -- amendment and the stored documents ----------------------------------------------------

    def amend(self, review_id: int, reason: str, actor: str) -> Review:
        """A new version of a signed review, to correct and sign again (reason required)."""
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


def produce_signed_pdfs(
    job: SignJob,
    identity: SigningIdentity,
    renderer: Callable[[SummaryInput], RenderedSummary] = render_summary_layout,
) -> dict[DocumentKind, bytes]:
    """Render both summaries and sign each in the reviewer's box (no storage involved)."""
    found = {}
    for kind, data in job.inputs.items():
        rendered = renderer(data)
        places = {
            b.field_name: SignaturePlace(b.field_name, b.page_index, b.box)
            for b in rendered.signature_boxes
        }
        signed = sign_pdf(
            rendered.pdf,
            identity,
            field_name=REVIEWER_FIELD,
            reason=job.reason,
            certify=True,
            place=places.get(REVIEWER_FIELD),
            reserve=[p for name, p in places.items() if name != REVIEWER_FIELD],
        )
        self_check(signed, expected_signatures=1)
        found[kind] = signed
    return found


def self_check(pdf: bytes, expected_signatures: int) -> None:
    """Never store a file that our own verifier would not pass."""
    result = verify_pdf(pdf)
    if not result.ok or len(result.signatures) != expected_signatures:
        log.error("freshly signed PDF failed verification: %s", "; ".join(result.failures))
        raise SignoffRefusedError(
            "The signed summary did not pass its own verification, so nothing was saved. "
            "Please report this to the study coordinator."
        )


_WORKER_IDENTITY: SigningIdentity | None = None


def _identity_pems(identity: SigningIdentity) -> tuple[bytes, bytes, tuple[bytes, ...]]:
    key = identity.key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    cert = identity.cert.public_bytes(serialization.Encoding.PEM)
    chain = tuple(c.public_bytes(serialization.Encoding.PEM) for c in identity.chain)
    return key, cert, chain


def _worker_init(pems: tuple[bytes, bytes, tuple[bytes, ...]]) -> None:
    """Load the signing key once per worker process (it arrives through a pipe, not a file)."""
    global _WORKER_IDENTITY  # noqa: PLW0603 - one identity per worker process
    key_pem, cert_pem, chain_pems = pems
    key = serialization.load_pem_private_key(key_pem, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("not an RSA key")
    _WORKER_IDENTITY = SigningIdentity(
        key, load_certificate(cert_pem), tuple(load_certificate(p) for p in chain_pems)
    )


def _worker_produce(job: SignJob) -> dict[DocumentKind, bytes]:
    if _WORKER_IDENTITY is None:
        raise RuntimeError("worker not initialised")
    return produce_signed_pdfs(job, _WORKER_IDENTITY)


def _pending_co_reviewer(name: str) -> Signer:
    return Signer(name=name, profession=PENDING_PROFESSION, role="co-reviewer", signed_at=None)


def _cosigner_details(slot: CosignerSlot, cert: x509.Certificate) -> StoredIdentity:
    """The co-reviewer as a signature row records them (from their certificate)."""
    return StoredIdentity(
        private_key_pem=b"",
        cert_pem=None,
        chain_pems=(),
        reviewer_ref=reviewer_ref_of(cert),
        name=slot.name,
        profession="Not recorded",
        registration="",
        email="",
        created_at=slot.added_at,
        enrolled_at=None,
    )


def _reason(review: Review, content: CanonicalContent, what: str) -> str:
    """The signature's /Reason: case, version and content hash (no patient data)."""
    return (
        f"{what}: case {review.case_ref} version {review.version}; review content "
        f"SHA-256 {content.sha256}"
    )
