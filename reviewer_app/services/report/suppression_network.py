"""The network behind :mod:`suppression`: the augmented table as a circulation, its lines,
the residual graph in which a hidden entry can still change, and the cheapest set of entries
to hide so that it can (see :mod:`suppression`'s docstring for the method)."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

PRIMARY = "<5"
SECONDARY = "*"

Position = tuple[int, int]
Kind = Literal["primary", "secondary"]
Node = tuple[str, int]


@dataclass(frozen=True)
class Suppression:
    """One suppressed entry: where, its count, primary or secondary, and why."""

    position: Position
    count: int
    kind: Kind
    reason: str

    @property
    def marker(self) -> str:
        return PRIMARY if self.kind == "primary" else SECONDARY


class _Network:
    """The augmented table as a circulation (see the module docstring)."""

    def __init__(self, counts: tuple[tuple[int, ...], ...], threshold: int) -> None:
        self.counts = counts
        self.threshold = threshold
        self.rows = len(counts) - 1
        self.columns = len(counts[0]) - 1
        self.positions = [(i, j) for i in range(self.rows + 1) for j in range(self.columns + 1)]
        self.suppressed: dict[Position, Suppression] = {}
        self.log: list[Suppression] = []
        self.fixed: set[Position] = set()  # known to the reader: never moved, never chosen
        self.requests: set[Position] = set()  # known entries a line needs hidden (linked)
        self.virtual: list[tuple[Node, Node]] = []  # margin moves other linked tables allow
        self.unresolved: set[Position] = set()  # linked: not yet protected

    def check_position(self, position: Position) -> None:
        i, j = position
        if not (0 <= i <= self.rows and 0 <= j <= self.columns):
            raise ValueError(f"no position {position} in a {self.rows} x {self.columns} table")

    def value(self, position: Position) -> int:
        return self.counts[position[0]][position[1]]

    def is_total(self, position: Position) -> bool:
        return position[0] == self.rows or position[1] == self.columns

    def add(self, position: Position, kind: Kind, reason: str) -> None:
        entry = Suppression(position, self.value(position), kind, reason)
        self.suppressed[position] = entry
        self.log.append(entry)

    def order(self, positions: Iterable[Position]) -> list[Position]:
        return sorted(positions)

    def arc(self, position: Position) -> tuple[Node, Node]:
        """The (tail, head) of an entry's arc: cell r_i -> c_j, row total s -> r_i, column
        total c_j -> t, grand total t -> s."""
        i, j = position
        row_total = j == self.columns
        column_total = i == self.rows
        if row_total and column_total:
            return ("t", 0), ("s", 0)
        if row_total:
            return ("s", 0), ("r", i)
        if column_total:
            return ("c", j), ("t", 0)
        return ("r", i), ("c", j)

    def bounds(self, position: Position) -> tuple[int, int | None]:
        """What a reader knows of a suppressed entry: 1..threshold-1 for ``"<5"``, at least
        the threshold for ``"*"`` (zeros are never suppressed)."""
        if self.value(position) < self.threshold:
            return 1, self.threshold - 1
        return self.threshold, None

    def lines(self) -> list[tuple[str, list[Position]]]:
        """Every line with its entries, in the documented visiting order."""
        found: list[tuple[str, list[Position]]] = []
        for i in range(self.rows + 1):
            name = "the totals row" if i == self.rows else f"row {i + 1}"
            found.append((name, [(i, j) for j in range(self.columns + 1)]))
        for j in range(self.columns + 1):
            name = "the totals column" if j == self.columns else f"column {j + 1}"
            found.append((name, [(i, j) for i in range(self.rows + 1)]))
        return found

    def residual(self, exclude: Position | None) -> dict[Node, list[Node]]:
        """Residual arcs of the suppressed entries (all but ``exclude``)."""
        graph: dict[Node, list[Node]] = {}
        for position in self.order(self.suppressed):
            if position == exclude or position in self.fixed:
                continue
            tail, head = self.arc(position)
            value = self.value(position)
            low, high = self.bounds(position)
            if high is None or value < high:
                graph.setdefault(tail, []).append(head)
            if value > low:
                graph.setdefault(head, []).append(tail)
        return graph

    def changeable(self, position: Position) -> bool:
        """Whether another table with the same published face gives ``position`` another
        value (a unit of flow round a residual cycle through it, either way)."""
        tail, head = self.arc(position)
        value = self.value(position)
        low, high = self.bounds(position)
        graph = self.residual(position)
        up = high is None or value < high
        down = value > low
        if (up and _reaches(graph, head, tail)) or (down and _reaches(graph, tail, head)):
            return True
        if not self.virtual:
            return False
        return (up and _reaches_once(graph, self.virtual, head, tail)) or (
            down and _reaches_once(graph, self.virtual, tail, head)
        )


def _reaches_once(
    graph: dict[Node, list[Node]], virtual: Sequence[tuple[Node, Node]], start: Node, goal: Node
) -> bool:
    """A path from ``start`` to ``goal`` using exactly one virtual arc (a move of the shared
    margin that every other linked table can make): the search runs on two copies of the
    graph, the virtual arcs being the only way from the first to the second."""
    seen = {(start, 0)}
    stack = [(start, 0)]
    while stack:
        node, layer = stack.pop()
        if node == goal and layer == 1:
            return True
        steps = [(nxt, layer) for nxt in graph.get(node, ())]
        if layer == 0:
            steps += [(head, 1) for tail, head in virtual if tail == node]
        for step in steps:
            if step not in seen:
                seen.add(step)
                stack.append(step)
    return False


def _reaches(graph: dict[Node, list[Node]], start: Node, goal: Node) -> bool:
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in graph.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _apply_line_rule(net: _Network) -> None:
    changed = True
    while changed:
        changed = False
        for name, line in net.lines():
            hidden = [p for p in line if p in net.suppressed]
            if len(hidden) != 1:
                continue
            candidates = [
                p
                for p in line
                if p not in net.suppressed and p not in net.fixed and net.value(p) > 0
            ]
            # always non-empty for a table alone (module docstring, rule 2); in a linked
            # table the only candidates may be known entries: the caller hides them jointly
            if not candidates:
                net.requests.update(
                    p for p in line if p in net.fixed and p not in net.suppressed and net.value(p)
                )
                continue
            if net.fixed:
                # with known entries, a candidate whose other line holds only known entries
                # (and zeros) could never be protected: prefer one that can
                alive = [p for p in candidates if not _dead_end(net, p, line)]
                candidates = alive or candidates
            choice = min(candidates, key=lambda p: (net.value(p), net.is_total(p), p))
            net.add(
                choice,
                "secondary",
                f"{name} had one suppressed entry, at {_name(net, hidden[0])}",
            )
            changed = True


def _dead_end(net: _Network, position: Position, line: list[Position]) -> bool:
    """Whether the other line through ``position`` (not ``line``) has no entry but known ones
    shown and zeros: hidden there, ``position`` would be that line's only hidden entry for
    good."""
    i, j = position
    across = all(p[0] == i for p in line)
    other = (
        [(k, j) for k in range(net.rows + 1)]
        if across
        else [(i, k) for k in range(net.columns + 1)]
    )
    return all(
        q == position or net.value(q) == 0 or (q in net.fixed and q not in net.suppressed)
        for q in other
    )


def _repair(net: _Network, pinned: Position) -> bool:
    """Suppress the cheapest set of further entries that closes a residual cycle through
    ``pinned``; ``False`` if none exists."""
    tail, head = net.arc(pinned)
    value = net.value(pinned)
    low, high = net.bounds(pinned)
    options: list[tuple[int, int, tuple[Position, ...]]] = []
    if high is None or value < high:
        found = _cheapest_path(net, pinned, head, tail)
        if found is not None:
            options.append(found)
    if value > low:
        found = _cheapest_path(net, pinned, tail, head)
        if found is not None:
            options.append(found)
    if not options:
        return False
    _, _, new = min(options)
    for position in new:
        net.add(
            position,
            "secondary",
            f"so that {_name(net, pinned)} cannot be worked out from the published entries",
        )
    return True


def _cheapest_path(
    net: _Network, pinned: Position | None, start: Node, goal: Node
) -> tuple[int, int, tuple[Position, ...]] | None:
    """Least (sum of new counts, number of new entries, new positions) path from ``start`` to
    ``goal`` over residual arcs of suppressed entries (free) and of unsuppressed non-zero
    entries (costing their count if suppressed as ``"*"``), never using ``pinned``."""
    arcs: dict[Node, list[tuple[Node, int, Position | None]]] = {}
    for node, heads in net.residual(pinned).items():
        for nxt in heads:
            arcs.setdefault(node, []).append((nxt, 0, None))
    for position in net.positions:
        value = net.value(position)
        if position in net.suppressed or position in net.fixed or value == 0:
            continue
        tail, head = net.arc(position)
        arcs.setdefault(tail, []).append((head, value, position))  # "*" may always rise
        if value > net.threshold:
            arcs.setdefault(head, []).append((tail, value, position))
    counter = itertools.count()
    queue: list[tuple[int, int, tuple[Position, ...], int, Node]] = [
        (0, 0, (), next(counter), start)
    ]
    done: set[Node] = set()
    while queue:
        cost, number, new, _, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            return cost, number, new
        for nxt, price, entry in arcs.get(node, ()):
            if nxt in done:
                continue
            if entry is None:
                heapq.heappush(queue, (cost, number, new, next(counter), nxt))
            else:
                added = tuple(sorted((*new, entry)))
                heapq.heappush(queue, (cost + price, number + 1, added, next(counter), nxt))
    return None


def _name(net: _Network, position: Position) -> str:
    i, j = position
    row = "totals row" if i == net.rows else f"row {i + 1}"
    column = "totals column" if j == net.columns else f"column {j + 1}"
    return f"{row}, {column}"
