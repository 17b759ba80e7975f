"""One question on the page: label, help on demand, the field, and its messages.

Messages come from the validation report. Errors and warnings are told apart three ways, so
that neither colour-blind reviewers nor screen-reader users miss the difference: a symbol
(✖ / ⚠), a word ("Error:", "Needed before signing:", "Warning:") and a colour.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import AnyQuestion
from reviewer_app.domain.issues import Issue, Severity
from reviewer_app.gui.form.fields import FieldWidget

# "Not answered: <label>" is what the readiness list is for; next to the field, the
# "Required" tag already says it, so repeating it in red on an empty form would only alarm.
QUIET_CODES = frozenset({"R1.required"})


def issue_text(issue: Issue) -> str:
    if issue.severity is Severity.WARNING:
        return f"⚠ Warning: {issue.message}"
    if issue.missing:
        return f"✖ Needed before signing: {issue.message}"
    return f"✖ Error: {issue.message}"


class QuestionRow(QWidget):
    """A question with its field. ``show_issues`` places the messages that concern it."""

    def __init__(
        self,
        question: AnyQuestion,
        field: FieldWidget,
        required: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.question = question
        self.field = field
        self.setObjectName("questionRow")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 10)
        layout.setSpacing(4)

        top = QHBoxLayout()
        top.setSpacing(6)
        self.title = QLabel(question.label, self)
        self.title.setObjectName("questionLabel")
        self.title.setWordWrap(True)
        self.title.setBuddy(field.focus_target())
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        top.addWidget(self.title, 1)
        self.required_tag = QLabel("Required", self)
        self.required_tag.setObjectName("requiredTag")
        self.required_tag.setVisible(required)
        top.addWidget(self.required_tag, 0, Qt.AlignmentFlag.AlignTop)
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setObjectName("helpButton")
        self.help_button.setCheckable(True)
        self.help_button.setAccessibleName(f"Help: {question.label}")
        self.help_button.setToolTip("Show or hide help for this question (F1)")
        self.help_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # F1 from the field instead
        self.help_button.toggled.connect(self._help_toggled)
        top.addWidget(self.help_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        self.help = QLabel(question.help, self)
        self.help.setObjectName("helpText")
        self.help.setWordWrap(True)
        self.help.setVisible(False)
        self.help.setAccessibleName(f"Help for: {question.label}")
        layout.addWidget(self.help)

        layout.addWidget(field)
        self.errors = self._message_label("error", f"Problems with: {question.label}")
        layout.addWidget(self.errors)
        self.warnings = self._message_label("warning", f"Warnings about: {question.label}")
        layout.addWidget(self.warnings)
        self._shown: tuple[str, str] = ("", "")

    def _message_label(self, severity: str, name: str) -> QLabel:
        label = QLabel(self)
        label.setProperty("severity", severity)
        label.setWordWrap(True)
        label.setVisible(False)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setAccessibleName(name)
        return label

    @property
    def question_id(self) -> str:
        return self.question.id

    def _help_toggled(self, shown: bool) -> None:
        self.help.setVisible(shown)

    def toggle_help(self) -> None:
        self.help_button.toggle()

    def show_issues(self, issues: Sequence[Issue]) -> None:
        """Show this question's messages (errors apart from warnings); cheap when unchanged."""
        errors = [
            issue_text(i)
            for i in issues
            if i.severity is Severity.ERROR and i.code not in QUIET_CODES
        ]
        warnings = [issue_text(i) for i in issues if i.severity is Severity.WARNING]
        shown = ("\n".join(errors), "\n".join(warnings))
        if shown == self._shown:
            return
        self._shown = shown
        for label, text in ((self.errors, shown[0]), (self.warnings, shown[1])):
            label.setText(text)
            label.setVisible(bool(text))
        description = " ".join(t for t in shown if t)
        self.field.focus_target().setAccessibleDescription(html.unescape(description))

    @property
    def shown_messages(self) -> tuple[str, str]:
        """(errors, warnings) as shown, for tests and screen readers."""
        return self._shown
