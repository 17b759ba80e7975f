"""The labels that carry a page's problems, how a failed background step is shown, and the
status bar's "N waiting" button.

A ``UserError`` is the app telling the person what went wrong and what to do: it goes in
the page's own problem label. Anything else is a bug: the crash dialog reports it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from reviewer_app.errors import UserError


def error_label(parent: QWidget) -> QLabel:
    """A hidden, word-wrapped label styled and announced as a problem."""
    label = QLabel("", parent)
    label.setWordWrap(True)
    label.setProperty("severity", "error")
    label.setAccessibleName("Problem")
    label.hide()
    return label


def waiting_button(parent: QWidget | None, name: str, slot: Callable[[], object]) -> QPushButton:
    """A flat, hidden status-bar button that says what waits ("2 new packs ...: import…") and
    does it. Never a Tab stop: its menu item and shortcut are the keyboard's way."""
    made = QPushButton("", parent)
    made.setFlat(True)
    made.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    made.setAccessibleName(name)
    made.clicked.connect(slot)
    made.hide()
    return made


def show_text(label: QLabel, text: str) -> None:
    """Set the text, and show the label only while it has some."""
    label.setText(text)
    label.setVisible(bool(text))


def intro(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


def show_failure(label: QLabel, err: BaseException, parent: QWidget) -> None:
    """A refusal in the page's problem label; anything unexpected to the crash dialog."""
    if isinstance(err, UserError):
        show_text(label, str(err))
        return
    from reviewer_app.gui.crash_dialog import report_exception

    report_exception(err, parent)
