"""The amend dialog: a reason (at least ``MIN_REASON_LENGTH`` characters), then a new version.

The signed version and its PDF stay exactly as they are; the amendment is a new version with
the same answers, to correct and sign again; its summary says which version it supersedes,
why, and what changed. ``amend(reason)`` is given by the caller and runs off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from reviewer_app.gui.signing.common import (
    BusyDialog,
    MessageLine,
    button_box,
    heading,
    paragraph,
    primary_button,
)
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.services.signing.background import AmendedOutcome
from reviewer_app.services.signing.rules import (
    CaseSigning,
    amendment_reason_problem,
    amendment_reason_rule,
)

AmendWork = Callable[[str], AmendedOutcome]
MAX_REASON_LENGTH = 2000


class AmendDialog(BusyDialog):
    def __init__(
        self,
        state: CaseSigning,
        amend: AmendWork,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        min_length: int,
    ) -> None:
        super().__init__(runner, parent)
        assert state.version is not None
        self.state = state
        self._amend = amend
        self.min_length = min_length
        self.outcome: AmendedOutcome | None = None
        self.titled(f"Amend case {state.case_ref}")
        version, new = state.version, state.version + 1

        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(f"Amend the signed review of case {state.case_ref}, version {version}", self)
        )
        layout.addWidget(
            paragraph(
                f"Version {version} and its signed summary stay exactly as they are, and remain "
                f"available. Version {new} opens with the same answers for you to correct. It "
                f"must be signed again; its summary will say it supersedes version {version}, "
                "give your reason and list what changed (answers it no longer asks are listed "
                "as withdrawn). A full review that recorded an escalation trigger, an "
                "escalation or an immediate safety concern cannot be amended into another "
                "outcome (records missing, handed back, outside this method).",
                self,
            )
        )
        self._add_reason(layout)
        self.message = MessageLine("Amendment problem", self)
        layout.addWidget(self.message)
        self.amend_button = primary_button(f"&Start version {new}", "Start the amendment", self)
        self.buttons, self.cancel_button = button_box(self.amend_button, self)
        self.buttons.rejected.connect(self.reject)
        self.amend_button.clicked.connect(self.submit)
        layout.addWidget(self.buttons)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.submit)
        self.reason.textChanged.connect(self._update)
        self._update()
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_reason(self, layout: QVBoxLayout) -> None:
        """The reason box, its length counter and what the reason is for."""
        label = QLabel("&Reason for the amendment:", self)
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName("Reason for the amendment")
        self.reason.setAccessibleDescription(
            f"At least {self.min_length} characters. It is recorded in the audit trail and printed "
            "on the new summary."
        )
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(
            "For example: relatives' concerns were recorded under the wrong phase"
        )
        self.reason.setMinimumHeight(90)
        label.setBuddy(self.reason)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        self.counter = paragraph("", self, name="Reason length")
        self.counter.setObjectName("hint")
        layout.addWidget(self.counter)
        layout.addWidget(
            paragraph(
                "It is printed on the new summary: describe what was wrong, without patient "
                "identifiers. Ctrl+Enter starts the amendment.",
                self,
            )
        )

    @property
    def reason_text(self) -> str:
        return self.reason.toPlainText().strip()

    def _update(self) -> None:
        length = len(self.reason_text)
        if length > MAX_REASON_LENGTH:
            self.counter.setText(f"Too long: at most {MAX_REASON_LENGTH} characters.")
        elif length < self.min_length:
            needed = self.min_length - length
            self.counter.setText(f"At least {self.min_length} characters: {needed} more needed.")
        elif amendment_reason_problem(self.reason_text) is not None:
            self.counter.setText("Say what is corrected and why: not one repeated character.")
        else:
            self.counter.setText("✓ Reason given.")
        self.amend_button.setEnabled(
            self.min_length <= length <= MAX_REASON_LENGTH
            and amendment_reason_problem(self.reason_text) is None
            and not self.busy
        )

    def set_busy(self, busy: bool) -> None:
        super().set_busy(busy)
        self.reason.setReadOnly(busy)

    def submit(self) -> None:
        if self.busy:
            return
        if not self.amend_button.isEnabled():
            problem = amendment_reason_problem(self.reason_text)
            if len(self.reason_text) < self.min_length or problem is None:
                problem = amendment_reason_rule(self.min_length)
            self.message.show_problem(problem)
            self.reason.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        reason = self.reason_text
        self.message.clear_message()

        def work(_progress: Progress) -> AmendedOutcome:
            return self._amend(reason)

        self.start(work, self._amended, self._refused, "Starting the amendment…")

    def _amended(self, outcome: Any) -> None:
        assert isinstance(outcome, AmendedOutcome)
        self.set_busy(False)
        self.outcome = outcome
        self.accept()

    def _refused(self, err: BaseException) -> None:
        if self.was_refused(err, "amendment"):
            self.message.show_problem(str(err))
