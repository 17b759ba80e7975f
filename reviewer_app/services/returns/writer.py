"""Return: every signed review version not yet returned, to the shared folder, encrypted.

``return_signed_reviews`` writes bundles of at most 50 review versions
(``returns.format``: signed by the reviewer's key, encrypted to the study's collection
certificate only, so nothing identifiable is ever in the clear on the shared drive), named
``return-R01-0003.p7m``: sequence = 1 + the highest this workspace has written (moved on past
a file of that name already in the folder, so another file is never replaced). Each bundle
is written atomically (temporary name in the same folder, fsync, rename) and only THEN are
its items marked returned, in one transaction. A folder that is full, offline or read-only
is reported and nothing more is marked; a retry builds the same bundle id from the same
reviews. Before anything is written the workspace's integrity is checked (audit chain,
database file, sealed heads: ``services.integrity``) and every version is checked coherent
(``items``); a broken workspace returns nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.errors import UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.integrity.checks import require_intact
from reviewer_app.services.returns.format import (
    MAX_BUNDLE_ITEMS,
    ReturnBundle,
    ReturnItem,
    build_bundle,
    bundle_id_for,
)
from reviewer_app.services.returns.items import ItemReader, Prepared
from reviewer_app.services.returns.report import ReturnReport, WrittenBundle
from reviewer_app.services.shared_drive.folder import return_file_name, write_into
from reviewer_app.services.trust.authority import fingerprint, load_certificate
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.identity_store import IdentityStore
from reviewer_app.storage.workspace.returns import ReturnStore

if TYPE_CHECKING:
    from reviewer_app.services.session import ReviewerSession

log = logging.getLogger(__name__)

COLLECTED_SUBFOLDER = "collected"  # where the coordinator may move collected bundles
BUNDLE_BUDGET_BYTES = 36 * 1024 * 1024  # a bundle's JSON stays well under the format's bound
NO_COLLECTION_CERT = (
    "This workspace has no certificate for returning reviews yet: import the latest "
    "assignment pack from the coordinator first. Nothing was returned."
)


@dataclass(frozen=True, repr=False)
class _Sender:
    """Who returns, and to whom: the reviewer's key and certificate, the study's certs."""

    study_id: str
    reviewer_ref: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    root: x509.Certificate
    collection: x509.Certificate


def _sender(workspace: Workspace) -> _Sender:
    db = workspace.db
    stored = IdentityStore(db).get()
    pinned = AssignmentStore(db).pinned_root()
    if stored is None or stored.cert_pem is None or stored.reviewer_ref is None or not pinned:
        raise UserError(
            "This workspace has no enrolled reviewer identity yet: import your first "
            "assignment pack from the coordinator. Nothing was returned."
        )
    collection = ReturnStore(db).collection_cert()
    if collection is None:
        raise UserError(NO_COLLECTION_CERT)
    return _Sender(
        study_id=pinned.study_id,
        reviewer_ref=stored.reviewer_ref,
        key=load_private_key(stored),
        cert=load_certificate(stored.cert_pem),
        root=load_certificate(pinned.cert_pem),
        collection=load_certificate(collection.cert_pem),
    )


def _size(item: ReturnItem) -> int:
    entries = sum(len(str(e)) for e in item.audit_entries)
    return len(item.content) + len(item.pdf_full_b64) + len(item.pdf_taskforce_b64) + entries


Chunk = list[tuple[Prepared, ReturnItem]]


def _chunks(reader: ItemReader, ready: Sequence[Prepared]) -> Iterator[Chunk]:
    """Items in bundles of at most 50 and about ``BUNDLE_BUDGET_BYTES`` (read as needed)."""
    chunk: Chunk = []
    size = 0
    for prepared in ready:
        item = reader.item(prepared)
        if chunk and (len(chunk) >= MAX_BUNDLE_ITEMS or size + _size(item) > BUNDLE_BUDGET_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append((prepared, item))
        size += _size(item)
    if chunk:
        yield chunk


def _free_sequence(folder: Path, ref: str, sequence: int) -> int:
    """``sequence``, or the next one whose file name is free in the folder (and in
    ``collected/``): a bundle never replaces a file already on the shared drive."""
    try:
        while any(
            (where / return_file_name(ref, sequence)).exists()
            for where in (folder, folder / COLLECTED_SUBFOLDER)
        ):
            sequence += 1
    except OSError:
        raise _unwritable(folder, ()) from None
    return sequence


def _unwritable(folder: Path, written: Sequence[WrittenBundle]) -> UserError:
    done = (
        f" {len(written)} bundle(s) were written and marked returned before the problem "
        f"({', '.join(b.path.name for b in written)}); the rest"
        if written
        else " Nothing"
    )
    return UserError(
        f"The return could not be written to {folder}: the folder is full, offline or "
        "read-only. Check that the shared drive is connected and that you may write there, "
        f"or choose another folder, then return again.{done} was marked as returned."
    )


def return_signed_reviews(
    session_or_workspace: ReviewerSession | Workspace,
    folder: Path,
    *,
    progress: Progress = no_progress,
) -> ReturnReport:
    """Write every signed review version not yet returned into ``folder`` (see above)."""
    workspace = getattr(session_or_workspace, "workspace", session_or_workspace)
    assert isinstance(workspace, Workspace)
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise UserError(
            f"There is no folder {folder} (or it cannot be reached). Check that the shared "
            "drive is connected, or choose the shared folder again. Nothing was returned."
        )
    require_intact(workspace.db, "returning the signed reviews")
    sender = _sender(workspace)
    reader = ItemReader(workspace.db)
    progress(0, 1, "Checking the signed reviews")
    candidates = reader.candidates()
    total = len(candidates.ready)
    written: list[WrittenBundle] = []
    store = ReturnStore(workspace.db)
    done = 0
    progress(0, total, "Returning signed reviews")
    for chunk in _chunks(reader, candidates.ready):
        written.append(_write_one(store, sender, folder, chunk, written))
        done += len(chunk)
        progress(done, total, f"Returned {done} of {total} signed reviews")
    log.info("returned %d review version(s) in %d bundle(s)", done, len(written))
    return ReturnReport(folder, tuple(written), candidates.held_back)


def _write_one(
    store: ReturnStore,
    sender: _Sender,
    folder: Path,
    chunk: Chunk,
    written: Sequence[WrittenBundle],
) -> WrittenBundle:
    """Build, write (atomically), then mark returned: one bundle."""
    items = [item for _, item in chunk]
    sequence = _free_sequence(folder, sender.reviewer_ref, store.next_sequence())
    bundle = ReturnBundle(
        bundle_id=bundle_id_for(sender.study_id, sender.reviewer_ref, items),
        study_id=sender.study_id,
        reviewer_ref=sender.reviewer_ref,
        reviewer_cert_fingerprint=fingerprint(sender.cert),
        sequence=sequence,
        created_at=utc_now(),
        items=items,
    )
    data = build_bundle(bundle, sender.key, sender.cert, sender.root, sender.collection)
    name = return_file_name(sender.reviewer_ref, sequence)
    try:
        path = write_into(folder, name, data, "return")
    except UserError:
        raise _unwritable(folder, written) from None
    returned_at = store.record_bundle(
        sequence, bundle.bundle_id, name, [(p.review.id, p.content_sha256) for p, _ in chunk]
    )
    return WrittenBundle(
        path=path,
        sequence=sequence,
        bundle_id=bundle.bundle_id,
        returned_at=returned_at,
        items=tuple((i.case_ref, i.version, i.outcome) for i in items),
    )
