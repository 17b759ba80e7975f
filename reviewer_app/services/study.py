"""The coordinator's study: cohort and panel intake, enrolment, allocation, assignment packs.

Layout of a study folder (a local folder: a network drive is refused, like a workspace)::

    <study>/study.db          SQLCipher database (storage/study/schema.py)
    <study>/study.key.json    Argon2id parameters, salt and key check (no secret)
    <study>/backups/          encrypted copies made before each migration

The study authority's private key lives in the database, encrypted under the same study
passphrase (belt and braces), and is decrypted only when a certificate or pack is signed.
Packs go to a folder the coordinator names (the shared drive), written atomically.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.panel import is_conflicted
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.paths import ensure_local_folder
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.allocation.pairing import AllocationResult, allocate, allocation_csv
from reviewer_app.services.intake.cohort_csv import CohortWarning, WarningKind, read_cohort
from reviewer_app.services.intake.csv_reader import format_problems
from reviewer_app.services.intake.panel_csv import read_panel
from reviewer_app.services.packs.format import (
    MAX_PACK_CASES,
    PackCase,
    PackContent,
    ReviewMode,
    build_pack,
)
from reviewer_app.services.trust import authority
from reviewer_app.services.trust import enrolment as identity
from reviewer_app.services.trust.workspace_identity import key_fingerprint
from reviewer_app.services.workspace import check_new_passphrase
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import (
    PRODUCTION_KDF,
    KdfParams,
    new_key,
    unlock_key,
    write_key_check,
)
from reviewer_app.storage.migrations import migrate, open_migrated
from reviewer_app.storage.study.repositories import (
    AllocationStore,
    CohortStore,
    EnrolmentStore,
    PackLedger,
    PanelStore,
    StoredAllocation,
    StudyInfo,
    StudyInfoStore,
    UpsertChanges,
)
from reviewer_app.storage.study.schema import STUDY_MIGRATIONS

log = logging.getLogger(__name__)

STUDY_DB_FILE = "study.db"
STUDY_KEY_FILE = "study.key.json"
_WHAT = "the study folder"
PACK_SUFFIX = ".p7m"

Pair = tuple[str, str]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class CohortRejectedError(InvalidInputError):
    """A cohort or panel file with errors: nothing was imported; every error is listed."""

    def __init__(self, message: str, problems: Sequence[object], warnings: Sequence[object]):
        super().__init__(message)
        self.problems = list(problems)
        self.warnings = list(warnings)


class AllocationOutOfDateError(UserError):
    """The stored allocation no longer fits the cohort or panel: allocate again first."""


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortReport:
    changes: UpsertChanges
    warnings: list[CohortWarning]
    notices: list[str]

    def summary_lines(self) -> list[str]:
        return (
            _change_lines("case", self.changes) + [str(w) for w in self.warnings] + [*self.notices]
        )


@dataclass(frozen=True)
class PanelReport:
    changes: UpsertChanges
    notices: list[str]

    def summary_lines(self) -> list[str]:
        return _change_lines("reviewer", self.changes) + list(self.notices)


def _change_lines(noun: str, changes: UpsertChanges) -> list[str]:
    if not changes.changed:
        return [f"Nothing changed: all {changes.unchanged} {noun}s were already imported as given."]
    lines = [
        f"{len(changes.added)} {noun}s added, {len(changes.updated)} updated, "
        f"{changes.unchanged} unchanged."
    ]
    if changes.added:
        lines.append("Added: " + ", ".join(changes.added))
    lines.extend(
        f"Updated {ref}: {', '.join(fields)}" for ref, fields in sorted(changes.updated.items())
    )
    return lines


@dataclass(frozen=True)
class EnrolmentResult:
    reviewer_ref: str
    name: str
    key_fingerprint: str  # read out by phone: the reviewer sees the same in their app
    cert_fingerprint: str
    replaced_fingerprint: str | None
    notes: list[str]
    warnings: list[str] = field(default_factory=list)  # to act on before making packs


def _modes_line(total: int, joint: int) -> str:
    """How the cases are reviewed: a joint case is one review, by the pair together."""
    independent = total - joint
    line = (
        f"{total} cases: {independent} independent double review "
        f"({2 * independent} reviewer assignments)"
    )
    if joint:
        line += (
            f", {joint} joint (one review each, by the pair together: the case goes to the "
            "first reviewer's pack, naming the second)"
        )
    return line + "."


@dataclass(frozen=True)
class AllocationReport:
    result: AllocationResult
    not_enrolled: dict[str, int]  # reviewer_ref -> cases allocated, for reviewers to enrol
    joint: frozenset[str] = frozenset()  # allocated cases reviewed jointly

    def summary_lines(self) -> list[str]:
        r = self.result
        lines = [f"{len(r.pairs)} cases allocated ({len(r.overridden)} by hand)."]
        if r.pairs:
            lines.append(_modes_line(len(r.pairs), len(self.joint & r.pairs.keys())))
        if r.unallocated:
            lines.append(f"{len(r.unallocated)} cases could NOT be allocated safely:")
            lines.extend(f"  {ref}: {reason}" for ref, reason in r.unallocated)
        lines.extend(f"Note {ref}: {note}" for ref, note in r.notes)
        loads = r.loads()
        if loads:
            label = "Cases per reviewer"
            if self.joint & r.pairs.keys():
                label += " (a joint case counts for both of its pair)"
            lines.append(f"{label}: " + ", ".join(f"{k} {v}" for k, v in loads.items()))
        if self.not_enrolled:
            lines.append(
                "Not enrolled yet (no pack until they are): "
                + ", ".join(f"{k} ({v} cases)" for k, v in self.not_enrolled.items())
            )
        return lines


@dataclass(frozen=True)
class PackMade:
    reviewer_ref: str
    sequence: int
    pack_id: str
    path: Path
    case_count: int
    withdrawn_count: int
    joint_count: int = 0  # of case_count: joint cases, naming the co-reviewer


@dataclass
class PacksReport:
    made: list[PackMade] = field(default_factory=list)
    not_enrolled: dict[str, int] = field(default_factory=dict)
    unallocated: list[str] = field(default_factory=list)
    unchanged: dict[str, int] = field(default_factory=dict)  # reviewer_ref -> last pack
    allocated: int = 0  # cases in the allocation
    joint: int = 0  # of those, reviewed jointly

    def summary_lines(self) -> list[str]:
        lines = [
            f"{m.path.name}: {m.case_count} cases"
            + (f" ({m.joint_count} joint)" if m.joint_count else "")
            + f", {m.withdrawn_count} withdrawn"
            for m in self.made
        ]
        lines.extend(
            f"No changes since pack {sequence} for {ref}: no new pack written."
            for ref, sequence in self.unchanged.items()
        )
        if not self.made and self.unchanged:
            lines.append("No packs made: nothing has changed since the last packs.")
        elif not self.made:
            lines.append("No packs made: no enrolled reviewer has allocated cases.")
        if self.allocated:
            lines.append("Allocation: " + _modes_line(self.allocated, self.joint))
        if self.not_enrolled:
            lines.append(
                "No pack for reviewers not enrolled yet: "
                + ", ".join(f"{k} ({v} cases)" for k, v in self.not_enrolled.items())
            )
        if self.unallocated:
            lines.append(f"{len(self.unallocated)} cases are not allocated and are in no pack.")
        return lines


# --- the study -----------------------------------------------------------------------------


def _email_key(address: str) -> str:
    """An address as compared: case and surrounding spaces do not matter."""
    return address.strip().casefold()


def _mode(value: str) -> ReviewMode:
    try:
        return ReviewMode(value)
    except ValueError:
        raise InvalidInputError(
            f'The review mode must be "independent" or "joint", not "{value[:20]}".'
        ) from None


class Study:
    """An open study. Build with ``create`` or ``open``; ``close`` when done."""

    def __init__(self, folder: Path, db: Database, passphrase: str) -> None:
        self.folder = folder
        self.db = db
        self._passphrase: str | None = passphrase
        self._authority: tuple[rsa.RSAPrivateKey, x509.Certificate] | None = None

    @staticmethod
    def exists_in(folder: Path) -> bool:
        return (folder / STUDY_KEY_FILE).exists() or (folder / STUDY_DB_FILE).exists()

    @classmethod
    def create(
        cls,
        folder: Path,
        passphrase: str,
        *,
        name: str,
        mode: str = ReviewMode.INDEPENDENT.value,
        kdf: KdfParams = PRODUCTION_KDF,
    ) -> Study:
        """Make a study folder: encrypted database and study authority."""
        review_mode = _mode(mode)
        check_new_passphrase(passphrase)
        folder = ensure_local_folder(folder, _WHAT)
        if cls.exists_in(folder):
            raise UserError(f"There is already a study in {folder}. Choose an empty folder.")
        study_id = f"STUDY-{secrets.token_hex(6).upper()}"
        root_key, root_cert = authority.create_study_authority(study_id, name)
        record, key = new_key(passphrase, kdf)
        db_path = folder / STUDY_DB_FILE
        db = Database(db_path, key)
        try:
            migrate(db, key, migrations=STUDY_MIGRATIONS, what="study")
            StudyInfoStore(db).create(
                study_id=study_id,
                name=name.strip(),
                review_mode=review_mode.value,
                authority_key_pem=authority.serialise_private_key(root_key, passphrase),
                root_cert_pem=authority.certificate_pem(root_cert),
                root_fingerprint=authority.fingerprint(root_cert),
            )
            write_key_check(folder / STUDY_KEY_FILE, record)
        except BaseException:
            db.close()
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    (folder / (STUDY_DB_FILE + suffix)).unlink()
            raise
        log.info("created a study (mode %s)", review_mode.value)
        study = cls(folder, db, passphrase)
        study._authority = (root_key, root_cert)
        return study

    @classmethod
    def open(cls, folder: Path, passphrase: str) -> Study:
        if not (folder / STUDY_DB_FILE).exists() or not (folder / STUDY_KEY_FILE).exists():
            raise NotFoundError(f"There is no study in {folder}.")
        folder = ensure_local_folder(folder, _WHAT)
        try:
            key = unlock_key(folder / STUDY_KEY_FILE, passphrase)
        except UserError as err:
            raise type(err)(str(err).replace("workspace", "study")) from None
        db, _ = open_migrated(
            folder / STUDY_DB_FILE, key, migrations=STUDY_MIGRATIONS, what="study"
        )
        return cls(folder, db, passphrase)

    def close(self) -> None:
        with contextlib.suppress(UserError):
            self.db.checkpoint()
        self.db.close()
        self._passphrase = None
        self._authority = None

    def __enter__(self) -> Study:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the study and its authority

    @property
    def info(self) -> StudyInfo:
        return StudyInfoStore(self.db).get()

    def fingerprint(self) -> str:
        return self.info.root_fingerprint

    def root_certificate(self) -> x509.Certificate:
        return authority.load_certificate(self.info.root_cert_pem)

    def _signing_authority(self) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
        if self._authority is None:
            if self._passphrase is None:
                raise RuntimeError("the study is closed")
            key = authority.load_private_key(
                StudyInfoStore(self.db).authority_key_pem(), self._passphrase
            )
            self._authority = (key, self.root_certificate())
        return self._authority

    # -- intake

    def add_cohort(
        self, data: bytes, source_name: str, progress: Progress = no_progress
    ) -> CohortReport:
        """Import a cohort CSV: all or nothing; every error listed; warnings reported."""
        progress(0, 2, "Checking the cohort file")
        result = read_cohort(data, source_name, CohortStore(self.db).case_refs_by_nhs_number())
        if result.errors:
            raise CohortRejectedError(
                f"{source_name} was not imported; nothing has been changed. Fix these "
                f"{len(result.errors)} problem(s) and import it again:\n"
                + format_problems(result.errors),
                result.errors,
                result.warnings,
            )
        outside_cohort = result.flagged(WarningKind.OUTSIDE_COHORT)
        outside_method = result.flagged(WarningKind.OUTSIDE_METHOD)
        flags = {
            c.case_ref: (c.case_ref in outside_cohort, c.case_ref in outside_method)
            for c in result.cases
        }
        progress(1, 2, "Storing the cohort")
        changes = CohortStore(self.db).upsert(result.cases, flags)
        progress(2, 2, "Cohort imported")
        log.info(
            "cohort intake: %d added, %d updated, %d unchanged",
            len(changes.added),
            len(changes.updated),
            changes.unchanged,
        )
        return CohortReport(changes, result.warnings, result.notices)

    def add_reviewers(self, data: bytes, source_name: str) -> PanelReport:
        result = read_panel(data, source_name)
        if result.errors:
            raise CohortRejectedError(
                f"{source_name} was not imported; nothing has been changed. Fix these "
                f"{len(result.errors)} problem(s) and import it again:\n"
                + format_problems(result.errors),
                result.errors,
                [],
            )
        changes = PanelStore(self.db).upsert(result.reviewers)
        log.info("panel intake: %d added, %d updated", len(changes.added), len(changes.updated))
        return PanelReport(changes, result.notices)

    # -- enrolment

    def enrol(self, request: bytes, reviewer_ref: str, *, replace: bool = False) -> EnrolmentResult:
        """Check a request and issue the reviewer's certificate from the study authority."""
        checked = identity.read_enrolment_request(request)
        reviewer = PanelStore(self.db).get(reviewer_ref)
        if reviewer is None:
            raise NotFoundError(
                f"There is no reviewer {reviewer_ref} on this study's panel. Check the "
                "reference, or add the reviewer to the panel first."
            )
        public_key = checked.csr().public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise InvalidInputError("The key in this enrolment request is not an RSA key.")
        key_fp = key_fingerprint(public_key)
        enrolments = EnrolmentStore(self.db)
        current = enrolments.active(reviewer_ref)
        if current is not None and not replace:
            same = current.key_fingerprint == key_fp
            raise UserError(
                f"{reviewer_ref} is already enrolled "
                + ("with this same key" if same else "with another key")
                + ". To issue a new certificate (lost laptop, new workspace), enrol again "
                "with --replace."
            )
        root_key, root_cert = self._signing_authority()
        cert = authority.issue_reviewer_certificate(
            root_key,
            root_cert,
            checked,
            reviewer_ref,
            replace_existing_fp=None if current is None else current.fingerprint,
        )
        cert_fp = authority.fingerprint(cert)
        enrolments.add(reviewer_ref, authority.certificate_pem(cert), cert_fp, key_fp)
        notes = []
        if checked.details.name != reviewer.name:
            notes.append("the name in the request differs from the panel's")
        if checked.details.profession.value != reviewer.profession.value:
            notes.append("the profession in the request differs from the panel's")
        if reviewer.registration and checked.details.registration != reviewer.registration:
            notes.append("the registration in the request differs from the panel's")
        warnings = []
        if reviewer.email and _email_key(checked.details.email) != _email_key(reviewer.email):
            warnings.append(
                f"the email in the request ({checked.details.email}) is not the panel's email "
                f"for {reviewer_ref} ({reviewer.email}). Before making packs, phone "
                f"{reviewer_ref} on the panel's contact details and check the key fingerprint; "
                "if the request is not theirs, enrol their own request with --replace."
            )
        log.info("enrolled reviewer %s%s", reviewer_ref, " (replacement)" if current else "")
        return EnrolmentResult(
            reviewer_ref=reviewer_ref,
            name=checked.details.name,
            key_fingerprint=key_fp,
            cert_fingerprint=cert_fp,
            replaced_fingerprint=None if current is None else current.fingerprint,
            notes=notes,
            warnings=warnings,
        )

    # -- allocation

    def _allocation_inputs(self) -> tuple[list[Case], dict[str, Pair], AllocationResult]:
        store = AllocationStore(self.db)
        stored, overrides = store.get(), store.overrides()
        # A pair whose override was removed stays as an automatic pair while still valid.
        existing = AllocationResult(
            pairs=dict(stored.pairs), overridden=stored.overridden & frozenset(overrides)
        )
        return CohortStore(self.db).cases(), overrides, existing

    def allocate(self, progress: Progress = no_progress) -> AllocationReport:
        """Allocate every case (keeping overrides and still-valid pairs); store the result."""
        progress(0, 2, "Allocating cases")
        cases, overrides, existing = self._allocation_inputs()
        if not cases:
            raise UserError("There are no cases to allocate: import the cohort first.")
        reviewers = PanelStore(self.db).all()
        if len(reviewers) < 2:
            raise UserError("A pair needs two reviewers: import the review panel first.")
        result = allocate(cases, reviewers, overrides, existing)
        progress(1, 2, "Storing the allocation")
        AllocationStore(self.db).replace(result.pairs, result.overridden, result.unallocated)
        progress(2, 2, "Allocation done")
        log.info(
            "allocated %d cases, %d could not be allocated",
            len(result.pairs),
            len(result.unallocated),
        )
        return AllocationReport(
            result, self._not_enrolled(result.pairs), self._joint_cases(result.pairs)
        )

    def allocation(self) -> AllocationResult:
        stored = AllocationStore(self.db).get()
        return AllocationResult(
            pairs=dict(stored.pairs),
            overridden=stored.overridden,
            unallocated=sorted(stored.problems.items()),
        )

    def allocation_csv(self) -> str:
        return allocation_csv(self.allocation())

    def _not_enrolled(self, pairs: dict[str, Pair]) -> dict[str, int]:
        enrolled = EnrolmentStore(self.db).all_active()
        counts: dict[str, int] = {}
        for pair in pairs.values():
            for ref in pair:
                if ref not in enrolled:
                    counts[ref] = counts.get(ref, 0) + 1
        return dict(sorted(counts.items()))

    def set_override(self, case_ref: str, pair: Pair | None) -> None:
        """Pair a case by hand (kept across re-allocation); None removes the override.

        Takes effect at the next ``allocate``. Refused now if the pair is unsafe.
        """
        cohort = {c.case_ref: c for c in CohortStore(self.db).cases()}
        if case_ref not in cohort:
            raise NotFoundError(f"There is no case {case_ref} in this study's cohort.")
        if pair is not None:
            first, second = pair
            if first == second:
                raise InvalidInputError(f"A pair is two different reviewers ({first} twice).")
            panel = PanelStore(self.db)
            for ref in pair:
                reviewer = panel.get(ref)
                if reviewer is None:
                    raise NotFoundError(f"There is no reviewer {ref} on this study's panel.")
                if is_conflicted(reviewer, cohort[case_ref]):
                    raise InvalidInputError(
                        f"{ref} has a conflict with case {case_ref} (GP practice, site or "
                        "specialty) and cannot review it."
                    )
        AllocationStore(self.db).set_override(case_ref, pair)

    def set_case_mode(self, case_ref: str, mode: str | None) -> None:
        """Override the review mode of one case (None: back to the study's mode).

        Takes effect at the next ``make_packs``: a case made joint goes to its first
        reviewer only (naming the second, whose next pack withdraws it); a case made
        independent goes to both.
        """
        if not CohortStore(self.db).exists(case_ref):
            raise NotFoundError(f"There is no case {case_ref} in this study's cohort.")
        AllocationStore(self.db).set_case_mode(case_ref, None if mode is None else _mode(mode))

    def _check_allocation_current(self) -> StoredAllocation:
        """The stored allocation, refused if re-allocating now would change any pair."""
        cases, overrides, existing = self._allocation_inputs()
        stored = AllocationStore(self.db).get()
        if not stored.pairs:
            raise UserError("Nothing is allocated yet: run allocate first.")
        check = allocate(cases, PanelStore(self.db).all(), overrides, existing)
        if check.pairs != stored.pairs:
            raise AllocationOutOfDateError(
                "The cohort, the panel or the hand-made pairs changed since the last "
                "allocation. Run allocate again, check it, then make the packs."
            )
        return stored

    def _joint_cases(self, pairs: dict[str, Pair]) -> frozenset[str]:
        """The allocated cases reviewed jointly: by their own mode, else the study's."""
        study_mode = ReviewMode(self.info.review_mode)
        modes = self.case_modes()
        return frozenset(ref for ref in pairs if modes.get(ref, study_mode) is ReviewMode.JOINT)

    def case_modes(self) -> dict[str, ReviewMode]:
        """The per-case review-mode overrides (case ref -> mode); other cases use the study's."""
        return {ref: ReviewMode(m) for ref, m in AllocationStore(self.db).case_modes().items()}

    def _cases_by_reviewer(
        self, pairs: dict[str, Pair], study_mode: ReviewMode
    ) -> dict[str, list[PackCase]]:
        """Independent: both reviewers hold the case. Joint: the first, naming the second.

        Each case follows its own mode when the coordinator overrode it (``set_case_mode``);
        a case whose mode differs from the study's carries that mode in the pack.
        """
        by_ref = {c.case_ref: c for c in CohortStore(self.db).cases()}
        panel = {r.reviewer_ref: r for r in PanelStore(self.db).all()}
        overrides = self.case_modes()
        held: dict[str, list[PackCase]] = {}
        for case_ref, (first, second) in pairs.items():
            case = by_ref[case_ref]
            mode = overrides.get(case_ref, study_mode)
            marked = None if mode is study_mode else mode
            if mode is ReviewMode.INDEPENDENT:
                held.setdefault(first, []).append(PackCase(case=case, review_mode=marked))
                held.setdefault(second, []).append(PackCase(case=case, review_mode=marked))
            else:
                held.setdefault(first, []).append(
                    PackCase(
                        case=case,
                        co_reviewer_ref=second,
                        co_reviewer_name=panel[second].name,
                        review_mode=marked,
                    )
                )
        return held

    # -- packs

    def make_packs(
        self,
        out: Path,
        *,
        progress: Progress = no_progress,
        now: Callable[[], dt.datetime] = _utc_now,
    ) -> PacksReport:
        """One pack per enrolled reviewer with allocated cases (or cases to withdraw).

        A reviewer whose pack would say exactly what their last pack said (same cases and
        case details, withdrawals, modes, certificate and review definition) gets no new
        pack: the report says so instead.
        """
        stored = self._check_allocation_current()
        info = self.info
        study_mode = ReviewMode(info.review_mode)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise UserError(
                f"Could not create the pack folder {out}: {err.strerror or 'not writable'}."
            ) from None
        held = self._cases_by_reviewer(stored.pairs, study_mode)
        enrolled = EnrolmentStore(self.db).all_active()
        report = PacksReport(
            not_enrolled={r: len(c) for r, c in sorted(held.items()) if r not in enrolled},
            unallocated=sorted(stored.problems),
            allocated=len(stored.pairs),
            joint=len(self._joint_cases(stored.pairs)),
        )
        ledger = PackLedger(self.db)
        definition = default_definition()
        definition_doc = definition.model_dump(mode="json", by_alias=True)
        todo: list[tuple[PackContent, x509.Certificate, str]] = []
        for ref, enrolment in enrolled.items():
            current = held.get(ref, [])
            current_refs = {pc.case.case_ref for pc in current}
            withdrawn = sorted(ledger.ever_sent(ref) - current_refs)
            if not current and not withdrawn:
                continue  # nothing sent yet and nothing to send
            if len(current) > MAX_PACK_CASES:
                raise UserError(
                    f"{ref} is allocated {len(current):,} cases, more than the "
                    f"{MAX_PACK_CASES:,} one assignment pack may hold. Add reviewers to the "
                    "panel (or pair cases by hand) and allocate again. No pack was made."
                )
            last = ledger.last_pack(ref)
            cert = authority.load_certificate(enrolment.cert_pem)
            content = PackContent(
                pack_id=str(uuid.uuid4()),
                sequence=ledger.next_sequence(ref),
                study_id=info.study_id,
                study_name=info.name,
                created_at=now(),
                review_mode=study_mode,
                addressee_reviewer_ref=ref,
                addressee_cert_fingerprint=authority.fingerprint(cert),
                study_root_cert_pem=info.root_cert_pem,
                reviewer_cert_pem=enrolment.cert_pem,
                definition_id=definition.id,
                definition_version=str(definition.version),
                definition=definition_doc,
                cases=sorted(current, key=lambda pc: pc.case.case_ref),
                withdrawn_case_refs=withdrawn,
            )
            digest = content.digest()
            if last is not None and (
                last.content_digest == digest
                # a pack made before digests were kept: compare what it recorded
                or (
                    last.content_digest is None
                    and not current
                    and set(last.withdrawn_case_refs) == set(withdrawn)
                )
            ):
                report.unchanged[ref] = last.sequence
                continue
            todo.append((content, cert, digest))
        if not todo:
            return report
        root_key, root_cert = self._signing_authority()
        with self.db.transaction():
            for done, (content, cert, digest) in enumerate(todo):
                ref, sequence = content.addressee_reviewer_ref, content.sequence
                progress(done, len(todo), f"Making the pack for {ref}")
                data = build_pack(content, root_key, root_cert, cert)
                path = out / pack_file_name(ref, sequence)
                withdrawn = content.withdrawn_case_refs
                ledger.record(
                    pack_id=content.pack_id,
                    reviewer_ref=ref,
                    sequence=sequence,
                    created_at=content.created_at,
                    file_name=path.name,
                    cert_fingerprint=content.addressee_cert_fingerprint,
                    case_refs=[pc.case.case_ref for pc in content.cases],
                    withdrawn_case_refs=withdrawn,
                    content_digest=digest,
                )
                try:
                    atomic_write_bytes(path, data)
                except OSError as err:
                    raise UserError(
                        f"Could not write {path.name} to {out}: "
                        f"{err.strerror or 'the folder cannot be written'}. No pack was "
                        "recorded; fix the folder and make the packs again."
                    ) from None
                joint = sum(1 for pc in content.cases if pc.mode_in(study_mode) is ReviewMode.JOINT)
                report.made.append(
                    PackMade(
                        ref,
                        sequence,
                        content.pack_id,
                        path,
                        len(content.cases),
                        len(withdrawn),
                        joint_count=joint,
                    )
                )
        progress(len(todo), len(todo), "Packs written")
        log.info("made %d assignment packs", len(report.made))
        return report


def pack_file_name(reviewer_ref: str, sequence: int) -> str:
    return f"assignment-{reviewer_ref}-{sequence:04d}{PACK_SUFFIX}"


# --- module-level use-cases (what the CLI and a future coordinator GUI call) ---------------


def init_study(
    folder: Path,
    passphrase: str,
    *,
    name: str,
    mode: str = ReviewMode.INDEPENDENT.value,
    kdf: KdfParams = PRODUCTION_KDF,
) -> str:
    """Create a study; returns the root fingerprint to read out to reviewers."""
    with Study.create(folder, passphrase, name=name, mode=mode, kdf=kdf) as study:
        return study.fingerprint()


def open_study(folder: Path, passphrase: str) -> Study:
    return Study.open(folder, passphrase)
