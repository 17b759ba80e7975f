"""Allocation of cases to pairs of reviewers (data-contracts.md, "Allocation").

The rules, strongest first:

1. Never a reviewer with a conflict for the case (their GP practice, site or specialty). A case
   with fewer than two unconflicted reviewers is reported, never forced.
2. One doctor and one nurse where the unconflicted panel allows: the method's pairs read the
   notes from both professions' points of view. Failing that, two different professions, then
   any two reviewers (reported in ``notes`` so the coordinator sees the compromise).
3. Workloads balanced: a reviewer is only chosen while within ``SLACK`` cases of the least
   loaded eligible colleague of the same profession. Because a case needs one doctor and one
   nurse, loads are balanced within each profession; with as many doctors as nurses that is
   balance across the whole panel.
4. Different sectors where possible, inside the balance limit.
5. Deterministic: inputs are sorted by reference, ties broken by reference, no randomness, so
   the same cohort and panel give the same pairs in whatever order they arrive.

Hand-made pairs (``overrides``) are kept as given; one naming a reviewer who is unknown or
conflicted is refused. A previous result passed as ``existing`` keeps its hand-made pairs and
its still-valid automatic pairs, so re-allocating after a panel change only moves the cases
that must move (reviewers may already have started them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Profession, Reviewer, case_conflict_keys
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.intake.csv_export import write_csv

SLACK = 1
ALLOCATION_COLUMNS = ("case_ref", "reviewer_1", "reviewer_2")
_NO_OVERRIDES: Mapping[str, tuple[str, str]] = MappingProxyType({})

Pair = tuple[str, str]
_Positions = tuple[int, int]  # reviewers by their position in reference order


@dataclass(frozen=True)
class AllocationResult:
    """Pairs by case_ref, in case_ref order; the lead stores this and passes it back as
    ``existing`` when re-allocating."""

    pairs: dict[str, Pair] = field(default_factory=dict)
    unallocated: list[tuple[str, str]] = field(default_factory=list)  # (case_ref, reason)
    overridden: frozenset[str] = frozenset()  # case_refs whose pair was made by hand
    notes: list[tuple[str, str]] = field(default_factory=list)  # (case_ref, compromise made)

    def loads(self) -> dict[str, int]:
        """Cases per reviewer (reviewers with none are absent)."""
        counts: dict[str, int] = {}
        for pair in self.pairs.values():
            for ref in pair:
                counts[ref] = counts.get(ref, 0) + 1
        return counts


def allocate(
    cases: Sequence[Case],
    reviewers: Sequence[Reviewer],
    overrides: Mapping[str, Pair] = _NO_OVERRIDES,
    existing: AllocationResult | None = None,
) -> AllocationResult:
    """Give every case a safe pair, or say why it cannot have one."""
    panel = _Panel(reviewers)
    by_ref = _unique_cases(cases)
    _check_overrides(overrides, by_ref, panel)
    pairs: dict[str, Pair] = {ref: (a, b) for ref, (a, b) in overrides.items()}
    overridden = set(pairs)
    notes: list[tuple[str, str]] = []
    if existing is not None:
        for ref, pair in sorted(existing.pairs.items()):
            if ref in pairs or ref not in by_ref:
                continue
            problem = panel.pair_problem(by_ref[ref], pair)
            if problem is None:
                pairs[ref] = pair
                if ref in existing.overridden:
                    overridden.add(ref)
            else:
                notes.append((ref, f"previous pair not kept: {problem}"))
    picker = _Picker(panel, pairs.values())
    unallocated: list[tuple[str, str]] = []
    pending = [case for ref, case in sorted(by_ref.items()) if ref not in pairs]
    for case in sorted(pending, key=picker.difficulty):
        chosen, message = picker.pick(case)
        if chosen is None:
            unallocated.append((case.case_ref, message))
            continue
        pairs[case.case_ref] = chosen
        if message:
            notes.append((case.case_ref, message))
    return AllocationResult(
        pairs=dict(sorted(pairs.items())),
        unallocated=sorted(unallocated),
        overridden=frozenset(overridden),
        notes=sorted(notes),
    )


def allocation_csv(result: AllocationResult) -> str:
    """The allocation as ``case_ref,reviewer_1,reviewer_2``, safe to open in a spreadsheet."""
    rows = ((ref, first, second) for ref, (first, second) in sorted(result.pairs.items()))
    return write_csv(ALLOCATION_COLUMNS, rows)


def _unique_cases(cases: Sequence[Case]) -> dict[str, Case]:
    by_ref: dict[str, Case] = {}
    for case in cases:
        if case.case_ref in by_ref:
            raise ValueError(f"case {case.case_ref} is given twice")
        by_ref[case.case_ref] = case
    return by_ref


def _check_overrides(
    overrides: Mapping[str, Pair], cases: Mapping[str, Case], panel: _Panel
) -> None:
    """Refuse every unsafe hand-made pair at once, so the coordinator fixes them in one go."""
    problems = []
    for ref, pair in sorted(overrides.items()):
        if ref not in cases:
            problems.append(f"Case {ref} is not in the cohort, so it cannot be allocated by hand.")
            continue
        problem = panel.pair_problem(cases[ref], pair)
        if problem is not None:
            problems.append(f"Case {ref} cannot be allocated by hand to this pair: {problem}.")
    if problems:
        raise InvalidInputError("\n".join([*problems, "Choose other reviewers and try again."]))


class _Panel:
    """The reviewers in reference order, with their conflicts ready to compare."""

    def __init__(self, reviewers: Sequence[Reviewer]) -> None:
        self.reviewers = sorted(reviewers, key=lambda r: r.reviewer_ref)
        self.position = {r.reviewer_ref: i for i, r in enumerate(self.reviewers)}
        if len(self.position) != len(self.reviewers):
            raise ValueError("the panel has a reviewer_ref more than once")
        self.conflicts = [r.conflict_keys for r in self.reviewers]
        self._eligible: dict[frozenset[str], tuple[int, ...]] = {}

    def eligible(self, case: Case) -> tuple[int, ...]:
        """Positions of unconflicted reviewers; cached, as many cases share attributes."""
        keys = case_conflict_keys(case)
        found = self._eligible.get(keys)
        if found is None:
            found = tuple(i for i, c in enumerate(self.conflicts) if c.isdisjoint(keys))
            self._eligible[keys] = found
        return found

    def pair_problem(self, case: Case, pair: Pair) -> str | None:
        """Why this pair may not review this case, or None when it may."""
        if len(pair) != 2:
            return "a pair is two reviewers"
        first, second = pair
        if first == second:
            return f"{first} is named twice"
        eligible = self.eligible(case)
        for ref in pair:
            if ref not in self.position:
                return f"{ref} is not on the panel"
            if self.position[ref] not in eligible:
                return f"{ref} has a conflict with this case (GP practice, site or specialty)"
        return None


class _Picker:
    """Greedy choice of the best pair for one case given the loads so far."""

    def __init__(self, panel: _Panel, kept: Iterable[Pair]) -> None:
        self.panel = panel
        self.professions = [r.profession for r in panel.reviewers]
        self.sectors = [r.sector for r in panel.reviewers]
        self.loads = [0] * len(panel.reviewers)
        for pair in kept:
            for ref in pair:
                self.loads[panel.position[ref]] += 1
        self._split: dict[tuple[int, ...], tuple[list[int], list[int]]] = {}

    def _doctors_and_nurses(self, eligible: tuple[int, ...]) -> tuple[list[int], list[int]]:
        split = self._split.get(eligible)
        if split is None:
            doctors = [i for i in eligible if self.professions[i] is Profession.DOCTOR]
            nurses = [i for i in eligible if self.professions[i] is Profession.NURSE]
            split = self._split[eligible] = (doctors, nurses)
        return split

    def difficulty(self, case: Case) -> tuple[int, int, str]:
        """Most constrained cases first, so the flexible ones can even the loads out after."""
        eligible = self.panel.eligible(case)
        doctors, nurses = self._doctors_and_nurses(eligible)
        return min(len(doctors), len(nurses)), len(eligible), case.case_ref

    def pick(self, case: Case) -> tuple[Pair | None, str]:
        """The chosen pair and a note, or None and the reason the case cannot be allocated."""
        eligible = self.panel.eligible(case)
        if len(eligible) < 2:
            if eligible:
                ref = self.panel.reviewers[eligible[0]].reviewer_ref
                reason = f"only {ref} has no conflict with this case; a pair needs two"
            else:
                reason = "every reviewer on the panel has a conflict with this case"
            return None, reason + " (add reviewers to the panel, then allocate again)"
        doctors, nurses = self._doctors_and_nurses(eligible)
        if doctors and nurses:
            first, second = self._best_cross(doctors, nurses)
            note = ""
        else:
            first, second = self._best_any(eligible)
            note = (
                "no doctor and nurse both free of conflict: paired "
                f"{self.professions[first]} and {self.professions[second]}"
            )
        self.loads[first] += 1
        self.loads[second] += 1
        refs = self.panel.reviewers
        return (refs[first].reviewer_ref, refs[second].reviewer_ref), note

    def _within_slack(self, group: Sequence[int]) -> list[int]:
        loads = self.loads
        limit = min(loads[i] for i in group) + SLACK
        return [i for i in group if loads[i] <= limit]

    def _best_cross(self, doctors: Sequence[int], nurses: Sequence[int]) -> _Positions:
        """Least-loaded doctor and nurse, from different sectors where the slack allows."""
        best_doctor = self._least_loaded_per_sector(self._within_slack(doctors))
        best_nurse = self._least_loaded_per_sector(self._within_slack(nurses))
        loads, sectors = self.loads, self.sectors
        return min(
            ((d, n) for d in best_doctor for n in best_nurse),
            key=lambda p: (
                sectors[p[0]] == sectors[p[1]],
                loads[p[0]] + loads[p[1]],
                max(loads[p[0]], loads[p[1]]),
                p,
            ),
        )

    def _least_loaded_per_sector(self, group: Sequence[int]) -> list[int]:
        best: dict[object, int] = {}
        loads, sectors = self.loads, self.sectors
        for i in group:  # in reference order, so the first of equal loads wins
            current = best.get(sectors[i])
            if current is None or loads[i] < loads[current]:
                best[sectors[i]] = i
        return list(best.values())

    def _best_any(self, eligible: Sequence[int]) -> _Positions:
        """Fallback without a doctor-nurse pair: mixed professions, then sectors, then load."""
        group = self._within_slack(eligible)
        if len(group) < 2:
            group = sorted(sorted(eligible, key=lambda i: (self.loads[i], i))[:2])
        loads, sectors, professions = self.loads, self.sectors, self.professions
        return min(
            ((a, b) for a in group for b in group if a < b),
            key=lambda p: (
                professions[p[0]] == professions[p[1]],
                sectors[p[0]] == sectors[p[1]],
                loads[p[0]] + loads[p[1]],
                max(loads[p[0]], loads[p[1]]),
                p,
            ),
        )
