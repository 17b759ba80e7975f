"""Help ▸ About: what the app is, its version and its licence."""

from __future__ import annotations

import sys
from html import escape
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from reviewer_app import __version__

APP_NAME = "reviewer-app"
LICENCE_FALLBACK = "Proprietary - NHS internal"
WHAT_IT_IS = (
    "Structured case-note review of patients who died: clinical reviewers score the care "
    "across organisations, record problems, avoidability and escalations, and sign each "
    "review; the study coordinator collects the signed reviews for the taskforce report. "
    "It works offline; each workspace is encrypted on this computer."
)
COMPONENTS = "Qt for Python (PySide6), SQLCipher, pydantic, reportlab, pyHanko"


def licence() -> str:
    """The licence the installed package declares (the project's, when not installed)."""
    try:
        declared = metadata.metadata(APP_NAME)["License"]
    except metadata.PackageNotFoundError:
        declared = None
    return str(declared) if declared else LICENCE_FALLBACK


def about_html() -> str:
    python = ".".join(str(part) for part in sys.version_info[:3])
    return (
        f"<h2>{APP_NAME} {escape(__version__)}</h2>"
        f"<p>{escape(WHAT_IT_IS)}</p>"
        f"<p><b>Version:</b> {escape(__version__)}<br>"
        f"<b>Licence:</b> {escape(licence())}</p>"
        f"<p>Built with {escape(COMPONENTS)}, each under its own licence; "
        f"Python {python}, PySide6 {escape(pyside_version)}.</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"About {APP_NAME}")
        self.setAccessibleName(f"About {APP_NAME}")
        layout = QVBoxLayout(self)
        self.text = QLabel(about_html(), self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAccessibleName("About this application")
        self.text.setMinimumWidth(460)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def show_about(parent: QWidget | None = None) -> None:
    AboutDialog(parent).exec()
