"""Sign-off steps run off the GUI thread, each on its own connection: one call per user action.

The GUI runs these off its thread (``gui.tasks``), so each call opens its OWN database
connection (SQLite connections belong to the thread that opened them) and closes it again on
the same thread. ``services.signing.signoff`` loads pyHanko and reportlab: it is imported inside the
functions, never at module level, so opening the app stays quick (tests/gui/test_startup.py).

Nothing here decides anything: the rules and their messages are ``rules`` (read by the menus
too) and ``signoff`` (which enforces them); this opens the connection, calls the service and
returns small plain results the dialogs show. No result
or log line carries patient data: case refs, versions, counts and reviewer names only.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.issues import Issue
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.signing.rules import (
    amendment_reason_rule,
    case_signing,
    not_enrolled_reason,
)
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.identity_store import IdentityStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import CosignerSlot, SignatureStore
from reviewer_app.user_files import read_user_file

if TYPE_CHECKING:
    from reviewer_app.services.signing.signoff import SignoffService
    from reviewer_app.services.summary.taskforce import ShownRedaction

log = logging.getLogger(__name__)

MAX_IDENTITY_FILE_BYTES = 1024 * 1024
"""An exported identity (key, certificate, chain) is a few kilobytes."""

# --- connections --------------------------------------------------------------------------------


@contextlib.contextmanager
def own_connection(workspace: Workspace) -> Iterator[Workspace]:
    """The same workspace opened on this thread (its own connection), closed on leaving.

    Uses the key the workspace already holds: no passphrase, no key derivation.
    """
    view = Workspace.open_with_key(workspace.folder, workspace.key)
    try:
        yield view
    finally:
        view.close()


def _service(workspace: Workspace, synthetic: bool) -> SignoffService:
    from reviewer_app.services.signing.signoff import SignoffService

    return SignoffService(workspace, synthetic=synthetic)


# --- signing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignPreparation:
    """What the sign dialog shows before the passphrase is asked."""

    case_ref: str
    review_id: int
    version: int
    status: ReviewStatus
    errors: tuple[Issue, ...]
    warnings: tuple[Issue, ...]
    signer_name: str | None
    """The enrolled identity's name; None when the workspace cannot sign."""
    signer_detail: str
    not_enrolled_reason: str | None
    co_reviewer_name: str | None
    redactions: tuple[ShownRedaction, ...] = ()
    """What the taskforce copy will redact, each with its context (shown before signing)."""

    @property
    def can_sign(self) -> bool:
        return not self.errors and self.not_enrolled_reason is None


@dataclass(frozen=True)
class SignedOutcome:
    case_ref: str
    version: int
    signature_count: int
    signer_name: str
    content_sha256: str


def prepare_signing(workspace: Workspace, case_ref: str) -> SignPreparation:
    """Validation of the case's latest version, as the sign dialog shows it."""
    with own_connection(workspace) as ws:
        state = case_signing(ws.db, case_ref)
        if state.review_id is None:
            raise NotFoundError(
                f"Case {case_ref} has no review yet. Open it and answer the questions first."
            )
        service = _service(ws, synthetic=False)
        check = service.check(state.review_id)
        redactions = service.taskforce_redactions(state.review_id)
        stored = IdentityStore(ws.db).get()
    detail = ""
    if stored is not None:
        detail = ", ".join(p for p in (stored.profession, stored.registration) if p)
    return SignPreparation(
        case_ref=case_ref,
        review_id=state.review_id,
        version=check.review.version,
        status=check.review.status,
        errors=check.errors,
        warnings=check.warnings,
        signer_name=None if stored is None else stored.name,
        signer_detail=detail,
        not_enrolled_reason=not_enrolled_reason(stored),
        co_reviewer_name=state.co_reviewer_name,
        redactions=redactions,
    )


def sign_review(
    workspace: Workspace,
    review_id: int,
    passphrase: str,
    acknowledged: Collection[str],
    *,
    synthetic: bool,
    progress: Progress = no_progress,
) -> SignedOutcome:
    """Check the passphrase, then render, sign and store both summaries (one transaction)."""
    with own_connection(workspace) as ws:
        service = _service(ws, synthetic)
        progress(0, 2, "Checking your passphrase…")
        session = service.open_session(passphrase)
        progress(1, 2, "Making and signing the PDF summary…")
        result = service.sign_with(session, review_id, tuple(acknowledged))
        progress(2, 2, "Signed")
    return SignedOutcome(
        case_ref=result.review.case_ref,
        version=result.review.version,
        signature_count=result.full.signature_count,
        signer_name=result.signature.signer_name,
        content_sha256=result.content_sha256,
    )


# --- co-signing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldCosigner:
    """A co-reviewer identity held in the workspace (no key material: name and slot only)."""

    slot_id: int
    name: str
    reviewer_ref: str | None

    @classmethod
    def of(cls, slot: CosignerSlot) -> HeldCosigner:
        return cls(slot.id, slot.name, slot.reviewer_ref)


@dataclass(frozen=True)
class CosignedOutcome:
    case_ref: str
    version: int
    signature_count: int
    cosigner: HeldCosigner


def held_cosigners(workspace: Workspace) -> list[HeldCosigner]:
    with own_connection(workspace) as ws:
        return [HeldCosigner.of(s) for s in SignatureStore(ws.db).slots()]


def read_identity_file(path: str) -> bytes:
    """The co-reviewer's exported identity (PKCS#12) that they chose in the dialog."""
    return read_user_file(
        Path(path).expanduser(), "exported identity", max_bytes=MAX_IDENTITY_FILE_BYTES
    )


def cosign_review(
    workspace: Workspace,
    review_id: int,
    passphrase: str,
    *,
    identity_file: str | None = None,
    slot_id: int | None = None,
    synthetic: bool,
    progress: Progress = no_progress,
) -> CosignedOutcome:
    """Co-sign with a held identity (``slot_id``) or one loaded now from ``identity_file``.

    An identity loaded now is held in its own slot under the co-reviewer's passphrase; if the
    co-signature is then refused, the slot is removed again (it was brought for this).
    """
    if (identity_file is None) == (slot_id is None):
        raise ValueError("give exactly one of identity_file and slot_id")
    with own_connection(workspace) as ws:
        service = _service(ws, synthetic)
        added = False
        if identity_file is not None:
            progress(0, 2, "Opening the co-reviewer's identity…")
            slot = service.add_cosigner(read_identity_file(identity_file), passphrase)
            slot_id, added = slot.id, True
        else:
            assert slot_id is not None
            slot = SignatureStore(ws.db).slot(slot_id)
        progress(1, 2, "Adding the co-reviewer's signature…")
        try:
            result = service.cosign(review_id, slot.id, passphrase)
        except BaseException:
            if added:
                service.remove_cosigner(slot.id)
            raise
        progress(2, 2, "Co-signed")
    return CosignedOutcome(
        case_ref=result.review.case_ref,
        version=result.review.version,
        signature_count=result.full.signature_count,
        cosigner=HeldCosigner.of(slot),
    )


def remove_cosigner(workspace: Workspace, slot_id: int) -> None:
    with own_connection(workspace) as ws:
        _service(ws, synthetic=False).remove_cosigner(slot_id)


# --- amendment ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AmendedOutcome:
    case_ref: str
    signed_version: int
    new_version: int
    new_review_id: int


def amend_review(
    workspace: Workspace, review_id: int, reason: str, actor: str, *, min_length: int
) -> AmendedOutcome:
    """A new version of a signed review, carrying its answers (reason required)."""
    reason = reason.strip()
    if len(reason) < min_length:
        raise UserError(amendment_reason_rule(min_length))
    with own_connection(workspace) as ws:
        service = _service(ws, synthetic=False)
        before = ReviewStore(ws.db).get(review_id)
        new = service.amend(review_id, reason, actor)
    return AmendedOutcome(before.case_ref, before.version, new.version, new.id)


# --- the stored signed summaries ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredSummary:
    """The stored signed bytes of one summary, as they are handed out (never re-rendered)."""

    case_ref: str
    version: int
    kind: DocumentKind
    signature_count: int
    pdf: bytes

    @property
    def file_name(self) -> str:
        return summary_file_name(self.case_ref, self.version, self.kind)


def summary_file_name(case_ref: str, version: int, kind: DocumentKind) -> str:
    """``NSR-0001-v2-identifiable.pdf`` / ``NSR-0001-v2-taskforce.pdf`` (case ref made
    file-name safe): the name says which copy it is."""
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in case_ref)
    suffix = "-taskforce" if kind is DocumentKind.TASKFORCE else "-identifiable"
    return f"{safe.strip('.') or 'case'}-v{version}{suffix}.pdf"


def stored_summary(
    workspace: Workspace, case_ref: str, kind: DocumentKind = DocumentKind.FULL
) -> StoredSummary:
    """The latest signed version's stored PDF (the co-signed file once there is one)."""
    with own_connection(workspace) as ws:
        document = _service(ws, synthetic=False).document(case_ref, kind)
    return StoredSummary(case_ref, document.version, kind, document.signature_count, document.pdf)


def signed_case_count(db: Database) -> int:
    """How many reviews have a stored signature (for "export signed summaries")."""
    return len(SignatureStore(db).signed_review_ids())
