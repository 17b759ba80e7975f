"""Settings: the shared folder, minutes before the workspace locks itself, the colours, the
reviewer's enrolled identity (read-only: it comes from the enrolment, not from typing) and,
given a spell checker, the words of their own spelling dictionary (gui/spelling_words.py)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.reviewer_fields import EnrolledDetails, EnrolledRows
from reviewer_app.gui.settings import (
    MAX_IDLE_LOCK_MINUTES,
    MIN_IDLE_LOCK_MINUTES,
    AppSettings,
)
from reviewer_app.gui.spelling_words import OwnWordsBox
from reviewer_app.gui.theme import apply_theme

if TYPE_CHECKING:
    from reviewer_app.services.spelling.checker import SpellChecker

THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: AppSettings,
        parent: QWidget | None = None,
        *,
        identity: EnrolledDetails | None = None,
        spelling: SpellChecker | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)

        layout.addWidget(self._workspace_group(settings))

        reviewer = QGroupBox("Your details (as the study coordinator enrolled you)", self)
        reviewer.setAccessibleName("Your details")
        rform = QFormLayout(reviewer)
        self.identity_rows = EnrolledRows.add_to(self, rform, identity)
        layout.addWidget(reviewer)

        self.own_words = OwnWordsBox(spelling, self) if spelling is not None else None
        if self.own_words is not None:
            layout.addWidget(self.own_words)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _workspace_group(self, settings: AppSettings) -> QGroupBox:
        """The workspace's own settings: shared folder, idle lock, colours."""
        general = QGroupBox("Workspace", self)
        form = QFormLayout(general)
        folder_row = QHBoxLayout()
        self.shared_folder = QLineEdit(str(settings.shared_folder or ""), general)
        self.shared_folder.setAccessibleName("Shared folder")
        self.shared_folder.setPlaceholderText("The folder where packs arrive and requests go")
        self.browse = QPushButton("&Browse…", general)
        self.browse.setAccessibleName("Choose the shared folder")
        self.browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(self.shared_folder, 1)
        folder_row.addWidget(self.browse)
        shared_label = QLabel("S&hared folder:", general)
        shared_label.setBuddy(self.shared_folder)
        form.addRow(shared_label, folder_row)

        self.idle_minutes = QSpinBox(general)
        self.idle_minutes.setRange(MIN_IDLE_LOCK_MINUTES, MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes.setValue(settings.idle_lock_minutes)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setAccessibleName("Lock after this many idle minutes")
        idle_label = QLabel("&Lock when idle for:", general)
        idle_label.setBuddy(self.idle_minutes)
        form.addRow(idle_label, self.idle_minutes)

        self.theme = QComboBox(general)
        self.theme.setAccessibleName("Colours")
        for value, text in THEME_CHOICES:
            self.theme.addItem(text, value)
        self.theme.setCurrentIndex(max(0, self.theme.findData(settings.theme)))
        theme_label = QLabel("&Colours:", general)
        theme_label.setBuddy(self.theme)
        form.addRow(theme_label, self.theme)
        return general

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Choose the shared folder", self.shared_folder.text()
        )
        if folder:
            self.shared_folder.setText(folder)

    def accept(self) -> None:
        text = self.shared_folder.text().strip()
        self.settings.shared_folder = Path(text) if text else None
        self.settings.idle_lock_minutes = self.idle_minutes.value()
        self.settings.theme = str(self.theme.currentData())
        if self.own_words is not None:
            self.own_words.apply()
        super().accept()


def edit_settings(
    settings: AppSettings,
    parent: QWidget | None = None,
    *,
    identity: EnrolledDetails | None = None,
    spelling: SpellChecker | None = None,
) -> bool:
    """Show the dialog; on OK the settings are saved and the theme applied. True on OK.

    ``identity`` is the workspace's enrolled identity (``EnrolledDetails.of(session.identity())``);
    ``spelling`` the workspace's spell checker, whose own words Settings lists for removal.
    """
    dialog = SettingsDialog(settings, parent, identity=identity, spelling=spelling)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_theme(app, settings.theme)
    return True
