"""Sample reviews for the demo workspace: a case in every state a reviewer meets.

The demo reviewer's cases are filled through the same services the app uses (``ReviewService``
saves answers and moves statuses; ``SignoffService`` signs, co-signs and amends), so the demo
shows exactly what the real code produces, and every signed PDF in it is a real PAdES-signed
summary marked SYNTHETIC DATA.

The plan is fixed, so every demo holds the same states on the same case references
(``DEMO_PLAN``, from the fourth case on; the first three and the rest are not started). With
fewer cases (a small test demo) the plan is cut short, most important states first.

The co-reviewer ("DEMO-C") is a second synthetic identity enrolled in the demo study. The
joint cases are the only cases they are paired on, so they get no pack of their own; their
exported identity (PKCS#12 under a public demo passphrase) is written into the demo folder,
so a newcomer can try co-signing the case that awaits it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.labelled import LabelledEnum
from reviewer_app.domain.panel import Profession, Reviewer, Sector
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import JsonValue
from reviewer_app.progress import Progress
from reviewer_app.services.demo.sample_answers import (
    complete_answers,
    first_escalating_answers,
    records_missing_answers,
    told_at,
)
from reviewer_app.services.review.service import OpenReview, ReviewService
from reviewer_app.services.signing.signoff import SigningSession, SignoffService
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.cases import CaseStore

log = logging.getLogger(__name__)


DEMO_CO_REVIEWER: Final = Reviewer(
    reviewer_ref="DEMO-C",
    name="Nurse Demo Co-reviewer",
    profession=Profession.NURSE,
    sector=Sector.COMMUNITY,
    organisation="Synthetic Community Trust",
    registration="NMC 00A0000E",
    email="demo.co-reviewer@example.nhs.uk",
)
DEMO_CO_REVIEWER_PASSPHRASE: Final = "synthetic co-reviewer"
"""Protects the co-reviewer's exported identity (public on purpose: synthetic data only)."""
DEMO_CO_REVIEWER_FILE: Final = "co-reviewer-identity.p12"

FIRST_PLANNED_CASE: Final = 3
"""Index of the first case with a planned state: the first three are left not started."""

AMENDMENT_REASON: Final = (
    "Community records arrived after sign-off: overall judgement and learning updated."
)
RECORDS_MISSING_REASON: Final = (
    "The acute trust could not find the inpatient notes after two requests (synthetic)."
)
IMMEDIATE_CONCERN_TOLD: Final = "Patient-safety duty manager, Synthetic Acute Trust (demo)"


class DemoState(LabelledEnum):
    """What the demo makes of one case."""

    NOT_STARTED = "not_started", "not started"
    IN_PROGRESS = "in_progress", "in progress"
    READY_TO_SIGN = "ready_to_sign", "ready to sign"
    SIGNED = "signed", "signed"
    # joint: signed by the reviewer and the co-reviewer
    CO_SIGNED = "co_signed", "co-signed (joint review)"
    # joint: signed by the reviewer only
    AWAITING_CO_SIGNATURE = (
        "awaiting_co_signature",
        "signed, awaiting the co-reviewer (joint review)",
    )
    # version 1 signed, amended with a reason, version 2 signed
    AMENDED = "amended", "amended and signed again"
    # version 1 signed, version 2 open
    AMENDMENT_IN_PROGRESS = "amendment_in_progress", "signed, amendment in progress"
    # the outcome, with its reason, signed
    RECORDS_MISSING = "records_missing", "records missing (signed)"
    # an immediate safety concern and an escalation, signed
    URGENT = "urgent", "urgent: immediate safety concern (signed)"

    @property
    def joint(self) -> bool:
        return self in (DemoState.CO_SIGNED, DemoState.AWAITING_CO_SIGNATURE)


DEMO_PLAN: Final[tuple[DemoState, ...]] = (
    DemoState.IN_PROGRESS,
    DemoState.READY_TO_SIGN,
    DemoState.SIGNED,
    DemoState.CO_SIGNED,
    DemoState.AMENDED,
    DemoState.RECORDS_MISSING,
    DemoState.URGENT,
    DemoState.AWAITING_CO_SIGNATURE,
    DemoState.IN_PROGRESS,
    DemoState.AMENDMENT_IN_PROGRESS,
    DemoState.READY_TO_SIGN,
    DemoState.SIGNED,
)
"""States of the cases from ``FIRST_PLANNED_CASE`` on, in order of importance."""

# The questions a partly done review has answered: the screening, the records and the first
# phases, as a reviewer working through the form in order would leave it.
_PARTIAL_PREFIXES: Final = ("screening.", "outcome.type", "records.", "phase.before_admission.")


def planned_states(case_refs: Sequence[str]) -> dict[str, DemoState]:
    """The state the demo gives each case (by its position in ``case_refs``, sorted)."""
    ordered = sorted(case_refs)
    states = dict.fromkeys(ordered, DemoState.NOT_STARTED)
    for ref, state in zip(ordered[FIRST_PLANNED_CASE:], DEMO_PLAN, strict=False):
        states[ref] = state
    return states


def joint_case_refs(case_refs: Sequence[str]) -> list[str]:
    """The cases the demo study sets to joint review with the co-reviewer."""
    return sorted(ref for ref, state in planned_states(case_refs).items() if state.joint)


@dataclass(frozen=True)
class CoReviewerIdentity:
    """The co-reviewer's exported identity and the passphrase that opens it."""

    pkcs12: bytes
    passphrase: str = DEMO_CO_REVIEWER_PASSPHRASE


class _Filler:
    """Fills and signs the planned cases of one demo workspace."""

    def __init__(
        self,
        workspace: Workspace,
        passphrase: str,
        actor: str,
        co_reviewer: CoReviewerIdentity | None,
    ) -> None:
        self.reviews = ReviewService(workspace.db)
        self.signoff = SignoffService(workspace, synthetic=True)
        self.passphrase = passphrase
        self.actor = actor
        self.co_reviewer = co_reviewer
        self._session: SigningSession | None = None

    # -- helpers

    def session(self) -> SigningSession:
        """The demo reviewer's signing session (the passphrase checked once)."""
        if self._session is None:
            self._session = self.signoff.open_session(self.passphrase)
        return self._session

    def open(self, case_ref: str) -> OpenReview:
        return self.reviews.open(case_ref, self.actor)

    def answers(self, opened: OpenReview, seed: int) -> dict[str, JsonValue | None]:
        """The first of a fixed run of seeds whose sample has no immediate safety concern:
        only the urgent case of the plan has one (deterministic)."""
        found: dict[str, JsonValue | None] = {}
        for attempt in range(seed, seed + 50):
            found = dict(
                complete_answers(opened.definition, opened.case, random.Random(attempt))  # noqa: S311
            )
            if found.get("immediate.concern") != "yes":
                break
        return found

    def complete(self, case_ref: str, seed: int) -> int:
        opened = self.open(case_ref)
        self.reviews.save(opened.review_id, self.answers(opened, seed), self.actor)
        return opened.review_id

    def sign(self, review_id: int) -> None:
        check = self.signoff.check(review_id)
        self.signoff.sign_with(self.session(), review_id, check.warning_codes)

    # -- the states

    def apply(self, case_ref: str, state: DemoState, seed: int) -> None:
        if state is DemoState.IN_PROGRESS:
            self.in_progress(case_ref, seed)
        elif state is DemoState.READY_TO_SIGN:
            self.complete(case_ref, seed)
        elif state in (DemoState.SIGNED, DemoState.AWAITING_CO_SIGNATURE):
            self.sign(self.complete(case_ref, seed))
        elif state is DemoState.CO_SIGNED:
            self.co_signed(case_ref, seed)
        elif state is DemoState.AMENDED:
            v2 = self.amendment(case_ref, seed)
            self.sign(v2)
        elif state is DemoState.AMENDMENT_IN_PROGRESS:
            self.amendment(case_ref, seed)
        elif state is DemoState.RECORDS_MISSING:
            self.records_missing(case_ref, seed)
        elif state is DemoState.URGENT:
            self.urgent(case_ref, seed)

    def in_progress(self, case_ref: str, seed: int) -> None:
        opened = self.open(case_ref)
        partial = {
            qid: value
            for qid, value in self.answers(opened, seed).items()
            if qid.startswith(_PARTIAL_PREFIXES)
        }
        self.reviews.save(opened.review_id, partial, self.actor)

    def co_signed(self, case_ref: str, seed: int) -> None:
        review_id = self.complete(case_ref, seed)
        self.sign(review_id)
        if self.co_reviewer is None:
            return
        # As at the laptop: the co-reviewer brings their identity file, co-signs with their
        # own passphrase, and the slot is removed again.
        slot = self.signoff.add_cosigner(self.co_reviewer.pkcs12, self.co_reviewer.passphrase)
        try:
            self.signoff.cosign(review_id, slot.id, self.co_reviewer.passphrase)
        finally:
            self.signoff.remove_cosigner(slot.id)

    def amendment(self, case_ref: str, seed: int) -> int:
        """Sign version 1, then amend it with a reason and changed answers (not signed)."""
        v1 = self.complete(case_ref, seed)
        self.sign(v1)
        v2 = self.signoff.amend(v1, AMENDMENT_REASON, self.actor)
        self.reviews.save(
            v2.id,
            {
                "phase.overall.comment": (
                    "Amended after the community records arrived: the district nursing notes "
                    "show good continuity in the last weeks of life."
                ),
                "learning.good_practice": (
                    "District nurses and the GP shared one anticipatory care plan, so the "
                    "patient's wishes were known out of hours."
                ),
            },
            self.actor,
        )
        return v2.id

    def records_missing(self, case_ref: str, seed: int) -> None:
        opened = self.open(case_ref)
        screening = records_missing_answers(opened.definition, self.answers(opened, seed))
        self.reviews.save(opened.review_id, screening, self.actor)
        self.reviews.set_outcome(
            opened.review_id, ReviewStatus.RECORDS_MISSING, RECORDS_MISSING_REASON, self.actor
        )
        self.sign(opened.review_id)

    def urgent(self, case_ref: str, seed: int) -> None:
        """A full review with an escalation, and an immediate safety concern recorded."""
        opened = self.open(case_ref)
        answers = _escalating_answers(opened.definition, opened.case, seed)
        self.reviews.save(opened.review_id, answers, self.actor)
        self.reviews.record_immediate_concern(
            opened.review_id,
            IMMEDIATE_CONCERN_TOLD,
            told_at(opened.definition, opened.case),
            self.actor,
        )
        self.sign(opened.review_id)


def _escalating_answers(
    definition: ReviewDefinition, case: Case, seed: int
) -> dict[str, JsonValue | None]:
    """The first of a fixed run of seeds whose sample review escalates (deterministic)."""
    draws = (random.Random(attempt) for attempt in range(seed, seed + 200))  # noqa: S311
    return first_escalating_answers(definition, case, draws)


def populate_demo_reviews(
    workspace: Workspace,
    *,
    passphrase: str,
    actor: str,
    co_reviewer: CoReviewerIdentity | None,
    seed: int = 2024,
    progress: Progress | None = None,
) -> dict[str, DemoState]:
    """Give the workspace's cases their planned states; returns the plan applied.

    ``passphrase`` is the workspace's (the demo reviewer signs with it); without
    ``co_reviewer`` the co-signed case stays awaiting its co-signature.
    """
    case_refs = [s.case_ref for s in CaseStore(workspace.db).list_summaries()]
    plan = planned_states(case_refs)
    todo = [(ref, state) for ref, state in plan.items() if state is not DemoState.NOT_STARTED]
    filler = _Filler(workspace, passphrase, actor, co_reviewer)
    for done, (ref, state) in enumerate(todo):
        if progress is not None:
            progress(done, len(todo), f"Sample review {ref}: {state.label}")
        filler.apply(ref, state, seed + done)
    if progress is not None:
        progress(len(todo), len(todo), "Sample reviews done")
    log.info("filled %d demo reviews", len(todo))
    return plan


def planned_count(case_count: int) -> int:
    """How many cases of a demo of ``case_count`` get a planned (not "not started") state."""
    return max(0, min(len(DEMO_PLAN), case_count - FIRST_PLANNED_CASE))
