"""Small pieces the sign-off dialogs share: headings, the message line, the busy state and
its background work, the pages of the two dialogs that sign with a passphrase, the path field
with its chooser button, the reminder about identifiable documents, and the choice between
the two stored copies."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import UserError, WrongPassphraseError
from reviewer_app.gui.crash_dialog import report_exception
from reviewer_app.gui.passphrase_field import add_passphrase_field
from reviewer_app.gui.tasks import OnDone, OnError, Runner, Work

log = logging.getLogger(__name__)

IDENTIFIABLE_REMINDER = (
    "A saved, opened or printed summary is an identifiable clinical document. The taskforce "
    "copy is de-identified, not anonymous: it is OFFICIAL-SENSITIVE too. Keep it, share it "
    "and dispose of it only through approved routes (secure email, confidential waste), and "
    "delete copies you no longer need."
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


def headed_page(parent: QWidget, title: str) -> tuple[QWidget, QVBoxLayout]:
    """A dialog page that starts with its heading; the caller adds the rest."""
    page, layout = section(parent)
    layout.addWidget(heading(title, page))
    return page, layout


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

    def __init__(self, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self.busy = False

    def titled(self, title: str) -> None:
        """Title and accessible name alike, the sign-off dialogs' style and width."""
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(560)

    def set_busy(self, busy: bool) -> None:
        """While busy, the cursor waits and the dialog's controls are off; then what the
        dialog's state allows is enabled again."""
        self.busy = busy
        self.setCursor(Qt.CursorShape.WaitCursor if busy else Qt.CursorShape.ArrowCursor)
        for widget in self.busy_controls():
            widget.setEnabled(not busy)
        self._update()

    def busy_controls(self) -> Sequence[QWidget]:
        """The controls switched off while the work runs."""
        return ()

    def _update(self) -> None:
        """Enable what the dialog's state allows (each dialog says what that is)."""

    def start(self, work: Work, done: OnDone, failed: OnError, label: str) -> None:
        """Busy, and ``work`` off the GUI thread under the progress ``label``; ``done`` or
        ``failed`` ends the busy state."""
        self.set_busy(True)
        self._runner.run(work, done, failed, label=label, parent=self)

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


class SigningDialog(BusyDialog):
    """A dialog that signs with a passphrase (sign, co-sign): the form page, then the page
    saying what was signed, stacked above the buttons. A refusal is worded on the form's
    message line, and nothing was signed."""

    pages: QStackedWidget
    buttons: QDialogButtonBox
    cancel_button: QPushButton
    message: MessageLine

    def stack_pages(
        self, form: Callable[[], QWidget], beside: Callable[[], QWidget | None] = lambda: None
    ) -> QVBoxLayout:
        """The stack of pages, starting at the form page ``form`` builds, with what ``beside``
        builds (the preview of what is signed) to its right, after it in the Tab order; the
        dialog's layout."""
        self.pages = QStackedWidget(self)
        self.pages.addWidget(form())
        side = beside()
        layout = QVBoxLayout(self)
        if side is None:
            layout.addWidget(self.pages)
            return layout
        row = QHBoxLayout()
        row.addWidget(self.pages, 2)
        row.addWidget(side, 3)
        layout.addLayout(row, 1)
        fit_to_screen(self)
        return layout

    def add_buttons(
        self, layout: QVBoxLayout, primary: QPushButton, *, offered: bool = True
    ) -> None:
        """The primary button (``submit``; in the box only when ``offered``) and Cancel, or
        Close when there is nothing to offer."""
        self.buttons, self.cancel_button = button_box(
            primary if offered else None, self, "Cancel" if offered else "Close"
        )
        self.buttons.rejected.connect(self.reject)
        primary.clicked.connect(self.submit)
        layout.addWidget(self.buttons)

    def add_passphrase(
        self, layout: QVBoxLayout, page: QWidget, label: str, name: str, description: str
    ) -> QLineEdit:
        """The passphrase field: typing updates the dialog (``_update``), Enter submits."""
        field = add_passphrase_field(layout, page, label, name, description)
        field.textChanged.connect(self._update)
        field.returnPressed.connect(self.submit)
        return field

    def submit(self) -> None:
        raise NotImplementedError

    def show_page(self, page: QWidget) -> None:
        self.pages.addWidget(page)
        self.pages.setCurrentWidget(page)

    def nothing_signed(
        self, err: BaseException, work: str, field: QLineEdit | None, wrong: str
    ) -> bool:
        """The signing ended in an error. A wrong passphrase is said in the dialog's words
        (``wrong``) with the cursor back in ``field`` to retype it; True when another refusal
        is shown in its own words; False for a bug (the crash dialog showed it)."""
        if not self.was_refused(err, work):
            return False
        assert field is not None
        if isinstance(err, WrongPassphraseError):
            self.message.show_problem(wrong)
            field.selectAll()
            field.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        self.message.show_problem(f"Nothing was signed. {err}")
        return True


def fit_to_screen(dialog: QWidget, width: int = 1240, height: int = 760) -> None:
    """As large as ``width`` x ``height``, never larger than the screen's free area (a
    1366 x 768 laptop shows the whole dialog, its buttons included)."""
    screen = dialog.screen()
    if screen is None:
        dialog.resize(width, height)
        return
    free = screen.availableGeometry()
    dialog.resize(min(width, free.width() - 24), min(height, free.height() - 48))


def chooser_row(
    layout: QVBoxLayout,
    label: QLabel,
    field: QLineEdit,
    button: tuple[str, str],
    choose: Callable[[], None],
) -> QPushButton:
    """A path's field under its label, with the button beside it (text and accessible name)
    that opens the platform's chooser; Enter still means the dialog's primary button."""
    text, name = button
    chooser = QPushButton(text, field.parentWidget())
    chooser.setAccessibleName(name)
    chooser.setAutoDefault(False)
    chooser.clicked.connect(choose)
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(chooser)
    layout.addWidget(label)
    layout.addLayout(row)
    return chooser


@dataclass(frozen=True)
class SummaryButtons:
    """Save and Print for the summary just signed, each given the dialog as parent."""

    save: Callable[[QWidget], None]
    print_summary: Callable[[QWidget], None]


def add_summary_buttons(
    layout: QVBoxLayout, page: QWidget, dialog: QWidget, actions: SummaryButtons
) -> tuple[QPushButton, QPushButton]:
    """ "Save a copy…" and "Print…" right on the page that says what was signed."""
    row = QHBoxLayout()
    save = QPushButton("Save a &copy…", page)
    save.setAccessibleName("Save a copy of the signed summary")
    printing = QPushButton("&Print…", page)
    printing.setAccessibleName("Print the signed summary")
    for button, act in ((save, actions.save), (printing, actions.print_summary)):
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False, act=act: act(dialog))
        row.addWidget(button)
    row.addStretch(1)
    layout.addLayout(row)
    hint = paragraph(
        "Each asks which copy: the full summary (identifiable) or the taskforce copy.", page
    )
    hint.setObjectName("hint")
    layout.addWidget(hint)
    return save, printing


def done_page(parent: QWidget, title: str, text: str, name: str) -> tuple[QWidget, QVBoxLayout]:
    """The page a dialog turns to once its work is done: a heading and the green box saying
    what was done; the caller adds what else there is to say."""
    page, layout = headed_page(parent, title)
    done = paragraph(text, page, name=name)
    done.setObjectName("doneBox")
    layout.addWidget(done)
    return page, layout


class CopyChoice(QWidget):
    """Full signed summary or taskforce copy (radio buttons; arrow keys move between them)."""

    def __init__(self, parent: QWidget, *, both: bool = False, in_a_row: bool = False) -> None:
        super().__init__(parent)
        layout: QVBoxLayout | QHBoxLayout = QHBoxLayout(self) if in_a_row else QVBoxLayout(self)
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
        if in_a_row:  # beside a form that has its own Alt+F: Alt+U; the note as a tip
            self.full.setText("F&ull signed summary (identifiable)")
            self.taskforce.setToolTip(TASKFORCE_NOTE)
            layout.addStretch(1)
            return
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
