"""Publication-mode small-number suppression of a two-way table of counts with its totals.

The table
---------
A table of ``R`` rows and ``C`` columns of whole counts is published with its row totals, its
column totals and its grand total. Positions are ``(row, column)`` in the **augmented** table
of ``R + 1`` rows and ``C + 1`` columns: row ``R`` is the totals row, column ``C`` the totals
column, ``(R, C)`` the grand total. Totals are counts like any other: they are suppressed by
the same rules (and may be chosen for secondary suppression).

A *line* is one additive relation of the augmented table: each row (its cells and its total),
the totals row (the column totals and the grand total), each column, and the totals column.

The rule
--------
1. **Primary**: every count from 1 to 4 (``1 <= count < threshold``, threshold 5) is shown as
   ``"<5"``. Zeros are shown: a zero is never suppressed, primary or secondary, so a reader
   knows that ``"<5"`` is 1 to 4 and ``"*"`` is at least 5.
2. **Secondary, line rule**: a line holding exactly one suppressed entry gives it away (the
   total minus the others). The smallest non-zero unsuppressed entry of that line is
   suppressed too (shown ``"*"``). Lines are visited top to bottom (rows, then the totals row),
   then left to right (columns, then the totals column), repeating until no line has exactly
   one. Such a line always has a candidate: were its other entries all zero, its total would
   equal the one suppressed cell, so the total is the candidate (it is suppressed like a
   cell, and the totals row or column then needs its own second entry).
3. **Secondary, audit**: the line rule is necessary, not sufficient. Two entries of one line,
   both 4 with the rest zero and a published total of 8, are both pinned by ``"<5"`` meaning at
   most 4; a chain of suppressed cells may be closed by published cells. So every suppressed
   entry is then audited exactly (below); an entry that could be worked out gets a cycle of
   further suppressions, the cheapest one (least sum of the counts newly suppressed, then
   fewest, then the first in reading order), and the line rule and the audit repeat until no
   suppressed entry can be pinned.

Ties are broken deterministically: the smallest count, then a cell before a total, then reading
order (row, then column, of the augmented table).

The audit
---------
The augmented table is a circulation: a source feeds each row its total, each row sends each
column its cell, each column sends a sink its total, and the sink returns the grand total to
the source; every line is a conservation law at one node. A reader who knows the published
entries, that ``"<5"`` is in 1..4 and ``"*"`` is 5 or more, can work out a suppressed entry
exactly if and only if no other table with the same published face gives it another value.
Because the constraints are those of a network flow (integral), another value exists iff one
unit of flow can be pushed round a cycle through the entry in the residual graph of the
suppressed entries (an entry can rise if below its upper bound, fall if above its lower
bound). The audit checks that cycle for every suppressed entry, both ways. It is exact for
this model of the reader; it does not cover a reader who also knows the suppression
algorithm's choices, or outside sources.

If no set of further suppressions could protect an entry (not seen on any table the tests
generate) the whole table is **withheld**: every entry, zeros too, is shown ``"*"``.

Shares
------
A share whose count or denominator is suppressed is suppressed with the same marker
(:func:`share_table`): publishing it beside a published denominator would give the count back.

Across tables
-------------
Tables of one report that share a margin (the same row totals, or the same column totals, and
so the same grand total) are suppressed **jointly** by
:func:`~reviewer_app.services.report.linked_suppression.suppress_linked`; see that module.
:func:`suppress` takes ``known`` positions for a total a reader knows from elsewhere: such an
entry is never chosen to protect another, so the protection holds with it published.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from reviewer_app.services.report.suppression_network import (
    PRIMARY,
    SECONDARY,
    Kind,
    Node,
    Position,
    Suppression,
    _apply_line_rule,
    _Network,
    _repair,
)

__all__ = [
    "PRIMARY",
    "SECONDARY",
    "THRESHOLD",
    "Kind",
    "Node",
    "Position",
    "SuppressedTable",
    "Suppression",
    "augment",
    "pinned_entries",
    "share_marker",
    "share_table",
    "suppress",
]

THRESHOLD = 5


@dataclass(frozen=True)
class SuppressedTable:
    """A table as published: ``cells`` are the strings of the augmented table (totals row
    last, totals column last), ``counts`` the true counts behind them, ``suppressions`` every
    suppressed entry in the order it was decided."""

    counts: tuple[tuple[int, ...], ...]
    cells: tuple[tuple[str, ...], ...]
    suppressions: tuple[Suppression, ...]
    threshold: int = THRESHOLD
    withheld: bool = False

    @property
    def rows(self) -> int:
        """Rows of the body (the totals row not counted)."""
        return len(self.counts) - 1

    @property
    def columns(self) -> int:
        """Columns of the body (the totals column not counted)."""
        return len(self.counts[0]) - 1

    def suppression(self, position: Position) -> Suppression | None:
        for entry in self.suppressions:
            if entry.position == position:
                return entry
        return None

    def is_suppressed(self, position: Position) -> bool:
        return self.withheld or self.suppression(position) is not None

    @property
    def suppressed_positions(self) -> frozenset[Position]:
        return frozenset(entry.position for entry in self.suppressions)


def augment(table: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The table with its totals column and totals row appended."""
    body = [list(row) for row in table]
    if not body or not body[0]:
        raise ValueError("a table needs at least one row and one column")
    width = len(body[0])
    if any(len(row) != width for row in body):
        raise ValueError("every row of a table needs the same number of columns")
    for row in body:
        for value in row:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"counts are whole numbers of at least 0, not {value!r}")
    rows = [(*row, sum(row)) for row in body]
    totals = tuple(sum(row[j] for row in rows) for j in range(width + 1))
    return (*rows, totals)


def suppress(
    table: Sequence[Sequence[int]],
    *,
    threshold: int = THRESHOLD,
    forced: Iterable[Position] = (),
    known: Iterable[Position] = (),
) -> SuppressedTable:
    """Suppress ``table`` (its body: totals are added here) for publication.

    ``forced`` are augmented positions to suppress whatever their count (zeros excepted:
    used by :func:`suppress_linked` for shared totals); ``threshold`` is the first count
    shown (5). ``known`` are positions a reader knows from elsewhere (a total every row
    shares, a margin published in a linked table): they are never chosen for secondary
    suppression and never used to protect another entry, so every suppressed entry that is
    not known can still take another value with every known entry held at its true value.
    A known position that is itself suppressed (forced) is left to the caller to protect
    (:func:`suppress_linked` does, jointly). A known count of 1 to 4 is not known (it is
    shown as "<5" wherever it is published) and is treated like any other.
    """
    net, withheld = _run(table, threshold, forced, known, ())
    return _render(net.counts, net, withheld)


def _run(  # noqa: PLR0917
    table: Sequence[Sequence[int]],
    threshold: int,
    forced: Iterable[Position],
    known: Iterable[Position],
    fixed: Iterable[Position],
    virtual: Sequence[tuple[Node, Node]] | None = None,
) -> tuple[_Network, bool]:
    """The suppression of one table; ``fixed`` are always known (a linked margin).

    ``virtual`` (linked tables only) are the margin moves the other tables allow; an entry
    that cannot be protected is then left in ``net.unresolved`` for the caller, instead of
    withholding the table."""
    if threshold < 2:
        raise ValueError("the threshold must be at least 2")
    counts = augment(table)
    net = _Network(counts, threshold)
    for position in known:
        net.check_position(position)
        if not 1 <= net.value(position) < threshold:
            net.fixed.add(position)
    for position in fixed:
        net.check_position(position)
        net.fixed.add(position)
    for position in net.positions:
        value = net.value(position)
        if 1 <= value < threshold:
            net.add(position, "primary", f"count {value} is below {threshold}")
    for position in sorted(set(forced)):
        net.check_position(position)
        if net.value(position) and position not in net.suppressed:
            net.add(position, "secondary", "so that the linked tables cannot be read together")

    if virtual is not None:
        net.virtual = list(virtual)
    withheld = False
    while True:
        _apply_line_rule(net)
        pinned = next(
            (
                p
                for p in net.order(net.suppressed)
                if p not in net.fixed and p not in net.unresolved and not net.changeable(p)
            ),
            None,
        )
        if pinned is None:
            break
        if not _repair(net, pinned):
            if virtual is None:
                withheld = True
                break
            net.unresolved.add(pinned)
    return net, withheld


def pinned_entries(result: SuppressedTable) -> list[Position]:
    """Suppressed entries a reader could work out exactly (the audit; empty for a table made
    by :func:`suppress`). Useful to check a suppression pattern made elsewhere."""
    if result.withheld:
        return []
    net = _Network(result.counts, result.threshold)
    for entry in result.suppressions:
        net.add(entry.position, entry.kind, entry.reason)
    return [p for p in net.order(net.suppressed) if not net.changeable(p)]


def share_table(
    result: SuppressedTable,
    denominator: Literal["row", "column", "total"],
    *,
    decimals: int = 1,
) -> tuple[tuple[str, ...], ...]:
    """Percentages of the augmented table over its row totals, column totals or grand total,
    as strings with ``decimals`` places. A share whose count or denominator is suppressed
    shows that entry's marker (the count's if both are); a zero denominator shows ``"-"``."""
    out: list[tuple[str, ...]] = []
    rows = result.rows
    columns = result.columns
    for i in range(rows + 1):
        line: list[str] = []
        for j in range(columns + 1):
            base = {"row": (i, columns), "column": (rows, j), "total": (rows, columns)}[denominator]
            line.append(_share(result, (i, j), base, decimals))
        out.append(tuple(line))
    return tuple(out)


def share_marker(result: SuppressedTable, count: Position, base: Position) -> str | None:
    """The marker a share ``count / base`` (two augmented positions) must show instead of its
    value, or ``None`` if it may be published."""
    for position in (count, base):
        if result.withheld:
            return SECONDARY
        entry = result.suppression(position)
        if entry is not None:
            return entry.marker
    return None


def _render(counts: tuple[tuple[int, ...], ...], net: _Network, withheld: bool) -> SuppressedTable:
    cells = tuple(
        tuple(
            SECONDARY
            if withheld
            else (net.suppressed[(i, j)].marker if (i, j) in net.suppressed else str(value))
            for j, value in enumerate(row)
        )
        for i, row in enumerate(counts)
    )
    return SuppressedTable(counts, cells, tuple(net.log), net.threshold, withheld)


def _share(result: SuppressedTable, count: Position, base: Position, decimals: int) -> str:
    denominator = result.counts[base[0]][base[1]]
    marker = share_marker(result, count, base)
    if marker is not None:
        return marker
    if denominator == 0:
        return "-"
    share = Fraction(result.counts[count[0]][count[1]] * 100, denominator)
    return f"{float(share):.{decimals}f}"
