"""The main window: the case list, the review form, locking and the menus.

The window is given what it needs (rows, a way to reload them, a way to check the passphrase,
a factory for the review page); it decides nothing about data. It talks to the review page
only through ``ReviewPageView`` (gui/form/page_protocol.py). Pages live in a stack:

    case list  ──Enter──▶  review page  ──close_requested──▶  case list
         └──────── lock (idle, Ctrl+L, sleep) ──▶ lock screen ──passphrase──▶ same place

Locking takes every patient detail off the screen: the review page is destroyed, the case
model is emptied, the search text is cleared, open dialogs are closed and the title names no
case. Where the reviewer was (case, section, field, search) is kept in memory and restored.

The Case menu (gui/case_menu.py) acts on the current case: the one open in the form, else
the one selected in the list.

Quitting (Ctrl+Q, closing the window, the session ending) first saves what is pending; when
that fails the window asks (gui/quit_guard.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.case_list_page import CaseListPage
from reviewer_app.gui.case_table_model import CaseRow
from reviewer_app.gui.form.page_protocol import ReviewPageView
from reviewer_app.gui.launch import SYNTHETIC_MARK, window_title
from reviewer_app.gui.lock import Place
from reviewer_app.gui.quit_guard import QuitGuard
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.shortcuts_help import SHORTCUTS_TEXT
from reviewer_app.gui.spelling import forget_ignored_words, workspace_checker
from reviewer_app.gui.tasks import Runner, TaskRunner
from reviewer_app.gui.unlock_screen import UnlockScreen
from reviewer_app.gui.window_geometry import WindowGeometry
from reviewer_app.gui.window_menus import build_menus
from reviewer_app.gui.window_shell import lock_triggers

if TYPE_CHECKING:
    from reviewer_app.gui.autosave import AutosaveWriter
    from reviewer_app.gui.case_menu import CaseMenu
    from reviewer_app.gui.pack_import import PackImportAction, PackSession
    from reviewer_app.gui.reviewer_fields import EnrolledDetails
    from reviewer_app.gui.signing.menu_actions import SigningDesk

log = logging.getLogger(__name__)

CLOSE_CASE_TIMEOUT_S = 5.0
"""How long taking a case off the screen (locking, closing) waits for its typing to be saved."""

ReviewPageFactory = Callable[[QWidget], ReviewPageView]
"""Builds the review page (gui/form/review_page.py's ReviewPage fits); it must be a QWidget."""


def _widget_of(page: ReviewPageView) -> QWidget:
    if not isinstance(page, QWidget):
        raise TypeError("the review page must be a QWidget")
    return page


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)
    new_study_requested = Signal()  # File > New study… (the coordinator's window: app.py)
    open_study_requested = Signal()  # File > Open study…
    # Made by build_menus (gui/window_menus.py), which names every action on the window.
    lock_action: QAction
    export_action: QAction
    case_actions: list[QAction]
    cases: CaseMenu
    packs: PackImportAction
    _unlocked_only: list[QAction]

    def __init__(
        self,
        rows: Sequence[CaseRow] = (),
        *,
        synthetic: bool = False,
        demo_passphrase: str | None = None,
        verify_passphrase: Callable[[str], object] | None = None,
        reload_rows: Callable[[], Sequence[CaseRow]] | None = None,
        reload_row: Callable[[str], CaseRow | None] | None = None,
        review_page_factory: ReviewPageFactory | None = None,
        runner: Runner | None = None,
        settings: AppSettings | None = None,
        idle_ms: int | None = None,
        listen_to_system: bool = True,
        signing: SigningDesk | None = None,
        flush_edits: Callable[[], bool] | None = None,
        autosave: AutosaveWriter | None = None,
        identity: Callable[[], EnrolledDetails | None] | None = None,
        packs: PackSession | None = None,
    ) -> None:
        super().__init__()
        self._identity = identity
        self._packs = packs
        self.signing = signing
        self._flush_edits = flush_edits
        self._synthetic = synthetic
        self._verify = verify_passphrase
        self._reload = reload_rows
        self._reload_row = reload_row
        self._factory = review_page_factory
        self._runner: Runner = runner or TaskRunner(self)
        self._settings = settings
        self._rows_kept: list[CaseRow] | None = None if reload_rows else list(rows)
        self.review_page: ReviewPageView | None = None
        self.lock_screen: UnlockScreen | None = None
        self.place: Place | None = None
        self.locked = False
        self.setWindowTitle(self._title())
        self.resize(1093, 614)
        self.geometry_memory = WindowGeometry(settings.path if settings else None)
        self.geometry_memory.restore(self)  # maximised on a laptop, else where it was left
        self._build_central(rows, demo_passphrase if synthetic else None)
        build_menus(self)
        self._follow_current_case()
        self.triggers = lock_triggers(
            self, settings, idle_ms, self.lock, listen_to_system=listen_to_system
        )
        self._lock_hint = QLabel(self)
        self.statusBar().addPermanentWidget(self._lock_hint)
        self._update_lock_hint()
        self.statusBar().showMessage("Ready")
        self.case_list.table.setFocus()
        self.triggers.arm()
        self._watch_quitting(autosave)

    # -- set-up

    def _build_central(self, rows: Sequence[CaseRow], demo_passphrase: str | None) -> None:
        """The synthetic-data banner (demo only) above the stack of pages."""
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if self._synthetic:
            banner_text = f"{SYNTHETIC_MARK}: invented patients for practice only."
            if demo_passphrase:
                banner_text += f"   Demo workspace passphrase: {demo_passphrase}"
            self.banner = QLabel(banner_text, central)
            self.banner.setObjectName("bannerSynthetic")
            self.banner.setAccessibleName("Synthetic data notice")
            self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.banner)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.case_list = CaseListPage(rows, self.stack, find_shortcut=False)
        self.case_list.open_case_requested.connect(self.open_case)
        self.stack.addWidget(self.case_list)
        # Compatibility names for callers of the first window.
        self.table = self.case_list.table
        self.case_model = self.case_list.model

    def _title(self, case_ref: str | None = None) -> str:
        """The title, naming the app once, at the end: "NSR-0004 — SYNTHETIC DATA — Case review".

        Ending with the application's display name matters: on X11 and Windows Qt appends
        that name to any title that does not already end with it."""
        parts: list[str] = []
        if self.locked:
            parts.append("Locked")
        elif case_ref:
            parts.append(case_ref)
        if self._synthetic:
            parts.append(SYNTHETIC_MARK)
        return window_title(*parts)

    def _watch_quitting(self, autosave: AutosaveWriter | None) -> None:
        self._quit = QuitGuard(
            self,
            autosave,
            locked=lambda: self.locked,
            notify=lambda text: self.statusBar().showMessage(text, 30_000),
        )
        app = QApplication.instance()
        if isinstance(app, QApplication):  # logging off / shutting down asks first too
            app.commitDataRequest.connect(self._commit_data)

    @property
    def discarded_unsaved(self) -> int:
        """Changes the reviewer chose to lose when quitting (the app then stops quickly)."""
        return self._quit.discarded

    def _update_lock_hint(self) -> None:
        minutes = max(1, round(self.triggers.idle_ms / 60_000))
        self._lock_hint.setText(f"Locks after {minutes} min idle · Ctrl+L locks now")

    # -- the Case menu

    def _follow_current_case(self) -> None:
        """Keep the Case menu's items enabled by the state of the case they would act on."""
        if self.signing is not None:
            self.signing.notify = lambda text: self.statusBar().showMessage(text, 20_000)
        self.stack.currentChanged.connect(lambda _index: self.update_case_actions())
        selection = self.case_list.table.selectionModel()
        if selection is not None:
            selection.currentChanged.connect(lambda *_: self.update_case_actions())
        self.update_case_actions()

    def acting_case_ref(self) -> str | None:
        """The case the Case menu acts on: open in the form, else selected in the list."""
        if self.locked:
            return None
        return self.current_case_ref() or (
            self.case_list.current_case_ref()
            if self.stack.currentWidget() is self.case_list
            else None
        )

    def update_case_actions(self) -> None:
        if hasattr(self, "cases"):
            self.cases.update()

    def edits_saved(self) -> bool:
        """Pending typing on disk before signing or amending (what is signed is what is shown)."""
        if self.current_case_ref() is None:
            return True
        if self.review_page is not None and self.review_page.refuses_signing():
            return False  # a typed date not saved: the form shows it
        self._save_review_page()
        if self._flush_edits is not None and not self._flush_edits():
            QMessageBox.warning(
                self,
                "Case review",
                "Your latest changes are not saved yet (see the save status at the bottom of "
                "the form). Try again in a moment.",
            )
            return False
        return True

    def case_changed(self, case_ref: str) -> None:
        """A sign-off action changed a case: its row, the form (if showing it), the menu."""
        if self.locked:
            return
        state = self.signing.state(case_ref) if self.signing is not None else None
        self.refresh_case_row(case_ref, None if state is None else state.status)
        if self.current_case_ref() == case_ref and self.review_page is not None:
            self.review_page.open_case(case_ref, self.review_page.current_section_id)
        elif state is not None and state.status is ReviewStatus.AMENDMENT_IN_PROGRESS:
            self.open_case(case_ref)  # the new version, ready to correct
        self.update_case_actions()

    # -- navigation

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> None:
        if self.locked:
            return
        page = self._ensure_review_page()
        if page is None:
            return
        if section_id or question_id:
            opened = page.open_case(case_ref, section_id, question_id)
        else:
            opened = page.open_case(case_ref)
        if opened is False:  # the page said why
            return
        self.stack.setCurrentWidget(_widget_of(page))
        self.setWindowTitle(self._title(case_ref))
        self.statusBar().clearMessage()
        log.info("opened case %s", case_ref)

    def _ensure_review_page(self) -> ReviewPageView | None:
        """The review page, built on first use (None when the window was given no factory)."""
        if self.review_page is None and self._factory is not None:
            page = self._factory(self.stack)
            page.status_changed.connect(self._on_status_changed)
            page.close_requested.connect(self.show_case_list)
            page.sign_requested.connect(self.cases.sign)
            self.stack.addWidget(_widget_of(page))
            self.review_page = page
        return self.review_page

    def resume(self) -> bool:
        """Back to the case, section and field of the last session, when the page knows it."""
        page = self._ensure_review_page()
        if self.locked or page is None or not page.restore_position():
            return False
        self.stack.setCurrentWidget(_widget_of(page))
        self.setWindowTitle(self._title(self.current_case_ref()))
        return True

    def _page_showing(self) -> ReviewPageView | None:
        page = self.review_page
        if page is not None and self.stack.currentWidget() is _widget_of(page):
            return page
        return None

    def current_case_ref(self) -> str | None:
        page = self._page_showing()
        return page.current_case_ref if page is not None else None

    def show_case_list(self) -> None:
        if self.locked:
            return
        ref = self.current_case_ref()
        self._save_review_page()
        self.stack.setCurrentWidget(self.case_list)
        if ref:
            self.case_list.select_case(ref)
        self.case_list.table.setFocus()
        self.setWindowTitle(self._title())

    def find_case(self) -> None:
        if self.locked:
            return
        if self.stack.currentWidget() is not self.case_list:
            self.show_case_list()
        self.case_list.focus_search()

    def _on_status_changed(self, case_ref: str, status: str) -> None:
        self.refresh_case_row(case_ref, ReviewStatus(status))
        self.update_case_actions()

    def refresh_case_row(self, case_ref: str, status: ReviewStatus | None = None) -> None:
        """The case's row read afresh (status, progress, flags), else just its new status."""
        row = self._reload_row(case_ref) if self._reload_row is not None else None
        self.case_list.model.show_change(case_ref, row, status)

    def _save_review_page(self) -> None:
        """Save pending typing now (leaving the form for the list, or quitting)."""
        if self.review_page is not None:
            self.review_page.save_now()

    def _close_review_case(self) -> None:
        """Save everything and take the case off the page (before the page is destroyed)."""
        if self.review_page is not None:
            self.review_page.close_case(CLOSE_CASE_TIMEOUT_S)

    # -- locking

    def _capture_place(self) -> Place:
        case_ref = self.current_case_ref()
        page = self.review_page if case_ref else None
        if page is None:
            return Place.of(self.case_list, case_ref)
        return Place.of(self.case_list, case_ref, page.current_section_id, page.current_question_id)

    def lock(self, reason: str = "shortcut") -> None:
        """Take every patient detail off the screen and ask for the passphrase."""
        if self.locked:
            return
        self.place = self._capture_place()
        self._close_review_case()
        forget_ignored_words()  # ignored words may be names
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self._destroy_review_page()
        self.case_list.clear()
        self.case_list.hide()
        self.locked = True
        self.triggers.disarm()
        for action in (*self._unlocked_only, *self.case_actions, self.export_action):
            action.setEnabled(False)
        self.lock_action.setEnabled(False)
        self.setWindowTitle(self._title())
        self.statusBar().clearMessage()
        self.lock_screen = UnlockScreen.for_locked_workspace(
            self._check_passphrase, self._runner, self.stack
        )
        self.lock_screen.unlocked.connect(self._on_unlocked)
        self.stack.addWidget(self.lock_screen)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.passphrase.setFocus()
        self.locked_changed.emit(True)
        log.info("workspace locked (%s)", reason)

    def _destroy_review_page(self) -> None:
        """The page goes entirely (its widgets held patient details); rebuilt on unlock."""
        if self.review_page is None:
            return
        widget = _widget_of(self.review_page)
        self.stack.removeWidget(widget)
        widget.hide()
        widget.setParent(None)  # type: ignore[call-overload]
        widget.deleteLater()
        self.review_page = None

    def _check_passphrase(self, passphrase: str) -> object:
        if self._verify is None:
            raise RuntimeError("no passphrase check was given to the main window")
        return self._verify(passphrase)

    def _on_unlocked(self, _result: object) -> None:
        screen = self.lock_screen
        self.lock_screen = None
        if screen is not None:
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.locked = False
        for action in (*self._unlocked_only, self.lock_action):
            action.setEnabled(True)
        rows = self._reload() if self._reload is not None else (self._rows_kept or [])
        self.case_list.show()
        self.case_list.set_rows(rows)
        self.stack.setCurrentWidget(self.case_list)
        self._restore_place(self.place or Place())
        self.place = None
        self.triggers.arm()
        self.update_case_actions()
        self.locked_changed.emit(False)
        log.info("workspace unlocked")

    def _restore_place(self, place: Place) -> None:
        place.restore_list(self.case_list)
        if place.case_ref:
            self.open_case(place.case_ref, place.section, place.field)
        else:
            self.setWindowTitle(self._title())
            self.case_list.table.setFocus()

    # -- settings, help, closing

    def open_settings(self) -> None:
        if self._settings is None or self.locked:
            return
        from reviewer_app.gui.settings_dialog import edit_settings

        identity = self._identity() if self._identity is not None else None
        if edit_settings(self._settings, self, identity=identity, spelling=workspace_checker()):
            self.triggers.set_idle_ms(self._settings.idle_lock_minutes * 60_000)
            self._update_lock_hint()

    def show_help(self) -> None:
        from reviewer_app.gui.help_window import show_help

        show_help(self)

    def show_about(self) -> None:
        from reviewer_app.gui.about_dialog import show_about

        show_about(self)

    def show_shortcuts(self) -> None:
        QMessageBox.information(self, "Keyboard shortcuts", SHORTCUTS_TEXT)

    def confirm_quit(self) -> bool:
        """Save what is pending; when that fails, ask. True when the app may quit."""
        if self._quit.autosave is not None and not self.locked:
            self._save_review_page()
        return self._quit.confirm()

    def _commit_data(self, manager: Any) -> None:
        """The session is ending (logging off): save, ask when that fails, cancel if told to."""
        self._quit.session_ending(manager, self.confirm_quit)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_quit():
            event.ignore()
            return
        if not self.locked and not self.discarded_unsaved:
            self._close_review_case()
        self.triggers.disarm()
        if self.signing is not None:
            self.signing.close()
        self.geometry_memory.save(self)
        super().closeEvent(event)
