"""The section list beside the form: grouped, numbered, each section's state and progress.

Groups come from the definition's section kinds (``domain.section_groups``); each section
shows its number in its group, its title, its state in words and icon (not colour alone) and
"x of y answered". Titles wrap, never elided, and the list is wide enough for a state on one
line; it sits in a splitter, so the reviewer can widen it. Group headings are not selectable:
the arrow keys pass over them.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.progress import SectionState
from reviewer_app.domain.section_groups import SectionCount, section_groups
from reviewer_app.gui.form.style import is_dark, state_icon
from reviewer_app.gui.form.unparsed import not_saved_label

SECTION_ROLE = Qt.ItemDataRole.UserRole


class SectionNav(QListWidget):
    """Every section of the definition, in its group, with its state and progress."""

    section_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sectionNav")
        self.setAccessibleName("Sections of the review")
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setIconSize(QSize(16, 16))
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        # wide enough for the longest state line on one row (titles may wrap; states never)
        widest = self.fontMetrics().horizontalAdvance("In progress · 88 of 88 answered")
        self.setMinimumWidth(widest + self.iconSize().width() + 48)
        self._titles: dict[str, str] = {}  # numbered: "3. Ongoing care"
        self._states: dict[str, SectionState] = {}
        self._labels: dict[str, str] = {}
        self._readiness: set[str] = set()
        self.currentItemChanged.connect(self._current_changed)

    def sizeHint(self) -> QSize:
        return QSize(self.minimumWidth() + self.fontMetrics().horizontalAdvance("M") * 3, 400)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.scheduleDelayedItemsLayout()  # rows re-measured for the new width: no elision

    def set_definition(self, definition: ReviewDefinition) -> None:
        self.blockSignals(True)
        self.clear()
        self._readiness = {s.id for s in definition.sections if s.kind == SectionKind.READINESS}
        self._states = {}
        self._labels = {}
        self._titles = {}
        for group in section_groups(definition):
            heading = QListWidgetItem(group.title)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)  # not selectable: arrows pass over it
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            heading.setData(Qt.ItemDataRole.AccessibleTextRole, f"Group: {group.title}")
            self.addItem(heading)
            for number, section_id in enumerate(group.section_ids, start=1):
                title = f"{number}. {definition.section(section_id).title}"
                self._titles[section_id] = title
                item = QListWidgetItem(title)
                item.setData(SECTION_ROLE, section_id)
                self.addItem(item)
        self.blockSignals(False)

    def _section_items(self) -> list[QListWidgetItem]:
        items = (self.item(row) for row in range(self.count()))
        return [item for item in items if item.data(SECTION_ROLE) is not None]

    def show_states(
        self,
        states: dict[str, SectionState],
        missing: int = 0,
        counts: dict[str, SectionCount] | None = None,
        *,
        signed: bool = False,
        unparsed: dict[str, int] | None = None,
    ) -> None:
        """Each section's state and "x of y answered"; the readiness section says how much
        is still needed, or "Signed"; a section with a date typed but not saved says so
        first ("✖ 1 date not saved", shown as an error)."""
        dark = is_dark(self)
        changed = False
        for item in self._section_items():
            section_id = item.data(SECTION_ROLE)
            state = states.get(section_id, SectionState.NOT_STARTED)
            label = state.label
            if section_id in self._readiness:
                state = SectionState.IN_PROGRESS if missing else SectionState.COMPLETE
                label = f"{missing} still needed" if missing else "Nothing missing"
                if signed:
                    state, label = SectionState.COMPLETE, "Signed"
            count = str((counts or {}).get(section_id, ""))
            if count and section_id not in self._readiness:  # it says what is still needed
                label = f"{label} · {count}"
            not_saved = (unparsed or {}).get(section_id, 0)
            if not_saved:
                state, label = SectionState.HAS_ERRORS, f"{not_saved_label(not_saved)} · {label}"
            if self._states.get(section_id) == state and self._labels.get(section_id) == label:
                continue
            changed = True
            self._states[section_id] = state
            self._labels[section_id] = label
            title = self._titles.get(section_id, section_id)
            item.setText(f"{title}\n{label}")
            item.setIcon(state_icon(state, dark))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{title}: {label}")
            item.setToolTip(f"{title}: {label}")
            font = item.font()
            font.setItalic(state is SectionState.NOT_NEEDED)
            item.setFont(font)
        if changed:  # a list view keeps each row's height: longer text must be laid out again
            self.scheduleDelayedItemsLayout()

    def state_text(self, section_id: str) -> str:
        """The state in words (without the count): "Complete", "Nothing missing"."""
        return self._labels.get(section_id, "").split(" · ")[0]

    def progress_text(self, section_id: str) -> str:
        """What the list shows under the title: state and "x of y answered"."""
        return self._labels.get(section_id, "")

    def title_text(self, section_id: str) -> str:
        return self._titles.get(section_id, "")

    def select_section(self, section_id: str) -> None:
        for item in self._section_items():
            if item.data(SECTION_ROLE) == section_id:
                if self.currentItem() is not item:
                    self.blockSignals(True)
                    self.setCurrentItem(item)
                    self.blockSignals(False)
                self._show_heading_of(item)
                return

    def _show_heading_of(self, item: QListWidgetItem) -> None:
        """The first section of a group comes into sight with its group's heading."""
        row = self.row(item)
        heading = self.item(row - 1) if row > 0 else None
        if heading is not None and heading.data(SECTION_ROLE) is None:
            self.scrollToItem(heading)
        self.scrollToItem(item)
        if heading is not None:  # and again once the rows are laid out (a list just filled)
            section_id = item.data(SECTION_ROLE)
            QTimer.singleShot(0, self, lambda: self._scroll_heading(section_id))

    def _scroll_heading(self, section_id: str) -> None:
        current = self.currentItem()
        row = self.currentRow()
        if current is None or current.data(SECTION_ROLE) != section_id or row < 1:
            return
        heading = self.item(row - 1)
        if heading.data(SECTION_ROLE) is None:
            self.scrollToItem(heading)
            self.scrollToItem(current)

    def _current_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is not None and current.data(SECTION_ROLE) is not None:
            self.section_chosen.emit(current.data(SECTION_ROLE))
