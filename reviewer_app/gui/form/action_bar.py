"""The buttons under the form: the outcomes, Reopen…, Sign…, the save status, Back.

Which of them show follows the review: outcomes while it can be edited, Reopen… on an
unsigned outcome, Sign… on what can be signed (enabled once nothing is missing).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QWidget

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form.buttons import push_button
from reviewer_app.gui.form.outcomes import OutcomeButtons
from reviewer_app.gui.form.save_status import CaseSaveIndicator
from reviewer_app.services.review.service import OpenReview, ReviewState

SIGNABLE = (ReviewStatus.READY_TO_SIGN, ReviewStatus.AMENDMENT_IN_PROGRESS)


class ActionBar(QHBoxLayout):
    def __init__(
        self,
        parent: QWidget,
        writer: AutosaveWriter,
        *,
        request_outcome: Callable[[ReviewStatus], None],
        reopen: Callable[[], None],
        sign: Callable[[], None],
        back: Callable[[], None],
    ) -> None:
        super().__init__()
        self.setSpacing(8)
        self.outcomes = OutcomeButtons(parent, request_outcome)
        for button in self.outcomes.buttons.values():
            self.addWidget(button)
        self.reopen_button = push_button("Reopen…", "Reopen this review", parent, reopen)
        self.addWidget(self.reopen_button)
        self.addStretch(1)
        self.sign_button = push_button("Sign…", "Sign this review", parent, sign)
        self.sign_button.setObjectName("primary")
        self.sign_button.setToolTip("Nothing is missing: sign the review")
        self.addWidget(self.sign_button)
        self.indicator = CaseSaveIndicator(writer, parent)
        self.addWidget(self.indicator)
        self.back_button = push_button("Back to case list", "Back to case list", parent, back)
        self.addWidget(self.back_button)

    def tab_chain(self) -> tuple[QWidget, ...]:
        """The buttons in the order Tab reaches them, after the form's last control."""
        outcomes = tuple(self.outcomes.buttons.values())
        return (*outcomes, self.reopen_button, self.sign_button, self.back_button)

    def show_for(
        self, opened: OpenReview | None, status: ReviewStatus, state: ReviewState | None
    ) -> None:
        shown = status if opened is not None else None
        if opened is not None and opened.review_id != self.indicator.review_id:
            self.indicator.show_case(opened.review_id)  # closed: still the case just left
        editable = opened is not None and not opened.read_only
        for button in self.outcomes.buttons.values():
            button.setVisible(editable)
        signed = opened is not None and opened.signed
        self.reopen_button.setVisible(shown is not None and shown.is_outcome and not signed)
        signable = shown is not None and (shown in SIGNABLE or shown.is_outcome)
        ready = state is not None and not state.readiness
        self.sign_button.setVisible(bool(signable and not signed))
        self.sign_button.setEnabled(bool(signable and ready))
