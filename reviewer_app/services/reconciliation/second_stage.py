"""Second-stage review: the queue the method's triggers make, and allocating from it.

A case enters the queue when any review of its pair (full reviews in force) fires one of the
definition's second-review triggers: a phase or overall score of 1-2, avoidability RCP <= 3,
a problem that led to harm, relatives' concerns, or the reviewer's own request. The
coordinator gives it to one reviewer outside the original pair (``allocate_second``): never a
reviewer of the pair, one who has returned or handed back the case, one with a conflict
(GP practice, site or specialty), nor one whose certificate is revoked. Without a named
reviewer the least loaded eligible one is chosen (cases allocated plus second-stage cases,
then by ref). The case then travels in that reviewer's next pack (``packs/maker.py``), marked
as second stage, and stays open until their review is in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Final

from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer, is_conflicted
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.services.reconciliation.merge import HANDED_BACK
from reviewer_app.services.reconciliation.study_reviews import StudyReviews, read_reviews
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.panel import PanelStore
from reviewer_app.storage.study.returns import ReturnsStore
from reviewer_app.storage.study.second_stage import SecondStageAllocation, SecondStageStore

log = logging.getLogger(__name__)

QUEUED: Final = "queued"
ALLOCATED: Final = "allocated"
RETURNED: Final = "returned"
HANDED_BACK_STATE: Final = "handed_back"  # the second-stage reviewer handed it back


class SecondStageRefusedError(UserError):
    """A second-stage allocation cannot be made (the message says why)."""


@dataclass(frozen=True)
class SecondStageEntry:
    case_ref: str
    triggers: tuple[tuple[str, str], ...]  # (trigger id, label), in definition order
    triggered_by: tuple[str, ...]  # the reviewers whose review fired a trigger
    pair: tuple[str, str] | None
    reviewer_ref: str | None = None  # the current second-stage reviewer
    state: str = QUEUED

    @property
    def open(self) -> bool:
        """Owed: not yet allocated, allocated and not returned, or handed back."""
        return self.state != RETURNED

    def to_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "triggers": [{"id": i, "label": label} for i, label in self.triggers],
            "triggered_by": list(self.triggered_by),
            "pair": list(self.pair) if self.pair else None,
            "second_stage_reviewer": self.reviewer_ref,
            "state": self.state,
        }


def _triggers(reviews: StudyReviews, case_ref: str) -> tuple[list[tuple[str, str]], list[str]]:
    fired: dict[str, str] = {}
    by: list[str] = []
    for review in reviews.primary.get(case_ref, []):
        if review.outcome != "full_review":
            continue
        found = reviews.second_review_triggers(review)
        if found:
            by.append(review.reviewer_ref)
        for trigger in found:
            fired.setdefault(trigger.id, trigger.label)
    return list(fired.items()), by


def queue_from(reviews: StudyReviews) -> list[SecondStageEntry]:
    """Every case a trigger put in the queue, or already given a second-stage reviewer."""
    entries: list[SecondStageEntry] = []
    for case_ref in sorted(set(reviews.primary) | set(reviews.second_stage)):
        triggers, by = _triggers(reviews, case_ref)
        current = reviews.second_stage.get(case_ref)
        if not triggers and current is None:
            continue
        if current is not None and not triggers:
            triggers = [(t, t) for t in current.triggers]
        state = QUEUED
        if current is not None:
            state = ALLOCATED
            for review in reviews.second_stage_reviews.get(case_ref, []):
                if review.reviewer_ref == current.reviewer_ref:
                    state = HANDED_BACK_STATE if review.outcome == HANDED_BACK else RETURNED
        entries.append(
            SecondStageEntry(
                case_ref,
                tuple(triggers),
                tuple(by),
                reviews.pairs.get(case_ref),
                current.reviewer_ref if current else None,
                state,
            )
        )
    return entries


def second_stage_queue(study: Study) -> list[SecondStageEntry]:
    return queue_from(read_reviews(study))


@dataclass
class SecondStageReport:
    allocated: list[SecondStageAllocation] = field(default_factory=list)
    not_allocated: list[tuple[str, str]] = field(default_factory=list)  # (case ref, why)
    not_enrolled: list[str] = field(default_factory=list)  # reviewers to enrol for a pack

    def summary_lines(self) -> list[str]:
        lines = [
            f"{a.case_ref}: second-stage review by {a.reviewer_ref} (in their next pack)"
            for a in self.allocated
        ]
        lines += [f"{ref}: NOT allocated: {why}" for ref, why in self.not_allocated]
        if self.not_enrolled:
            lines.append(
                "Not enrolled yet (no pack until they are): " + ", ".join(self.not_enrolled)
            )
        if not lines:
            lines.append("Nothing to allocate: the second-stage queue has no unallocated case.")
        return lines


@dataclass
class _Panel:
    reviewers: dict[str, Reviewer]
    cases: dict[str, Case]
    loads: dict[str, int]
    revoked: set[str]
    enrolled: set[str]
    handed_back: set[tuple[str, str]]


def _panel(study: Study, reviews: StudyReviews) -> _Panel:
    reviewers = {r.reviewer_ref: r for r in PanelStore(study.db).all()}
    loads = dict.fromkeys(reviewers, 0)
    for pair in reviews.pairs.values():
        for ref in pair:
            loads[ref] = loads.get(ref, 0) + 1
    for row in reviews.second_stage.values():
        loads[row.reviewer_ref] = loads.get(row.reviewer_ref, 0) + 1
    active = EnrolmentStore(study.db).all_active()
    return _Panel(
        reviewers=reviewers,
        cases={c.case_ref: c for c in CohortStore(study.db).cases()},
        loads=loads,
        revoked={ref for ref, e in active.items() if e.revoked},
        enrolled=set(active),
        handed_back=ReturnsStore(study.db).handed_back(),
    )


def _why_not(panel: _Panel, reviews: StudyReviews, case_ref: str, ref: str) -> str | None:
    reviewer = panel.reviewers.get(ref)
    if reviewer is None:
        return f"there is no reviewer {ref} on this study's panel"
    if ref in (reviews.pairs.get(case_ref) or ()):
        return f"{ref} is one of the case's pair; a second-stage reviewer is from outside it"
    returned = {r.reviewer_ref for r in reviews.primary.get(case_ref, [])}
    returned |= {r.reviewer_ref for r in reviews.others.get(case_ref, [])}
    if ref in returned:
        return f"{ref} has already returned a review of this case"
    if (case_ref, ref) in panel.handed_back:
        return f"{ref} handed this case back"
    if is_conflicted(reviewer, panel.cases[case_ref]):
        return f"{ref} has a conflict with this case (GP practice, site or specialty)"
    if ref in panel.revoked:
        return f"{ref}'s certificate is revoked (re-enrol them first)"
    return None


def allocate_second(
    study: Study,
    *,
    case_ref: str | None = None,
    reviewer_ref: str | None = None,
    allocated_by: str,
) -> SecondStageReport:
    """Give queued cases to second-stage reviewers (module docstring): every case not yet
    allocated, or handed back by its second-stage reviewer. With ``case_ref``, that case only
    (refused if it is not in the queue, or is with a reviewer and no other is named); with
    ``reviewer_ref`` too, to that reviewer (refused if not eligible)."""
    if reviewer_ref is not None and case_ref is None:
        raise InvalidInputError("Name the case (--case) to give to that reviewer.")
    reviews = read_reviews(study)
    todo = _to_allocate(study, reviews, case_ref, reviewer_ref)
    panel = _panel(study, reviews)
    report = SecondStageReport()
    chosen: list[tuple[SecondStageEntry, str]] = []
    for entry in todo:
        ref = _reviewer_for(panel, reviews, entry, reviewer_ref)
        if ref is None:
            report.not_allocated.append(
                (entry.case_ref, "no reviewer outside the pair is free of conflicts")
            )
            continue
        panel.loads[ref] = panel.loads.get(ref, 0) + 1
        chosen.append((entry, ref))
    store = SecondStageStore(study.db)
    with study.db.transaction():
        for entry, ref in chosen:
            report.allocated.append(
                store.allocate(entry.case_ref, ref, [t for t, _ in entry.triggers], allocated_by)
            )
    log.info(
        "second stage: %d case(s) allocated, %d not",
        len(report.allocated),
        len(report.not_allocated),
    )
    report.not_enrolled = sorted({a.reviewer_ref for a in report.allocated} - panel.enrolled)
    return report


def _to_allocate(
    study: Study, reviews: StudyReviews, case_ref: str | None, reviewer_ref: str | None
) -> list[SecondStageEntry]:
    """The queued cases to give out: the one named (refused if it cannot be), or every case
    not yet with a reviewer or handed back."""
    queue = {e.case_ref: e for e in queue_from(reviews)}
    if case_ref is None:
        return [e for e in queue.values() if e.reviewer_ref is None or e.state == HANDED_BACK_STATE]
    entry = queue.get(case_ref)
    if entry is None:
        if not CohortStore(study.db).exists(case_ref):
            raise NotFoundError(f"There is no case {case_ref} in this study's cohort.")
        raise SecondStageRefusedError(
            f"Case {case_ref} is not in the second-stage queue: no returned review of it "
            "fires a second-review trigger."
        )
    if (
        entry.reviewer_ref is not None
        and entry.state != HANDED_BACK_STATE
        and reviewer_ref in (None, entry.reviewer_ref)
    ):
        raise SecondStageRefusedError(
            f"Case {case_ref} is already with {entry.reviewer_ref} for second-stage review; "
            "name another reviewer (--reviewer) to give it to them instead."
        )
    return [entry]


def _reviewer_for(
    panel: _Panel, reviews: StudyReviews, entry: SecondStageEntry, reviewer_ref: str | None
) -> str | None:
    """The reviewer named (refused if not eligible), else the least loaded eligible one."""
    if reviewer_ref is not None:
        why = _why_not(panel, reviews, entry.case_ref, reviewer_ref)
        if why is not None:
            raise SecondStageRefusedError(
                f"Case {entry.case_ref} cannot go to {reviewer_ref}: {why}."
            )
        return reviewer_ref
    eligible = [
        r
        for r in sorted(panel.reviewers)
        if r != entry.reviewer_ref and _why_not(panel, reviews, entry.case_ref, r) is None
    ]
    return min(eligible, key=lambda r: (panel.loads.get(r, 0), r)) if eligible else None
