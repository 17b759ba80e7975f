"""The report's tables as data: whole counts with labels, a denominator, and how they publish.

A :class:`CountTable` is what a figures function returns: the body of counts (rows x columns),
its labels, the unit counted and the denominator stated under it. Totals are always computed
(the ``Total`` row and column, :func:`suppression.augment`); ``totals`` says whether the report
shows them (a table of a multiple-choice answer, where a case counts in several columns, does
not). :class:`Published` is a table as printed: the strings of the augmented table (numbers, or
``"<5"`` and ``"*"`` in publication mode) and of its shares. The PDF, the JSON and the
``tables/*.csv`` exports all print the same :class:`Published` strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Literal

from reviewer_app.services.report.suppression import (
    PRIMARY,
    SECONDARY,
    THRESHOLD,
    Position,
    SuppressedTable,
    augment,
    share_table,
)

ShareBasis = Literal["row", "column", "total"]
TOTAL = "Total"
_COUNT = re.compile("\u27e6(\\d+)\u27e7")


def num(count: int) -> str:
    """A count inside a sentence (a denominator): printed as it is in the taskforce copy and
    as ``"<5"`` for 1 to 4 in the publication copy (see :func:`counts_in`)."""
    return f"\u27e6{count}\u27e7"


def counts_in(text: str, publication: bool) -> str:
    """``text`` with the counts marked by :func:`num` printed for this copy."""

    def put(match: re.Match[str]) -> str:
        value = int(match.group(1))
        return PRIMARY if publication and 1 <= value < THRESHOLD else str(value)

    return _COUNT.sub(put, text)


@dataclass(frozen=True)
class CountTable:
    key: str
    title: str
    row_header: str
    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    body: tuple[tuple[int, ...], ...]
    unit: str
    denominator: str
    totals: bool = True
    share: ShareBasis | None = "row"
    note: str = ""
    known: frozenset[Position] = field(default_factory=frozenset)
    """Augmented positions a reader knows from elsewhere (e.g. every row of the care-score
    table totals the fully reviewed cases): never suppressed, never used to protect another."""

    def __post_init__(self) -> None:
        if len(self.body) != len(self.row_labels):
            raise ValueError(f"{self.key}: {len(self.body)} rows, {len(self.row_labels)} labels")
        for row in self.body:
            if len(row) != len(self.column_labels):
                raise ValueError(f"{self.key}: a row does not match the column labels")

    @property
    def counts(self) -> tuple[tuple[int, ...], ...]:
        """The augmented counts (totals row and column last); a table with no row or no
        column is given zeros (one column or row of them) so it still has its shape."""
        if self.body and self.column_labels:
            return augment(self.body)
        return augment([[0] * max(1, len(self.column_labels))] * max(1, len(self.row_labels)))

    @property
    def empty(self) -> bool:
        return not self.body or not self.column_labels

    def cell(self, row: str, column: str) -> int:
        return self.body[self.row_labels.index(row)][self.column_labels.index(column)]

    def row_total(self, row: str) -> int:
        return sum(self.body[self.row_labels.index(row)])

    def column_total(self, column: str) -> int:
        j = self.column_labels.index(column)
        return sum(r[j] for r in self.body)

    @property
    def grand_total(self) -> int:
        return sum(sum(r) for r in self.body)


class SectionTables:
    """A section's figures (a frozen dataclass) whose tables are its ``CountTable`` fields.

    ``tables`` lists them in the order they are declared, so no section keeps a second list
    of its tables by hand (one a new table could be missing from).
    """

    __dataclass_fields__: ClassVar[dict[str, Any]]

    @property
    def tables(self) -> tuple[CountTable, ...]:
        values = (getattr(self, f.name) for f in fields(self))
        return tuple(value for value in values if isinstance(value, CountTable))


def make_table(  # noqa: PLR0917
    key: str,
    title: str,
    row_header: str,
    rows: Sequence[str],
    columns: Sequence[str],
    counts: dict[tuple[str, str], int],
    unit: str,
    denominator: str,
    **extra: Any,
) -> CountTable:
    """A table from a sparse ``(row, column) -> count`` mapping (missing pairs are 0)."""
    unknown = [k for k in counts if k[0] not in rows or k[1] not in columns]
    if unknown:
        raise ValueError(f"{key}: counts outside the table's labels: {unknown[:3]!r}")
    body = tuple(tuple(counts.get((r, c), 0) for c in columns) for r in rows)
    return CountTable(
        key, title, row_header, tuple(rows), tuple(columns), body, unit, denominator, **extra
    )


def every_case_per_row(rows: Sequence[str], columns: Sequence[str]) -> dict[str, Any]:
    """The options of a table each of whose rows counts every fully reviewed case once (a
    question per row): shares by row, no totals row, and every row's total known (it is the
    number of cases), so never suppressed nor used to protect another cell."""
    return {
        "share": "row",
        "totals": False,
        "known": frozenset((i, len(columns)) for i in range(len(rows) + 1)),
    }


@dataclass(frozen=True)
class Published:
    """A table as printed. ``cells`` and ``shares`` are the augmented table's strings."""

    table: CountTable
    cells: tuple[tuple[str, ...], ...]
    shares: tuple[tuple[str, ...], ...] | None
    suppressed: bool = False  # publication mode hid at least one entry
    withheld: bool = False
    publication: bool = False

    @property
    def denominator(self) -> str:
        """The table's denominator sentence as this copy prints it."""
        return counts_in(self.table.denominator, self.publication)

    def to_json(self) -> dict[str, Any]:
        t = self.table
        return {
            "key": t.key,
            "title": t.title,
            "unit": t.unit,
            "denominator": self.denominator,
            "note": t.note,
            "row_header": t.row_header,
            "rows": list(t.row_labels),
            "columns": list(t.column_labels),
            "totals_shown": t.totals,
            "share_basis": t.share,
            "cells": [list(r) for r in self.cells],
            "shares": None if self.shares is None else [list(r) for r in self.shares],
            "withheld": self.withheld,
        }


def plain(table: CountTable, decimals: int = 1, *, publication: bool = False) -> Published:
    """Every count as it is (the taskforce copy; in the publication copy only a table with
    nothing to hide, or of counts that are not of people)."""
    counts = table.counts
    cells = tuple(tuple(str(v) for v in row) for row in counts)
    result = SuppressedTable(counts, cells, ())
    shares = None if table.share is None else share_table(result, table.share, decimals=decimals)
    return Published(table, cells, shares, publication=publication)


def from_suppressed(table: CountTable, result: SuppressedTable, decimals: int = 1) -> Published:
    shares = None if table.share is None else share_table(result, table.share, decimals=decimals)
    return Published(
        table,
        result.cells,
        shares,
        bool(result.suppressions) or result.withheld,
        result.withheld,
        publication=True,
    )


def marker_for(value: int) -> str:
    """The marker of a hidden count: ``"<5"`` for 1 to 4, ``"*"`` otherwise."""
    return PRIMARY if 1 <= value < THRESHOLD else SECONDARY


def is_hidden(text: str) -> bool:
    return text in (PRIMARY, SECONDARY)


@dataclass(frozen=True)
class Derived:
    """A table whose every entry is a sum of entries of a base table (the dashboard's
    quarters, the grade-by-grade avoidability table). ``parts`` maps each augmented position
    of ``table`` to the augmented positions of the base it adds up; a position not listed is
    never published (shown ``"*"``/``"<5"``) in publication mode.

    Published rule: an entry is shown only if every part is shown in the published base, so
    a derived table publishes nothing a reader could not already add up from the base."""

    table: CountTable
    base: str
    parts: dict[Position, tuple[Position, ...]]
    also: dict[Position, tuple[Position, ...]] = field(default_factory=dict)
    """Another set of base entries an entry can be worked out from (``also[p]``: e.g. the
    grand total and the hospital deaths give the deaths elsewhere): the entry is shown if
    every entry of ``parts[p]`` or every entry of ``also[p]`` is shown."""


def publish_derived(derived: Derived, base: Published | None, decimals: int = 1) -> Published:
    """``derived`` as printed beside its published ``base`` (``None``: taskforce copy)."""
    table = derived.table
    counts = table.counts
    if base is None:
        return plain(table, decimals)
    cells: list[tuple[str, ...]] = []
    for i, row in enumerate(counts):
        line = []
        for j, value in enumerate(row):
            parts = derived.parts.get((i, j))
            other = derived.also.get((i, j))
            shown = any(
                way is not None and all(not is_hidden(base.cells[p[0]][p[1]]) for p in way)
                for way in (parts, other)
            )
            line.append(
                str(value) if shown or (value == 0 and parts is not None) else marker_for(value)
            )
        cells.append(tuple(line))
    shares = None
    if table.share is not None:
        shares = _shares(counts, tuple(cells), table.share, decimals)
    hidden = any(is_hidden(t) for r in cells for t in r)
    return Published(table, tuple(cells), shares, hidden, publication=True)


def _shares(
    counts: tuple[tuple[int, ...], ...],
    cells: tuple[tuple[str, ...], ...],
    basis: ShareBasis,
    decimals: int,
) -> tuple[tuple[str, ...], ...]:
    rows, columns = len(counts) - 1, len(counts[0]) - 1
    out = []
    for i in range(rows + 1):
        line = []
        for j in range(columns + 1):
            bi, bj = {"row": (i, columns), "column": (rows, j), "total": (rows, columns)}[basis]
            if is_hidden(cells[i][j]):
                line.append(cells[i][j])
            elif is_hidden(cells[bi][bj]):
                line.append(cells[bi][bj])
            elif counts[bi][bj] == 0:
                line.append("-")
            else:
                line.append(f"{100 * counts[i][j] / counts[bi][bj]:.{decimals}f}")
        out.append(tuple(line))
    return tuple(out)
