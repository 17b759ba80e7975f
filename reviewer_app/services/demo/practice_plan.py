"""What the practice study makes of each case and each reviewer: a plan drawn from the seed.

The plan is pure (no files, no keys, no clock): the same seed, cases and pairs give the same
plan, so the same seed gives the same study. It decides

- which cases are reviewed jointly (about one in twelve, at least one);
- per (reviewer, case) the reviewer's ``Fate``: signed, amended after its first return,
  records missing (both reviewers of the case), handed back (one of the two), urgent (an
  immediate safety concern with an escalation), or owed: not started, in progress, or signed
  after the reviewer's last return;
- the laggards: a few reviewers who have not returned everything.

Draws use ``random.Random`` seeded with a string per purpose, so adding a draw for one
purpose never shifts another's.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

Pair = tuple[str, str]

DEFAULT_CASES: Final = 40
DEFAULT_REVIEWERS: Final = 6
DEFAULT_SEED: Final = 2024

JOINT_SHARE: Final = 1 / 12
RECORDS_MISSING_SHARE: Final = 0.04
HANDED_BACK_SHARE: Final = 0.03
AMENDED_SHARE: Final = 0.05
URGENT_SHARE: Final = 0.01
UNFINISHED_SHARE: Final = 0.3  # of a slow laggard's cases: not started or in progress
LATE_SHARE: Final = 0.2  # of a late laggard's cases: signed after their last return


class Fate(StrEnum):
    """What one reviewer does with one case of the practice study."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    SIGNED = "signed"  # signed and returned (joint: co-signed too)
    AMENDED = "amended"  # version 1 signed and returned, then version 2 signed and returned
    RECORDS_MISSING = "records_missing"
    HANDED_BACK = "handed_back"
    URGENT = "urgent"  # immediate safety concern and an escalation, signed and returned
    SIGNED_LATE = "signed_late"  # signed after the reviewer's last return: not returned

    @property
    def signed(self) -> bool:
        return self not in (Fate.NOT_STARTED, Fate.IN_PROGRESS)

    @property
    def returned(self) -> bool:
        return self.signed and self is not Fate.SIGNED_LATE


@dataclass(frozen=True)
class PracticePlan:
    """Who does what. ``fates`` is keyed by (reviewer ref, case ref) for every held case."""

    seed: int
    joint: frozenset[str]
    pairs: Mapping[str, Pair]
    fates: Mapping[tuple[str, str], Fate] = field(default_factory=dict)
    slow: tuple[str, ...] = ()  # laggards with cases not started or in progress
    late: tuple[str, ...] = ()  # laggards with cases signed after their last return

    def held_by(self, reviewer_ref: str) -> dict[str, Fate]:
        """The reviewer's cases (those in their pack) and what they do with each."""
        return {
            case: fate for (ref, case), fate in sorted(self.fates.items()) if ref == reviewer_ref
        }

    def reviewers(self) -> list[str]:
        return sorted({ref for pair in self.pairs.values() for ref in pair})

    def co_reviewer(self, case_ref: str) -> str | None:
        return self.pairs[case_ref][1] if case_ref in self.joint else None


def _rng(seed: int, purpose: str) -> random.Random:
    return random.Random(f"practice:{seed}:{purpose}")  # noqa: S311 - synthetic data


def _share(count: int, share: float, minimum: int = 1) -> int:
    return min(count, max(minimum, round(count * share))) if count else 0


def joint_cases(seed: int, case_refs: Sequence[str]) -> frozenset[str]:
    """The cases reviewed jointly: about one in twelve, at least one from four cases on."""
    ordered = sorted(case_refs)
    if len(ordered) < 4:
        return frozenset()
    return frozenset(_rng(seed, "joint").sample(ordered, _share(len(ordered), JOINT_SHARE)))


def make_plan(
    seed: int, pairs: Mapping[str, Pair], joint: Iterable[str], *, variety: bool = True
) -> PracticePlan:
    """The fates of every held case, from the seed and the allocation (see the module doc).

    ``variety=False`` (for benchmarks): every case reviewed twice, signed and returned.
    """
    joint_set = frozenset(joint) & set(pairs)
    fates: dict[tuple[str, str], Fate] = {}
    for case_ref, (first, second) in sorted(pairs.items()):
        fates[(first, case_ref)] = Fate.SIGNED
        if case_ref not in joint_set:
            fates[(second, case_ref)] = Fate.SIGNED
    if not variety:
        return PracticePlan(seed, joint_set, dict(pairs), fates)
    independent = sorted(c for c in pairs if c not in joint_set)
    _outcomes(seed, pairs, independent, fates)
    slow, late = _laggards(seed, sorted({r for p in pairs.values() for r in p}), fates)
    return PracticePlan(seed, joint_set, dict(pairs), fates, slow, late)


def _outcomes(
    seed: int,
    pairs: Mapping[str, Pair],
    independent: list[str],
    fates: dict[tuple[str, str], Fate],
) -> None:
    """Records missing, urgent, handed back and amended, on distinct independent cases."""
    rng = _rng(seed, "outcomes")
    pool = list(independent)
    rng.shuffle(pool)
    count = len(pool)

    def take(share: float) -> list[str]:
        taken = pool[: _share(count, share)] if count >= 8 else pool[:1]
        del pool[: len(taken)]
        return taken

    for case_ref in take(RECORDS_MISSING_SHARE):
        for ref in pairs[case_ref]:
            fates[(ref, case_ref)] = Fate.RECORDS_MISSING
    for case_ref in take(URGENT_SHARE):
        fates[(pairs[case_ref][0], case_ref)] = Fate.URGENT
    for case_ref in take(HANDED_BACK_SHARE):
        fates[(rng.choice(pairs[case_ref]), case_ref)] = Fate.HANDED_BACK
    for case_ref in take(AMENDED_SHARE):
        fates[(rng.choice(pairs[case_ref]), case_ref)] = Fate.AMENDED


def _laggards(
    seed: int, reviewers: list[str], fates: dict[tuple[str, str], Fate]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A third of the reviewers (at least one from three on) have not returned everything:
    the first half of them have cases unfinished, the others cases signed late."""
    if len(reviewers) < 3:
        return (), ()
    rng = _rng(seed, "laggards")
    chosen = sorted(rng.sample(reviewers, max(1, len(reviewers) // 3)))
    slow = tuple(chosen[: max(1, (len(chosen) + 1) // 2)])
    late = tuple(r for r in chosen if r not in slow)
    for ref in chosen:
        plain = sorted(c for (r, c), f in fates.items() if r == ref and f is Fate.SIGNED)
        share = UNFINISHED_SHARE if ref in slow else LATE_SHARE
        for n, case_ref in enumerate(rng.sample(plain, _share(len(plain), share))):
            if ref in slow:
                fates[(ref, case_ref)] = Fate.NOT_STARTED if n % 2 else Fate.IN_PROGRESS
            else:
                fates[(ref, case_ref)] = Fate.SIGNED_LATE
    return slow, late
