"""The demo workspace: synthetic cases a newcomer can explore without any real data.

Built through the real path, so the demo exercises the real code: a demo study (its own
folder inside the demo folder, with a public passphrase), the synthetic panel plus a demo
reviewer, the demo reviewer's identity created in the workspace and enrolled, the cohort
allocated so the demo reviewer has every case, a real signed and encrypted pack made, and
that pack imported with the study's fingerprint confirmed.

Both passphrases are public on purpose (they are shown on screen): nothing in them is real.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.panel import Profession, Reviewer, Sector, is_conflicted
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams

if TYPE_CHECKING:
    from reviewer_app.services.session import ReviewerSession

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

Progress = Callable[[int, int, str], None]


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


def demo_exists(folder: Path) -> bool:
    return Workspace.exists_in(folder)


def demo_study_folder(folder: Path) -> Path:
    return folder / DEMO_STUDY_FOLDER


def build_demo_workspace(
    folder: Path,
    *,
    case_count: int = DEMO_CASE_COUNT,
    kdf: KdfParams = PRODUCTION_KDF,
    progress: Progress = _no_progress,
) -> None:
    """Create the demo study and workspace in ``folder`` (which must not hold a workspace)."""
    # The study and pack code loads cryptography and pyHanko: only when a demo is built,
    # never when the app merely reads DEMO_PASSPHRASE at start.
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.study import Study
    from reviewer_app.services.synthetic import (
        cohort_csv,
        panel_csv,
        synthetic_cases,
        synthetic_reviewers,
    )

    steps = 6
    progress(0, steps, "Creating the demo study and its authority")
    cases = synthetic_cases(case_count, prefix=DEMO_PREFIX)
    panel = [*synthetic_reviewers(), DEMO_REVIEWER]
    study_folder = demo_study_folder(folder)
    with Study.create(study_folder, DEMO_STUDY_PASSPHRASE, name=DEMO_STUDY_NAME, kdf=kdf) as study:
        study.add_cohort(cohort_csv(cases).encode("utf-8"), "demo-cohort.csv")
        study.add_reviewers(panel_csv(panel).encode("utf-8"), "demo-reviewers.csv")
        progress(1, steps, "Creating the encrypted demo workspace")
        with ReviewerSession.create(folder, DEMO_PASSPHRASE, kdf=kdf) as session:
            progress(2, steps, "Creating the demo reviewer's identity")
            request = session.create_identity(
                name=DEMO_REVIEWER.name,
                profession=DEMO_REVIEWER.profession.value,
                registration=DEMO_REVIEWER.registration or "",
                email=DEMO_REVIEWER.email,
            )
            study.enrol(request, DEMO_REVIEWER.reviewer_ref)
            progress(3, steps, "Allocating the demo cases")
            nurses = [r for r in panel if r.profession is Profession.NURSE]
            for number, case in enumerate(cases):
                free = [n for n in nurses if not is_conflicted(n, case)]
                partner = free[number % len(free)]
                study.set_override(
                    case.case_ref, (DEMO_REVIEWER.reviewer_ref, partner.reviewer_ref)
                )
            study.allocate()
            progress(4, steps, "Making the demo reviewer's assignment pack")
            made = study.make_packs(folder / DEMO_PACKS_FOLDER)
            (pack,) = [m for m in made.made if m.reviewer_ref == DEMO_REVIEWER.reviewer_ref]
            progress(5, steps, "Importing the pack into the demo workspace")
            session.import_pack(pack.path.read_bytes(), trust_fingerprint=study.fingerprint())
            _populate_reviews(session)
    progress(steps, steps, "Demo workspace ready")
    log.info("built demo workspace with %d synthetic cases", case_count)


def _populate_reviews(session: ReviewerSession) -> None:
    """Hook for sample answers and signatures on some demo cases (none yet)."""
    del session
