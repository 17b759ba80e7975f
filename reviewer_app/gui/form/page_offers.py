"""The review page's offers (a part of ``ReviewPage``): accepting "not applicable" for the
discharge phases of a death in the index admission (Alt+N), and going to the escalation
decision from its notice."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from reviewer_app.domain.values import NOT_APPLICABLE
from reviewer_app.gui.form.question_row import QuestionRow
from reviewer_app.gui.form.review_controller import ReviewController
from reviewer_app.gui.form.section_pages import SectionPages


class OfferActions:
    """``ReviewPage`` provides the attributes and methods declared here."""

    review: ReviewController
    _form: SectionPages | None
    _section_id: str | None

    def row(self, question_id: str) -> QuestionRow:
        raise NotImplementedError

    def goto_question(
        self, question_id: str, group_id: str | None = None, item_id: str | None = None
    ) -> bool:
        raise NotImplementedError

    def _refresh(self) -> None:
        raise NotImplementedError

    def _focus(self, target: QWidget) -> None:
        raise NotImplementedError

    def mark_offered_not_applicable(self) -> None:
        """Accept the offer: every phase it names becomes "not applicable" (autosaved)."""
        state = self.review.state
        if state is None or self.review.read_only or not state.not_applicable_offers:
            return
        here = None
        for question_id in state.not_applicable_offers:
            if self.review.edit(question_id, NOT_APPLICABLE):
                self.row(question_id).field.set_value(NOT_APPLICABLE)
            if self._section_id == self._form_section(question_id):
                here = self.row(question_id).field
        self._refresh()
        if here is not None:  # the answer just given, in sight with its frame
            self._focus(here.focus_target())

    def _form_section(self, question_id: str) -> str | None:
        return None if self._form is None else self._form.definition.section_of(question_id).id

    def _goto_escalation_decision(self) -> None:
        opened = self.review.opened
        if opened is None:
            return
        decision = opened.roles.escalation_decision
        if decision is not None:
            self.goto_question(decision)
