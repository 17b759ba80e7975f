"""The case list page: search, filters, the table, and opening a case.

Keyboard: Ctrl+F puts the cursor in the search box; Down from the search box moves into the
table; Enter (or Return) on a row, a double-click, or the "Open case" button opens it; Escape
in the search box clears it. Ctrl+1 to Ctrl+5 choose the first five filters (all cases, to do,
urgent, escalated, awaiting co-signature); Alt+W opens the list of filters. When the search
finds cases only outside the chosen filter the page says so, and Enter in the search box (or
Alt+A) shows all cases. F1 opens the help topics.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.case_table_model import (
    CASE_FILTERS,
    COLUMN_INDEX,
    REF_ROLE,
    CaseRow,
    CaseTableModel,
)

_OPEN_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class CaseTable(QTableView):
    """The table: whole rows, read-only, sortable; Enter opens the current case instead of
    moving down a row."""

    open_requested = Signal()

    def __init__(self, model: CaseTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setAccessibleName("Case list")
        self.setAccessibleDescription("Press Enter to open the selected case")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        # Indicator first, then sorting on: the model sorts once, not twice.
        header.setSortIndicator(COLUMN_INDEX["Case"], Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _OPEN_KEYS and self.currentIndex().isValid():
            self.open_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class CaseListPage(QWidget):
    """Lists the reviewer's cases and asks for one to be opened (``open_case_requested``)."""

    open_case_requested = Signal(str)

    def __init__(
        self,
        rows: Sequence[CaseRow] = (),
        parent: QWidget | None = None,
        *,
        find_shortcut: bool = True,
    ) -> None:
        """``find_shortcut=False`` when a window provides Ctrl+F itself (one owner per key)."""
        super().__init__(parent)
        self.setObjectName("caseListPage")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addLayout(self._search_bar())
        layout.addWidget(self._hidden_notice())
        self.model = CaseTableModel(rows, self)
        self.table = CaseTable(self.model, self)
        layout.addWidget(self.table, 1)
        layout.addLayout(self._open_bar())
        if find_shortcut:
            self.find_shortcut = QShortcut(QKeySequence.StandardKey.Find, self)
            self.find_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.find_shortcut.activated.connect(self.focus_search)
        self._filter_shortcuts()
        self.help_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        self.help_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.help_shortcut.activated.connect(self.show_help)
        self._connect()
        self.setTabOrder(self.search, self.status_filter)
        self.setTabOrder(self.status_filter, self.table)
        self.setTabOrder(self.table, self.open_button)
        self._fit_columns()
        self._update_count()
        self.select_first()

    def _search_bar(self) -> QHBoxLayout:
        """The heading, the search box and the status filter, along the top."""
        top = QHBoxLayout()
        self.heading = QLabel("Your cases", self)
        self.heading.setObjectName("pageTitle")
        top.addWidget(self.heading)
        top.addStretch(1)

        search_label = QLabel("&Search:", self)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Case, name or NHS number")
        self.search.setAccessibleName("Search cases")
        self.search.setAccessibleDescription(
            "Type a case reference, part of the patient's name, or an NHS number"
        )
        self.search.setToolTip("Search by case reference, name or NHS number (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(260)
        search_label.setBuddy(self.search)
        top.addWidget(search_label)
        top.addWidget(self.search)

        # Alt+W: Alt+H is the window's Help menu.
        filter_label = QLabel("Sho&w:", self)
        self.status_filter = QComboBox(self)
        self.status_filter.setAccessibleName("Show cases")
        keys = []
        for position, case_filter in enumerate(CASE_FILTERS):
            self.status_filter.addItem(case_filter.label)
            if case_filter.shortcut:
                tip = f"{case_filter.shortcut} shows {case_filter.label.lower()}"
                self.status_filter.setItemData(position, tip, Qt.ItemDataRole.ToolTipRole)
                keys.append(f"{case_filter.shortcut} {case_filter.label.lower()}")
        self.status_filter.setToolTip("Which cases to list (Alt+W). " + "; ".join(keys))
        filter_label.setBuddy(self.status_filter)
        top.addSpacing(8)
        top.addWidget(filter_label)
        top.addWidget(self.status_filter)
        return top

    def _hidden_notice(self) -> QWidget:
        """Said when the search finds cases only outside the chosen filter, with the way out."""
        self.hidden_notice = QFrame(self)
        self.hidden_notice.setObjectName("hiddenMatches")
        self.hidden_notice.setStyleSheet(
            "QFrame#hiddenMatches { border: 1px solid palette(highlight); border-radius: 4px;"
            " background: palette(alternate-base); }"
        )
        row = QHBoxLayout(self.hidden_notice)
        row.setContentsMargins(8, 4, 8, 4)
        self.hidden_label = QLabel(self.hidden_notice)
        self.hidden_label.setAccessibleName("Matches hidden by the filter")
        self.hidden_label.setWordWrap(True)
        row.addWidget(self.hidden_label, 1)
        self.show_all_button = QPushButton("Show &all cases", self.hidden_notice)
        self.show_all_button.setAccessibleName("Show all cases")
        row.addWidget(self.show_all_button)
        self.hidden_notice.setVisible(False)
        return self.hidden_notice

    def _filter_shortcuts(self) -> None:
        """Ctrl+digit for the filters that have one (only while the list is on screen)."""
        self.filter_shortcuts: list[QShortcut] = []
        for position, case_filter in enumerate(CASE_FILTERS):
            if not case_filter.shortcut:
                continue
            shortcut = QShortcut(QKeySequence(case_filter.shortcut), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(
                lambda position=position: self.status_filter.setCurrentIndex(position)
            )
            self.filter_shortcuts.append(shortcut)

    def _open_bar(self) -> QHBoxLayout:
        """How many cases are shown, and the button that opens the selected one."""
        bottom = QHBoxLayout()
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of cases shown")
        bottom.addWidget(self.count_label)
        bottom.addStretch(1)
        hint = QLabel("Enter or double-click opens a case", self)
        hint.setObjectName("hint")
        bottom.addWidget(hint)
        self.open_button = QPushButton("&Open case", self)
        self.open_button.setObjectName("primary")
        self.open_button.setAccessibleName("Open the selected case")
        bottom.addWidget(self.open_button)
        return bottom

    def _connect(self) -> None:
        self.search.textChanged.connect(self._on_search)
        self.search.installEventFilter(self)
        self.status_filter.currentIndexChanged.connect(self._on_filter)
        self.table.doubleClicked.connect(lambda _index: self._open_current())
        self.table.open_requested.connect(self._open_current)
        self.open_button.clicked.connect(self._open_current)
        self.show_all_button.clicked.connect(self.show_all)
        self.model.modelReset.connect(self._update_count)
        self.model.layoutChanged.connect(self._update_count)

    # -- content

    def set_rows(self, rows: Sequence[CaseRow]) -> None:
        self.model.set_rows(rows)
        self._fit_columns()
        self.select_first()

    def clear(self) -> None:
        """Take every patient detail off the page (lock): rows and the search text."""
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.model.set_query("")
        self.model.clear()
        self.table.clearSelection()

    def _fit_columns(self) -> None:
        """Size columns to a sample of rows (sizing to all 10,000 would be slow)."""
        metrics = self.table.fontMetrics()
        sample = [self.model.index(r, 0) for r in range(min(self.model.rowCount(), 200))]
        padding = metrics.horizontalAdvance("M") + 4  # every column fits a 1366 px screen
        for column in range(self.model.columnCount()):
            header = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = metrics.horizontalAdvance(header) + padding + 16  # room for the sort arrow
            for index in sample:
                text = str(index.siblingAtColumn(column).data() or "")
                width = max(width, metrics.horizontalAdvance(text) + padding)
            self.table.setColumnWidth(column, min(width, 200))

    # -- selection and opening

    def current_case_ref(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return str(index.data(REF_ROLE))

    def select_case(self, case_ref: str) -> bool:
        row = self.model.visible_row_of(case_ref)
        if row is None:
            return False
        self._select_row(row)
        return True

    def select_first(self) -> None:
        if self.model.rowCount() > 0:
            self._select_row(0)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def _open_current(self) -> None:
        ref = self.current_case_ref()
        if ref is not None:
            self.open_case_requested.emit(ref)

    # -- search and filter

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _on_search(self, text: str) -> None:
        self.model.set_query(text)
        if not self.table.currentIndex().isValid():
            self.select_first()

    def _on_filter(self, position: int) -> None:
        self.model.set_filter(CASE_FILTERS[position].keeps)
        if not self.table.currentIndex().isValid():
            self.select_first()

    def show_help(self) -> None:
        """F1 on the list: the help topics (care scores, problem types, avoidability)."""
        from reviewer_app.gui.help_window import show_help

        show_help(self.window())

    def show_all(self) -> None:
        """Drop the filter (keeping the search): the way out of "found only elsewhere"."""
        self.status_filter.setCurrentIndex(0)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count
        noun = "case" if total == 1 else "cases"
        hidden = self.model.hidden_matches()
        if shown == total:
            self.count_label.setText(f"{total} {noun}")
        else:
            self.count_label.setText(f"Showing {shown} of {total} {noun}")
        if hidden and shown == 0:
            chosen = CASE_FILTERS[self.status_filter.currentIndex()].label
            found = "1 case matches" if hidden == 1 else f"{hidden} cases match"
            self.hidden_label.setText(
                f"No case in \u201c{chosen}\u201d matches your search, but {found} in other "
                "lists. Press Enter in the search box (or Alt+A) to show all cases."
            )
        elif hidden:
            more = "1 more case matches" if hidden == 1 else f"{hidden} more cases match"
            self.hidden_label.setText(f"{more} outside this list (Alt+A shows all cases).")
        self.hidden_notice.setVisible(bool(hidden))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if (
                event.key() in _OPEN_KEYS
                and self.model.rowCount() == 0
                and self.model.hidden_matches()
            ):
                self.show_all()
                return True
            if event.key() == Qt.Key.Key_Down or event.key() in _OPEN_KEYS:
                self.table.setFocus(Qt.FocusReason.TabFocusReason)
                if not self.table.currentIndex().isValid():
                    self.select_first()
                if event.key() in _OPEN_KEYS and self.model.rowCount() == 1:
                    self._open_current()
                return True
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                return True
        return super().eventFilter(watched, event)
