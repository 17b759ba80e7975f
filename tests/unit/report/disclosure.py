"""A brute-force reader of published tables: can a suppressed entry be pinned to one value?

Independent of the audit in ``suppression.py`` (which reasons with flows): this one writes down
every line of every published table as a linear equation, gives each hidden entry the range a
reader knows (``"<5"``: 1..4, ``"*"``: 5 up to a cap, zeros and numbers as published) and
searches, with interval propagation and backtracking, for a whole table that fits the published
face and gives the entry another value. An entry is **pinned** when none exists.

The cap on ``"*"`` is the true grand total plus one. A reader has no such cap, so the search can
only miss alternatives, never invent them: an entry this checker calls safe is safe. And any
entry that is not pinned has an alternative within the true total plus one (one unit round a
cycle), so with this cap the checker is also exact.

Tables sharing a margin are read jointly by giving the shared totals one variable each.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

Key = Hashable
Equation = tuple[int, tuple[tuple[int, Key], ...]]  # constant + sum(coef * x) == 0


class System:
    """Hidden entries with their ranges, and the linear equations between them."""

    def __init__(self) -> None:
        self.domains: dict[Key, tuple[int, int]] = {}
        self.truth: dict[Key, int] = {}
        self.equations: list[Equation] = []

    def add_table(
        self,
        cells: Sequence[Sequence[str]],
        counts: Sequence[Sequence[int]],
        cap: int,
        names: dict[tuple[int, int], Key] | None = None,
        prefix: Hashable = 0,
    ) -> None:
        """One augmented published table (totals row and column last). ``names`` renames
        positions (a shared total gets the same name in every table)."""
        rows = len(cells) - 1
        columns = len(cells[0]) - 1
        names = names or {}

        def term(i: int, j: int) -> tuple[int, Key | None]:
            text = cells[i][j]
            if text not in ("<5", "*"):
                return int(text), None
            key = names.get((i, j), (prefix, i, j))
            low, high = (1, 4) if text == "<5" else (5, cap)
            if key in self.domains and self.domains[key] != (low, high):
                raise AssertionError(f"shared entry {key} shown differently in two tables")
            self.domains[key] = (low, high)
            self.truth[key] = counts[i][j]
            return 0, key

        def line(parts: list[tuple[int, int]], total: tuple[int, int]) -> None:
            constant = 0
            terms: list[tuple[int, Key]] = []
            for sign, (i, j) in [(1, p) for p in parts] + [(-1, total)]:
                value, key = term(i, j)
                constant += sign * value
                if key is not None:
                    terms.append((sign, key))
            self.equations.append((constant, tuple(terms)))

        for i in range(rows + 1):
            line([(i, j) for j in range(columns)], (i, columns))
        for j in range(columns + 1):
            line([(i, j) for i in range(rows)], (rows, j))

    def feasible(self, fixed: dict[Key, int]) -> bool:
        domains = dict(self.domains)
        for key, value in fixed.items():
            low, high = domains[key]
            if not low <= value <= high:
                return False
            domains[key] = (value, value)
        return self._search(domains)

    def _propagate(self, domains: dict[Key, tuple[int, int]]) -> bool:
        changed = True
        while changed:
            changed = False
            for constant, terms in self.equations:
                low_sum = constant + sum(
                    c * (domains[k][0] if c > 0 else domains[k][1]) for c, k in terms
                )
                high_sum = constant + sum(
                    c * (domains[k][1] if c > 0 else domains[k][0]) for c, k in terms
                )
                if low_sum > 0 or high_sum < 0:
                    return False
                for c, k in terms:
                    low, high = domains[k]
                    # the rest of the equation ranges over [low_sum - c*x, high_sum - c*x]
                    rest_low = low_sum - (c * low if c > 0 else c * high)
                    rest_high = high_sum - (c * high if c > 0 else c * low)
                    # c * x == -rest, rest in [rest_low, rest_high]
                    if c > 0:
                        new_low, new_high = -rest_high, -rest_low
                    else:
                        new_low, new_high = rest_low, rest_high
                    new_low, new_high = max(low, new_low), min(high, new_high)
                    if new_low > new_high:
                        return False
                    if (new_low, new_high) != (low, high):
                        domains[k] = (new_low, new_high)
                        changed = True
                        low_sum = constant + sum(
                            c2 * (domains[k2][0] if c2 > 0 else domains[k2][1]) for c2, k2 in terms
                        )
                        high_sum = constant + sum(
                            c2 * (domains[k2][1] if c2 > 0 else domains[k2][0]) for c2, k2 in terms
                        )
        return True

    def _search(self, domains: dict[Key, tuple[int, int]]) -> bool:
        if not self._propagate(domains):
            return False
        open_keys = [k for k, (low, high) in domains.items() if low < high]
        if not open_keys:
            return all(
                constant + sum(c * domains[k][0] for c, k in terms) == 0
                for constant, terms in self.equations
            )
        key = min(open_keys, key=lambda k: (domains[k][1] - domains[k][0], repr(k)))
        low, high = domains[key]
        for value in range(low, high + 1):
            trial = dict(domains)
            trial[key] = (value, value)
            if self._search(trial):
                return True
        return False

    def pinned(self) -> list[Key]:
        """Every hidden entry that no other fitting table gives another value."""
        assert self.feasible({}), "the true table must fit its own published face"
        found = []
        for key, (low, high) in self.domains.items():
            true = self.truth[key]
            others = sorted(
                (v for v in range(low, high + 1) if v != true), key=lambda v: (abs(v - true), v)
            )
            if not any(self.feasible({key: v}) for v in others):
                found.append(key)
        return found


def pinned_in(cells: Sequence[Sequence[str]], counts: Sequence[Sequence[int]]) -> list[Key]:
    """The pinned hidden entries of one published table (positions ``(0, i, j)``)."""
    system = System()
    system.add_table(cells, counts, cap=counts[-1][-1] + 1)
    return system.pinned()


def render(counts: Sequence[Sequence[int]], hidden: dict[tuple[int, int], str]) -> list[list[str]]:
    """The published face of an augmented table with ``hidden`` positions shown by marker."""
    return [
        [hidden.get((i, j), str(value)) for j, value in enumerate(row)]
        for i, row in enumerate(counts)
    ]
