"""The unlock screen: at start, and as the lock screen once the workspace is open.

It shows no patient detail. It asks for the passphrase and hands it to ``attempt`` (run off the
GUI thread: the key derivation is deliberately slow); a wrong passphrase and a damaged file get
different, plain messages, each saying what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.errors import (
    DamagedFileError,
    NewerVersionError,
    NotFoundError,
    UserError,
    WrongPassphraseError,
)
from reviewer_app.gui.passphrase_field import add_passphrase_field
from reviewer_app.gui.tasks import Runner


def wrong_passphrase_hint(noun: str = "workspace") -> str:
    return f"That passphrase does not open this {noun}. Check that Caps Lock is off and try again."


WRONG_PASSPHRASE_HINT = wrong_passphrase_hint()
STUDY_WRONG_PASSPHRASE_HINT = wrong_passphrase_hint("study")


def explain_unlock_error(err: BaseException, noun: str = "workspace") -> str | None:
    """The message for an unlock failure the person can act on; None for a bug."""
    if isinstance(err, WrongPassphraseError):
        return wrong_passphrase_hint(noun)
    if isinstance(err, DamagedFileError | NewerVersionError | NotFoundError | UserError):
        return str(err)
    return None


class UnlockScreen(QWidget):
    """Passphrase field, Unlock button and a message line; emits ``unlocked(result)``."""

    unlocked = Signal(object)

    def __init__(
        self,
        attempt: Callable[[str], Any],
        runner: Runner,
        *,
        title: str = "Unlock your workspace",
        explanation: str = "Type your workspace passphrase to open your cases.",
        where: str = "",
        noun: str = "workspace",
        parent: QWidget | None = None,
    ) -> None:
        """``noun`` names what is unlocked ("workspace", "study") in every word shown."""
        super().__init__(parent)
        self.setObjectName("unlockScreen")
        self._noun = noun
        self._attempt = attempt
        self._runner = runner
        self._busy = False
        self.failures = 0
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self._card(title, explanation, where), 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.passphrase.returnPressed.connect(self.submit)
        self.unlock_button.clicked.connect(self.submit)
        self.setFocusProxy(self.passphrase)

    @classmethod
    def for_locked_workspace(
        cls, attempt: Callable[[str], Any], runner: Runner, parent: QWidget
    ) -> UnlockScreen:
        """The screen shown in the main window while the workspace is locked."""
        return cls(
            attempt,
            runner,
            title="Workspace locked",
            explanation=(
                "Patient details are hidden. Type your workspace passphrase to carry on "
                "where you left off."
            ),
            parent=parent,
        )

    def _card(self, title: str, explanation: str, where: str) -> QFrame:
        """The centred card: what this is, the passphrase, the problem if any, Unlock."""
        card = QFrame(self)
        card.setObjectName("card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(420)
        card.setMaximumWidth(560)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        self.title = QLabel(title, card)
        self.title.setObjectName("pageTitle")
        self.title.setAccessibleName(title)
        layout.addWidget(self.title)
        self.explanation = QLabel(explanation, card)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        if where:
            self.where = QLabel(f"{self._noun.capitalize()}: {where}", card)
            self.where.setObjectName("hint")
            self.where.setWordWrap(True)
            self.where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(self.where)
        self.passphrase = add_passphrase_field(
            layout, card, "&Passphrase:", f"{self._noun.capitalize()} passphrase"
        )
        self.message = QLabel("", card)
        self.message.setWordWrap(True)
        self.message.setProperty("severity", "error")
        self.message.setAccessibleName("Unlock problem")
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.unlock_button = QPushButton("&Unlock", card)
        self.unlock_button.setObjectName("primary")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.setDefault(True)
        buttons.addWidget(self.unlock_button)
        layout.addLayout(buttons)
        return card

    def submit(self) -> None:
        if self._busy:
            return
        passphrase = self.passphrase.text()
        if not passphrase:
            self._show_message("Type your passphrase first.")
            return
        self._set_busy(True)
        self._runner.run(
            lambda _progress: self._attempt(passphrase),
            self._on_success,
            self._on_failure,
            label="Unlocking…",
            parent=self,
            show_progress=False,  # the button says "Unlocking…"; a dialog would only flash
        )

    def _on_success(self, result: object) -> None:
        self._set_busy(False)
        self.passphrase.clear()
        self.message.hide()
        self.failures = 0
        self.unlocked.emit(result)

    def _on_failure(self, err: BaseException) -> None:
        self._set_busy(False)
        message = explain_unlock_error(err, self._noun)
        if message is None:
            from reviewer_app.gui.crash_dialog import report_exception

            report_exception(err, self)
            return
        self.failures += 1
        self._show_message(message)
        self.passphrase.selectAll()
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.passphrase.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)
        self.unlock_button.setText("Unlocking…" if busy else "&Unlock")
