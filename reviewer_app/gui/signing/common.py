"""Small pieces the sign-off dialogs share: headings, the message line, the busy state, the
reminder about identifiable documents, and the choice between the two stored copies."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import UserError
from reviewer_app.gui.crash_dialog import report_exception

log = logging.getLogger(__name__)

IDENTIFIABLE_REMINDER = (
    "A saved, opened or printed summary is an identifiable clinical document, unless it is "
    "the taskforce copy. Keep it, share it and dispose of it only through approved routes "
    "(secure email, confidential waste), and delete copies you no longer need."
)
TASKFORCE_NOTE = (
    "The taskforce copy has no name, NHS number, hospital number, date of birth or full "
    "postcode: the case reference stands in for them."
)


def heading(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    label.setWordWrap(True)
    label.setAccessibleName(text)
    return label


def paragraph(text: str, parent: QWidget, *, name: str | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if name:
        label.setAccessibleName(name)
    return label


def section(parent: QWidget) -> tuple[QWidget, QVBoxLayout]:
    """A part of a dialog page: a widget with an unpadded column layout."""
    box = QWidget(parent)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    return box, layout


class MessageLine(QLabel):
    """One line that says what went wrong (or right), in words and colour; hidden when empty."""

    def __init__(self, name: str, parent: QWidget) -> None:
        super().__init__("", parent)
        self.setWordWrap(True)
        self.setAccessibleName(name)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_problem(self, text: str) -> None:
        self._show(text, "error")

    def _show(self, text: str, severity: str) -> None:
        self.setProperty("severity", severity)
        self.style().unpolish(self)
        self.style().polish(self)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def primary_button(text: str, name: str, parent: QWidget) -> QPushButton:
    button = QPushButton(text, parent)
    button.setObjectName("primary")
    button.setAccessibleName(name)
    button.setDefault(True)
    return button


def button_box(
    primary: QPushButton | None, parent: QWidget, cancel: str = "Cancel"
) -> tuple[QDialogButtonBox, QPushButton]:
    """Primary on the platform's accept side, Cancel (Escape) on the reject side.

    Without a primary button, the cancel button is the default (Enter and Escape close)."""
    box = QDialogButtonBox(parent)
    if primary is not None:
        box.addButton(primary, QDialogButtonBox.ButtonRole.AcceptRole)
    close = QPushButton(cancel, parent)
    box.addButton(close, QDialogButtonBox.ButtonRole.RejectRole)
    close.setAccessibleName(cancel.replace("&", ""))
    close.setAutoDefault(primary is None)
    close.setDefault(primary is None)
    return box, close


def make_close_button(button: QPushButton) -> None:
    """The cancel button becomes the only way on: "Close", the default button."""
    button.setText("Close")
    button.setAccessibleName("Close")
    button.setAutoDefault(True)
    button.setDefault(True)
    button.setFocus(Qt.FocusReason.OtherFocusReason)


class BusyDialog(QDialog):
    """A dialog whose work runs off the GUI thread: while it runs, Escape does not close it
    (the work finishes anyway and its result needs a place to land)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy = False

    def titled(self, title: str) -> None:
        """Title and accessible name alike, the sign-off dialogs' style and width."""
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(560)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.setCursor(Qt.CursorShape.WaitCursor if busy else Qt.CursorShape.ArrowCursor)

    def show_failure(self, err: BaseException, line: MessageLine) -> None:
        """The work ended in an error: a refusal in its own words on ``line``, a bug in the
        crash dialog."""
        if self.was_refused(err, "work"):
            line.show_problem(str(err))

    def was_refused(self, err: BaseException, work: str) -> bool:
        """The work ended in an error: True for a refusal (a ``UserError``) for the dialog to
        word; False for a bug, which the crash dialog has already shown. Only the error's
        type is logged: its message may name the case."""
        self.set_busy(False)
        if not isinstance(err, UserError):
            report_exception(err, self)
            return False
        log.info("%s refused: %s", work, type(err).__name__)
        return True

    def work_done(self) -> bool:
        """Whether the work has happened: then Escape or Close accepts, so that the caller
        learns of it. The dialogs with a "done" page say so."""
        return False

    def reject(self) -> None:
        if self.busy:
            return
        if self.work_done():
            self.accept()
            return
        super().reject()


def wrong_passphrase(line: MessageLine, field: QLineEdit, text: str) -> None:
    """Say the passphrase did not open the identity, and put the cursor back to retype it."""
    line.show_problem(text)
    field.selectAll()
    field.setFocus(Qt.FocusReason.OtherFocusReason)


def done_page(parent: QWidget, title: str, text: str, name: str) -> tuple[QWidget, QVBoxLayout]:
    """The page a dialog turns to once its work is done: a heading and the green box saying
    what was done; the caller adds what else there is to say."""
    page, layout = section(parent)
    layout.addWidget(heading(title, page))
    done = paragraph(text, page, name=name)
    done.setObjectName("doneBox")
    layout.addWidget(done)
    return page, layout


class CopyChoice(QWidget):
    """Full signed summary or taskforce copy (radio buttons; arrow keys move between them)."""

    def __init__(self, parent: QWidget, *, both: bool = False) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.group = QButtonGroup(self)
        self.full = QRadioButton("&Full signed summary (identifiable)", self)
        self.full.setAccessibleName("Full signed summary, identifiable")
        self.taskforce = QRadioButton("&Taskforce copy (no direct identifiers)", self)
        self.taskforce.setAccessibleName("Taskforce copy, no direct identifiers")
        self.both: QRadioButton | None = None
        self.full.setChecked(True)
        for button in (self.full, self.taskforce):
            self.group.addButton(button)
            layout.addWidget(button)
        if both:
            self.both = QRadioButton("&Both copies", self)
            self.both.setAccessibleName("Both copies")
            self.group.addButton(self.both)
            layout.addWidget(self.both)
        note = paragraph(TASKFORCE_NOTE, self)
        note.setObjectName("hint")
        layout.addWidget(note)

    def kinds(self) -> tuple[DocumentKind, ...]:
        if self.both is not None and self.both.isChecked():
            return (DocumentKind.FULL, DocumentKind.TASKFORCE)
        return (DocumentKind.TASKFORCE,) if self.taskforce.isChecked() else (DocumentKind.FULL,)

    def kind(self) -> DocumentKind:
        return self.kinds()[0]

    def choose(self, kind: DocumentKind) -> None:
        (self.taskforce if kind is DocumentKind.TASKFORCE else self.full).setChecked(True)


def reminder(parent: QWidget, text: str = IDENTIFIABLE_REMINDER) -> QLabel:
    label = paragraph(text, parent, name="Reminder: identifiable clinical document")
    label.setObjectName("warningBox")  # the app shell's caution box (gui/theme.py)
    return label


DIALOG_STYLE = """
QLabel#doneBox {
    border: 1px solid #007F3B;
    border-left: 6px solid #007F3B;
    padding: 8px 10px;
    background: palette(base);
}
QPushButton#primary:disabled {
    background: palette(midlight);
    color: palette(placeholder-text);
    font-weight: normal;
}
"""
"""Local to the sign-off dialogs: the box that says what was done (like the shell's
``warningBox``, in the NHS green of the primary button), and a primary button that looks
disabled when it is (resources/style.qss has no ``:disabled`` rule for it)."""
