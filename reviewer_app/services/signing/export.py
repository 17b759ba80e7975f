"""Batch export: the stored signed PDF of every signed case, written to one folder.

This is an export of STORED files: the bytes signed at sign-off (or co-signed since) are
written exactly as stored; nothing is rendered or signed here, so no PDF or signing library is
loaded. Each file is written atomically (``atomic_write_bytes``: a temporary file in the same
folder, renamed into place), so a reader of a shared folder never sees half a summary. A full
summary is an identifiable clinical document: it is written readable by you only (mode 0600,
also over an existing file; on Windows the file takes the folder's access list instead).

Before anything is written, the workspace's integrity is checked (``services.integrity``):
a broken audit trail, a damaged database or a signature whose sealed head no longer matches
the trail refuses the export, and nothing is written.

For each case, the latest signed version is exported (its co-signed file once there is one);
a case whose amendment is still in progress exports the version signed before it.

This is for deliberate local copies. Reviews go to the coordinator by Return (encrypted,
services/returns); ``shared_copy_warning`` says plainly when identifiable copies would go to
the study's shared folder or another network location instead.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.errors import UserError
from reviewer_app.paths import network_location_reason
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.integrity.checks import require_intact
from reviewer_app.services.signing.background import summary_file_name
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.signatures import DocumentKind, SignatureStore

log = logging.getLogger(__name__)


IDENTIFIABLE_FILE_MODE = 0o600
"""Mode of each exported summary, full or taskforce copy: readable by you only (the
taskforce copy is de-identified, not anonymous, and OFFICIAL-SENSITIVE)."""


@dataclass(frozen=True)
class ExportedSummary:
    case_ref: str
    version: int
    kind: DocumentKind
    signature_count: int
    path: Path


@dataclass(frozen=True)
class ExportReport:
    folder: Path
    kinds: tuple[DocumentKind, ...]
    files: tuple[ExportedSummary, ...]

    @property
    def case_count(self) -> int:
        return len({f.case_ref for f in self.files})

    @property
    def identifiable(self) -> bool:
        """Whether any file written is an identifiable clinical document (a full summary)."""
        return DocumentKind.FULL in self.kinds and bool(self.files)


def _inside(folder: Path, other: Path) -> bool:
    try:
        folder.resolve().relative_to(other.resolve())
    except (OSError, ValueError):
        return False
    return True


def shared_copy_warning(
    folder: Path, kinds: Sequence[DocumentKind], shared_folder: Path | None = None
) -> str | None:
    """A plain warning when identifiable (full) summaries would go to a shared place: the
    study's shared folder (or inside it) or a network location. None otherwise."""
    if DocumentKind.FULL not in kinds or not str(folder).strip():
        return None
    folder = Path(folder).expanduser()
    if shared_folder is not None and _inside(folder, Path(shared_folder).expanduser()):
        where = "the study's shared folder"
    else:
        try:
            reason = network_location_reason(folder)
        except OSError:
            reason = None
        if reason is None:
            return None
        where = reason
    return (
        f"Warning: {folder} is on {where}. Full summaries are identifiable clinical "
        "documents, unencrypted: anyone who can open that folder can read them. To send "
        "reviews to the coordinator, use File > Return completed reviews (encrypted); for a "
        "copy here, choose the taskforce copy."
    )


def export_signed_summaries(
    workspace: Workspace,
    folder: Path,
    kind: DocumentKind | Sequence[DocumentKind] = DocumentKind.FULL,
    progress: Progress = no_progress,
) -> ExportReport:
    """Write the stored signed summary of every signed case to ``folder``.

    ``kind``: the full summary, the taskforce copy, or both. ``progress(done, total, label)``
    is called once before the first file and after each case. Uses the workspace's main
    connection: a caller on another thread passes a workspace on its own connection
    (``services.signing.background.own_connection``).
    """
    kinds = (kind,) if isinstance(kind, DocumentKind) else tuple(dict.fromkeys(kind))
    if not kinds:
        raise ValueError("no kind of summary asked for")
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise UserError(f"There is no folder {folder}. Choose an existing folder.")
    db = workspace.db
    require_intact(db, "exporting the signed summaries")
    store = SignatureStore(db)
    signed = store.signed_review_ids()
    total = len(signed)
    progress(0, total, "Exporting signed summaries…")
    written: list[ExportedSummary] = []
    for done, (case_ref, review_ids) in enumerate(sorted(signed.items()), start=1):
        review_id = review_ids[-1]  # ordered by version: the latest signed one
        for each in kinds:
            document = store.latest_document(review_id, each)
            if document is None:  # pragma: no cover - both kinds are stored at sign-off
                log.warning("a signed review has no stored %s summary", each.value)
                continue
            path = folder / summary_file_name(case_ref, document.version, each)
            try:
                atomic_write_bytes(path, document.pdf, mode=IDENTIFIABLE_FILE_MODE)
            except OSError as err:
                raise UserError(
                    f"The summaries could not be written to {folder} ({err.strerror}). "
                    f"{len(written)} file(s) were written before the problem."
                ) from None
            written.append(
                ExportedSummary(case_ref, document.version, each, document.signature_count, path)
            )
        progress(done, total, f"Exported {done} of {total} signed cases")
    log.info("exported %d signed summary file(s) for %d case(s)", len(written), total)
    return ExportReport(folder, kinds, tuple(written))


__all__ = ["ExportReport", "ExportedSummary", "export_signed_summaries", "shared_copy_warning"]
