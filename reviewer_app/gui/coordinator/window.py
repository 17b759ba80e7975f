"""The coordinator's window: the study's sections down the side, one page each.

    sections list ──select / Ctrl+1..8 / Alt+letter──▶ section page (built the first time it
         │                                              is shown, then filled from its services)
         └──── lock (idle, Ctrl+L, sleep) ──▶ lock screen ──study passphrase──▶ same section

The sections that show the study's returns share one read of it (``snapshot.SnapshotCache``,
read off the GUI thread); a section that changes the study says so (``changed``) and the read
is made again when next needed.

Locking takes every detail off the screen (every section's rows are cleared and the pages
hidden) and asks for the study passphrase; the section shown before comes back. The window
decides nothing about data: each section calls the study's services (see section.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.coordinator.section import Section, report_bug
from reviewer_app.gui.coordinator.sections import (
    SECTION_KEYS,
    SPECS,
    LazySections,
    section_class,
)
from reviewer_app.gui.coordinator.shortcuts import shortcuts_text
from reviewer_app.gui.coordinator.snapshot import SnapshotCache
from reviewer_app.gui.coordinator.widgets import KEY_HINT_ROLE, KeyHintDelegate, named
from reviewer_app.gui.launch import SYNTHETIC_MARK, window_title
from reviewer_app.gui.tasks import Runner
from reviewer_app.gui.unlock_screen import UnlockScreen
from reviewer_app.gui.window_menus import window_action
from reviewer_app.gui.window_shell import idle_minutes, lock_triggers, synthetic_banner

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.settings import AppSettings

log = logging.getLogger(__name__)

COORDINATOR = "Coordinator"
__all__ = ["SECTION_KEYS", "SYNTHETIC_MARK", "CoordinatorWindow"]


class CoordinatorWindow(QMainWindow):
    locked_changed = Signal(bool)
    closed = Signal()  # the window closed: its study may be closed
    new_study_requested = Signal()
    open_study_requested = Signal()

    def __init__(
        self,
        desk: StudyDesk,
        runner: Runner,
        *,
        settings: AppSettings | None = None,
        idle_ms: int | None = None,
        listen_to_system: bool = True,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.runner = runner
        self.locked = False
        self.lock_screen: UnlockScreen | None = None
        self._place = 0
        self.setObjectName("coordinatorWindow")
        self.resize(1366, 740)
        self._build(desk)
        self._build_actions()
        minutes = idle_minutes(settings)
        self.triggers = lock_triggers(
            self, settings, idle_ms, self.lock, listen_to_system=listen_to_system
        )
        hint = named(
            QLabel(f"Locks after {max(1, minutes)} min idle · Ctrl+L locks now", self), "Lock hint"
        )
        self.statusBar().addPermanentWidget(hint)
        self.show_section(0)
        self.triggers.arm()

    # -- set-up

    def _build(self, desk: StudyDesk) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        if desk.synthetic:
            self.banner = synthetic_banner(
                central,
                "an invented practice study, for training only.",
                desk.public_passphrase,
                "Practice study",
            )
            outer.addWidget(self.banner)
        self.page = QWidget(central)
        row = QHBoxLayout(self.page)
        row.setContentsMargins(0, 0, 0, 0)
        side = QWidget(self.page)
        side.setObjectName("sidebar")
        side_layout = QVBoxLayout(side)
        self.study_label = named(QLabel("", side), "Study")
        self.study_label.setObjectName("hint")
        self.study_label.setWordWrap(True)
        side_layout.addWidget(self.study_label)
        self.nav = named(QListWidget(side), "Sections", "Up and Down choose a section")
        self.nav.setFixedWidth(210)
        self.nav.setItemDelegate(KeyHintDelegate(self.nav))
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        side_layout.addWidget(self.nav, 1)
        row.addWidget(side)
        self.stack = QStackedWidget(self.page)
        row.addWidget(self.stack, 1)
        outer.addWidget(self.page, 1)
        self.locked_stack = QStackedWidget(central)
        self.locked_stack.hide()
        outer.addWidget(self.locked_stack, 1)
        self.setCentralWidget(central)
        self.snapshots = SnapshotCache(desk, self.runner, self)
        # the first section (the overview) shows the study's returns: start reading them now,
        # on a worker thread, while the rest of the window is built
        self.snapshots.request()
        self.on_bug: Callable[[BaseException, QWidget], None] = report_bug
        self.sections = LazySections(self._make_section)
        for i, spec in enumerate(SPECS):
            placeholder = QWidget(self.stack)
            placeholder.setObjectName(f"placeholder-{spec.key}")
            self.stack.addWidget(placeholder)
            item = QListWidgetItem(f"{i + 1}  {spec.title}", self.nav)
            keys = f"Ctrl+{i + 1} or {spec.alt_key}"
            item.setData(KEY_HINT_ROLE, spec.alt_key)
            item.setToolTip(keys)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, keys)
        self.nav.currentRowChanged.connect(self._on_nav)
        self._show_study_label()

    def _make_section(self, key: str) -> Section:
        """Build one section in its place in the stack (the first time it is needed)."""
        index = SECTION_KEYS.index(key)
        section = section_class(key)(self.desk, self.runner, self.stack)
        section.setObjectName(f"section-{key}")
        section.on_bug = self.on_bug
        section.use_snapshots(self.snapshots)
        section.link.connect(self.follow_link)
        section.changed.connect(lambda s=section: self._study_changed(s))
        placeholder = self.stack.widget(index)
        showing = self.stack.currentIndex() == index
        self.stack.insertWidget(index, section)
        if placeholder is not None:
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        if showing:
            self.stack.setCurrentIndex(index)
        if self.locked:
            section.clear()
        return section

    def _show_study_label(self) -> None:
        try:
            info = self.desk.study.info
            self.study_label.setText(f"{info.name}\n{info.review_mode} review")
        except Exception:
            self.study_label.setText(self.desk.label)

    def _action(
        self, text: str, shortcut: str | QKeySequence | None, slot: Callable[[], object]
    ) -> QAction:
        return window_action(self, text, shortcut, slot)

    def _build_actions(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.new_action = self._action("&New study…", "Ctrl+Shift+N", self.new_study_requested.emit)
        self.open_action = self._action("&Open study…", "Ctrl+O", self.open_study_requested.emit)
        self.refresh_action = self._action("&Refresh", "F5", self.refresh_all)
        self.lock_action = self._action("&Lock study", "Ctrl+L", lambda: self.lock("shortcut"))
        self.close_action = self._action("&Close study", "Ctrl+W", self.close)
        for action in (self.new_action, self.open_action):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.refresh_action)
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.close_action)
        go_menu = menu.addMenu("&Go")
        self.go_actions: list[QAction] = []
        for i, spec in enumerate(SPECS):
            action = self._action(spec.title, f"Ctrl+{i + 1}", self._goer(i))
            action.setShortcuts([QKeySequence(f"Ctrl+{i + 1}"), QKeySequence(spec.alt_key)])
            go_menu.addAction(action)
            self.go_actions.append(action)
        self.find_action = self._action(
            "&Search this section", QKeySequence(QKeySequence.StandardKey.Find), self.focus_search
        )
        go_menu.addAction(self.find_action)
        help_menu = menu.addMenu("&Help")
        self.shortcuts_action = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.shortcuts_action.setShortcuts([QKeySequence("F1"), QKeySequence("Ctrl+/")])
        help_menu.addAction(self.shortcuts_action)
        self._unlocked_only = [self.refresh_action, self.find_action, *self.go_actions]

    # -- sections

    def _goer(self, index: int) -> Callable[[], None]:
        return lambda: self.go_to(index)

    def go_to(self, index: int) -> None:
        """A section's key (Alt+letter, Ctrl+number): the section, with the focus in it
        (``_focus_into``) wherever the focus was, the side list included."""
        self.show_section(index)
        if not self.locked:
            self._focus_into(self.current)

    @property
    def current(self) -> Section:
        return self.sections[SECTION_KEYS[self.stack.currentIndex()]]

    def section(self, key: str) -> Section:
        return self.sections[key]

    def show_section(self, index: int) -> None:
        if self.locked or not 0 <= index < self.stack.count():
            return
        if self.nav.currentRow() != index:
            self.nav.setCurrentRow(index)  # comes back through _on_nav
            return
        self._on_nav(index)

    def _on_nav(self, index: int) -> None:
        if self.locked or index < 0:
            return
        section = self.sections[SECTION_KEYS[index]]  # built the first time
        self.stack.setCurrentIndex(index)
        if not section.loaded and not section.waiting:
            section.open()
        self.setWindowTitle(self._title())
        if not self.nav.hasFocus():
            self._focus_into(section)

    def _focus_into(self, section: Section) -> None:
        """Arrived by a key: the focus goes to the section's first search box, else its first
        table, else the side list (first in the order Tab moves through the section). Never
        left where Qt would move it (the section's first button): a person still typing would
        press it with Space."""
        from PySide6.QtWidgets import QAbstractItemView

        searches = _searches(section)
        if searches:
            searches[0].setFocus()
            return
        for widget in _focus_order(section):
            if isinstance(widget, QAbstractItemView):
                widget.setFocus()
                return
        self.nav.setFocus()

    def follow_link(self, key: str, value: str) -> None:
        """An overview figure was pressed: the section behind it, filtered to its rows."""
        index = list(self.sections).index(key)
        self.show_section(index)
        self.sections[key].apply_link(value)
        self.sections[key].setFocus()

    def _study_changed(self, source: Section) -> None:
        if not source.waiting:  # a section reading the study again has read after its change
            self.snapshots.invalidate()
        for section in self.sections.built():
            if section is not source:
                section.loaded = False

    def refresh_all(self) -> None:
        if self.locked:
            return
        self.snapshots.invalidate()
        for section in self.sections.built():
            section.loaded = False
        self.current.refresh()
        self.statusBar().showMessage("Read the study again.", 5000)

    def focus_search(self) -> None:
        for edit in _searches(self.current)[:1]:
            edit.setFocus()
            edit.selectAll()

    def _title(self) -> str:
        parts = ["Locked"] if self.locked else [self.current.title]
        parts.append(COORDINATOR)
        if self.desk.synthetic:
            parts.append(SYNTHETIC_MARK)
        return window_title(*parts)

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self,
            "Keyboard shortcuts",
            shortcuts_text(SPECS),
        )

    # -- locking

    def lock(self, reason: str = "shortcut") -> None:
        """Take every detail off the screen and ask for the study passphrase."""
        if self.locked:
            return
        self._place = self.stack.currentIndex()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        for section in self.sections.built():
            section.clear()
        self.snapshots.drop()  # nothing read is kept, or read, while locked
        self.page.hide()
        self.locked = True
        self.triggers.disarm()
        for action in (*self._unlocked_only, self.lock_action):
            action.setEnabled(False)
        self.setWindowTitle(self._title())
        self.statusBar().clearMessage()
        screen = UnlockScreen(
            self.desk.verify_passphrase,
            self.runner,
            title="Study locked",
            explanation="The study's details are hidden. Type the study passphrase to carry on.",
            noun="study",
            parent=self.locked_stack,
        )
        screen.unlocked.connect(self._on_unlocked)
        self.lock_screen = screen
        self.locked_stack.addWidget(screen)
        self.locked_stack.setCurrentWidget(screen)
        self.locked_stack.show()
        screen.passphrase.setFocus()
        self.locked_changed.emit(True)
        log.info("study locked (%s)", reason)

    def _on_unlocked(self, _result: object) -> None:
        screen, self.lock_screen = self.lock_screen, None
        if screen is not None:
            self.locked_stack.removeWidget(screen)
            screen.deleteLater()
        self.locked_stack.hide()
        self.locked = False
        for action in (*self._unlocked_only, self.lock_action):
            action.setEnabled(True)
        self.page.show()
        self.show_section(self._place)
        self._on_nav(self._place)
        self.triggers.arm()
        self.locked_changed.emit(False)
        log.info("study unlocked")

    # -- closing

    def busy_sections(self) -> Sequence[Section]:
        return [s for s in self.sections.built() if s.busy]

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.busy_sections():
            answer = QMessageBox.question(
                self,
                "Work in progress",
                "Work is still running (collection or packs). Close when it has finished? "
                "Choose No to keep the window open.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.triggers.disarm()
        super().closeEvent(event)
        self.closed.emit()


def _focus_order(section: QWidget) -> list[QWidget]:
    """The section's visible widgets that take the focus, in the order Tab moves through."""
    found: list[QWidget] = []
    widget = section.nextInFocusChain()
    while widget is not None and widget is not section and widget not in found:
        if (
            section.isAncestorOf(widget)
            and widget.isVisible()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            found.append(widget)
        widget = widget.nextInFocusChain()
    return found


def _searches(section: QWidget) -> list[QLineEdit]:
    """The section's visible search boxes, in the order Tab moves through."""
    return [
        w
        for w in _focus_order(section)
        if isinstance(w, QLineEdit) and w.accessibleName().startswith("Search")
    ]
