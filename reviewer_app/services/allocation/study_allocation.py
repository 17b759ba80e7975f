"""Allocating an open study's cases to pairs of reviewers, by hand where the coordinator says.

The pairing rules are in pairing.py; this module feeds them the study's cohort, panel,
hand-made pairs and last allocation, stores what they decide, and keeps the per-case review
modes. packs/maker.py reads the stored allocation through ``check_allocation_current`` and
``joint_cases``, so packs are never made from an allocation the cohort or panel has outgrown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer, is_conflicted
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.allocation import pairing
from reviewer_app.services.allocation.pairing import AllocationResult
from reviewer_app.services.study import Study, parse_review_mode
from reviewer_app.storage.study.allocation import AllocationStore, StoredAllocation
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.panel import PanelStore
from reviewer_app.storage.study.returns import ReturnsStore

log = logging.getLogger(__name__)

Pair = tuple[str, str]


class AllocationOutOfDateError(UserError):
    """The stored allocation no longer fits the cohort or panel: allocate again first."""


def modes_line(total: int, joint: int) -> str:
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
            lines.append(modes_line(len(r.pairs), len(self.joint & r.pairs.keys())))
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


def _inputs(study: Study) -> tuple[list[Case], dict[str, Pair], AllocationResult]:
    store = AllocationStore(study.db)
    stored, overrides = store.get(), store.overrides()
    # A pair whose override was removed stays as an automatic pair while still valid.
    existing = AllocationResult(
        pairs=dict(stored.pairs), overridden=stored.overridden & frozenset(overrides)
    )
    return CohortStore(study.db).cases(), overrides, existing


def _handed_back_by_case(study: Study) -> dict[str, frozenset[str]]:
    """case_ref -> the reviewers who handed that case back (never given it again)."""
    found: dict[str, set[str]] = {}
    for case_ref, reviewer_ref in ReturnsStore(study.db).handed_back():
        found.setdefault(case_ref, set()).add(reviewer_ref)
    return {ref: frozenset(refs) for ref, refs in found.items()}


def _pairing(
    study: Study,
    cases: list[Case],
    reviewers: list[Reviewer],
    overrides: dict[str, Pair],
    existing: AllocationResult,
) -> AllocationResult:
    """The pairing rules, with every handed-back case kept from the reviewer who handed it
    back: those cases are paired from the rest of the panel (a hand-made pair naming that
    reviewer is set aside, with a note)."""
    excluded = _handed_back_by_case(study)
    if not excluded.keys() & {c.case_ref for c in cases}:
        return pairing.allocate(cases, reviewers, overrides, existing)
    groups: dict[frozenset[str], list[Case]] = {}
    for case in cases:
        groups.setdefault(excluded.get(case.case_ref, frozenset()), []).append(case)
    parts = []
    notes: list[tuple[str, str]] = []
    for refs, group in sorted(groups.items(), key=lambda kv: sorted(kv[0])):
        in_group = {c.case_ref for c in group}

        def usable(
            ref: str, pair: Pair, in_group: set[str] = in_group, refs: frozenset[str] = refs
        ) -> bool:
            return ref in in_group and refs.isdisjoint(pair)

        kept_overrides = {k: v for k, v in overrides.items() if usable(k, v)}
        notes.extend(
            (k, "hand-made pair not used: a reviewer in it handed the case back")
            for k, v in overrides.items()
            if k in in_group and not usable(k, v)
        )
        previous = AllocationResult(
            pairs={k: v for k, v in existing.pairs.items() if usable(k, v)},
            overridden=existing.overridden,
        )
        panel = [r for r in reviewers if r.reviewer_ref not in refs]
        parts.append(pairing.allocate(group, panel, kept_overrides, previous))
    return AllocationResult(
        pairs=dict(sorted(p for part in parts for p in part.pairs.items())),
        unallocated=sorted(u for part in parts for u in part.unallocated),
        overridden=frozenset(o for part in parts for o in part.overridden),
        notes=sorted(notes + [n for part in parts for n in part.notes]),
    )


def allocate(study: Study, progress: Progress = no_progress) -> AllocationReport:
    """Allocate every case (keeping overrides and still-valid pairs); store the result."""
    progress(0, 2, "Allocating cases")
    cases, overrides, existing = _inputs(study)
    if not cases:
        raise UserError("There are no cases to allocate: import the cohort first.")
    reviewers = PanelStore(study.db).all()
    if len(reviewers) < 2:
        raise UserError("A pair needs two reviewers: import the review panel first.")
    result = _pairing(study, cases, reviewers, overrides, existing)
    progress(1, 2, "Storing the allocation")
    AllocationStore(study.db).replace(result.pairs, result.overridden, result.unallocated)
    progress(2, 2, "Allocation done")
    log.info(
        "allocated %d cases, %d could not be allocated",
        len(result.pairs),
        len(result.unallocated),
    )
    return AllocationReport(
        result, _not_enrolled(study, result.pairs), joint_cases(study, result.pairs)
    )


def allocation(study: Study) -> AllocationResult:
    """The allocation last stored (by ``allocate``)."""
    stored = AllocationStore(study.db).get()
    return AllocationResult(
        pairs=dict(stored.pairs),
        overridden=stored.overridden,
        unallocated=sorted(stored.problems.items()),
    )


def allocation_csv(study: Study) -> str:
    return pairing.allocation_csv(allocation(study))


def _not_enrolled(study: Study, pairs: dict[str, Pair]) -> dict[str, int]:
    enrolled = EnrolmentStore(study.db).all_active()
    counts: dict[str, int] = {}
    for pair in pairs.values():
        for ref in pair:
            if ref not in enrolled:
                counts[ref] = counts.get(ref, 0) + 1
    return dict(sorted(counts.items()))


def set_override(study: Study, case_ref: str, pair: Pair | None) -> None:
    """Pair a case by hand (kept across re-allocation); None removes the override.

    Takes effect at the next ``allocate``. Refused now if the pair is unsafe.
    """
    cohort = {c.case_ref: c for c in CohortStore(study.db).cases()}
    if case_ref not in cohort:
        raise NotFoundError(f"There is no case {case_ref} in this study's cohort.")
    if pair is not None:
        first, second = pair
        if first == second:
            raise InvalidInputError(f"A pair is two different reviewers ({first} twice).")
        panel = PanelStore(study.db)
        for ref in pair:
            reviewer = panel.get(ref)
            if reviewer is None:
                raise NotFoundError(f"There is no reviewer {ref} on this study's panel.")
            if is_conflicted(reviewer, cohort[case_ref]):
                raise InvalidInputError(
                    f"{ref} has a conflict with case {case_ref} (GP practice, site or "
                    "specialty) and cannot review it."
                )
    AllocationStore(study.db).set_override(case_ref, pair)


def set_case_mode(study: Study, case_ref: str, mode: str | None) -> None:
    """Override the review mode of one case (None: back to the study's mode).

    Takes effect at the next ``make_packs``: a case made joint goes to its first
    reviewer only (naming the second, whose next pack withdraws it); a case made
    independent goes to both.
    """
    if not CohortStore(study.db).exists(case_ref):
        raise NotFoundError(f"There is no case {case_ref} in this study's cohort.")
    AllocationStore(study.db).set_case_mode(
        case_ref, None if mode is None else parse_review_mode(mode)
    )


def case_modes(study: Study) -> dict[str, ReviewMode]:
    """The per-case review-mode overrides (case ref -> mode); other cases use the study's."""
    return {ref: ReviewMode(m) for ref, m in AllocationStore(study.db).case_modes().items()}


def joint_cases(study: Study, pairs: dict[str, Pair]) -> frozenset[str]:
    """The allocated cases reviewed jointly: by their own mode, else the study's."""
    study_mode = study.review_mode
    modes = case_modes(study)
    return frozenset(ref for ref in pairs if modes.get(ref, study_mode) is ReviewMode.JOINT)


def check_allocation_current(study: Study) -> StoredAllocation:
    """The stored allocation, refused if re-allocating now would change any pair."""
    cases, overrides, existing = _inputs(study)
    stored = AllocationStore(study.db).get()
    if not stored.pairs:
        raise UserError("Nothing is allocated yet: run allocate first.")
    check = _pairing(study, cases, PanelStore(study.db).all(), overrides, existing)
    if check.pairs != stored.pairs:
        raise AllocationOutOfDateError(
            "The cohort, the panel or the hand-made pairs changed since the last "
            "allocation. Run allocate again, check it, then make the packs."
        )
    return stored
