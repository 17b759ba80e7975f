"""The case list as a Qt item model fed typed rows (architecture.md, habit 13)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt


class CaseRow(Protocol):
    """What the case list needs of a case summary (storage's CaseSummary fits)."""

    @property
    def case_ref(self) -> str: ...
    @property
    def display_name(self) -> str: ...
    @property
    def age_at_death(self) -> int: ...
    @property
    def date_of_death(self) -> date: ...
    @property
    def place_of_death(self) -> Any: ...
    @property
    def status(self) -> Any: ...
    @property
    def progress(self) -> float: ...
    @property
    def flags(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[CaseRow], str]
    sort_key: Callable[[CaseRow], Any]


def _label(value: Any) -> str:
    return str(getattr(value, "label", value))


COLUMNS: tuple[Column, ...] = (
    Column("Case", lambda r: r.case_ref, lambda r: r.case_ref),
    Column("Patient", lambda r: r.display_name, lambda r: r.display_name.casefold()),
    Column("Age", lambda r: str(r.age_at_death), lambda r: r.age_at_death),
    Column(
        "Date of death",
        lambda r: r.date_of_death.strftime("%d %b %Y"),
        lambda r: r.date_of_death.isoformat(),
    ),
    Column(
        "Place of death", lambda r: _label(r.place_of_death), lambda r: _label(r.place_of_death)
    ),
    Column("Status", lambda r: _label(r.status), lambda r: _label(r.status)),
    Column("Progress", lambda r: f"{round(r.progress * 100)}%", lambda r: r.progress),
    Column("Flags", lambda r: ", ".join(r.flags), lambda r: ", ".join(r.flags)),
)

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
REF_ROLE = Qt.ItemDataRole.UserRole + 2


class CaseTableModel(QAbstractTableModel):
    """Read-only table of the reviewer's cases."""

    def __init__(self, rows: Sequence[CaseRow] = (), parent=None) -> None:
        super().__init__(parent)
        self._rows: list[CaseRow] = list(rows)

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> CaseRow:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row)
        if role == SORT_ROLE:
            return column.sort_key(row)
        if role == REF_ROLE:
            return row.case_ref
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        return None
