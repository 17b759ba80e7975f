"""Import an assignment pack: choose it, see what it is, confirm the study, import it.

Used as the first-run assistant's last page and, for later packs, in the main window's
File ▸ Import assignment pack… (``PackImportAction``: the dialog, and how many new packs wait
in the shared folder). Which pack files are in the shared folder, and which of them are new for
this workspace, are the shared-drive service's answers (``services.shared_drive.folder.
waiting_packs``, ``services.shared_drive.waiting.WaitingPacks``, which opens each file once
while it stays unchanged); checking and importing is the session's (``preview_pack``,
``import_pack``). This panel only shows and asks.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QFontDatabase, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.page_messages import (
    error_label,
    intro,
    show_failure,
    show_text,
    waiting_button,
)
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.tasks import Runner
from reviewer_app.services.shared_drive.folder import waiting_packs
from reviewer_app.services.shared_drive.waiting import WaitingPacks

if TYPE_CHECKING:
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

ACTION_TEXT = "&Import assignment pack…"
SHORTCUT = "Ctrl+Shift+I"


class PackSession(Protocol):
    """What importing a pack needs of the workspace (ReviewerSession fits)."""

    def preview_pack(self, data: bytes) -> Any: ...
    def import_pack(
        self, data: bytes, trust_fingerprint: str | None = None, progress: Any = ...
    ) -> Any: ...


def grouped_fingerprint(text: str) -> str:
    """A fingerprint in groups of four so it can be read out over the phone."""
    compact = re.sub(r"[^0-9A-Fa-f]", "", text)
    if len(compact) < 8:
        return text
    groups = [compact[i : i + 4].upper() for i in range(0, len(compact), 4)]
    lines = [" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8)]
    return "\n".join(lines)


class PackImportPanel(QWidget):
    """Choose a pack (file dialog, drag and drop, or the shared folder), check it, import it."""

    imported = Signal(object)

    def __init__(
        self,
        session_getter: Callable[[], PackSession | None],
        settings: AppSettings,
        runner: Runner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session_getter
        self._settings = settings
        self._runner = runner
        self.data: bytes | None = None
        self.preview: Any = None
        self.report: Any = None
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        self._build_choice(layout)
        self.summary = self._build_summary()
        layout.addWidget(self.summary)
        self.error = error_label(self)
        layout.addWidget(self.error)
        self.result = QLabel("", self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName("Import result")
        layout.addWidget(self.result)
        layout.addStretch(1)
        self.refresh_button.clicked.connect(self.refresh)
        self.choose_button.clicked.connect(self._choose)
        self.waiting.itemActivated.connect(self._from_item)
        self.waiting.currentItemChanged.connect(lambda item, _old: self._from_item(item))
        self.trust.toggled.connect(self._update_import_button)
        self.import_button.clicked.connect(self.start_import)
        self.refresh()

    def _build_choice(self, layout: QVBoxLayout) -> None:
        """The packs waiting in the shared folder, and the other ways to choose one."""
        self.waiting = QListWidget(self)
        self.waiting.setAccessibleName("Packs waiting in the shared folder")
        self.waiting.setMaximumHeight(110)
        waiting_label = QLabel("Packs &waiting in the shared folder:", self)
        waiting_label.setBuddy(self.waiting)
        layout.addWidget(waiting_label)
        layout.addWidget(self.waiting)
        buttons = QHBoxLayout()
        self.refresh_button = QPushButton("&Look again", self)
        self.refresh_button.setAccessibleName("Look again for packs in the shared folder")
        self.choose_button = QPushButton("&Choose a pack file…", self)
        self.choose_button.setAccessibleName("Choose a pack file")
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.refresh_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addWidget(intro("You can also drag a pack file onto this window.", self))

    def _build_summary(self) -> QGroupBox:
        """What the chosen pack is, the fingerprint to confirm, and the Import button."""
        summary = QGroupBox("The pack", self)
        summary_layout = QVBoxLayout(summary)
        self.summary_text = QLabel("", summary)
        self.summary_text.setWordWrap(True)
        self.summary_text.setAccessibleName("About the pack")
        summary_layout.addWidget(self.summary_text)
        self.fingerprint = QLabel("", summary)
        self.fingerprint.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fingerprint.setAccessibleName("Study fingerprint")
        summary_layout.addWidget(self.fingerprint)
        self.trust = QCheckBox(
            "The study coordinator read me this same fingerprint, and it matches", summary
        )
        self.trust.setAccessibleName("Confirm the study fingerprint matches")
        summary_layout.addWidget(self.trust)
        self.import_button = QPushButton("&Import the pack", summary)
        self.import_button.setObjectName("primary")
        self.import_button.setAccessibleName("Import the pack")
        summary_layout.addWidget(self.import_button, 0, Qt.AlignmentFlag.AlignLeft)
        summary.hide()
        return summary

    def refresh(self) -> None:
        self.waiting.clear()
        packs = waiting_packs(self._settings.shared_folder)
        for path in packs:
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.waiting.addItem(item)
        if not packs:
            item = QListWidgetItem(
                "No packs yet. They arrive once the coordinator approves you."
                if self._settings.shared_folder is not None
                else "No shared folder is set (File ▸ Settings…): choose a pack file instead."
            )
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.waiting.addItem(item)

    def _from_item(self, item: QListWidgetItem | None) -> None:
        if item is not None and item.data(Qt.ItemDataRole.UserRole):
            self.load_file(Path(str(item.data(Qt.ItemDataRole.UserRole))))

    def _choose(self) -> None:
        start = str(self._settings.shared_folder or Path.home())
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose an assignment pack", start, "Assignment packs (*.p7m);;All files (*)"
        )
        if name:
            self.load_file(Path(name))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if files:
            event.acceptProposedAction()
            self.load_file(files[0])

    def load_file(self, path: Path) -> None:
        """Read a pack and show what it is, without importing it."""
        show_text(self.error, "")
        self.result.setText("")
        try:
            data = path.read_bytes()
        except OSError:
            show_text(
                self.error, f"The file {path.name} could not be read. Is the folder reachable?"
            )
            return
        session = self._session()
        if session is None:
            return

        def shown(preview: Any) -> None:
            self.data, self.preview = data, preview
            self._show_preview(preview)

        def failed(err: BaseException) -> None:
            self.data = self.preview = None
            self.summary.hide()
            show_failure(self.error, err, self)

        self._runner.run(
            lambda _p: session.preview_pack(data),
            shown,
            failed,
            label="Checking the pack…",
            parent=self,
        )

    def _show_preview(self, preview: Any) -> None:
        lines = [
            f"Study: {preview.study_name}",
            f"Cases: {preview.case_count}",
        ]
        if getattr(preview, "already_imported", False):
            lines.append("This pack was imported before; importing it again changes nothing.")
        trusted = bool(preview.trusted)
        if trusted:
            lines.append("Signed by the study you already trust.")
            self.fingerprint.setText("")
        else:
            lines.append(
                "This is the first pack from this study. Check its fingerprint against the one "
                "the coordinator reads out to you:"
            )
            self.fingerprint.setText(grouped_fingerprint(preview.root_fingerprint))
        self.summary_text.setText("\n".join(lines))
        self.fingerprint.setVisible(not trusted)
        self.trust.setVisible(not trusted)
        self.trust.setChecked(False)
        self.summary.show()
        self._update_import_button()
        (self.import_button if trusted else self.trust).setFocus()

    def _update_import_button(self) -> None:
        ready = self.preview is not None and (bool(self.preview.trusted) or self.trust.isChecked())
        self.import_button.setEnabled(ready)

    def start_import(self) -> None:
        session, data, preview = self._session(), self.data, self.preview
        if session is None or data is None or preview is None:
            return
        trust = None if preview.trusted else preview.root_fingerprint
        if trust is not None and not self.trust.isChecked():
            return
        self.import_button.setEnabled(False)

        def done(report: Any) -> None:
            self.report = report
            lines = report.summary_lines() if hasattr(report, "summary_lines") else []
            self.result.setText(lines[0] if lines else "Imported.")
            self.summary.hide()
            self.imported.emit(report)

        def failed(err: BaseException) -> None:
            self._update_import_button()
            show_failure(self.error, err, self)

        self._runner.run(
            lambda progress: session.import_pack(data, trust_fingerprint=trust, progress=progress),
            done,
            failed,
            label="Importing the pack…",
            parent=self,
        )


# --- File ▸ Import assignment pack… in the main window -------------------------------------------


class WorkspacePacks:
    """``PackSession`` for work on a pool thread: each call on its own workspace connection
    (SQLite connections belong to the thread that opened them)."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def preview_pack(self, data: bytes) -> Any:
        from reviewer_app.services.session import ReviewerSession
        from reviewer_app.services.signing.background import own_connection

        with own_connection(self._workspace) as ws:
            return ReviewerSession(ws).preview_pack(data)

    def import_pack(
        self, data: bytes, trust_fingerprint: str | None = None, progress: Any = None
    ) -> Any:
        from reviewer_app.progress import no_progress
        from reviewer_app.services.session import ReviewerSession
        from reviewer_app.services.signing.background import own_connection

        with own_connection(self._workspace) as ws:
            return ReviewerSession(ws).import_pack(
                data, trust_fingerprint=trust_fingerprint, progress=progress or no_progress
            )


def waiting_text(count: int) -> str:
    if count == 1:
        return "1 new assignment pack is waiting in the shared folder"
    return f"{count} new assignment packs are waiting in the shared folder"


class PackImportDialog(QDialog):
    """The import panel on its own, with Close (Escape)."""

    def __init__(
        self,
        session: PackSession,
        settings: AppSettings,
        runner: Runner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import an assignment pack")
        self.setAccessibleName("Import an assignment pack")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        layout.addWidget(
            intro(
                "Choose the pack the coordinator left for you in the shared folder (or any "
                "pack file). The app checks it and shows what it holds before importing.",
                self,
            )
        )
        self.panel = PackImportPanel(lambda: session, settings, runner, self)
        layout.addWidget(self.panel, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.panel.imported.connect(lambda _report: buttons.setFocus())
        first = self.panel.waiting.item(0)
        if first is not None and first.data(Qt.ItemDataRole.UserRole):
            self.panel.waiting.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.panel.choose_button.setFocus(Qt.FocusReason.OtherFocusReason)


class PackImportAction:
    """File ▸ Import assignment pack…, and how many new packs wait in the shared folder.

    The count is worked out off the GUI thread (the shared folder is a network drive) when
    the window opens, when it is unlocked, when the File menu opens and after an import;
    the menu item and a status-bar button say it, and either opens the import dialog. The
    window's ``WaitingPacks`` remembers each file's verdict, so only new or changed files are
    opened; one count runs at a time, and one asked for meanwhile runs when it ends.
    """

    def __init__(
        self,
        window: QWidget,
        runner: Runner,
        settings: AppSettings | None,
        session: PackSession | None,
        *,
        after: Callable[[], None] = lambda: None,
    ) -> None:
        self._window = window
        self._runner = runner
        self._settings = settings
        self._session = session
        self._after = after
        self.waiting: int | None = None
        self._packs = None if session is None else WaitingPacks(session)
        self._counting = False
        self._count_again = False  # asked while counting: the count may be out of date
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self.action = QAction(ACTION_TEXT, window)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setStatusTip("Check and import a pack of cases the coordinator sent you")
        self.action.triggered.connect(lambda _checked=False: self.trigger())
        self.button = waiting_button(
            window, "New assignment packs waiting: import them", self.trigger
        )
        self.set_enabled(True)

    def set_enabled(self, enabled: bool) -> None:
        on = enabled and self._session is not None and self._settings is not None
        self.action.setEnabled(on)
        if not on:
            self.button.hide()

    def count(self) -> None:
        """Look again, off the GUI thread, how many new packs wait."""
        packs, settings = self._packs, self._settings
        if packs is None or settings is None or not self.action.isEnabled():
            return
        if self._counting:
            self._count_again = True
            return
        folder = settings.shared_folder
        self._counting, self._count_again = True, False

        def work(_progress: Any) -> int:
            return len(packs.new_packs(folder))

        self._runner.run(work, self._counted, self._count_failed, show_progress=False)

    def _counted(self, count: Any) -> None:
        self._counting = False
        from shiboken6 import isValid

        if not isValid(self.action) or not isValid(self.button):  # the window has gone
            return
        self.waiting = int(count)
        enabled = self.action.isEnabled()
        self.action.setText(ACTION_TEXT if not count else f"{ACTION_TEXT} ({count} new)")
        self.button.setText(f"{waiting_text(int(count))}: import…")
        self.button.setVisible(bool(count) and enabled)
        self._again()

    def _count_failed(self, err: BaseException) -> None:
        self._counting = False
        log.info("counting waiting packs failed: %s", type(err).__name__)
        self._again()

    def _again(self) -> None:
        from shiboken6 import isValid

        if self._count_again and isValid(self.action):
            self._count_again = False
            self.count()

    def trigger(self) -> None:
        if self._session is None or self._settings is None or not self.action.isEnabled():
            return
        dialog = PackImportDialog(self._session, self._settings, self._runner, self._window)
        self.last_dialog = dialog
        imported: list[object] = []
        dialog.panel.imported.connect(imported.append)
        try:
            self.exec_dialog(dialog)
        finally:
            dialog.deleteLater()
        if imported:
            if self._packs is not None:
                self._packs.imported()
            self._after()
        self.count()


def install_pack_action(
    window: Any,
    runner: Runner,
    settings: AppSettings | None,
    reload_rows: Callable[[], Any] | None,
    session: PackSession | None = None,
) -> PackImportAction:
    """The action for the main window: on while unlocked; the import runs on the signing
    desk's workspace (each step on its own connection) unless a session is given; the case
    list is reloaded after an import; the count is looked at now and at each unlock."""
    if session is None and getattr(window, "signing", None) is not None:
        session = WorkspacePacks(window.signing.workspace)

    def after() -> None:
        if reload_rows is not None and not window.locked:
            window.case_list.set_rows(reload_rows())

    packs = PackImportAction(window, runner, settings, session, after=after)

    def locked_changed(locked: bool) -> None:
        packs.set_enabled(not locked)
        if not locked:
            packs.count()

    window.locked_changed.connect(locked_changed)
    window.addAction(packs.action)  # its shortcut works wherever focus is
    window.statusBar().addPermanentWidget(packs.button)
    packs.count()
    return packs
