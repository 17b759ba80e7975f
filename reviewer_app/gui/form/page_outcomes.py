"""The review page's outcome and reopen actions (a part of ``ReviewPage``): each asks for its
reason in a dialog, records it through the controller and shows the review as it now is."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.dialogs import ReasonDialog
from reviewer_app.gui.form.outcomes import OutcomeButtons, reopen_dialog
from reviewer_app.gui.form.review_controller import ReviewController
from reviewer_app.services.review.service import OpenReview


class OutcomeActions:
    """Outcome and reopen dialogs; ``ReviewPage`` provides the attributes declared here."""

    review: ReviewController
    outcomes: OutcomeButtons
    status_changed: Any
    exec_dialog: Callable[[QDialog], int]
    _section_id: str | None

    def _show_review(self, opened: OpenReview) -> None:
        raise NotImplementedError

    def goto_section(self, section_id: str, focus: bool = True) -> None:
        raise NotImplementedError

    def _parent(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def outcome_dialog(self, status: ReviewStatus) -> ReasonDialog:
        return self.outcomes.dialog(
            status,
            lambda reason: self._reload(self.review.record_outcome(status, reason)),
            self._parent(),
        )

    def request_outcome(self, status: ReviewStatus) -> None:
        self.exec_dialog(self.outcome_dialog(status))

    def reopen_dialog(self) -> ReasonDialog:
        return reopen_dialog(
            lambda reason: self._reload(self.review.reopen(reason)), self._parent()
        )

    def request_reopen(self) -> None:
        self.exec_dialog(self.reopen_dialog())

    def _reload(self, opened: OpenReview) -> None:
        section = self._section_id
        before = self.review.status
        self.review.take(opened)
        self._show_review(opened)
        if section is not None:
            self.goto_section(section, focus=False)
        if opened.status != before:
            self.status_changed.emit(opened.case.case_ref, opened.status.value)
