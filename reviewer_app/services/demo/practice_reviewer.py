"""One practice reviewer at their laptop: fill, sign, co-sign, return, amend, return again.

Everything goes through the real services, on the reviewer's own workspace: ``ReviewService``
saves answers, outcomes and immediate concerns; ``SignoffService`` signs (in a batch, the
summaries made in worker processes), co-signs joint reviews with the co-reviewer's exported
identity and amends; the returns writer writes the signed, encrypted bundles to the shared
folder. The order is a working reviewer's: sign what is done, return it, amend what the
community records changed, return again, and (the late laggards) sign a few more that are
not returned yet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Final

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.demo import practice_answers as pa
from reviewer_app.services.demo.practice_plan import Fate
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.signing.signoff import SigningSession, SignoffService
from reviewer_app.services.workspace import Workspace

RECORDS_MISSING_REASON: Final = (
    "The acute trust could not find the inpatient notes after two requests (synthetic)."
)
HANDED_BACK_REASON: Final = (
    "I worked on this ward during the admission: conflict of interest (synthetic)."
)
IMMEDIATE_CONCERN_TOLD: Final = "Patient-safety duty manager, Synthetic Acute Trust (practice)"
IN_PROGRESS_PREFIXES: Final = ("screening.", "outcome.type", "records.")
CO_REVIEWER_PASSPHRASE: Final = "synthetic practice co-reviewer identity"
"""Protects each co-reviewer's exported identity while it travels (public: synthetic data)."""

ReturnAll = Callable[[Workspace], int]
"""Returns every signed version not yet returned; gives how many bundles it wrote."""


@dataclass(frozen=True)
class CoReviewer:
    ref: str
    pkcs12: bytes
    passphrase: str = CO_REVIEWER_PASSPHRASE


@dataclass
class ReviewerWork:
    """What one reviewer did (counts only)."""

    reviewer_ref: str
    signed: int = 0
    co_signed: int = 0
    amended: int = 0
    bundles: int = 0


class PracticeReviewer:
    """Works through one reviewer's planned cases in their open workspace."""

    def __init__(
        self,
        workspace: Workspace,
        reviewer_ref: str,
        *,
        passphrase: str,
        seed: int,
        second_of: frozenset[str],
        workers: int | None,
    ) -> None:
        self.workspace = workspace
        self.reviews = ReviewService(workspace.db)
        self.signoff = SignoffService(workspace, synthetic=True)
        self.passphrase = passphrase
        self.actor = reviewer_ref
        self.seed = seed
        self.second_of = second_of  # the cases this reviewer reads second
        self.workers = workers
        self.work = ReviewerWork(reviewer_ref)
        self._session: SigningSession | None = None

    def session(self) -> SigningSession:
        if self._session is None:
            self._session = self.signoff.open_session(self.passphrase)
        return self._session

    def run(
        self,
        fates: Mapping[str, Fate],
        co_reviewers: Mapping[str, CoReviewer],
        return_all: ReturnAll,
    ) -> ReviewerWork:
        """Fill and sign the cases, co-sign the joint ones, return, amend, return again."""
        first_round = {c: f for c, f in fates.items() if f.signed and f is not Fate.SIGNED_LATE}
        ids = {case: self.fill(case, fate) for case, fate in sorted(fates.items())}
        self.sign_all([ids[c] for c in sorted(first_round)])
        for case_ref, co in sorted(co_reviewers.items()):
            if case_ref in first_round:
                self.co_sign(ids[case_ref], co)
        self.work.bundles += return_all(self.workspace)
        amended = [ids[c] for c, f in sorted(fates.items()) if f is Fate.AMENDED]
        if amended:
            self.sign_all([self.amend(rid) for rid in amended])
            self.work.amended += len(amended)
            self.work.bundles += return_all(self.workspace)
        self.sign_all([ids[c] for c, f in sorted(fates.items()) if f is Fate.SIGNED_LATE])
        return self.work

    # -- filling ------------------------------------------------------------------------------

    def fill(self, case_ref: str, fate: Fate) -> int:
        opened = self.reviews.open(case_ref, self.actor)
        if fate is Fate.NOT_STARTED:
            return opened.review_id
        definition, case = opened.definition, opened.case
        if fate is Fate.URGENT:
            answers = pa.escalating_answers(definition, case, self.seed)
        else:
            answers = pa.first_answers(definition, case, self.seed)
            if case_ref in self.second_of:
                answers = pa.second_answers(definition, case, answers, self.seed)
        if fate is Fate.IN_PROGRESS:
            answers = {k: v for k, v in answers.items() if k.startswith(IN_PROGRESS_PREFIXES)}
        elif fate is Fate.RECORDS_MISSING:
            answers = pa.records_missing_answers(definition, answers)
        elif fate is Fate.HANDED_BACK:
            answers = {k: v for k, v in answers.items() if k.startswith("screening.")}
            answers["screening.conflict_of_interest"] = "yes"
        self.reviews.save(opened.review_id, answers, self.actor)
        if fate is Fate.RECORDS_MISSING:
            self._outcome(opened.review_id, ReviewStatus.RECORDS_MISSING, RECORDS_MISSING_REASON)
        elif fate is Fate.HANDED_BACK:
            self._outcome(opened.review_id, ReviewStatus.HANDED_BACK, HANDED_BACK_REASON)
        elif fate is Fate.URGENT:
            self.reviews.record_immediate_concern(
                opened.review_id, IMMEDIATE_CONCERN_TOLD, pa.told_at(definition, case), self.actor
            )
        return opened.review_id

    def _outcome(self, review_id: int, status: ReviewStatus, reason: str) -> None:
        self.reviews.set_outcome(review_id, status, reason, self.actor)

    # -- signing ------------------------------------------------------------------------------

    def sign_all(self, review_ids: list[int]) -> None:
        if not review_ids:
            return
        items = [(rid, self.signoff.check(rid).warning_codes) for rid in review_ids]
        self.signoff.sign_batch(self.session(), items, workers=self.workers)
        self.work.signed += len(items)

    def co_sign(self, review_id: int, co: CoReviewer) -> None:
        slot = self.signoff.add_cosigner(co.pkcs12, co.passphrase)
        try:
            self.signoff.cosign(review_id, slot.id, co.passphrase)
        finally:
            self.signoff.remove_cosigner(slot.id)
        self.work.co_signed += 1

    def amend(self, review_id: int) -> int:
        review = self.signoff.amend(review_id, pa.AMENDMENT_REASON, self.actor)
        opened = self.reviews.reload(review.id)
        self.reviews.save(review.id, pa.amended_answers(opened.definition), self.actor)
        return review.id
