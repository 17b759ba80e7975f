"""``collect``: read every return bundle in a folder, verify it, store it or quarantine it.

Each file is keyed by its SHA-256: a file read before (collected or quarantined) is not
verified again, so re-collecting a folder costs one hash per file. A file that passes every
check (verification.py) is stored with everything taken from it in one transaction; one that
fails is copied into ``STUDY/quarantine/`` and recorded with its reason, and nothing of it is
used. A bundle whose amendment's predecessor is unknown waits for the rest of the run, then is
quarantined if the predecessor never came. Files stay on the shared drive unless
``move_processed`` moves them into its ``collected/`` subfolder.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.domain.vocabulary import CollectedAs, QuarantineReason
from reviewer_app.errors import UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.collection.checks import Quarantined
from reviewer_app.services.collection.report import CollectionReport, Conflict, QuarantinedFile
from reviewer_app.services.collection.storing import MissingPredecessor, plan_bundle
from reviewer_app.services.collection.triggers import keep_triggers_of
from reviewer_app.services.collection.verification import StudyTrust, VerifiedBundle, verify
from reviewer_app.services.returns.format import MAX_BUNDLE_BYTES
from reviewer_app.services.study import Study
from reviewer_app.storage.study.allocation import AllocationStore
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.info import avoidability_scale, shared_folder
from reviewer_app.storage.study.returns import BundleFileRow, ReturnsStore

log = logging.getLogger(__name__)

RETURN_PATTERN = "return-*.p7m"
COLLECTED_FOLDER = "collected"
QUARANTINE_FOLDER = "quarantine"


def study_trust(study: Study) -> StudyTrust:
    key, cert = study.collection_authority()
    return StudyTrust(
        study_id=study.info.study_id,
        root=study.root_certificate(),
        collection_key=key,
        collection_cert=cert,
        definition=on_study_scale(default_definition(), avoidability_scale(study.db)),
        enrolments={e.fingerprint: e for e in EnrolmentStore(study.db).every()},
        pairs=AllocationStore(study.db).get().pairs,
        cases={c.case_ref: c for c in CohortStore(study.db).cases()},
    )


def returns_folder(study: Study, folder: Path | None) -> Path:
    """The folder given, else the study's shared folder (where packs were last made)."""
    if folder is None:
        remembered = shared_folder(study.db)
        if remembered is None:
            raise UserError(
                "This study does not know its shared folder yet (packs have not been made): "
                "give the folder holding the returns, e.g. coordinator collect STUDY FOLDER."
            )
        folder = Path(remembered)
    folder = folder.expanduser()
    if not folder.is_dir():
        raise UserError(
            f"There is no folder {folder} (or it cannot be reached). Check the shared drive is "
            "connected and give the folder holding the returns. Nothing was collected."
        )
    return folder


def return_files(folder: Path) -> list[Path]:
    """The return bundles in the folder, by name (reviewer, then sequence). A writer's
    temporary file (``.return-….tmp``) does not match and is left alone."""
    try:
        return sorted(p for p in folder.glob(RETURN_PATTERN) if p.is_file())
    except OSError as err:
        raise UserError(
            f"Could not list {folder}: {err.strerror or 'unreachable'}. Nothing was collected."
        ) from None


@dataclass
class _Run:
    study: Study
    store: ReturnsStore
    trust: StudyTrust
    run_id: int
    report: CollectionReport
    processed: list[Path]

    def quarantine(self, path: Path, sha: str, data: bytes, failed: Quarantined) -> None:
        ref = _claimed_reviewer(path.name)
        kept = self.study.folder / QUARANTINE_FOLDER / f"{path.stem}-{sha[:12]}{path.suffix}"
        try:
            kept.parent.mkdir(exist_ok=True)
            atomic_write_bytes(kept, data, mode=0o600)
        except OSError as err:
            raise UserError(
                f"Could not keep a copy of {path.name} in the study's quarantine folder: "
                f"{err.strerror or 'not writable'}. Free space in the study folder and run "
                "collect again (what was collected so far is kept)."
            ) from None
        self.store.quarantine_file(
            self.run_id,
            BundleFileRow(sha, path.name, reviewer_ref=ref),
            kept_as=str(kept.relative_to(self.study.folder)),
            reason=failed.reason.value,
            message=failed.message,
        )
        self.report.quarantined.append(
            QuarantinedFile(path.name, failed.reason, failed.message, ref, kept.name)
        )
        self.report.counts(ref).quarantined += 1
        self.processed.append(path)
        log.info("quarantined a return bundle: %s", failed.reason.value)

    def store_bundle(self, path: Path, sha: str, verified: VerifiedBundle) -> None:
        """Raises MissingPredecessor with nothing stored."""
        plan = plan_bundle(self.store, verified)
        bundle = verified.opened.bundle
        row = BundleFileRow(
            sha,
            path.name,
            bundle.bundle_id,
            bundle.reviewer_ref,
            bundle.sequence,
            verified.opened.signed_at,
        )
        self.store.accept(self.run_id, row, plan.rows, plan.conflicts)
        keep_triggers_of(self.study, ((v.content_sha256, v.content) for v in plan.rows))
        counts = self.report.counts(bundle.reviewer_ref)
        for vi, outcome in plan.outcomes:
            counts.add(outcome)
            if outcome is CollectedAs.CONFLICT:
                self.report.conflicts.append(
                    Conflict(vi.item.case_ref, bundle.reviewer_ref, vi.item.version, path.name)
                )
        self.report.files_collected += 1
        self.processed.append(path)


def _claimed_reviewer(name: str) -> str | None:
    """The reviewer ref a file's name claims (for the report only: never trusted)."""
    parts = name.split("-")
    return parts[1] if len(parts) == 3 and parts[0] == "return" else None


def _read(path: Path) -> bytes | None:
    """The file's bytes, at most one past the largest bundle (refused as too large)."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_BUNDLE_BYTES + 1)
    except OSError:
        return None


_Waiting = tuple[Path, str, bytes, VerifiedBundle]
"""A verified bundle waiting for its predecessor: path, SHA-256, the bytes read, the verdict."""


def _one_file(run: _Run, path: Path, waiting: list[_Waiting]) -> None:
    data = _read(path)
    if data is None:
        run.report.unreadable.append(path.name)
        return
    sha = hashlib.sha256(data).hexdigest()
    if run.store.is_settled(sha):
        run.report.files_already += 1
        run.processed.append(path)
        return
    try:
        verified = verify(data, run.trust)
    except Quarantined as failed:
        run.quarantine(path, sha, data, failed)
        return
    try:
        run.store_bundle(path, sha, verified)
    except MissingPredecessor:
        waiting.append((path, sha, data, verified))


def _settle_waiting(run: _Run, waiting: list[_Waiting]) -> None:
    """Retry bundles waiting for a predecessor until none can go on; quarantine the rest."""
    while waiting:
        still: list[_Waiting] = []
        last: MissingPredecessor | None = None
        for path, sha, data, verified in waiting:
            try:
                run.store_bundle(path, sha, verified)
            except MissingPredecessor as missing:
                still.append((path, sha, data, verified))
                last = missing
        if len(still) == len(waiting):
            for path, sha, data, _ in still:
                # the bytes verified and hashed, not a second read of a file that may have changed
                message = last.message if last is not None else "a predecessor is missing"
                failed = Quarantined(QuarantineReason.NO_PREDECESSOR, message)
                run.quarantine(path, sha, data, failed)
            return
        waiting = still


def _move_processed(folder: Path, run: _Run) -> None:
    target = folder / COLLECTED_FOLDER
    try:
        target.mkdir(exist_ok=True)
    except OSError:
        run.report.not_moved.extend(p.name for p in run.processed)
        return
    for path in run.processed:
        destination = target / path.name
        try:
            if destination.exists():
                raise FileExistsError(path.name)
            path.replace(destination)
            run.report.files_moved += 1
        except OSError:
            run.report.not_moved.append(path.name)


def collect(
    study: Study,
    folder: Path | None = None,
    *,
    move_processed: bool = False,
    progress: Progress = no_progress,
) -> CollectionReport:
    """Collect every return bundle in ``folder`` (default: the study's shared folder)."""
    where = returns_folder(study, folder)
    files = return_files(where)
    store = ReturnsStore(study.db)
    report = CollectionReport(folder=where, files_seen=len(files))
    run = _Run(study, store, study_trust(study), store.start_run(str(where)), report, [])
    waiting: list[_Waiting] = []
    for done, path in enumerate(files):
        progress(done, len(files), f"Checking {path.name}")
        _one_file(run, path, waiting)
    _settle_waiting(run, waiting)
    progress(len(files), len(files), "Collection done")
    if move_processed:
        _move_processed(where, run)
    store.finish_run(run.run_id, report.totals())
    log.info("collected %d new return file(s)", report.files_collected)
    return report
