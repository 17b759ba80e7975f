"""The table model every section uses: rows of display values from a service, searchable.

``RowsModel`` shows rows exactly as a section built them from a service's result (no
arithmetic here); ``SearchProxy`` filters them by the search box (any column, ignoring case)
and, for the overview's links, by one column's exact value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QFont

Index = QModelIndex | QPersistentModelIndex
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
"""The row's key (a case or reviewer ref, a file name): what a selection acts on."""


@dataclass(frozen=True)
class Row:
    key: str
    values: tuple[object, ...]
    emphasis: str = ""  # non-empty: shown bold, with this as the row's tooltip (e.g. "overdue")


class RowsModel(QAbstractTableModel):
    """A read-only table of ``Row``s under fixed column headings."""

    def __init__(self, columns: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Row] = []
        self.search_texts: list[str] = []  # each row's cells, casefolded, for the search box

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.search_texts = [
            "\x1f".join(str(v).casefold() for v in row.values if v is not None) for row in self.rows
        ]
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row.values[index.column()] if index.column() < len(row.values) else ""
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:  # sort key: numbers as numbers
            value = row.values[index.column()] if index.column() < len(row.values) else ""
            return value if isinstance(value, int | float) else str(value or "")
        if role == KEY_ROLE:
            return row.key
        if role == Qt.ItemDataRole.FontRole and row.emphasis:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            value = row.values[index.column()] if index.column() < len(row.values) else ""
            text = "" if value is None else str(value)
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


class SearchProxy(QSortFilterProxyModel):
    """Search text in any column (ignoring case), and optionally one column's exact value."""

    def __init__(self, source: RowsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setSortRole(Qt.ItemDataRole.UserRole)
        # Sorted when a column heading is clicked, not again after every keystroke of a search:
        # re-sorting 10,000 rows through Python on each filter change stalled the GUI thread.
        self.setDynamicSortFilter(False)
        self._text = ""
        self._column: int | None = None
        self._value = ""

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange()

    def set_exact(self, column: int | None, value: str = "") -> None:
        """Only rows whose ``column`` reads exactly ``value`` (None: no such filter)."""
        self.beginFilterChange()
        self._column, self._value = column, value
        self.endFilterChange()

    @property
    def exact(self) -> tuple[int | None, str]:
        return self._column, self._value

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, RowsModel)
        row = model.rows[source_row]
        if self._column is not None:
            value = row.values[self._column] if self._column < len(row.values) else ""
            if str(value) != self._value:
                return False
        if not self._text:
            return True
        return self._text in model.search_texts[source_row]
