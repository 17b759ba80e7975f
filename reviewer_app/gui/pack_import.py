"""Import an assignment pack: choose it, see what it is, confirm the study, import it.

Used as the first-run assistant's last page and on its own for later packs. Which packs are
waiting in the shared folder is the shared-drive service's answer
(``services.shared_drive.folder.waiting_packs``); checking and importing is the session's
(``preview_pack``, ``import_pack``). This panel only shows and asks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
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

from reviewer_app.gui.page_messages import error_label, intro, show_failure, show_text
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.tasks import Runner
from reviewer_app.services.shared_drive.folder import waiting_packs


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
            item = QListWidgetItem("No packs yet. They arrive once the coordinator approves you.")
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
