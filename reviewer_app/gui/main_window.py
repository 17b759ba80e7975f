"""The main window: the case list, the review form, locking and the menus.

The window is given what it needs (rows, a way to reload them, a way to check the passphrase,
a factory for the review page); it decides nothing about data. Pages live in a stack:

    case list  ──Enter──▶  review page  ──close_requested──▶  case list
         └──────── lock (idle, Ctrl+L, sleep) ──▶ lock screen ──passphrase──▶ same place

Locking takes every patient detail off the screen: the review page is destroyed, the case
model is emptied, the search text is cleared, open dialogs are closed and the title names no
case. Where the reviewer was (case, section, field, search) is kept in memory and restored.

The Case menu (Sign…, Co-sign…, Amend…, Print summary…, Open summary, Save summary as…) acts
on the current case: the one open in the form, else the one selected in the list. Its items
are enabled by that case's sign-off state, read from the ``SigningDesk`` (gui/signing), which
shows the dialogs and runs the work; File ▸ Export signed summaries… exports every signed
summary. Without a desk (tests of the shell) the menu is there, disabled.

Quitting (Ctrl+Q, closing the window, the session ending) first saves what is pending. When
changes cannot be saved (disk full, read-only folder) the window stays open and asks:
Retry, Keep the app open, or Quit and lose them; the typing stays on screen meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.case_list_page import CaseListPage
from reviewer_app.gui.case_table_model import CaseRow
from reviewer_app.gui.launch import APP_DISPLAY_NAME, window_title
from reviewer_app.gui.lock import LockTriggers, Place
from reviewer_app.gui.settings import DEFAULT_IDLE_LOCK_MINUTES, AppSettings
from reviewer_app.gui.tasks import Runner, TaskRunner
from reviewer_app.gui.unlock_screen import UnlockScreen

if TYPE_CHECKING:
    from reviewer_app.gui.autosave import AutosaveWriter
    from reviewer_app.gui.signing.desk import SigningDesk
    from reviewer_app.services.signing.actions import CaseSigning

log = logging.getLogger(__name__)

SYNTHETIC_MARK = "SYNTHETIC DATA"
APP_TITLE = APP_DISPLAY_NAME
QUIT_SAVE_TIMEOUT_S = 3.0
"""How long quitting waits for one save attempt before asking (a failing disk answers at once)."""

ReviewPageFactory = Callable[[QWidget], QWidget]
"""Builds the review page (gui/form/review_page.py's ReviewPage fits). The page has
``open_case(case_ref, section_id=None, question_id=None)`` and the signals
``status_changed(case_ref, status)`` and ``close_requested()``; the window also uses, when
present: ``current_case_ref``, ``current_section_id``, ``current_question_id`` (properties),
``save_now()``, ``close_case()`` (save everything, take the case off the screen) and
``restore_position()`` (back to where the reviewer was at the last start)."""


class PlaceholderReviewPage(QWidget):
    """Stands in for the review form where it is not built (keeps the seam visible)."""

    status_changed = Signal(str, str)
    close_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case_ref: str | None = None
        layout = QVBoxLayout(self)
        self.label = QLabel("", self)
        self.label.setObjectName("pageTitle")
        self.label.setWordWrap(True)
        layout.addWidget(self.label)
        layout.addWidget(QLabel("The review form is not part of this build yet.", self))
        self.back = QPushButton("&Back to the case list", self)
        self.back.setAccessibleName("Back to the case list")
        self.back.clicked.connect(self.close_requested)
        layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> bool:
        self.case_ref = case_ref
        self.label.setText(f"Case {case_ref}")
        self.back.setFocus()
        return True

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close_requested.emit()
            return
        super().keyPressEvent(event)


def _placeholder_factory(parent: QWidget) -> QWidget:
    return PlaceholderReviewPage(parent)


class MainWindow(QMainWindow):
    locked_changed = Signal(bool)

    def __init__(
        self,
        rows: Sequence[CaseRow] = (),
        *,
        workspace_label: str,
        synthetic: bool = False,
        demo_passphrase: str | None = None,
        verify_passphrase: Callable[[str], object] | None = None,
        reload_rows: Callable[[], Sequence[CaseRow]] | None = None,
        review_page_factory: ReviewPageFactory | None = None,
        runner: Runner | None = None,
        settings: AppSettings | None = None,
        idle_ms: int | None = None,
        listen_to_system: bool = True,
        signing: SigningDesk | None = None,
        flush_edits: Callable[[], bool] | None = None,
        autosave: AutosaveWriter | None = None,
    ) -> None:
        super().__init__()
        self.signing = signing
        self._flush_edits = flush_edits
        self._synthetic = synthetic
        self._verify = verify_passphrase
        self._reload = reload_rows
        self._factory = review_page_factory or _placeholder_factory
        self._runner: Runner = runner or TaskRunner(self)
        self._settings = settings
        self._rows_kept: list[CaseRow] | None = None if reload_rows else list(rows)
        self.review_page: QWidget | None = None
        self.lock_screen: UnlockScreen | None = None
        self.place: Place | None = None
        self.locked = False
        self.setWindowTitle(self._title())
        self.resize(1093, 614)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if synthetic:
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

        self._build_actions()
        self._follow_current_case()
        minutes = settings.idle_lock_minutes if settings else DEFAULT_IDLE_LOCK_MINUTES
        self.triggers = LockTriggers(
            idle_ms if idle_ms is not None else minutes * 60_000,
            self,
            listen_to_system=listen_to_system,
        )
        self.triggers.lock_requested.connect(self.lock)
        self._lock_hint = QLabel(self)
        self.statusBar().addPermanentWidget(self._lock_hint)
        self._update_lock_hint()
        self.statusBar().showMessage("Ready")
        self.case_list.table.setFocus()
        self.triggers.arm()
        self._watch_quitting(autosave)

    # -- set-up

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

    def _action(
        self, text: str, shortcut: QKeySequence | str | None, slot: Callable[[], object]
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.lock_action = self._action("&Lock workspace", "Ctrl+L", lambda: self.lock("shortcut"))
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close)
        self.settings_action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        self.list_action = self._action("&Case list", "Ctrl+Shift+L", self.show_case_list)
        self.find_action = self._action("&Find a case", None, self.find_case)
        self.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        # Shift+F1: F1 alone belongs to the form (help for the question being answered).
        self.shortcuts_action = self._action("&Keyboard shortcuts", "Shift+F1", self.show_shortcuts)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.lock_action)
        file_menu.addAction(self.quit_action)
        go_menu = menu.addMenu("&Go")
        go_menu.addAction(self.list_action)
        go_menu.addAction(self.find_action)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        self._unlocked_only = [self.settings_action, self.list_action, self.find_action]
        self._build_case_actions(file_menu, help_menu)

    def _build_case_actions(self, file_menu: Any, help_menu: Any) -> None:
        """The Case menu (before Help) and File ▸ Export signed summaries…"""
        self.sign_action = self._action("&Sign…", "Ctrl+Shift+Return", self.sign_current)
        self.cosign_action = self._action("C&o-sign…", None, self.cosign_current)
        self.amend_action = self._action("&Amend…", None, self.amend_current)
        self.print_action = self._action("&Print summary…", None, self.print_current)
        self.print_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
        self.open_summary_action = self._action(
            "Op&en summary", "Ctrl+Shift+O", self.open_summary_current
        )
        self.save_summary_action = self._action(
            "Sa&ve summary as…", "Ctrl+Shift+S", self.save_summary_current
        )
        self.export_action = self._action(
            "&Export signed summaries…", "Ctrl+Shift+E", self.export_signed
        )
        file_menu.insertAction(self.lock_action, self.export_action)
        file_menu.insertSeparator(self.lock_action)
        self.case_menu = self._case_menu()
        self.menuBar().insertMenu(help_menu.menuAction(), self.case_menu)
        self.case_actions = [
            self.sign_action,
            self.cosign_action,
            self.amend_action,
            self.print_action,
            self.open_summary_action,
            self.save_summary_action,
        ]

    def _case_menu(self) -> Any:
        from PySide6.QtWidgets import QMenu

        menu = QMenu("&Case", self)
        menu.addAction(self.sign_action)
        menu.addAction(self.cosign_action)
        menu.addAction(self.amend_action)
        menu.addSeparator()
        menu.addAction(self.print_action)
        menu.addAction(self.open_summary_action)
        menu.addAction(self.save_summary_action)
        menu.aboutToShow.connect(self.update_case_actions)
        return menu

    def _watch_quitting(self, autosave: AutosaveWriter | None) -> None:
        self._autosave = autosave
        # Changes the reviewer chose to lose when quitting (the app then stops quickly).
        self.discarded_unsaved = 0
        app = QApplication.instance()
        if isinstance(app, QApplication):  # logging off / shutting down asks first too
            app.commitDataRequest.connect(self._commit_data)

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

    def case_state(self) -> CaseSigning | None:
        ref = self.acting_case_ref()
        if ref is None or self.signing is None:
            return None
        try:
            return self.signing.state(ref)
        except Exception:  # never let a menu update take the window down
            log.exception("could not read the sign-off state of the current case")
            return None

    def update_case_actions(self) -> None:
        if not hasattr(self, "case_actions"):
            return
        state = self.case_state()
        enabled = {
            self.sign_action: state is not None and state.can_sign,
            self.cosign_action: state is not None and state.can_cosign,
            self.amend_action: state is not None and state.can_amend,
            self.print_action: state is not None and state.has_summary,
            self.open_summary_action: state is not None and state.has_summary,
            self.save_summary_action: state is not None and state.has_summary,
        }
        for action, on in enabled.items():
            action.setEnabled(on)
        self.export_action.setEnabled(self.signing is not None and not self.locked)

    def _edits_saved(self) -> bool:
        """Pending typing on disk before signing or amending (what is signed is what is shown)."""
        if self.current_case_ref() is None:
            return True
        self._flush_review_page()
        if self._flush_edits is not None and not self._flush_edits():
            QMessageBox.warning(
                self,
                "Case review",
                "Your latest changes are not saved yet (see the save status at the bottom of "
                "the form). Try again in a moment.",
            )
            return False
        return True

    def _run_case_action(self, name: str, needs_saved: bool) -> None:
        ref = self.acting_case_ref()
        if ref is None or self.signing is None:
            return
        if needs_saved and not self._edits_saved():
            return
        action = getattr(self.signing, name)
        if needs_saved:  # the actions that change the case report back
            action(ref, self, self.case_changed)
        else:
            action(ref, self)

    def sign_current(self) -> None:
        self._run_case_action("sign", needs_saved=True)

    def cosign_current(self) -> None:
        self._run_case_action("cosign", needs_saved=True)

    def amend_current(self) -> None:
        self._run_case_action("amend", needs_saved=True)

    def print_current(self) -> None:
        self._run_case_action("print_summary", needs_saved=False)

    def open_summary_current(self) -> None:
        self._run_case_action("open_summary", needs_saved=False)

    def save_summary_current(self) -> None:
        self._run_case_action("save_summary", needs_saved=False)

    def export_signed(self) -> None:
        if self.signing is not None and not self.locked:
            self.signing.export_all(self)

    def case_changed(self, case_ref: str) -> None:
        """A sign-off action changed a case: its row, the form (if showing it), the menu."""
        if self.locked:
            return
        state = self.signing.state(case_ref) if self.signing is not None else None
        if state is not None and state.status is not None:
            self.case_list.model.set_status(case_ref, state.status)
        if self.current_case_ref() == case_ref and self.review_page is not None:
            page: Any = self.review_page
            page.open_case(case_ref, getattr(page, "current_section_id", None))
        elif state is not None and state.status is ReviewStatus.AMENDMENT_IN_PROGRESS:
            self.open_case(case_ref)  # the new version, ready to correct
        self.update_case_actions()

    # -- navigation

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> None:
        if self.locked:
            return
        page: Any = self._ensure_review_page()
        if section_id or question_id:
            opened = page.open_case(case_ref, section_id, question_id)
        else:
            opened = page.open_case(case_ref)
        if opened is False:  # the page said why
            return
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(self._title(case_ref))
        self.statusBar().clearMessage()
        log.info("opened case %s", case_ref)

    def _ensure_review_page(self) -> QWidget:
        if self.review_page is None:
            page = self._factory(self.stack)
            page.status_changed.connect(self._on_status_changed)  # type: ignore[attr-defined]
            page.close_requested.connect(self.show_case_list)  # type: ignore[attr-defined]
            sign_requested = getattr(page, "sign_requested", None)
            if sign_requested is not None:  # a Sign… button on the form, when it has one
                sign_requested.connect(self.sign_current)
            self.stack.addWidget(page)
            self.review_page = page
        return self.review_page

    def resume(self) -> bool:
        """Back to the case, section and field of the last session, when the page knows it."""
        page: Any = self._ensure_review_page()
        restore = getattr(page, "restore_position", None)
        if self.locked or not callable(restore) or not restore():
            return False
        self.stack.setCurrentWidget(page)
        self.setWindowTitle(self._title(self.current_case_ref()))
        return True

    def current_case_ref(self) -> str | None:
        page = self.review_page
        if page is not None and self.stack.currentWidget() is page:
            ref = getattr(page, "current_case_ref", None) or getattr(page, "case_ref", None)
            if callable(ref):
                ref = ref()
            return str(ref) if ref else None
        return None

    def show_case_list(self) -> None:
        if self.locked:
            return
        ref = self.current_case_ref()
        self._flush_review_page()
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
        try:
            self.case_list.model.set_status(case_ref, ReviewStatus(status))
        except (ValueError, TypeError):
            log.warning("could not show a status change in the case list")
        self.update_case_actions()

    def _flush_review_page(self) -> None:
        """Save pending typing now (leaving the form for the list, or quitting)."""
        for name in ("save_now", "flush"):
            method = getattr(self.review_page, name, None)
            if callable(method):
                method()
                return

    def _close_review_case(self) -> None:
        """Save everything and take the case off the page (before the page is destroyed)."""
        close = getattr(self.review_page, "close_case", None)
        if callable(close):
            close()
        else:
            self._flush_review_page()

    # -- locking

    def _capture_place(self) -> Place:
        section = field = None
        case_ref = self.current_case_ref()
        if case_ref:
            section = getattr(self.review_page, "current_section_id", None)
            field = getattr(self.review_page, "current_question_id", None)
        return Place(
            case_ref=case_ref,
            section=section,
            field=field,
            search_text=self.case_list.search.text(),
            status_filter=self.case_list.status_filter.currentIndex(),
            selected_case=self.case_list.current_case_ref(),
        )

    def lock(self, reason: str = "shortcut") -> None:
        """Take every patient detail off the screen and ask for the passphrase."""
        if self.locked:
            return
        self.place = self._capture_place()
        self._close_review_case()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        if self.review_page is not None:
            self.stack.removeWidget(self.review_page)
            self.review_page.hide()
            self.review_page.setParent(None)  # type: ignore[call-overload]
            self.review_page.deleteLater()
            self.review_page = None
        self.case_list.clear()
        self.case_list.hide()
        self.locked = True
        self.triggers.disarm()
        for action in (*self._unlocked_only, *self.case_actions, self.export_action):
            action.setEnabled(False)
        self.lock_action.setEnabled(False)
        self.setWindowTitle(self._title())
        self.statusBar().clearMessage()
        self.lock_screen = UnlockScreen(
            self._check_passphrase,
            self._runner,
            title="Workspace locked",
            explanation=(
                "Patient details are hidden. Type your workspace passphrase to carry on "
                "where you left off."
            ),
            parent=self.stack,
        )
        self.lock_screen.unlocked.connect(self._on_unlocked)
        self.stack.addWidget(self.lock_screen)
        self.stack.setCurrentWidget(self.lock_screen)
        self.lock_screen.passphrase.setFocus()
        self.locked_changed.emit(True)
        log.info("workspace locked (%s)", reason)

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
        page = self.case_list
        page.status_filter.setCurrentIndex(place.status_filter)
        page.search.setText(place.search_text)
        if place.selected_case:
            page.select_case(place.selected_case)
        if place.case_ref:
            self.open_case(place.case_ref, place.section, place.field)
        else:
            self.setWindowTitle(self._title())
            page.table.setFocus()

    # -- settings, help, closing

    def open_settings(self) -> None:
        if self._settings is None or self.locked:
            return
        from reviewer_app.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.triggers.set_idle_ms(self._settings.idle_lock_minutes * 60_000)
            self._update_lock_hint()
            app = QApplication.instance()
            if isinstance(app, QApplication):
                from reviewer_app.gui.theme import apply_theme

                apply_theme(app, self._settings.theme)

    def show_shortcuts(self) -> None:
        QMessageBox.information(
            self,
            "Keyboard shortcuts",
            "Ctrl+F\tFind a case (case reference, name or NHS number)\n"
            "Enter\tOpen the selected case\n"
            "Ctrl+S\tSave now (in a case)\n"
            "Ctrl+Page Down / Up\tNext / previous section\n"
            "F1\tHelp for the question you are answering\n"
            "Ctrl+Shift+Enter\tSign the current case\n"
            "Ctrl+P\tPrint the signed summary\n"
            "Ctrl+Shift+O\tOpen the signed summary\n"
            "Ctrl+Shift+S\tSave the signed summary as…\n"
            "Ctrl+Shift+E\tExport all signed summaries\n"
            "Ctrl+Shift+L\tBack to the case list\n"
            "Ctrl+L\tLock the workspace\n"
            "Ctrl+,\tSettings\n"
            "Ctrl+Q\tQuit",
        )

    def confirm_quit(self) -> bool:
        """Save what is pending; when that fails, ask. True when the app may quit."""
        if self._autosave is None:
            return True
        if not self.locked:
            self._flush_review_page()
        while True:
            unsaved = self._autosave.try_save(QUIT_SAVE_TIMEOUT_S)
            if unsaved == 0 or 0 < unsaved <= self.discarded_unsaved:
                return True  # all saved, or the reviewer already chose to lose these
            choice = self._ask_about_unsaved(unsaved)
            if choice == "retry":
                continue
            if choice == "keep":
                self.statusBar().showMessage(
                    f"{_changes(unsaved)} not saved yet: they stay on screen and are tried again.",
                    30_000,
                )
                return False
            self.discarded_unsaved = unsaved
            log.warning("quit with %d unsaved change(s), as the reviewer chose", unsaved)
            return True

    def _ask_about_unsaved(self, unsaved: int) -> str:
        """Ask what to do: returns "retry", "keep" or "lose" (Escape keeps the app open)."""
        failure = self._autosave.last_failure if self._autosave is not None else None
        why = f"{failure.message} " if failure is not None else ""
        box = QMessageBox(self)
        box.setObjectName("unsavedOnQuit")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(window_title("Changes not saved"))
        box.setText(f"{_changes(unsaved)} could not be saved.")
        kept = "kept in the app" if self.locked else "still on screen"
        box.setInformativeText(
            f"{why}Your typing is {kept}. Fix the problem (for example, free some disk "
            "space) and retry, keep the app open and try again later, or quit and lose the "
            "changes."
        )
        retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep the app open", QMessageBox.ButtonRole.RejectRole)
        lose = box.addButton("&Quit and lose them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(keep)
        try:
            box.exec()
            clicked = box.clickedButton()
        finally:
            box.deleteLater()
        if clicked is retry:
            return "retry"
        if clicked is lose:
            return "lose"
        return "keep"

    def _commit_data(self, manager: Any) -> None:
        """The session is ending (logging off): save, ask when that fails, cancel if told to."""
        if self._autosave is None or not self.isVisible():
            return
        if manager.allowsInteraction():
            try:
                keep_open = not self.confirm_quit()
            finally:
                manager.release()
            if keep_open:
                manager.cancel()
        elif self._autosave.try_save(QUIT_SAVE_TIMEOUT_S):
            log.error("the session ended with changes that could not be saved")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.confirm_quit():
            event.ignore()
            return
        if not self.locked and not self.discarded_unsaved:
            self._close_review_case()
        self.triggers.disarm()
        if self.signing is not None:
            self.signing.close()
        super().closeEvent(event)


def _changes(count: int) -> str:
    return f"{count} change{'' if count == 1 else 's'}"
