"""Where each case stands, from returns through consensus and second stage to closed.

For the coordinator's overview (``coordinator stages``, the coordinator's window), per case
of the cohort, in this order of precedence:

- ``not_allocated``: not in the allocation and nothing returned;
- ``handed_back``: a reviewer of the current pair handed it back (it needs re-allocating);
- ``awaiting_returns``: nothing returned by the current pair yet;
- ``one_of_two``: an independent pair with one review in (blind until both are);
- ``records_missing`` / ``outside_method``: the reviews (or the consensus) say so;
- ``both_returned``: both in, discordant items await a consensus and none is recorded;
- ``in_consensus``: a consensus is recorded on some discordant items, others still open (or a
  consensus went stale because a review was amended since);
- ``second_stage``: a second-review trigger fired and the second-stage review is not in
  (not yet allocated, out with its reviewer, or handed back by them);
- ``closed``: everything is in, every discordance settled, no second stage owed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.merge import HANDED_BACK
from reviewer_app.services.reconciliation.resolved import standings_from
from reviewer_app.services.reconciliation.second_stage import SecondStageEntry, queue_from
from reviewer_app.services.reconciliation.standing import CaseStanding
from reviewer_app.services.reconciliation.study_reviews import StudyReviews, read_reviews
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore


@dataclass(frozen=True)
class CaseStageRow:
    case_ref: str
    stage: CaseStage
    mode: ReviewMode | None
    pair: tuple[str, str] | None
    open_items: tuple[str, ...] = ()  # discordant items without a current consensus
    second_stage_reviewer: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "stage": self.stage.value,
            "mode": self.mode.value if self.mode else None,
            "pair": list(self.pair) if self.pair else None,
            "open_items": list(self.open_items),
            "second_stage_reviewer": self.second_stage_reviewer,
        }


def stage_of(
    case_ref: str,
    reviews: StudyReviews,
    resolved: CaseStanding | None,
    second: SecondStageEntry | None,
) -> CaseStage:
    """One case's stage (see the module docstring)."""
    pair = reviews.pairs.get(case_ref)
    primary = reviews.primary.get(case_ref, [])
    if resolved is None:
        return CaseStage.AWAITING_RETURNS if pair is not None else CaseStage.NOT_ALLOCATED
    on_pair = {r.reviewer_ref: r.outcome for r in primary if pair and r.reviewer_ref in pair}
    if HANDED_BACK in on_pair.values() or resolved.outcome == HANDED_BACK:
        return CaseStage.HANDED_BACK
    if not resolved.pair_complete:
        return CaseStage.ONE_OF_TWO
    if not resolved.open_discordances:
        if resolved.outcome == "records_missing":
            return CaseStage.RECORDS_MISSING
        if resolved.outcome == "outside_method":
            return CaseStage.OUTSIDE_METHOD
    if resolved.open_discordances:
        started = resolved.consensus_items or resolved.stale_consensus
        return CaseStage.IN_CONSENSUS if started else CaseStage.BOTH_RETURNED
    if second is not None and second.open:
        return CaseStage.SECOND_STAGE
    return CaseStage.CLOSED


def stages_from(
    reviews: StudyReviews,
    case_refs: list[str],
    *,
    resolved: Sequence[CaseStanding] | None = None,
    queue: list[SecondStageEntry] | None = None,
) -> list[CaseStageRow]:
    """Every case's row. ``resolved``: each case's standing (``standings_from(reviews)``,
    or the resolved cases, which stand the same) and ``queue``: ``queue_from(reviews)``,
    when the caller has them already (not computed twice)."""
    by_case = {c.case_ref: c for c in (standings_from(reviews) if resolved is None else resolved)}
    entries = {e.case_ref: e for e in (queue_from(reviews) if queue is None else queue)}
    rows: list[CaseStageRow] = []
    for case_ref in sorted(set(case_refs) | set(by_case)):
        case = by_case.get(case_ref)
        entry = entries.get(case_ref)
        rows.append(
            CaseStageRow(
                case_ref,
                stage_of(case_ref, reviews, case, entry),
                reviews.modes.get(case_ref),
                reviews.pairs.get(case_ref),
                tuple(sorted(case.open_discordances)) if case else (),
                entry.reviewer_ref if entry else None,
            )
        )
    return rows


def case_stages(study: Study) -> list[CaseStageRow]:
    """Every case of the cohort (and any other case with a return), by case ref."""
    return stages_from(read_reviews(study), CohortStore(study.db).case_refs())


def stage_counts(rows: list[CaseStageRow]) -> dict[CaseStage, int]:
    counts = dict.fromkeys(CaseStage, 0)
    for row in rows:
        counts[row.stage] += 1
    return counts
