"""File > New study… and File > Open study…: the folder, and for a new study its name, review
mode and passphrase (typed twice). The study itself is made by ``Study.create`` off the GUI
thread (the key derivation is slow on purpose); the passphrase's strength is checked there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.gui.coordinator.files import CHOOSER, Chooser
from reviewer_app.gui.coordinator.widgets import MessageLine, button, combo, named
from reviewer_app.gui.passphrase_field import add_passphrase_field


@dataclass(frozen=True)
class NewStudy:
    folder: Path
    name: str
    mode: str
    passphrase: str


class NewStudyDialog(QDialog):
    """Asks for what ``coordinator init`` asks for; ``accepted_study`` once OK is pressed."""

    def __init__(self, parent: QWidget | None = None, chooser: Chooser = CHOOSER) -> None:
        super().__init__(parent)
        self.setWindowTitle("New study")
        self.setAccessibleName("New study")
        self.chooser = chooser
        self.accepted_study: NewStudy | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            named(
                QLabel(
                    "A study folder holds the encrypted study database and the study "
                    "authority. Choose a new or empty folder on this computer's own disk.",
                    self,
                ),
                "About a new study",
            )
        )
        row = QHBoxLayout()
        folder_label = QLabel("&Folder:", self)
        self.folder = named(QLineEdit(self), "Study folder")
        folder_label.setBuddy(self.folder)
        row.addWidget(folder_label)
        row.addWidget(self.folder, 1)
        row.addWidget(button("&Browse…", self, "Choose the study folder", self._browse))
        layout.addLayout(row)
        name_label = QLabel("Study &name:", self)
        self.name = named(QLineEdit(self), "Study name")
        name_label.setBuddy(self.name)
        layout.addWidget(name_label)
        layout.addWidget(self.name)
        mode_label = QLabel("Review &mode:", self)
        self.mode = combo(self, "Review mode")
        self.mode.addItem("Independent double review", ReviewMode.INDEPENDENT.value)
        self.mode.addItem("Joint review", ReviewMode.JOINT.value)
        mode_label.setBuddy(self.mode)
        layout.addWidget(mode_label)
        layout.addWidget(self.mode)
        self.passphrase = add_passphrase_field(layout, self, "&Passphrase:", "Study passphrase")
        self.again = add_passphrase_field(
            layout, self, "Passphrase &again:", "Study passphrase again"
        )
        self.message = MessageLine(self, "New study problem")
        layout.addWidget(self.message)
        buttons = named(
            QDialogButtonBox(
                QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
            ),
            "New study buttons",
        )
        for b in buttons.buttons():
            b.setAccessibleName(b.text().replace("&", ""))
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 360)

    def _browse(self) -> None:
        chosen = self.chooser.folder(self, "Folder for the new study")
        if chosen is not None:
            self.folder.setText(str(chosen))

    def submit(self) -> None:
        folder, name = self.folder.text().strip(), self.name.text().strip()
        if not folder:
            self.message.say("Choose the folder for the study.", "error")
        elif not name:
            self.message.say("Give the study a name.", "error")
        elif self.passphrase.text() != self.again.text():
            self.message.say("The two passphrases differ: type the same one twice.", "error")
        elif not self.passphrase.text():
            self.message.say("Choose a passphrase for the study.", "error")
        else:
            self.accepted_study = NewStudy(
                Path(folder).expanduser(),
                name,
                str(self.mode.currentData()),
                self.passphrase.text(),
            )
            self.passphrase.clear()
            self.again.clear()
            self.accept()


def tell(parent: QWidget | None, text: str) -> None:
    """A plain message the coordinator must read (e.g. the new study's fingerprint)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Information, "Study", text, parent=parent)
    box.setTextInteractionFlags(box.textInteractionFlags())
    box.exec()
