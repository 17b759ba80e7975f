"""The explicit outcomes that end a review early (records missing, hand back, outside this
method) and reopening one: their buttons and the dialogs asking for the reason.

What an outcome is called, and what its reason must say, comes from the review definition
(the outcome question's options, the reason question's help), so the buttons and dialogs say
what the form says. The page only adds what happens next (procedure, not clinical wording).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.dialogs import ReasonDialog
from reviewer_app.services.review.service import MIN_REASON_LENGTH, OUTCOME_ACTIONS, FormRoles

BUTTON_TEXT = {
    ReviewStatus.RECORDS_MISSING: "Records missing…",
    ReviewStatus.HANDED_BACK: "Hand back (conflict)…",
    ReviewStatus.OUTSIDE_METHOD: "Outside this method…",
}
WHAT_HAPPENS = {
    ReviewStatus.RECORDS_MISSING: "The case cannot be reviewed because records are missing; "
    "the screening answers are still needed.",
    ReviewStatus.HANDED_BACK: "The case goes back to the coordinator for another reviewer.",
    ReviewStatus.OUTSIDE_METHOD: "The case follows its own statutory process instead.",
}
REOPEN_TEXT = "The review continues where it was left; the outcome is kept in the audit trail."


def outcome_names(definition: ReviewDefinition | None, roles: FormRoles | None) -> dict[str, str]:
    """Each outcome's name as the definition's outcome question words it (status value ->
    label); a status the definition does not word keeps its own label."""
    names = {status.value: status.label for status in OUTCOME_ACTIONS}
    ref = definition.find(roles.outcome) if definition and roles and roles.outcome else None
    for option in getattr(ref.question, "options", ()) if ref is not None else ():
        if option.value in names:
            names[option.value] = option.label
    return names


def reason_help(definition: ReviewDefinition | None, roles: FormRoles | None) -> str:
    """What the reason must say, from the definition's reason question."""
    if definition is None or roles is None or roles.outcome_reason is None:
        return ""
    ref = definition.find(roles.outcome_reason)
    return ref.question.help if ref is not None else ""


class OutcomeButtons:
    """One button per outcome; renamed from the definition when a case is shown."""

    def __init__(self, parent: QWidget, request: Callable[[ReviewStatus], None]) -> None:
        self.buttons: dict[ReviewStatus, QPushButton] = {}
        self.names = outcome_names(None, None)
        self.explanation = ""
        for status, text in BUTTON_TEXT.items():
            button = QPushButton(text, parent)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, s=status: request(s))
            self.buttons[status] = button
        self.word(None, None)

    def word(self, definition: ReviewDefinition | None, roles: FormRoles | None) -> None:
        """Name the outcomes as this definition does."""
        self.names = outcome_names(definition, roles)
        self.explanation = reason_help(definition, roles)
        for status, button in self.buttons.items():
            name = self.names[status.value]
            button.setAccessibleName(name)
            button.setToolTip(f"{name}: an explicit outcome that needs a reason")

    def dialog(
        self, status: ReviewStatus, record: Callable[[str], None], parent: QWidget
    ) -> ReasonDialog:
        explanation = " ".join(t for t in (WHAT_HAPPENS[status], self.explanation) if t)
        return ReasonDialog(
            self.names[status.value],
            explanation,
            f"Record: {status.label}",
            record,
            parent,
            hint=f"At least {MIN_REASON_LENGTH} characters.",
        )


def reopen_dialog(reopen: Callable[[str], None], parent: QWidget) -> ReasonDialog:
    return ReasonDialog(
        "Reopen this review",
        REOPEN_TEXT,
        "Reopen",
        reopen,
        parent,
        hint=f"At least {MIN_REASON_LENGTH} characters.",
    )
