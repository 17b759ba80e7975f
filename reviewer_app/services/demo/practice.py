"""The practice study: a whole synthetic study, built through the real path, for training and
for scale (``reviewer-app coordinator practice DIR``).

Layout of ``DIR``::

    DIR/study/            the study folder (passphrase "synthetic demo study")
    DIR/shared/           the shared drive: the assignment packs and the returned bundles,
                          not yet collected
    DIR/reviewers/<ref>/  each reviewer's workspace (passphrase "synthetic demo only")

The study is made as a coordinator makes one: cohort and panel imported from CSV, each
reviewer's identity made in their own workspace and enrolled, joint cases marked, cases
allocated, packs made and imported. Then each reviewer works at their laptop
(``practice_reviewer``): reviews filled, signed, co-signed, returned, amended and returned
again, as the plan drawn from the seed says (``practice_plan``; the answers in
``practice_answers``). Every PDF is marked SYNTHETIC DATA, as the demo's are.

Reproducible from the seed: the cohort, the panel, the allocation, which cases are joint,
every reviewer's fate per case and every answer. Not reproducible: keys and certificates,
the study id, pack and bundle ids, signatures, PDF bytes and every time stamp (they come from
fresh keys and the clock).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from reviewer_app.errors import UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.demo.build import (
    DEMO_PASSPHRASE,
    DEMO_STUDY_PASSPHRASE,
    enrol_in_workspace,
)
from reviewer_app.services.demo.practice_plan import (
    DEFAULT_CASES,
    DEFAULT_REVIEWERS,
    DEFAULT_SEED,
    PracticePlan,
    joint_cases,
    make_plan,
)
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams

if TYPE_CHECKING:
    from reviewer_app.domain.case import Case
    from reviewer_app.domain.panel import Reviewer
    from reviewer_app.services.demo.practice_reviewer import CoReviewer, ReviewerWork
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.study import Study
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_CASES",
    "DEFAULT_REVIEWERS",
    "DEFAULT_SEED",
    "PracticeLayout",
    "PracticeStudy",
    "build_practice_study",
    "check_sizes",
    "practice_panel",
]

PRACTICE_STUDY_PASSPHRASE: Final = DEMO_STUDY_PASSPHRASE
PRACTICE_WORKSPACE_PASSPHRASE: Final = DEMO_PASSPHRASE
PRACTICE_STUDY_NAME: Final = "Practice study (SYNTHETIC DATA)"
PRACTICE_PREFIX: Final = "PRAC"
MAX_CASES: Final = 20_000
MAX_REVIEWERS: Final = 200


@dataclass(frozen=True)
class PracticeLayout:
    root: Path

    @property
    def study(self) -> Path:
        return self.root / "study"

    @property
    def shared(self) -> Path:
        return self.root / "shared"

    def reviewer(self, ref: str) -> Path:
        return self.root / "reviewers" / ref


@dataclass
class PracticeStudy:
    """What was built: where, from which plan, and what each reviewer did."""

    layout: PracticeLayout
    plan: PracticePlan
    work: dict[str, ReviewerWork] = field(default_factory=dict)
    seconds: float = 0.0

    def summary_lines(self) -> list[str]:
        signed = sum(w.signed for w in self.work.values())
        bundles = sum(w.bundles for w in self.work.values())
        return [
            f"Practice study built in {self.layout.root} ({self.seconds:.0f} s): "
            f"{len(self.plan.pairs)} cases ({len(self.plan.joint)} joint), "
            f"{len(self.work)} reviewers, {signed} review versions signed, "
            f"{bundles} return bundles on the shared drive (not yet collected).",
            f"  study:      {self.layout.study}   passphrase: {PRACTICE_STUDY_PASSPHRASE}",
            f"  shared:     {self.layout.shared}",
            f"  reviewers:  {self.layout.root / 'reviewers'}/<ref>   passphrase: "
            f"{PRACTICE_WORKSPACE_PASSPHRASE}",
            "Every passphrase here is public: SYNTHETIC DATA only.",
        ]


def check_sizes(cases: int, reviewers: int) -> None:
    if not 1 <= cases <= MAX_CASES:
        raise UserError(f"--cases must be between 1 and {MAX_CASES}.")
    if not 2 <= reviewers <= MAX_REVIEWERS:
        raise UserError(f"--reviewers must be between 2 and {MAX_REVIEWERS}.")


def _check_empty(root: Path) -> None:
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise UserError(f"{root} is not an empty folder. Choose a new or empty folder.")


def build_practice_study(
    root: Path,
    *,
    cases: int = DEFAULT_CASES,
    reviewers: int = DEFAULT_REVIEWERS,
    seed: int = DEFAULT_SEED,
    kdf: KdfParams = PRODUCTION_KDF,
    workers: int | None = None,
    variety: bool = True,
    return_reviews: bool = True,
    progress: Progress = no_progress,
) -> PracticeStudy:
    """Build the practice study in ``root`` (new or empty); see the module docstring.

    For benchmarks: ``variety=False`` makes every case a plain double review, signed and
    returned (no joint cases, outcomes, amendments or laggards); ``return_reviews=False``
    leaves every signed review on the laptops, not yet returned.
    """
    from reviewer_app.services.demo.practice_actions import add_practice_actions
    from reviewer_app.services.demo.synthetic import synthetic_cases
    from reviewer_app.services.study import Study

    check_sizes(cases, reviewers)
    _check_empty(root)
    started = time.perf_counter()
    layout = PracticeLayout(root)
    steps = 4 + reviewers
    progress(0, steps, "Creating the practice study and its authority")
    cohort = synthetic_cases(cases, seed=seed, prefix=PRACTICE_PREFIX)
    panel = practice_panel(reviewers, seed)
    sessions: dict[str, ReviewerSession] = {}
    try:
        with Study.create(
            layout.study, PRACTICE_STUDY_PASSPHRASE, name=PRACTICE_STUDY_NAME, kdf=kdf
        ) as study:
            _intake(study, cohort, panel)
            add_practice_actions(study)
            progress(1, steps, "Creating each reviewer's workspace and identity")
            for reviewer in panel:
                sessions[reviewer.reviewer_ref] = _enrolled_workspace(study, layout, reviewer, kdf)
            progress(2, steps, "Allocating the cases and making the packs")
            plan = _allocate(study, seed, [c.case_ref for c in cohort], variety=variety)
            _packs(study, layout, sessions)
        progress(3, steps, "Exporting the co-reviewers' identities for joint reviews")
        co = _co_reviewers(plan, sessions)
        built = PracticeStudy(layout, plan)
        for done, (ref, session) in enumerate(sorted(sessions.items()), start=4):
            progress(done, steps, f"Reviewer {ref} reviews, signs and returns")
            returner = _returner(layout.shared) if return_reviews else _no_return
            built.work[ref] = _work(
                session.workspace, ref, plan=plan, co=co, returner=returner, workers=workers
            )
    finally:
        for session in sessions.values():
            session.close()
    built.seconds = time.perf_counter() - started
    progress(steps, steps, "Practice study ready")
    log.info("built a practice study: %d cases, %d reviewers", cases, reviewers)
    return built


def practice_panel(count: int, seed: int) -> list[Reviewer]:
    """Doctors and nurses in turn (``synthetic_reviewers``), without conflicts of interest,
    so that every case can be allocated whatever the seed."""
    from reviewer_app.services.demo.synthetic import synthetic_reviewers

    return [r.model_copy(update={"conflicts": ()}) for r in synthetic_reviewers(count, seed)]


def _intake(study: Study, cohort: list[Case], panel: list[Reviewer]) -> None:
    from reviewer_app.services.demo.synthetic import cohort_csv, panel_csv
    from reviewer_app.services.intake.study_intake import add_cohort, add_reviewers

    add_cohort(study, cohort_csv(cohort).encode("utf-8"), "practice-cohort.csv")
    add_reviewers(study, panel_csv(panel).encode("utf-8"), "practice-reviewers.csv")


def _enrolled_workspace(
    study: Study, layout: PracticeLayout, reviewer: Reviewer, kdf: KdfParams
) -> ReviewerSession:
    from reviewer_app.services.session import ReviewerSession

    folder = layout.reviewer(reviewer.reviewer_ref)
    folder.parent.mkdir(parents=True, exist_ok=True)
    session = ReviewerSession.create(folder, PRACTICE_WORKSPACE_PASSPHRASE, kdf=kdf)
    try:
        enrol_in_workspace(study, session, reviewer)
    except BaseException:
        session.close()
        raise
    return session


def _allocate(study: Study, seed: int, case_refs: list[str], *, variety: bool) -> PracticePlan:
    from reviewer_app.domain.vocabulary import ReviewMode
    from reviewer_app.services.allocation.study_allocation import allocate, set_case_mode

    joint = joint_cases(seed, case_refs) if variety else frozenset()
    for case_ref in sorted(joint):
        set_case_mode(study, case_ref, ReviewMode.JOINT.value)
    report = allocate(study)
    return make_plan(seed, dict(report.result.pairs), joint, variety=variety)


def _packs(study: Study, layout: PracticeLayout, sessions: dict[str, ReviewerSession]) -> None:
    from reviewer_app.services.packs.maker import make_packs

    layout.shared.mkdir(parents=True, exist_ok=True)
    made = make_packs(study, layout.shared)
    for pack in made.made:
        sessions[pack.reviewer_ref].import_pack(
            pack.path.read_bytes(), trust_fingerprint=study.fingerprint()
        )


def _co_reviewers(
    plan: PracticePlan, sessions: dict[str, ReviewerSession]
) -> dict[str, CoReviewer]:
    """Per joint case, its co-reviewer's identity as they would bring it (PKCS#12)."""
    from reviewer_app.services.demo.practice_reviewer import CO_REVIEWER_PASSPHRASE, CoReviewer

    exported: dict[str, bytes] = {}
    found: dict[str, CoReviewer] = {}
    for case_ref in sorted(plan.joint):
        ref = plan.pairs[case_ref][1]
        if ref not in exported:
            exported[ref] = sessions[ref].export_identity(CO_REVIEWER_PASSPHRASE)
        found[case_ref] = CoReviewer(ref, exported[ref])
    return found


def _work(
    workspace: Workspace,
    ref: str,
    *,
    plan: PracticePlan,
    co: dict[str, CoReviewer],
    returner: Callable[[Workspace], int],
    workers: int | None,
) -> ReviewerWork:
    from reviewer_app.services.demo.practice_reviewer import PracticeReviewer

    second = frozenset(c for c, pair in plan.pairs.items() if pair[1] == ref)
    reviewer = PracticeReviewer(
        workspace,
        ref,
        passphrase=PRACTICE_WORKSPACE_PASSPHRASE,
        seed=plan.seed,
        second_of=second,
        workers=workers,
    )
    held = plan.held_by(ref)
    mine = {c: v for c, v in co.items() if c in held}
    return reviewer.run(held, mine, returner)


def _no_return(_workspace: Workspace) -> int:
    return 0


def _returner(shared: Path) -> Callable[[Workspace], int]:
    """Return every signed version not yet returned to ``shared``; the bundles written."""

    def return_all(workspace: Workspace) -> int:
        from reviewer_app.services.returns.writer import return_signed_reviews

        report = return_signed_reviews(workspace, shared)
        return len(report.bundles)

    return return_all
