"""Making assignment packs from an open study: one per enrolled reviewer with cases to hold
or to withdraw, signed by the study authority and readable only with the reviewer's key.

Packs go to a folder the coordinator names (the shared drive), written atomically and
recorded in the study's ledger in one transaction, so a pack on the drive is always a pack
the study knows it sent. A reviewer whose pack would say exactly what their last one said
gets no new pack.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from cryptography import x509

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.review_timing import due_date_for
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.allocation.study_allocation import (
    Pair,
    case_modes,
    check_allocation_current,
    joint_cases,
    modes_line,
)
from reviewer_app.services.packs.format import (
    MAX_PACK_CASES,
    PackCase,
    PackContent,
    build_pack,
)
from reviewer_app.services.study import Authority, Study
from reviewer_app.services.trust import authority
from reviewer_app.storage.study import info as study_info
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.enrolments import Enrolment, EnrolmentStore
from reviewer_app.storage.study.info import StudyInfo, set_shared_folder
from reviewer_app.storage.study.packs import IssuedPack, PackLedger
from reviewer_app.storage.study.panel import PanelStore
from reviewer_app.storage.study.second_stage import SecondStageStore

log = logging.getLogger(__name__)

PACK_SUFFIX = ".p7m"
SECOND_STAGE: Final = "second"


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def pack_file_name(reviewer_ref: str, sequence: int) -> str:
    return f"assignment-{reviewer_ref}-{sequence:04d}{PACK_SUFFIX}"


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
    revoked: list[str] = field(default_factory=list)  # revoked: no pack until re-enrolled
    allocated: int = 0  # cases in the allocation
    joint: int = 0  # of those, reviewed jointly
    stopped: int = 0  # packs not made because the run was cancelled (made again: the rest)

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
        if self.stopped:
            lines.append(
                f"Stopped before {self.stopped} more pack(s): the packs above are made and "
                "recorded; make the packs again to make the rest."
            )
        elif not self.made and self.unchanged:
            lines.append("No packs made: nothing has changed since the last packs.")
        elif not self.made:
            lines.append("No packs made: no enrolled reviewer has allocated cases.")
        if self.allocated:
            lines.append("Allocation: " + modes_line(self.allocated, self.joint))
        if self.not_enrolled:
            lines.append(
                "No pack for reviewers not enrolled yet: "
                + ", ".join(f"{k} ({v} cases)" for k, v in self.not_enrolled.items())
            )
        if self.unallocated:
            lines.append(f"{len(self.unallocated)} cases are not allocated and are in no pack.")
        if self.revoked:
            lines.append(
                "No pack for reviewers whose certificate is revoked (re-enrol them with "
                "enrol --replace): " + ", ".join(self.revoked)
            )
        return lines


@dataclass(frozen=True)
class _PackToMake:
    content: PackContent
    cert: x509.Certificate
    digest: str


def cases_by_reviewer(
    study: Study, pairs: dict[str, Pair], study_mode: ReviewMode
) -> dict[str, list[PackCase]]:
    """Independent: both reviewers hold the case. Joint: the first, naming the second.

    Each case follows its own mode when the coordinator overrode it (``set_case_mode``);
    a case whose mode differs from the study's carries that mode in the pack. A case given
    to a second-stage reviewer (``reconciliation.second_stage``) is in their pack too,
    reviewed alone and marked as second stage.
    """
    by_ref = {c.case_ref: c for c in CohortStore(study.db).cases()}
    panel = {r.reviewer_ref: r for r in PanelStore(study.db).all()}
    overrides = case_modes(study)
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
    _add_second_stage(study, held, by_ref, study_mode)
    return held


def second_stage_pack_case(case: Case, study_mode: ReviewMode) -> PackCase:
    """A second-stage case: reviewed alone (independent), marked ``stage = "second"``."""
    marked = None if study_mode is ReviewMode.INDEPENDENT else ReviewMode.INDEPENDENT
    return PackCase(case=case, review_mode=marked, stage=SECOND_STAGE)


def _add_second_stage(
    study: Study, held: dict[str, list[PackCase]], by_ref: dict[str, Case], mode: ReviewMode
) -> None:
    """Each case given to a second-stage reviewer goes in that reviewer's pack too."""
    for case_ref, row in sorted(SecondStageStore(study.db).current().items()):
        case = by_ref.get(case_ref)
        mine = held.setdefault(row.reviewer_ref, [])
        if case is None or any(pc.case.case_ref == case_ref for pc in mine):
            continue
        mine.append(second_stage_pack_case(case, mode))


def _ensure_pack_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(
            f"Could not create the pack folder {out}: {err.strerror or 'not writable'}."
        ) from None


def _refuse_oversized(ref: str, cases: list[PackCase]) -> None:
    if len(cases) > MAX_PACK_CASES:
        raise UserError(
            f"{ref} is allocated {len(cases):,} cases, more than the "
            f"{MAX_PACK_CASES:,} one assignment pack may hold. Add reviewers to the "
            "panel (or pair cases by hand) and allocate again. No pack was made."
        )


def _unchanged(
    last: IssuedPack | None, digest: str, current: list[PackCase], withdrawn: list[str]
) -> bool:
    """Whether the new pack would say what the reviewer's last pack said."""
    if last is None:
        return False
    if last.content_digest is not None:
        return last.content_digest == digest
    # a pack made before digests were kept: compare what it recorded
    return not current and set(last.withdrawn_case_refs) == set(withdrawn)


FirstSent = dict[tuple[str, str], dt.datetime]
"""(reviewer ref, case ref) -> when a pack first sent the case to that reviewer."""


@dataclass(frozen=True)
class _Making:
    """What every pack of one run shares."""

    info: StudyInfo
    study_mode: ReviewMode
    definition: ReviewDefinition
    definition_doc: dict[str, Any]
    now: Callable[[], dt.datetime]
    collection_cert_pem: str
    avoidability_scale: AvoidabilityScale = AvoidabilityScale.RCP

    def content(
        self,
        ledger: PackLedger,
        enrolment: Enrolment,
        cases: list[PackCase],
        withdrawn: list[str],
        sent: FirstSent,
    ) -> tuple[PackContent, x509.Certificate]:
        info = self.info
        ref = enrolment.reviewer_ref
        cert = authority.load_certificate(enrolment.cert_pem)
        created_at = self.now()
        cases = [
            pc.model_copy(
                update={"due_date": due_date_for(sent.get((ref, pc.case.case_ref), created_at))}
            )
            for pc in cases
        ]
        content = PackContent(
            pack_id=str(uuid.uuid4()),
            sequence=ledger.next_sequence(ref),
            study_id=info.study_id,
            study_name=info.name,
            created_at=created_at,
            review_mode=self.study_mode,
            addressee_reviewer_ref=ref,
            addressee_cert_fingerprint=authority.fingerprint(cert),
            study_root_cert_pem=info.root_cert_pem,
            reviewer_cert_pem=enrolment.cert_pem,
            definition_id=self.definition.id,
            definition_version=str(self.definition.version),
            definition=self.definition_doc,
            cases=sorted(cases, key=lambda pc: pc.case.case_ref),
            withdrawn_case_refs=withdrawn,
            collection_cert_pem=self.collection_cert_pem,
            avoidability_scale=self.avoidability_scale,
        )
        return content, cert


def _packs_to_make(
    study: Study,
    making: _Making,
    held: dict[str, list[PackCase]],
    enrolled: dict[str, Enrolment],
    report: PacksReport,
) -> list[_PackToMake]:
    """The packs to write: one per enrolled reviewer with something new to say."""
    ledger = PackLedger(study.db)
    sent = ledger.first_sent()
    todo: list[_PackToMake] = []
    for ref, enrolment in enrolled.items():
        current = held.get(ref, [])
        withdrawn = sorted(ledger.ever_sent(ref) - {pc.case.case_ref for pc in current})
        if not current and not withdrawn:
            continue  # nothing sent yet and nothing to send
        _refuse_oversized(ref, current)
        content, cert = making.content(ledger, enrolment, current, withdrawn, sent)
        digest = content.digest()
        last = ledger.last_pack(ref)
        if _unchanged(last, digest, current, withdrawn):
            assert last is not None
            report.unchanged[ref] = last.sequence
            continue
        todo.append(_PackToMake(content, cert, digest))
    return todo


def _write_pack(
    study: Study, out: Path, pack: _PackToMake, study_mode: ReviewMode, signer: Authority
) -> PackMade:
    """Sign and write one pack, recorded in the ledger (inside the caller's transaction)."""
    content = pack.content
    ref, sequence = content.addressee_reviewer_ref, content.sequence
    root_key, root_cert = signer
    data = build_pack(content, root_key, root_cert, pack.cert)
    path = out / pack_file_name(ref, sequence)
    withdrawn = content.withdrawn_case_refs
    PackLedger(study.db).record(
        pack_id=content.pack_id,
        reviewer_ref=ref,
        sequence=sequence,
        created_at=content.created_at,
        file_name=path.name,
        cert_fingerprint=content.addressee_cert_fingerprint,
        case_refs=[pc.case.case_ref for pc in content.cases],
        withdrawn_case_refs=withdrawn,
        content_digest=pack.digest,
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
    return PackMade(
        ref, sequence, content.pack_id, path, len(content.cases), len(withdrawn), joint_count=joint
    )


def make_packs(
    study: Study,
    out: Path,
    *,
    progress: Progress = no_progress,
    now: Callable[[], dt.datetime] = _utc_now,
    cancelled: Callable[[], bool] = lambda: False,
) -> PacksReport:
    """One pack per enrolled reviewer with allocated cases (or cases to withdraw).

    Each pack is written and recorded in a transaction of its own, and ``cancelled()`` is
    asked between two packs: when it says True the run stops there (``report.stopped`` says
    how many were left), every pack made so far stays made and recorded, and making the packs
    again makes only the rest (the others are unchanged), ending as an uninterrupted run does.

    A reviewer whose pack would say exactly what their last pack said (same cases and
    case details, withdrawals, modes, certificate, review definition, the study's
    collection certificate and avoidability scale) gets no new pack: the report says so
    instead. A reviewer whose certificate is revoked gets none until re-enrolled. ``out`` is
    remembered as the study's shared folder (where ``collect`` looks for returns by default).
    """
    stored = check_allocation_current(study)
    study_mode = study.review_mode
    _ensure_pack_folder(out)
    held = cases_by_reviewer(study, stored.pairs, study_mode)
    active = EnrolmentStore(study.db).all_active()
    enrolled = {ref: e for ref, e in active.items() if not e.revoked}
    report = PacksReport(
        not_enrolled={r: len(c) for r, c in sorted(held.items()) if r not in active},
        unallocated=sorted(stored.problems),
        allocated=len(stored.pairs),
        joint=len(joint_cases(study, stored.pairs)),
        revoked=sorted(ref for ref, e in active.items() if e.revoked),
    )
    definition = default_definition()
    making = _Making(
        study.info,
        study_mode,
        definition,
        definition.model_dump(mode="json", by_alias=True),
        now,
        authority.certificate_pem(study.collection_certificate()),
        study_info.avoidability_scale(study.db),
    )
    todo = _packs_to_make(study, making, held, enrolled, report)
    set_shared_folder(study.db, str(out.resolve()))
    if not todo:
        return report
    signer = study.signing_authority()
    for done, pack in enumerate(todo):
        if cancelled():
            report.stopped = len(todo) - done
            log.info("making packs stopped with %d to make", report.stopped)
            return report
        progress(done, len(todo), f"Making the pack for {pack.content.addressee_reviewer_ref}")
        with study.db.transaction():
            report.made.append(_write_pack(study, out, pack, study_mode, signer))
    progress(len(todo), len(todo), "Packs written")
    log.info("made %d assignment packs", len(report.made))
    return report
