"""The case list as a Qt item model fed typed rows (architecture.md, habit 13).

Sorting, the status filter and the search live in the model itself rather than in a
QSortFilterProxyModel: a proxy calls back into Python for every comparison, which for 10,000
cases costs a noticeable part of a second, whereas sorting a list of precomputed keys costs a
few milliseconds. The view still sorts by clicking a header (``sort`` is the Qt override).

Search matches the case reference, the patient's name (in any order, accents ignored, so
"nguyen thi" finds "NGUYỄN, Thi") or the NHS number (spaces ignored).

The filters (``CASE_FILTERS``) choose by status or by what is flagged (urgent, escalated):
each is a predicate over a row. When a search finds cases only outside the chosen filter the
model says how many (``hidden_matches``), so the page can offer to show them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, is_dataclass, replace
from datetime import date
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QFont

from reviewer_app.domain.identifiers import fold_accents
from reviewer_app.domain.status import OUTCOMES, ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag
from reviewer_app.gui.case_due import (
    due_key,
    due_text,
    is_overdue,
    today_in_the_uk,
    warning_colour,
)

log = logging.getLogger(__name__)


class CaseRow(Protocol):
    """What the case list needs of a case summary (storage's CaseSummary fits).

    Optional, read with ``getattr``: ``nhs_number`` (shown, and found by search),
    ``escalated`` (the escalated flag and filter), ``co_reviewer_name`` (a joint review's
    co-reviewer), ``due_date`` (``date | None``: when the review is due back, as the
    assignment pack said), ``returned_at`` / ``returned_version`` / ``review_version``
    (``returned_version`` also tells the Due column whether an amendment is still owed).
    """

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
    def flags(self) -> Sequence[CaseFlag]: ...


def flag_labels(flags: Iterable[CaseFlag]) -> list[str]:
    """The flags' labels in the order the list shows them (``CaseFlag``'s order)."""
    present = set(flags)
    return [flag.label for flag in CaseFlag if flag in present]


def fold(text: str) -> str:
    """Case- and accent-insensitive form for matching ("Nguyễn" → "nguyen", "Łukasz" →
    "lukasz"): the app's one accent-folding table (domain/identifiers.fold_accents)."""
    return fold_accents(text).casefold()


@dataclass(frozen=True)
class Column:
    header: str
    text: Callable[[CaseRow], str]
    sort_key: Callable[[CaseRow], Any]
    tooltip: str = ""
    on_day: Callable[[CaseRow, date], str] | None = None
    """The text on a given day, for a column whose text depends on today (``text`` is then
    the text today)."""


def _label(value: Any) -> str:
    return str(getattr(value, "label", value))


ESCALATED_LABEL = "Escalated"


def is_escalated(row: CaseRow) -> bool:
    return bool(getattr(row, "escalated", False))


def row_flag_labels(row: CaseRow) -> list[str]:
    """What the Flags column says: urgent first, then escalated, then the other flags."""
    labels = flag_labels(row.flags)
    if is_escalated(row):
        labels.insert(1 if CaseFlag.URGENT in row.flags else 0, ESCALATED_LABEL)
    return labels


def _flags_text(row: CaseRow) -> str:
    return ", ".join(row_flag_labels(row))


def nhs_number_text(row: CaseRow) -> str:
    """The NHS number as people read it, 3-3-4 ("943 476 5919"); anything else as stored."""
    nhs = str(getattr(row, "nhs_number", "") or "")
    if len(nhs) == 10 and nhs.isdigit():
        return f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
    return nhs


def _co_reviewer_text(row: CaseRow) -> str:
    return str(getattr(row, "co_reviewer_name", None) or "")


def _returned_text(row: CaseRow) -> str:
    """When the latest version went to the coordinator; an amended case says it is not yet.

    Rows without return details (``returned_at``, ``returned_version``) show nothing.
    """
    at = getattr(row, "returned_at", None)
    version = getattr(row, "returned_version", None)
    if at is None or version is None:
        return ""
    when = at.strftime("%d %b %Y")
    latest = getattr(row, "review_version", None)
    if latest is not None and latest != version:
        return f"Version {version} on {when}; version {latest} not yet"
    return when


def _returned_key(row: CaseRow) -> str:
    at = getattr(row, "returned_at", None)
    return "" if at is None else at.isoformat()


COLUMNS: tuple[Column, ...] = (
    Column("Case", lambda r: r.case_ref, lambda r: r.case_ref, "Case reference"),
    Column("Patient", lambda r: r.display_name, lambda r: fold(r.display_name)),
    Column("NHS number", nhs_number_text, nhs_number_text),
    Column("Age", lambda r: str(r.age_at_death), lambda r: r.age_at_death, "Age at death"),
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
    Column(
        "Due",
        lambda r: due_text(r, today_in_the_uk()),
        due_key,
        "When the review is due back to the coordinator, as your assignment pack says; "
        "overdue and still owed is marked",
        on_day=due_text,
    ),
    Column(
        "Co-reviewer",
        _co_reviewer_text,
        lambda r: fold(_co_reviewer_text(r)),
        "Who reviews the case with you (joint review); empty for an independent review",
    ),
    Column(
        "Returned",
        _returned_text,
        _returned_key,
        "When the signed review was returned to the coordinator",
    ),
    Column(
        "Flags",
        _flags_text,
        _flags_text,
        ", ".join(
            [
                CaseFlag.URGENT.label,
                ESCALATED_LABEL,
                *(f.label for f in CaseFlag if f is not CaseFlag.URGENT),
            ]
        ),
    ),
)
COLUMN_INDEX = {c.header: i for i, c in enumerate(COLUMNS)}

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
REF_ROLE = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class CaseFilter:
    """One choice of the page's "Show" list: which rows it keeps, and its shortcut."""

    label: str
    keeps: Callable[[CaseRow], bool] | None  # None: every case
    shortcut: str | None = None


def _status_of(row: CaseRow) -> ReviewStatus | None:
    try:
        return ReviewStatus(row.status)
    except ValueError:
        return None


def with_status(*statuses: ReviewStatus) -> Callable[[CaseRow], bool]:
    wanted = frozenset(statuses)
    return lambda row: _status_of(row) in wanted


TO_DO: frozenset[ReviewStatus] = frozenset(
    {
        ReviewStatus.NOT_STARTED,
        ReviewStatus.IN_PROGRESS,
        ReviewStatus.AMENDMENT_IN_PROGRESS,
        ReviewStatus.READY_TO_SIGN,  # still to sign
        ReviewStatus.AWAITING_COSIGNATURE,  # still to co-sign
    }
)
"""Every case that still needs something from the reviewer (or the co-reviewer)."""

CASE_FILTERS: tuple[CaseFilter, ...] = (
    CaseFilter("All cases", None, "Ctrl+1"),
    CaseFilter("To do", with_status(*TO_DO), "Ctrl+2"),
    CaseFilter("Urgent", lambda row: CaseFlag.URGENT in row.flags, "Ctrl+3"),
    CaseFilter(ESCALATED_LABEL, is_escalated, "Ctrl+4"),
    CaseFilter(
        ReviewStatus.AWAITING_COSIGNATURE.label,
        with_status(ReviewStatus.AWAITING_COSIGNATURE),
        "Ctrl+5",
    ),
    *(
        CaseFilter(status.label, with_status(status))
        for status in (
            ReviewStatus.NOT_STARTED,
            ReviewStatus.IN_PROGRESS,
            ReviewStatus.READY_TO_SIGN,
            ReviewStatus.SIGNED,
            ReviewStatus.AMENDMENT_IN_PROGRESS,
        )
    ),
    CaseFilter("Closed without a full review", with_status(*OUTCOMES)),
)
STATUS_FILTERS = CASE_FILTERS  # the name earlier callers used


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _haystack(row: CaseRow) -> tuple[str, str]:
    """(folded ref and name, NHS number digits) for one row."""
    nhs = str(getattr(row, "nhs_number", "") or "")
    return f"{fold(row.case_ref)}\n{fold(row.display_name)}", _digits(nhs)


class CaseTableModel(QAbstractTableModel):
    """Read-only, sortable, filterable table of the reviewer's cases."""

    rows_changed = Signal()  # the rows themselves (set or one replaced), not a sort or filter

    def __init__(
        self,
        rows: Sequence[CaseRow] = (),
        parent=None,
        *,
        today: Callable[[], date] = today_in_the_uk,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._rows: list[CaseRow] = list(rows)
        self._haystacks: list[tuple[str, str]] | None = None
        self._keeps: Callable[[CaseRow], bool] | None = None
        self._query = ""
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._visible: list[int] = list(range(len(self._rows)))
        self._italic = QFont()
        self._italic.setItalic(True)

    # -- content

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self._haystacks = None
        self._visible = self._compute_visible()
        self.endResetModel()
        self.rows_changed.emit()

    def clear(self) -> None:
        """Forget every row (the workspace is locking)."""
        self.set_rows(())

    def replace_row(self, case_ref: str, row: CaseRow) -> bool:
        """Swap in a fresh summary for one case; False when the case is not listed."""
        for i, existing in enumerate(self._rows):
            if existing.case_ref == case_ref:
                self._rows[i] = row
                if self._haystacks is not None:
                    self._haystacks[i] = _haystack(row)
                self._refilter()
                self.rows_changed.emit()
                return True
        return False

    def set_status(self, case_ref: str, status: ReviewStatus) -> bool:
        """Show a new status for one case (from the form's ``status_changed``)."""
        for row in self._rows:
            if row.case_ref == case_ref:
                return self.replace_row(case_ref, _with_status(row, status))
        return False

    def show_change(
        self, case_ref: str, row: CaseRow | None, status: ReviewStatus | None = None
    ) -> None:
        """A case changed: its fresh row when there is one, else at least its new status."""
        if row is not None:
            self.replace_row(case_ref, row)
        elif status is not None:
            try:
                self.set_status(case_ref, status)
            except TypeError:
                log.warning("could not show a status change in the case list")

    @property
    def total_count(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> CaseRow:
        """The case shown in visible row ``row``."""
        return self._rows[self._visible[row]]

    def visible_row_of(self, case_ref: str) -> int | None:
        for visible, source in enumerate(self._visible):
            if self._rows[source].case_ref == case_ref:
                return visible
        return None

    # -- filtering and search

    @property
    def query(self) -> str:
        return self._query

    def set_query(self, text: str) -> None:
        text = text.strip()
        if text != self._query:
            self._query = text
            self._refilter()

    def set_filter(self, keeps: Callable[[CaseRow], bool] | None) -> None:
        """Keep only the rows ``keeps`` accepts (None: every row)."""
        if keeps is not self._keeps:
            self._keeps = keeps
            self._refilter()

    def set_status_filter(self, statuses: frozenset[ReviewStatus] | None) -> None:
        """Keep only the rows with one of ``statuses`` (None: every row)."""
        self.set_filter(None if statuses is None else with_status(*statuses))

    @property
    def filtered(self) -> bool:
        return self._keeps is not None

    def hidden_matches(self) -> int:
        """Cases the search finds that the filter hides (0 without a search or a filter)."""
        keeps = self._keeps
        if not self._query or keeps is None:
            return 0
        matches = self._matches_query()
        rows = self._rows
        return sum(1 for i in range(len(rows)) if matches(i) and not keeps(rows[i]))

    def _refilter(self) -> None:
        self.layoutAboutToBeChanged.emit()
        old = self.persistentIndexList()
        old_sources = [
            (self._visible[i.row()], i.column()) if i.row() < len(self._visible) else None
            for i in old
        ]
        self._visible = self._compute_visible()
        position = {source: visible for visible, source in enumerate(self._visible)}
        new = []
        for entry in old_sources:
            if entry is None or entry[0] not in position:
                new.append(QModelIndex())
            else:
                new.append(self.index(position[entry[0]], entry[1]))
        self.changePersistentIndexList(old, new)
        self.layoutChanged.emit()

    def _matches_query(self) -> Callable[[int], bool]:
        query = self._query
        if not query:
            return lambda _i: True
        if self._haystacks is None:
            self._haystacks = [_haystack(r) for r in self._rows]
        stacks = self._haystacks
        compact = query.replace(" ", "")
        if compact.isdigit():
            return lambda i: compact in stacks[i][1] or compact in stacks[i][0]
        tokens = [fold(t) for t in query.replace(",", " ").split()]
        return lambda i: all(t in stacks[i][0] for t in tokens)

    def _compute_visible(self) -> list[int]:
        keeps = self._keeps
        matches = self._matches_query()
        rows = self._rows
        visible = [i for i in range(len(rows)) if (keeps is None or keeps(rows[i])) and matches(i)]
        if self._sort is not None:
            column, order = self._sort
            key = COLUMNS[column].sort_key
            visible.sort(
                key=lambda i: (key(rows[i]), rows[i].case_ref),
                reverse=order == Qt.SortOrder.DescendingOrder,
            )
        return visible

    # -- Qt overrides

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        self._refilter()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        row = self._rows[self._visible[index.row()]]
        column = COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(row) if column.on_day is None else column.on_day(row, self._today())
        if role == SORT_ROLE:
            return column.sort_key(row)
        if role == REF_ROLE:
            return row.case_ref
        if role == Qt.ItemDataRole.FontRole and CaseFlag.WITHDRAWN in row.flags:
            return self._italic
        if (
            role == Qt.ItemDataRole.ForegroundRole
            and column.on_day is due_text
            and is_overdue(row, self._today())
        ):
            return QBrush(warning_colour())
        if role == Qt.ItemDataRole.TextAlignmentRole and column.header in ("Age", "Progress"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section].header
        if role == Qt.ItemDataRole.ToolTipRole and COLUMNS[section].tooltip:
            return COLUMNS[section].tooltip
        return None


def _with_status(row: CaseRow, status: ReviewStatus) -> CaseRow:
    copy = getattr(row, "model_copy", None)
    if callable(copy):  # a pydantic model (CaseSummary)
        return copy(update={"status": status})  # type: ignore[no-any-return]
    if is_dataclass(row) and not isinstance(row, type):
        return replace(row, status=status)  # type: ignore[type-var]
    raise TypeError("this kind of row cannot change status in place")
