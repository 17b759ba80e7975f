"""Building blocks every section uses: a searchable table, an inline progress bar with a safe
Cancel, a report box and the message line.

Every control gets an accessible name when it is made (``named``): a test walks every widget
of every section and fails on one without.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.coordinator.models import Index, Row, RowsModel, cell_text
from reviewer_app.progress import Progress

W = TypeVar("W", bound=QWidget)
RESIZE_SAMPLE_ROWS = 200  # columns sized from this many rows, not every one of 10,000
CELL_PADDING = 14  # a cell's margins either side of its text
HEADER_PADDING = 18  # and a heading's, with room for the sort arrow
MAX_COLUMN_WIDTH = 320  # a long cell is elided, its whole text in the tooltip


def named(widget: W, name: str, description: str = "") -> W:
    """The widget, with the name (and description) a screen reader says."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def combo(parent: QWidget, name: str) -> QComboBox:
    """A drop-down list; its pop-up list is named too."""
    made = named(QComboBox(parent), name)
    named(made.view(), f"{name}: choices")
    return made


def button(text: str, parent: QWidget, name: str, slot: Callable[[], object]) -> QPushButton:
    made = named(QPushButton(text, parent), name)
    made.clicked.connect(lambda _checked=False: slot())
    return made


def controls_row(layout: QBoxLayout, *items: QWidget | int) -> QHBoxLayout:
    """A row of controls at the foot of ``layout``: ``items`` side by side from the left (an
    ``int`` is a gap of that many pixels), the room left over after them."""
    row = QHBoxLayout()
    for item in items:
        if isinstance(item, int):
            row.addSpacing(item)
        else:
            row.addWidget(item)
    row.addStretch(1)
    layout.addLayout(row)
    return row


def caption_grid(
    grid: QGridLayout, parent: QWidget, cells: Sequence[tuple[str, QWidget]], per_row: int
) -> None:
    """Each field after its caption (the caption's Alt+letter reaches the field), ``per_row``
    fields to a row of ``grid``."""
    for i, (text, widget) in enumerate(cells):
        caption = QLabel(text, parent)
        caption.setBuddy(widget)
        grid.addWidget(caption, i // per_row, (i % per_row) * 2)
        grid.addWidget(widget, i // per_row, (i % per_row) * 2 + 1)


def heading(text: str, parent: QWidget, *, object_name: str = "sectionTitle") -> QLabel:
    """A title (larger than the text, by the system's own size) or a sub-title (bold)."""
    label = named(QLabel(text, parent), text)
    label.setObjectName(object_name)
    font = label.font()
    font.setBold(True)
    if object_name == "sectionTitle":
        font.setPointSizeF(font.pointSizeF() * 1.35)
    label.setFont(font)
    return label


def hint(text: str, parent: QWidget) -> QLabel:
    label = named(QLabel(text, parent), text)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


KEY_HINT_ROLE = Qt.ItemDataRole.UserRole + 2  # a list item's shortcut, drawn at its right


class KeyHintDelegate(QStyledItemDelegate):
    """List items with their shortcut (``KEY_HINT_ROLE``) drawn right-aligned beside them."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        super().paint(painter, option, index)
        key = index.data(KEY_HINT_ROLE)
        if not key:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = (
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        )
        painter.save()
        painter.setPen(option.palette.color(role))
        rect = option.rect.adjusted(0, 0, -6, 0)
        painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, key)
        painter.restore()


class MessageLine(QLabel):
    """One line saying what just happened, or what went wrong and what to do."""

    def __init__(self, parent: QWidget, name: str = "Message") -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def say(self, text: str, severity: str = "") -> None:
        self.setProperty("severity", severity)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def clear_message(self) -> None:
        self.say("")


class ReportBox(QPlainTextEdit):
    """A read-only, selectable box for a service's report lines (copy with Ctrl+C)."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAccessibleName(name)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMaximumHeight(160)
        self.hide()  # shown with the first report

    def show_lines(self, lines: Sequence[str]) -> None:
        self.setPlainText("\n".join(lines))
        self.setVisible(bool(lines))

    def clear(self) -> None:
        super().clear()
        self.hide()


class TablePanel(QWidget):
    """A search box above a read-only, sortable table of ``Row``s, with a count of rows shown
    and, when a link filtered it, what it is filtered by and a "Show all" button."""

    activated = Signal(str)  # the row's key, on Enter or double-click

    def __init__(self, what: str, columns: Sequence[str], parent: QWidget | None) -> None:
        super().__init__(parent)
        self.what = what
        self.model = RowsModel(columns, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.search = named(QLineEdit(self), f"Search {what}")
        self.search.setPlaceholderText(f"Search {what}…")
        self.search.setClearButtonEnabled(True)
        for clear in self.search.findChildren(QToolButton):  # the clear button Qt adds
            named(clear, f"Clear the search of {what}")
        self.search.textChanged.connect(self._on_search)
        top.addWidget(self.search, 1)
        self.filter_note = named(QLabel("", self), f"{what} filter")
        self.filter_note.hide()
        top.addWidget(self.filter_note)
        self.show_all = button("Show all", self, f"Show all {what}", self.clear_filter)
        self.show_all.hide()
        top.addWidget(self.show_all)
        self.count = named(QLabel("", self), f"Number of {what} shown")
        self.count.setObjectName("hint")
        top.addWidget(self.count)
        layout.addLayout(top)
        self.table = named(QTableView(self), what.capitalize())
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        # Rows come in the service's order (by reference); a click on a heading sorts them
        # (in the model, from keys made once: see models.py).
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.verticalHeader().setVisible(False)
        rows_header = named(self.table.verticalHeader(), f"{what} rows")
        rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no per-row measuring
        named(self.table.horizontalHeader(), f"{what} columns", "Click a column to sort by it")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setResizeContentsPrecision(RESIZE_SAMPLE_ROWS)
        self.table.doubleClicked.connect(lambda _i: self._activate())
        self.table.activated.connect(lambda _i: self._activate())
        layout.addWidget(self.table, 1)
        self._update_count()

    def use_model(self, model: RowsModel) -> None:
        """Show ``model`` (a RowsModel of the section's own, e.g. an editable one)."""
        self.model = model
        self.table.setModel(model)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.model.set_rows(rows)
        self._fit_columns()
        self._update_count()

    def _fit_columns(self) -> None:
        """Each column as wide as its heading and the first rows' text (up to a limit), measured
        from the rows' own text: asking the view to measure every cell through the model cost
        a tenth of a second a table."""
        header = self.table.horizontalHeader()
        plain = self.table.fontMetrics()
        bold_font = QFont(self.table.font())
        bold_font.setBold(True)
        bold, heading = QFontMetrics(bold_font), header.fontMetrics()
        sample = self.model.rows[:RESIZE_SAMPLE_ROWS]
        for column, title in enumerate(self.model.columns[:-1]):  # the last one stretches
            widths = [heading.horizontalAdvance(title) + HEADER_PADDING]
            widths += [
                (bold if row.emphasis else plain).horizontalAdvance(cell_text(row, column))
                for row in sample
            ]
            header.resizeSection(column, min(max(widths) + CELL_PADDING, MAX_COLUMN_WIDTH))

    def clear(self) -> None:
        """Every row and the search text off the screen (locking)."""
        self.search.clear()
        self.model.clear()
        self.clear_filter()

    def filter_exact(self, column: int, value: str, note: str) -> None:
        self.model.set_exact(column, value)
        self.filter_note.setText(note)
        self.filter_note.show()
        self.show_all.show()
        self._update_count()

    def clear_filter(self) -> None:
        self.model.set_exact(None)
        self.filter_note.hide()
        self.show_all.hide()
        self._update_count()

    def shown_keys(self) -> list[str]:
        return self.model.shown_keys()

    def current_key(self) -> str | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        if index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row()).key

    def select_key(self, key: str) -> bool:
        shown = self.model.shown_keys()
        if key not in shown:
            return False
        self.table.selectRow(shown.index(key))
        return True

    def _activate(self) -> None:
        key = self.current_key()
        if key is not None:
            self.activated.emit(key)

    def _on_search(self, text: str) -> None:
        self.model.set_text(text)
        self._update_count()

    def _update_count(self) -> None:
        total, shown = len(self.model.rows), self.model.rowCount()
        self.count.setText(f"{shown} of {total}" if shown != total else f"{total}")


class Cancelled(Exception):
    """Raised inside work whose Cancel was pressed, at the next progress report."""


class _ProgressRelay(QObject):
    """Lives on the GUI thread; a worker's progress calls reach the bar through it (queued)."""

    moved = Signal(int, int, str)


class WorkBar(QWidget):
    """Inline progress for long work: what is being done, a bar, and Cancel when it is safe.

    ``progress()`` gives the worker its callback: it reports through a queued signal, and when
    Cancel was pressed it raises ``Cancelled`` at the next report, between two steps the service
    completes whole (so what was done stays done)."""

    def __init__(self, parent: QWidget, what: str) -> None:
        super().__init__(parent)
        self.setAccessibleName(f"{what}: work in progress")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = named(QLabel("", self), f"{what} progress")
        layout.addWidget(self.label, 1)
        self.bar = named(QProgressBar(self), f"{what} progress bar")
        self.bar.setMinimumWidth(200)
        layout.addWidget(self.bar)
        self.cancel = button("Cancel", self, f"Cancel {what}", self.request_cancel)
        layout.addWidget(self.cancel)
        self._relay = _ProgressRelay(self)
        self._relay.moved.connect(self._moved)
        self.cancelled = False
        self.running = False
        self.hide()

    def start(self, text: str, *, cancellable: bool) -> Progress:
        self.cancelled = False
        self.running = True
        self.label.setText(text)
        self.bar.setRange(0, 0)
        self.cancel.setVisible(cancellable)
        self.cancel.setEnabled(cancellable)
        self.show()
        relay = self._relay

        def progress(done: int, total: int, label: str) -> None:
            if self.cancelled:
                raise Cancelled
            relay.moved.emit(done, total, label)

        return progress

    def request_cancel(self) -> None:
        self.cancelled = True
        self.cancel.setEnabled(False)
        self.label.setText("Stopping after the current step…")

    @Slot(int, int, str)
    def _moved(self, done: int, total: int, label: str) -> None:
        if not self.running:
            return
        self.bar.setRange(0, max(total, 0))
        self.bar.setValue(min(done, total) if total > 0 else 0)
        if label and not self.cancelled:
            self.label.setText(label)

    def finish(self) -> None:
        self.running = False
        self.hide()
