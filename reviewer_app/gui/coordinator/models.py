"""The table model every section uses: rows of display values from a service, searchable.

``RowsModel`` shows rows exactly as a section built them from a service's result (no
arithmetic here), filtered by the search box (any column, ignoring case) and, for the
overview's links, by one column's exact value, and sorted by a clicked column heading.

Filtering and sorting are done here, in one pass over lists made when the rows are set (each
row's cells casefolded, each cell's sort key), not by a proxy model asking Python about every
row: on 10,000 rows a proxy's per-row calls stalled the GUI thread on every keystroke.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from reviewer_app.domain.natural_order import NaturalKey, natural_key

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's key (a case or reviewer ref, a file name): what a selection acts on."""


@dataclass(frozen=True)
class Row:
    key: str
    values: tuple[object, ...]
    emphasis: str = ""  # non-empty: shown bold, with this as the row's tooltip (e.g. "overdue")


class RowsModel(QAbstractTableModel):
    """A read-only table of ``Row``s under fixed column headings; ``rows`` is every row,
    ``rowCount()`` the rows shown (the search and the exact filter applied)."""

    def __init__(self, columns: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Row] = []
        self.search_texts: list[str] = []  # each row's cells, casefolded, for the search box
        self.order: list[int] = []  # every row, in the sorted order
        self.shown: list[int] = []  # the rows shown, in order (indexes into rows)
        self._text = ""
        self._column: int | None = None
        self._value = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.search_texts = [
            "\x1f".join(str(v).casefold() for v in row.values if v is not None) for row in self.rows
        ]
        self.order = self._sorted()
        self.shown = self._matching()
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, shown_row: int) -> Row:
        return self.rows[self.shown[shown_row]]

    # -- filtering

    def set_text(self, text: str) -> None:
        self._text = text.strip().casefold()
        self._refilter()

    def set_exact(self, column: int | None, value: str = "") -> None:
        """Only rows whose ``column`` reads exactly ``value`` (None: no such filter)."""
        self._column, self._value = column, value
        self._refilter()

    @property
    def exact(self) -> tuple[int | None, str]:
        return self._column, self._value

    def _refilter(self) -> None:
        shown = self._matching()
        if shown != self.shown:
            self.beginResetModel()
            self.shown = shown
            self.endResetModel()

    def _matching(self) -> list[int]:
        text, column, texts = self._text, self._column, self.search_texts
        found = self.order if not text else [i for i in self.order if text in texts[i]]
        if column is None:
            return list(found)
        rows, value = self.rows, self._value
        return [i for i in found if cell_text(rows[i], column) == value]

    # -- sorting (a click on a column heading)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order) if 0 <= column < len(self.columns) else None
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        held = [(self.shown[i.row()], i.column()) for i in before if i.row() < len(self.shown)]
        self.order = self._sorted()
        self.shown = self._matching()
        place = {source: row for row, source in enumerate(self.shown)}
        self.changePersistentIndexList(
            before[: len(held)],
            [self.index(place[s], c) if s in place else QModelIndex() for s, c in held],
        )
        self.layoutChanged.emit()

    def _sorted(self) -> list[int]:
        every = list(range(len(self.rows)))
        if self._sort is None:
            return every
        column, order = self._sort
        keys = [_sort_key(row, column) for row in self.rows]
        every.sort(key=keys.__getitem__, reverse=order == Qt.SortOrder.DescendingOrder)
        return every

    # -- the model

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.shown):
            return None
        row = self.rows[self.shown[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(row, index.column())
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.FontRole and row.emphasis:
            return _bold()
        if role == Qt.ItemDataRole.ToolTipRole:
            text = cell_text(row, index.column())
            tip = " — ".join(t for t in (text if len(text) > 40 else "", row.emphasis) if t)
            return tip or None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section]
        return None

    def keys(self) -> list[str]:
        return [row.key for row in self.rows]

    def shown_keys(self) -> list[str]:
        return [self.rows[i].key for i in self.shown]


@cache
def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


def cell_text(row: Row, column: int) -> str:
    value = row.values[column] if 0 <= column < len(row.values) else ""
    return "" if value is None else str(value)


def _sort_key(row: Row, column: int) -> tuple[int, float, NaturalKey]:
    """Numbers as numbers (before text), text as a person numbers it (2.1 before 10.1),
    ignoring case."""
    value = row.values[column] if 0 <= column < len(row.values) else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return (0, float(value), ())
    return (1, 0.0, () if value is None else natural_key(str(value)))
