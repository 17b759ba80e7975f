"""Importing an assignment pack into a reviewer's workspace.

Trust on first use, confirmed: the first pack's study root is shown (its fingerprint) and
pinned only when the reviewer confirms the fingerprint the coordinator read out; from then on
only packs signed by that root are accepted. Every check of the pack itself (envelope,
signature, origin, addressee, format version) is ``pack_format.open_pack``'s; this module
adds the workspace's rules and applies the pack in ONE transaction:

- the same pack again changes nothing; an older pack (lower sequence) is refused;
- new cases are added; cases not yet opened are updated; the facts of opened cases are
  corrected (audited, and flagged "identifiers corrected" so the reviewer sees it: a wrong
  NHS number must not survive);
- cases reallocated away are withdrawn: kept read-only when opened, removed otherwise;
- reviews and answers are never touched;
- each case's review mode is stored with it: the pack's mode, or the case's own when the
  coordinator set it per case (a joint case names its co-reviewer), with the date its review
  is due back as the latest pack says (a later pack may move it; a pack made before packs
  carried due dates leaves none);
- the study's avoidability scale, when the pack carries it, is stored (a later pack's
  replaces an earlier one's); a pack that carries none (made before studies fixed their
  scale) leaves the workspace as it was.

Finding the certificate to decrypt with: the reviewer's certificate travels inside the
pack, so before the first pack the workspace holds only the key. ``pack_certificate`` decrypts
the envelope with the key alone to read the certificate the pack names (unverified), checks
that it holds our key, and then ``open_pack`` does every real check with it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.case import Case
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.packs.format import (
    UNCHANGED,
    OpenedPack,
    PackRefusal,
    check_pack_file,
    refuse,
)
from reviewer_app.services.packs.opening import open_pack
from reviewer_app.services.packs.pack_certificate import certificate_in, not_an_envelope
from reviewer_app.services.returns.format import is_collection_certificate
from reviewer_app.services.trust.authority import (
    certificate_pem,
    fingerprint,
    load_certificate,
    parse_fingerprint,
    reviewer_ref_of,
)
from reviewer_app.services.trust.workspace_identity import load_private_key, require_identity
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore, HeldCase
from reviewer_app.storage.workspace.identity_store import IdentityStore
from reviewer_app.storage.workspace.returns import ReturnStore
from reviewer_app.storage.workspace.study_settings import StudySettingsStore

log = logging.getLogger(__name__)

IMPORT_ACTOR = "assignment pack import"


class TrustNotConfirmedError(UserError):
    """The first pack of a study needs the reviewer to confirm the root's fingerprint."""


class OlderPackError(UserError):
    """A pack older than one already imported."""


@dataclass(frozen=True)
class PackPreview:
    """What the reviewer is shown before importing (no patient data)."""

    study_id: str
    study_name: str
    root_fingerprint: str
    trusted: bool  # the workspace already trusts this root
    addressee_ref: str
    sequence: int
    case_count: int
    withdrawn_count: int
    review_mode: str  # the pack's; a case may carry its own (see joint_case_count)
    already_imported: bool
    joint_case_count: int = 0  # cases to review jointly (named co-reviewer)


@dataclass
class ImportReport:
    """What an import did: counts and case refs only."""

    pack_id: str
    sequence: int
    study_name: str
    already_imported: bool = False
    root_pinned: bool = False
    certificate_stored: bool = False
    collection_cert_stored: bool = False  # the study's certificate for returns, new or renewed
    scale_stored: AvoidabilityScale | None = None  # the study's avoidability scale, new or changed
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    corrected: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)  # kept read-only (opened)
    removed: list[str] = field(default_factory=list)  # withdrawn, never opened: deleted
    reinstated: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.added
            or self.updated
            or self.corrected
            or self.withdrawn
            or self.removed
            or self.reinstated
            or self.root_pinned
            or self.certificate_stored
            or self.collection_cert_stored
            or self.scale_stored is not None
        )

    def summary_lines(self) -> list[str]:
        if self.already_imported:
            return [f"Pack {self.sequence} was already imported: nothing changed."]
        lines = [f"Imported pack {self.sequence} from {self.study_name}."]
        for label, refs in (
            ("new cases", self.added),
            ("updated (not yet started)", self.updated),
            ("identifiers corrected (started; check them)", self.corrected),
            ("withdrawn (kept read-only)", self.withdrawn),
            ("withdrawn and removed (never opened)", self.removed),
            ("given back to you", self.reinstated),
        ):
            if refs:
                lines.append(f"  {len(refs)} {label}: {', '.join(refs)}")
        if self.collection_cert_stored:
            lines.append("  the study's certificate for returning reviews was stored")
        if self.scale_stored is not None:
            lines.append(
                f"  avoidability is graded on the study's scale: {self.scale_stored.label}"
            )
        lines.append(f"  {self.unchanged} unchanged")
        return lines


def _open(workspace: Workspace, data: bytes) -> tuple[OpenedPack, x509.Certificate]:
    check_pack_file(data)
    stored = require_identity(workspace)
    key = load_private_key(stored)
    pinned = AssignmentStore(workspace.db).pinned_root()
    pinned_cert = None if pinned is None else load_certificate(pinned.cert_pem)
    cert = certificate_in(data, key)
    if cert is None and stored.cert_pem is not None:
        cert = x509.load_pem_x509_certificate(stored.cert_pem)
    if cert is None:
        if not_an_envelope(data):
            raise refuse(
                PackRefusal.NOT_A_PACK,
                "This file is not an assignment pack (it is not an encrypted pack file).",
            )
        raise refuse(
            PackRefusal.NOT_FOR_YOU,
            "This assignment pack was not made for you: it is encrypted for another "
            "reviewer, or it is damaged. Check that you picked your own pack, or ask the "
            "coordinator.",
        )
    opened = open_pack(data, key, cert, pinned_cert)
    _check_certificate(opened, cert)
    _check_collection_certificate(opened)
    if pinned is not None and opened.content.study_id != pinned.study_id:
        raise refuse(PackRefusal.OTHER_STUDY, "This assignment pack is for another study.")
    return opened, cert


def _check_certificate(opened: OpenedPack, cert: x509.Certificate) -> None:
    """The certificate we decrypted with must be the study's, for the addressee named."""
    try:
        cert.verify_directly_issued_by(opened.root_cert)
    except (InvalidSignature, ValueError, TypeError):
        raise refuse(
            PackRefusal.FORGED,
            "Your certificate in this pack was not issued by its study authority. "
            "Tell the coordinator.",
        ) from None
    if reviewer_ref_of(cert) != opened.content.addressee_reviewer_ref:
        raise refuse(
            PackRefusal.NOT_FOR_YOU,
            "This assignment pack names another reviewer than your certificate does. "
            "Tell the coordinator.",
        )


def _collection_certificate(opened: OpenedPack) -> x509.Certificate | None:
    pem = opened.content.collection_cert_pem
    return None if pem is None else load_certificate(pem)


def _check_collection_certificate(opened: OpenedPack) -> None:
    """A collection certificate the pack carries must be its study authority's, for
    decryption only: reviews returned to any other key could be read by someone else."""
    try:
        cert = _collection_certificate(opened)
    except UserError:  # not a readable certificate
        cert, valid = None, False
    else:
        valid = cert is None or is_collection_certificate(cert, opened.root_cert)
    if not valid:
        raise refuse(
            PackRefusal.FORGED,
            "The certificate for returning reviews in this assignment pack was not issued "
            "by its study authority, so the pack may be forged. Tell the coordinator.",
        )


# --- preview -------------------------------------------------------------------------------


def preview_pack(workspace: Workspace, data: bytes) -> PackPreview:
    """Open and check a pack without changing anything, for the reviewer to confirm."""
    opened, _ = _open(workspace, data)
    content = opened.content
    store = AssignmentStore(workspace.db)
    pinned = store.pinned_root()
    return PackPreview(
        study_id=content.study_id,
        study_name=content.study_name,
        root_fingerprint=opened.root_fingerprint,
        trusted=pinned is not None and pinned.fingerprint == opened.root_fingerprint,
        addressee_ref=content.addressee_reviewer_ref,
        sequence=content.sequence,
        case_count=len(content.cases),
        withdrawn_count=len(content.withdrawn_case_refs),
        review_mode=content.review_mode.value,
        already_imported=store.imported(content.pack_id) is not None,
        joint_case_count=sum(
            1 for c in content.cases if c.mode_in(content.review_mode) is ReviewMode.JOINT
        ),
    )


# --- import --------------------------------------------------------------------------------


def import_pack(
    workspace: Workspace,
    data: bytes,
    *,
    trust_fingerprint: str | None = None,
    progress: Progress = no_progress,
) -> ImportReport:
    """Check and apply one pack in one transaction; see the module docstring for the rules."""
    progress(0, 3, "Checking the assignment pack")
    opened, cert = _open(workspace, data)
    content = opened.content
    store = AssignmentStore(workspace.db)
    report = ImportReport(
        pack_id=content.pack_id, sequence=content.sequence, study_name=content.study_name
    )
    pinned = store.pinned_root()
    if pinned is None:
        _confirm_trust(trust_fingerprint, opened.root_fingerprint)
    if store.imported(content.pack_id) is not None:
        report.already_imported = True
        progress(3, 3, "Already imported")
        return report
    latest = store.latest_sequence()
    if content.sequence <= latest:
        raise OlderPackError(
            f"This is pack {content.sequence}, but pack {latest} has already been imported: "
            "it is older, so importing it would undo newer changes. Import the newest pack "
            "from the coordinator instead." + UNCHANGED
        )
    progress(1, 3, "Applying the cases")
    _apply(workspace, opened, cert, data, report, pin=pinned is None)
    progress(3, 3, "Pack imported")
    log.info(
        "imported pack sequence %d: %d added, %d updated, %d corrected, %d withdrawn, %d removed",
        content.sequence,
        len(report.added),
        len(report.updated),
        len(report.corrected),
        len(report.withdrawn),
        len(report.removed),
    )
    return report


def _apply(
    workspace: Workspace,
    opened: OpenedPack,
    cert: x509.Certificate,
    data: bytes,
    report: ImportReport,
    *,
    pin: bool,
) -> None:
    """Everything the pack changes, in one transaction: the pinned root (first pack), the
    reviewer's certificate, the cases, the review definition, and the pack's record."""
    content = opened.content
    db = workspace.db
    store = AssignmentStore(db)
    with db.transaction():
        if pin:
            store.pin_root(
                certificate_pem(opened.root_cert),
                opened.root_fingerprint,
                content.study_id,
                content.study_name,
            )
            report.root_pinned = True
        report.certificate_stored = IdentityStore(db).set_certificate(
            certificate_pem(cert).encode("ascii"),
            (certificate_pem(opened.root_cert).encode("ascii"),),
            content.addressee_reviewer_ref,
        )
        collection = _collection_certificate(opened)
        if collection is not None:
            report.collection_cert_stored = ReturnStore(db).pin_collection_cert(
                certificate_pem(collection), fingerprint(collection), content.sequence
            )
        if content.avoidability_scale is not None and StudySettingsStore(db).set_avoidability_scale(
            content.avoidability_scale, content.sequence
        ):
            report.scale_stored = content.avoidability_scale
        _apply_cases(workspace, opened, report)
        store.store_definition(
            content.definition_id, content.definition_version, content.definition
        )
        store.record_pack(
            content.pack_id,
            content.sequence,
            hashlib.sha256(data).hexdigest(),
            len(content.cases),
            len(content.withdrawn_case_refs),
        )


def _confirm_trust(trust_fingerprint: str | None, root_fingerprint: str) -> None:
    if trust_fingerprint is None:
        raise TrustNotConfirmedError(
            "This is the first pack from this study. Confirm that its study authority "
            f"fingerprint {root_fingerprint} is the one the coordinator read out to you, "
            "then import it again with that fingerprint." + UNCHANGED
        )
    if parse_fingerprint(trust_fingerprint) != root_fingerprint:
        raise TrustNotConfirmedError(
            "The fingerprint you confirmed is not the fingerprint of this pack's study "
            f"authority ({root_fingerprint}). Do not import it: call the coordinator." + UNCHANGED
        )


def _apply_cases(workspace: Workspace, opened: OpenedPack, report: ImportReport) -> None:
    content = opened.content
    store = AssignmentStore(workspace.db)
    held = store.held_cases()
    writes = []
    corrections: dict[str, tuple[str, ...]] = {}
    assignments = []
    for pack_case in content.cases:
        case = pack_case.case
        ref = case.case_ref
        current: HeldCase | None = held.get(ref)
        if current is None:
            report.added.append(ref)
            writes.append(case)
        else:
            changed = _changed_fields(current, case)
            if changed and current.has_review:
                corrections[ref] = changed
                report.corrected.append(ref)
                writes.append(case)
            elif changed:
                report.updated.append(ref)
                writes.append(case)
            if current.withdrawn:
                report.reinstated.append(ref)
            elif not changed:
                report.unchanged += 1
        assignments.append(
            Assignment(
                case_ref=ref,
                review_mode=pack_case.mode_in(content.review_mode).value,
                co_reviewer_ref=pack_case.co_reviewer_ref,
                co_reviewer_name=pack_case.co_reviewer_name,
                pack_sequence=content.sequence,
                due_date=pack_case.due_date,
            )
        )
    store.write_cases(writes)
    store.set_flags(report.reinstated, withdrawn=False)
    store.set_flags(corrections, corrected=True)
    store.set_assignments(assignments)
    _audit_corrections(workspace, store, corrections, content.sequence)
    for ref in content.withdrawn_case_refs:
        current = held.get(ref)
        if current is None or current.withdrawn:
            continue
        (report.withdrawn if current.has_review else report.removed).append(ref)
    store.set_flags(report.withdrawn, withdrawn=True)
    store.remove_cases(report.removed)


def _changed_fields(current: HeldCase, case: Case) -> tuple[str, ...]:
    old = current.case.model_dump(mode="json")
    new = case.model_dump(mode="json")
    return tuple(k for k in new if old.get(k) != new[k])


def _audit_corrections(
    workspace: Workspace,
    store: AssignmentStore,
    corrections: dict[str, tuple[str, ...]],
    sequence: int,
) -> None:
    """One audit entry per corrected case: which fields, never their values (old or new)."""
    if not corrections:
        return
    audit = AuditLog(workspace.db)
    review_ids = store.latest_review_ids(corrections)
    for ref, fields in sorted(corrections.items()):
        audit.append(
            actor=IMPORT_ACTOR,
            action="case_corrected",
            review_id=review_ids.get(ref),
            field=",".join(fields),
            new={"case_ref": ref, "fields": list(fields), "pack_sequence": sequence},
            reason=f"corrected by the coordinator in assignment pack {sequence}",
        )
