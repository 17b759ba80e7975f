"""The notices over the form: an escalation decision needed, an offer the form can settle, a
save that did not happen. Each is a ``NoticeBar`` with one action; which show follows the
state of the answers (``show_for``) and the writer (``save_failed`` / ``saved``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QVBoxLayout, QWidget

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.gui.form.offers import NOTHING_TO_MARK, not_applicable_offer
from reviewer_app.gui.form.panels import NoticeBar
from reviewer_app.gui.form.section_pages import escalation_text
from reviewer_app.services.review.autosave_core import SaveFailure
from reviewer_app.services.review.service import ReviewState


class FormNotices:
    """The three notice bars, added to ``layout`` in reading order."""

    def __init__(
        self,
        parent: QWidget,
        layout: QVBoxLayout,
        *,
        escalation: Callable[[], None],
        not_applicable: Callable[[], None],
        retry: Callable[[], None],
    ) -> None:
        self.escalation = NoticeBar("Escalation decision needed", parent)
        self.escalation.action.connect(escalation)
        self.not_applicable = NoticeBar("Phases after a death in the admission", parent)
        self.not_applicable.action.connect(not_applicable)
        policy = self.not_applicable.button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the same height with or without its button
        self.not_applicable.button.setSizePolicy(policy)
        self.save_problem = NoticeBar("Save problem", parent)
        self.save_problem.action.connect(retry)
        for bar in (self.escalation, self.not_applicable, self.save_problem):
            layout.addWidget(bar)

    def show_for(
        self,
        state: ReviewState | None,
        definition: ReviewDefinition | None,
        section_id: str | None,
        read_only: bool,
        *,
        reserve: bool = False,
    ) -> None:
        """The escalation and not-applicable notices for these answers and this section.

        ``reserve``: the case may be offered not applicable (a death in the index admission),
        so the offer's bar stays in place for the whole case, saying that nothing is left to
        mark once it is settled: the form under it never jumps when the offer comes or goes.
        """
        if state is None or definition is None:
            self.escalation.setVisible(False)
            self.not_applicable.setVisible(False)
            return
        offers = state.not_applicable_offers
        bar = self.not_applicable
        if read_only or not (offers or reserve):
            bar.setVisible(False)
        elif not offers:
            bar.show_notice(NOTHING_TO_MARK, None)
            bar.setToolTip("")
        else:
            titles = [definition.section_of(q).title for q in offers]
            offer, button, phases = not_applicable_offer(titles)
            bar.show_notice(offer, button)
            bar.setToolTip(phases)
            bar.button.setAccessibleDescription(phases)
        section = definition.section(section_id) if section_id else None
        in_escalation = section is not None and section.kind == SectionKind.ESCALATION
        text = escalation_text(state, in_section=False)
        if text and not in_escalation:
            self.escalation.show_notice(text, "Go to the escalation decision")
        else:
            self.escalation.setVisible(False)

    def save_failed(self, failure: SaveFailure) -> None:
        if failure.retrying:
            text = (
                f"✖ Your latest changes are NOT saved yet: {failure.message} They stay on "
                f"screen and will be tried again in {failure.retry_in:.0f} s."
            )
            self.save_problem.show_notice(text, "Try again now")
        else:
            self.save_problem.show_notice(f"✖ Not saved: {failure.message}", None)

    def saved(self) -> None:
        self.save_problem.setVisible(False)
