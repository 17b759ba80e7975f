"""The line under a setting question with what the case header suggests, and how to take it.

Insert (in the question) or the button (for the mouse; not a Tab stop) accepts; the question
stays unanswered until then: a suggestion is never an answer the reviewer did not give.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from reviewer_app.domain.setting_suggestions import Suggestion

ACCEPT_KEY = Qt.Key.Key_Insert


def suggestion_text(suggestions: Sequence[Suggestion], verb: str) -> str:
    told = "; ".join(f"{s.label} ({s.why})" for s in suggestions)
    return f"Suggested by the case details: {told}. Press Insert to {verb}."


class SuggestionHint(QWidget):
    """Hidden until ``show_for`` has suggestions; ``accepted`` when the button is pressed."""

    accepted = Signal()

    def __init__(self, verb: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._verb = verb
        self.values: list[str] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text = QLabel(self)
        self.text.setObjectName("suggestion")
        self.text.setWordWrap(True)
        self.button = QPushButton("Use the suggestion", self)
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Insert from the keyboard
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self.accepted)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignTop)
        self.setVisible(False)

    def show_for(self, suggestions: Sequence[Suggestion], taken: object = None) -> None:
        self.values = [s.value for s in suggestions]
        if suggestions:
            self.text.setText(suggestion_text(suggestions, self._verb))
            self.button.setAccessibleName(f"Use the suggestion: {self.text.text()}")
        self.follow(taken)

    def follow(self, answer: object) -> None:
        """Shown while the answer does not hold every suggested value yet."""
        held = answer if isinstance(answer, list) else [answer]
        self.setVisible(any(v not in held for v in self.values))
