"""The demo workspace: synthetic cases a newcomer can explore without any real data.

Built through the real path, so the demo exercises the real code: a demo study (its own
folder inside the demo folder, with a public passphrase), the synthetic panel plus a demo
reviewer, the demo reviewer's identity created in the workspace and enrolled, the cohort
allocated so the demo reviewer has every case, a real signed and encrypted pack made, and
that pack imported with the study's fingerprint confirmed.

The cases are then given every state a reviewer meets (``services.demo.reviews``): not
started, in progress, ready to sign, signed, co-signed with a second demo identity (the
co-reviewer, whose exported identity file lies in the demo folder), amended, records missing,
and an urgent case with an immediate safety concern.

The passphrases are public on purpose (they are shown on screen): nothing in them is real.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.panel import Profession, Reviewer, Sector, is_conflicted
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams

if TYPE_CHECKING:
    from reviewer_app.domain.case import Case
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.study import Study

log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "synthetic demo only"
DEMO_STUDY_PASSPHRASE = "synthetic demo study"
DEMO_CASE_COUNT = 40
DEMO_PREFIX = "DEMO"
DEMO_STUDY_FOLDER = "study"
DEMO_PACKS_FOLDER = "packs"
DEMO_STUDY_NAME = "Demo study (synthetic data)"
DEMO_REVIEWER = Reviewer(
    reviewer_ref="DEMO-R",
    name="Dr Demo Reviewer",
    profession=Profession.DOCTOR,
    sector=Sector.SECONDARY,
    organisation="Synthetic Trust",
    registration="GMC 0000000",
    email="demo.reviewer@example.nhs.uk",
)


def demo_exists(folder: Path) -> bool:
    return Workspace.exists_in(folder)


def demo_study_folder(folder: Path) -> Path:
    return folder / DEMO_STUDY_FOLDER


def demo_co_reviewer_file(folder: Path) -> Path:
    """The co-reviewer's exported identity (PKCS#12) in a demo folder, for trying co-signing."""
    from reviewer_app.services.demo.reviews import DEMO_CO_REVIEWER_FILE

    return folder / DEMO_CO_REVIEWER_FILE


def build_demo_workspace(
    folder: Path,
    *,
    case_count: int = DEMO_CASE_COUNT,
    kdf: KdfParams = PRODUCTION_KDF,
    progress: Progress = no_progress,
) -> None:
    """Create the demo study and workspace in ``folder`` (which must not hold a workspace).

    Then fill the sample reviews (``services.demo.reviews``): cases in every state, with
    signed, co-signed and amended summaries. Progress is reported per step and per case.
    """
    # The study and pack code loads cryptography and pyHanko: only when a demo is built,
    # never when the app merely reads DEMO_PASSPHRASE at start.
    from reviewer_app.services.demo.reviews import (
        DEMO_CO_REVIEWER,
        CoReviewerIdentity,
        planned_count,
        populate_demo_reviews,
    )
    from reviewer_app.services.demo.synthetic import synthetic_cases, synthetic_reviewers
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.study import Study

    steps = _BASE_STEPS + planned_count(case_count)
    progress(0, steps, "Creating the demo study and its authority")
    cases = synthetic_cases(case_count, prefix=DEMO_PREFIX)
    panel = [*synthetic_reviewers(), DEMO_REVIEWER, DEMO_CO_REVIEWER]
    study_folder = demo_study_folder(folder)
    with Study.create(study_folder, DEMO_STUDY_PASSPHRASE, name=DEMO_STUDY_NAME, kdf=kdf) as study:
        _import_cohort_and_panel(study, cases, panel)
        progress(1, steps, "Creating the encrypted demo workspace")
        with ReviewerSession.create(folder, DEMO_PASSPHRASE, kdf=kdf) as session:
            co_pkcs12 = _enrol_pack_and_import(
                study,
                session,
                folder,
                cases=cases,
                panel=panel,
                step=lambda done, label: progress(done, steps, label),
            )
            progress(_BASE_STEPS - 1, steps, "Filling in the sample reviews")

            def review_progress(done: int, _total: int, label: str) -> None:
                progress(_BASE_STEPS - 1 + done, steps, label)

            populate_demo_reviews(
                session.workspace,
                passphrase=DEMO_PASSPHRASE,
                actor=DEMO_REVIEWER.reviewer_ref,
                co_reviewer=CoReviewerIdentity(co_pkcs12),
                progress=review_progress,
            )
    progress(steps, steps, "Demo workspace ready")
    log.info("built demo workspace with %d synthetic cases", case_count)


_BASE_STEPS = 8  # the steps before the sample reviews, each reported once


def _import_cohort_and_panel(
    study: Study, cases: Sequence[Case], panel: Sequence[Reviewer]
) -> None:
    from reviewer_app.services.demo.synthetic import cohort_csv, panel_csv
    from reviewer_app.services.intake.study_intake import add_cohort, add_reviewers

    add_cohort(study, cohort_csv(list(cases)).encode("utf-8"), "demo-cohort.csv")
    add_reviewers(study, panel_csv(list(panel)).encode("utf-8"), "demo-reviewers.csv")


def _enrol_pack_and_import(
    study: Study,
    session: ReviewerSession,
    folder: Path,
    *,
    cases: Sequence[Case],
    panel: Sequence[Reviewer],
    step: Callable[[int, str], None],
) -> bytes:
    """The demo reviewer's identity enrolled, the co-reviewer too, every case allocated and
    the demo reviewer's pack made and imported; returns the co-reviewer's PKCS#12."""
    from reviewer_app.services.packs.maker import make_packs

    step(2, "Creating the demo reviewer's identity")
    enrol_in_workspace(study, session, DEMO_REVIEWER)
    step(3, "Enrolling the demo co-reviewer")
    co_pkcs12 = _enrol_co_reviewer(study, folder)
    step(4, "Allocating the demo cases")
    _allocate(study, cases, panel)
    step(5, "Making the demo reviewer's assignment pack")
    made = make_packs(study, folder / DEMO_PACKS_FOLDER)
    (pack,) = [m for m in made.made if m.reviewer_ref == DEMO_REVIEWER.reviewer_ref]
    step(6, "Importing the pack into the demo workspace")
    session.import_pack(pack.path.read_bytes(), trust_fingerprint=study.fingerprint())
    return co_pkcs12


def enrol_in_workspace(study: Study, session: ReviewerSession, reviewer: Reviewer) -> None:
    """The reviewer's key made in their own workspace and its request enrolled by the study,
    as a real reviewer and coordinator do (the request travels as a file between them)."""
    from reviewer_app.services.trust.enrolment_desk import enrol

    request = session.create_identity(
        name=reviewer.name,
        profession=reviewer.profession.value,
        registration=reviewer.registration or "",
        email=reviewer.email,
    )
    enrol(study, request, reviewer.reviewer_ref)


def _enrol_co_reviewer(study: Study, folder: Path) -> bytes:
    """Make the co-reviewer's key and request (as their own workspace would), enrol them, and
    export their identity as PKCS#12 under the public demo passphrase (also written into the
    demo folder, for trying co-signing in the app)."""
    from reviewer_app.atomic_file import atomic_write_bytes
    from reviewer_app.services.demo.reviews import DEMO_CO_REVIEWER, DEMO_CO_REVIEWER_PASSPHRASE
    from reviewer_app.services.trust import authority
    from reviewer_app.services.trust import enrolment as identity
    from reviewer_app.services.trust.enrolment_desk import enrol
    from reviewer_app.storage.study.enrolments import EnrolmentStore

    co = DEMO_CO_REVIEWER
    key, request = identity.create_identity(
        co.name, co.profession.value, co.registration or "", co.email or ""
    )
    enrol(study, request, co.reviewer_ref)
    enrolment = EnrolmentStore(study.db).active(co.reviewer_ref)
    if enrolment is None:  # pragma: no cover - enrol has just stored it
        raise RuntimeError("the demo co-reviewer was not enrolled")
    pkcs12 = identity.export_pkcs12(
        key,
        authority.load_certificate(enrolment.cert_pem),
        [study.root_certificate()],
        DEMO_CO_REVIEWER_PASSPHRASE,
    )
    atomic_write_bytes(demo_co_reviewer_file(folder), pkcs12, mode=0o600)
    return pkcs12


def _allocate(study: Study, cases: Sequence[Case], panel: Sequence[Reviewer]) -> None:
    """Every case to the demo reviewer: the planned joint cases with the co-reviewer (joint
    mode, so only the demo reviewer holds them), the others independently with a nurse."""
    from reviewer_app.domain.vocabulary import ReviewMode
    from reviewer_app.services.allocation.study_allocation import (
        allocate,
        set_case_mode,
        set_override,
    )
    from reviewer_app.services.demo.reviews import DEMO_CO_REVIEWER, joint_case_refs

    joint = set(joint_case_refs([c.case_ref for c in cases]))
    nurses = [
        r
        for r in panel
        if r.profession is Profession.NURSE and r.reviewer_ref != DEMO_CO_REVIEWER.reviewer_ref
    ]
    for number, case in enumerate(cases):
        if case.case_ref in joint:
            set_case_mode(study, case.case_ref, ReviewMode.JOINT.value)
            pair = (DEMO_REVIEWER.reviewer_ref, DEMO_CO_REVIEWER.reviewer_ref)
        else:
            free = [n for n in nurses if not is_conflicted(n, case)]
            pair = (DEMO_REVIEWER.reviewer_ref, free[number % len(free)].reviewer_ref)
        set_override(study, case.case_ref, pair)
    allocate(study)
