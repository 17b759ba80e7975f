"""Publication-mode suppression of tables that share a margin, audited jointly.

Tables of the report often share totals: the cohort tables all count the same deaths in the
same review-status columns; the problem tables share their harm columns. A reader who solves
every published table at once knows more than one who reads each alone: before this module,
about 2% of random linked pairs that were each safe alone still gave a hidden entry away read
together. The method here makes the joint reading safe (for the reader model of
``suppression.py``: every line of every table an equation, ``"<5"`` is 1 to 4, ``"*"`` is 5
or more, zeros are shown).

The method
----------
The shared margin ``m_1 .. m_n`` with its grand total ``G`` is one line. Tables are
independent given the margin: fix the margin at its true values and each table's other entries
can be chosen on their own. So:

1. **The margin first**: its entries of 1 to 4 are hidden; then, as one line, no lone hidden
   entry, and every hidden entry has a *move* (``+1``/``-1`` against another hidden entry, or
   with ``G`` if ``G`` is hidden) within both entries' bounds; the smallest shown entry is
   hidden until that holds. The pattern is the same in every table.
2. **Each table, with the margin held known**: ``suppress``'s primary, line and audit rules,
   the margin entries never chosen and never used to protect another entry. An entry that can
   only move together with the margin may use one *virtual arc*: a margin move that every
   other table can make with its own hidden entries (checked as a residual path in each).
   The search allows exactly one virtual arc (two copies of the graph), so the cycle found
   is one margin move, made by the other tables independently.
3. **Every hidden margin entry jointly**: it needs one move that every table can make (a
   residual path in each table between the two margin arcs). If not, the cheapest further
   suppressions that give every table the path are added (least sum of counts, then fewest),
   or, failing that, one more margin entry is hidden.

Every choice is kept from one round to the next (patterns only grow), so this ends; if nothing
more can be hidden the tables are **withheld** (every entry ``"*"``). Guarantee: every hidden
entry of every table has another value in some set of tables with the same published face
(for a non-margin entry, the other tables unchanged or moved by one margin move; for a margin
entry, every table moved by the same margin move). The tests check it with the brute-force
reader over all linked tables at once (``tests/unit/report/disclosure.py``).

Not covered: tables that share cells rather than a margin, or a table that adds up rows of
another; the report prints those as *derived* tables, which show only what can already be
added up from the published base (``tables.publish_derived``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from reviewer_app.services.report.suppression import (
    THRESHOLD,
    Node,
    Position,
    SuppressedTable,
    _render,
    _run,
    augment,
)
from reviewer_app.services.report.suppression_network import _cheapest_path, _Network, _reaches

__all__ = ["suppress_linked"]


def suppress_linked(
    tables: Sequence[Sequence[Sequence[int]]],
    shared: Literal["rows", "columns"],
    *,
    threshold: int = THRESHOLD,
    known: Sequence[Iterable[Position]] | None = None,
    margin_known: Iterable[int] = (),
) -> list[SuppressedTable]:
    """Suppress tables that share their row totals (``shared="rows"``: same rows, e.g. one
    table by setting and one by phase) or their column totals, audited **jointly** (module
    docstring, "Across tables"). ``known`` gives each table's own known positions;
    ``margin_known`` the indices along the shared margin (the last is the grand total) that
    a reader knows from elsewhere."""
    if not tables:
        return []
    augmented = [augment(t) for t in tables]
    margins = [_shared_margin(a, shared) for a in augmented]
    if any(m != margins[0] for m in margins[1:]):
        raise ValueError(f"the tables do not share their {shared} totals")
    margin = margins[0]
    joint = _Joint(
        tables=tables,
        augmented=augmented,
        shared=shared,
        threshold=threshold,
        margin=margin,
        fixed_margin={i for i in margin_known if not 1 <= margin[i] < threshold},
        own_known=[list(k) for k in known] if known is not None else [[] for _ in tables],
        extra=[set() for _ in tables],
        virtual=[[] for _ in tables],
    )
    while True:
        done = joint.step()
        if done is not None:
            return done


@dataclass
class _Joint:
    """The joint audit of linked tables as it goes: the shared-margin entries hidden, each
    table's own choices kept (``extra``) and the margin moves the others allow (``virtual``).
    The patterns only grow, so the rounds end."""

    tables: Sequence[Sequence[Sequence[int]]]
    augmented: list[tuple[tuple[int, ...], ...]]
    shared: Literal["rows", "columns"]
    threshold: int
    margin: tuple[int, ...]
    fixed_margin: set[int]
    own_known: list[list[Position]]
    extra: list[set[Position]]
    virtual: list[list[tuple[Node, Node]]]
    hidden: set[int] = field(default_factory=set)

    def withheld(self) -> list[SuppressedTable]:
        return [_withheld(a, self.threshold) for a in self.augmented]

    def nets(self) -> list[_Network]:
        return [
            _run(
                table,
                self.threshold,
                {*_margin_positions(a, self.shared, self.hidden), *more},
                own,
                _margin_positions(a, self.shared, None),
                arcs,
            )[0]
            for table, a, more, own, arcs in zip(
                self.tables, self.augmented, self.extra, self.own_known, self.virtual, strict=True
            )
        ]

    def step(self) -> list[SuppressedTable] | None:
        """One round: the tables as suppressed (or withheld), or ``None`` to go round again."""
        pattern = _margin_pattern(self.margin, self.hidden, self.threshold, self.fixed_margin)
        if pattern is None:
            return self.withheld()
        self.hidden = pattern
        nets = self.nets()
        requested = {
            index
            for net, a in zip(nets, self.augmented, strict=True)
            for index, position in enumerate(_margin_positions(a, self.shared, None))
            if position in net.requests
        }
        if requested & self.fixed_margin:
            # a line can only be protected by hiding a total the reader knows: it cannot be
            return self.withheld()
        if requested - self.hidden:
            self.hidden |= requested
            return None
        # keep every choice (the patterns only grow, so this ends), then the moves they allow
        grown = False
        for k, net in enumerate(nets):
            mine = {p for p in net.suppressed if p not in net.fixed}
            if mine - self.extra[k]:
                self.extra[k] |= mine
                grown = True
        moves = _virtual_arcs(nets, self.shared, self.margin, self.hidden)
        if moves != self.virtual:
            self.virtual = moves
            return None
        if grown and any(net.unresolved for net in nets):
            return None
        return self.settle(nets)

    def settle(self, nets: list[_Network]) -> list[SuppressedTable] | None:
        """Every request met: done, or repair a hidden entry that cannot change, or hide
        one more margin entry (the smallest)."""
        margin, hidden = self.margin, self.hidden
        stuck = next(
            (
                i
                for i in sorted(hidden)
                if not _jointly_changeable(nets, self.shared, margin, hidden, i)
            ),
            None,
        )
        if stuck is None and not any(net.unresolved for net in nets):
            return [_render(net.counts, net, False) for net in nets]
        repair = None if stuck is None else _joint_repair(nets, self.shared, margin, hidden, stuck)
        if repair is not None:
            for k, positions in enumerate(repair):
                self.extra[k] |= positions
            return None
        candidates = [
            i
            for i in range(len(margin))
            if i not in hidden and i not in self.fixed_margin and margin[i]
        ]
        if not candidates:
            return self.withheld()
        grand = len(margin) - 1
        hidden.add(min(candidates, key=lambda i: (margin[i], i == grand, i)))
        return None


def _virtual_arcs(
    nets: Sequence[_Network], shared: str, margin: Sequence[int], hidden: set[int]
) -> list[list[tuple[Node, Node]]]:
    """For each table, the margin moves every *other* table can make, as arcs of its own
    network (the move's margin part, from the end of the path the table would need back to
    its start)."""
    found: list[list[tuple[Node, Node]]] = [[] for _ in nets]
    threshold = nets[0].threshold
    for index in sorted(hidden):
        for step, partner, other in _margin_moves(margin, hidden, threshold, index):
            allows = [
                _table_allows(net, _move_paths(net, shared, index, step, partner, other))
                for net in nets
            ]
            for k, net in enumerate(nets):
                if all(allows[:k] + allows[k + 1 :]):
                    for start, goal in _move_paths(net, shared, index, step, partner, other):
                        if start != goal:
                            found[k].append((goal, start))
    return [sorted(set(arcs)) for arcs in found]


def _withheld(counts: tuple[tuple[int, ...], ...], threshold: int) -> SuppressedTable:
    return _render(counts, _Network(counts, threshold), True)


def _bounds(value: int, threshold: int) -> tuple[int, int | None]:
    return (1, threshold - 1) if value < threshold else (threshold, None)


def _can_move(value: int, threshold: int, step: int) -> bool:
    low, high = _bounds(value, threshold)
    return (high is None or value < high) if step > 0 else value > low


def _margin_moves(
    margin: Sequence[int], hidden: set[int], threshold: int, index: int
) -> list[tuple[int, int, int]]:
    """Moves ``(step, partner, partner_step)`` of hidden margin entry ``index`` that keep
    the margin's own line (its entries sum to the grand total) and every bound."""
    grand = len(margin) - 1
    found = []
    for partner in sorted(hidden - {index}):
        for step in (1, -1):
            other = step if grand in (index, partner) else -step
            if _can_move(margin[index], threshold, step) and _can_move(
                margin[partner], threshold, other
            ):
                found.append((step, partner, other))
    return found


def _margin_pattern(
    margin: Sequence[int], hidden: set[int], threshold: int, fixed: set[int]
) -> set[int] | None:
    """The shared margin's hidden entries, as one line (entries + grand total): primary,
    then no lone hidden entry, then every hidden entry with a move (``None``: impossible)."""
    found = set(hidden) | {i for i, v in enumerate(margin) if 1 <= v < threshold}
    grand = len(margin) - 1
    while True:
        lone = len(found) == 1
        stuck = lone or any(not _margin_moves(margin, found, threshold, i) for i in found)
        if not stuck:
            return found
        candidates = [i for i, v in enumerate(margin) if v and i not in found and i not in fixed]
        if not candidates:
            return None
        found.add(min(candidates, key=lambda i: (margin[i], i == grand, i)))


def _move_paths(  # noqa: PLR0917
    net: _Network, shared: str, index: int, step: int, partner: int, other: int
) -> list[tuple[Node, Node]]:
    """The residual paths table ``net`` needs so its margin entries ``index`` and ``partner``
    move by ``step`` and ``other`` while every other known entry stays (module docstring)."""
    positions = _margin_positions(net.counts, shared, None)
    a_tail, a_head = net.arc(positions[index])
    b_tail, b_head = net.arc(positions[partner])
    if step < 0:
        a_tail, a_head = a_head, a_tail
    if other < 0:
        b_tail, b_head = b_head, b_tail
    # a cycle: a (as moved), then a path to b's tail, b (as moved), then a path back to a
    return [(a_head, b_tail), (b_head, a_tail)]


def _table_allows(net: _Network, paths: list[tuple[Node, Node]]) -> bool:
    graph = net.residual(None)
    return all(start == goal or _reaches(graph, start, goal) for start, goal in paths)


def _jointly_changeable(
    nets: Sequence[_Network], shared: str, margin: Sequence[int], hidden: set[int], index: int
) -> bool:
    for step, partner, other in _margin_moves(margin, hidden, nets[0].threshold, index):
        if all(
            _table_allows(net, _move_paths(net, shared, index, step, partner, other))
            for net in nets
        ):
            return True
    return False


def _joint_repair(
    nets: Sequence[_Network], shared: str, margin: Sequence[int], hidden: set[int], index: int
) -> list[set[Position]] | None:
    """The cheapest further suppressions, table by table, that let hidden margin entry
    ``index`` move with one partner in every table; ``None`` if no partner can."""
    best: tuple[int, int, list[set[Position]]] | None = None
    for step, partner, other in _margin_moves(margin, hidden, nets[0].threshold, index):
        cost = number = 0
        added: list[set[Position]] = []
        for net in nets:
            new: set[Position] = set()
            for start, goal in _move_paths(net, shared, index, step, partner, other):
                if start == goal:
                    continue
                found = _cheapest_path(net, None, start, goal)
                if found is None:
                    break
                cost += found[0]
                number += found[1]
                new.update(found[2])
            else:
                added.append(new)
                continue
            break
        else:
            if any(added) and (best is None or (cost, number) < best[:2]):
                best = (cost, number, added)
    return None if best is None else best[2]


def _shared_margin(counts: tuple[tuple[int, ...], ...], shared: str) -> tuple[int, ...]:
    if shared == "rows":
        return tuple(row[-1] for row in counts)
    if shared == "columns":
        return counts[-1]
    raise ValueError(f"shared must be 'rows' or 'columns', not {shared!r}")


def _margin_positions(
    counts: tuple[tuple[int, ...], ...], shared: str, indices: set[int] | None
) -> list[Position]:
    rows = len(counts) - 1
    columns = len(counts[0]) - 1
    if shared == "rows":
        every = [(i, columns) for i in range(rows + 1)]
    else:
        every = [(rows, j) for j in range(columns + 1)]
    if indices is None:
        return every
    return [p for index, p in enumerate(every) if index in indices]
