"""The section pages of one review definition: built on first visit, reused for every case.

Building a page (its rows and fields) is the slow part of showing a form, so each
definition's pages are built once, when first shown, and then only refilled: with the
answers of the case now open, read-only or not, and with what follows from the answers
(relevance, messages, readiness, and the notices of the immediate-safety and escalation
sections).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import (
    MultipleChoiceQuestion,
    ReviewDefinition,
    SectionKind,
    SingleChoiceQuestion,
)
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.domain.setting_suggestions import setting_suggestions
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.section_page import SectionPage
from reviewer_app.gui.form.unparsed import unparsed_items
from reviewer_app.services.review.service import ReviewState

IMMEDIATE_SAFETY_TEXT = (
    "Telephone the provider's patient-safety team TODAY: do not wait for the next return. "
    "Then record below who you told and when. The case is flagged urgent."
)
"""The alert over the immediate-safety section once a concern is recorded: the definition's
help says what the question means; this says, loudly, what to do now."""


def escalation_text(state: ReviewState, in_section: bool) -> str | None:
    """The notice when an escalation trigger (worded by the definition) needs a decision."""
    if not state.needs_escalation_decision:
        return None
    labels = "; ".join(t.label for t in state.escalation_triggers)
    if in_section:
        return (
            f"⚠ An escalation trigger applies: {labels}. Record your escalation decision "
            "below now: escalate, or not escalating with the reason."
        )
    return f"⚠ Escalation decision needed now. Trigger: {labels}."


SIGNED_TITLE = "Signed"
SIGNED_HELP = (
    "This review is signed: its answers are read-only. To change an answer, reopen it for "
    "an amendment (the reopened review is signed again as a new version)."
)
"""The readiness section's heading and help once the review is signed (not "Ready to
sign" and its list of what is still needed)."""


def first_focus(page: SectionPage, read_only: bool = False) -> QWidget | None:
    """Where the cursor goes on arriving at a page: what is missing, else the first field
    that can take focus, else (no question shown) the "Next section" button. On a read-only
    (signed) case, ``None``: its options are disabled, and the form puts the cursor in the
    section list instead, where the arrows browse the sections and Ctrl+Page Down steps on."""
    if read_only:
        return None
    if page.readiness is not None and page.readiness.list.isVisibleTo(page):
        return page.readiness.list
    for row in page.rows.values():
        if row.isVisibleTo(page):
            target = row.field.focus_target()
            if target.isEnabled() and target.focusPolicy() != Qt.FocusPolicy.NoFocus:
                return target
    return page.next_button


class SectionPages:
    """One definition's pages, in their own stack. ``wire`` connects a new page's signals.

    ``wire`` is a method of the form that owns these pages; it is held weakly so that the
    form's Python side is freed with its widgets, not later by the cyclic collector (on
    whatever thread runs it, which Qt does not survive).
    """

    def __init__(
        self,
        definition: ReviewDefinition,
        stack: QStackedWidget,
        wire: Callable[[SectionPage], None],
    ) -> None:
        self.definition = definition
        self.stack = stack
        self.pages: dict[str, SectionPage] = {}
        self._case: Case | None = None  # what the setting questions are offered from
        self.unparsed: list[ReadinessItem] = []  # date boxes whose text is NOT saved
        self._wire = weakref.WeakMethod(wire)  # type: ignore[arg-type]

    def section_ids(self) -> list[str]:
        return [s.id for s in self.definition.sections]

    def step(self, section_id: str, step: int, relevant: Collection[str]) -> str | None:
        """The next (``step`` 1) or previous (-1) relevant section, if there is one."""
        order = self.section_ids()
        index = order.index(section_id) + step
        while 0 <= index < len(order):
            if order[index] in relevant:
                return order[index]
            index += step
        return None

    def page(
        self,
        section_id: str,
        answers: Answers,
        read_only: bool,
        state: tuple[ReviewState, ReviewStatus] | None,
    ) -> SectionPage:
        """The page of a section, built now if it never was (and filled as the others)."""
        page = self.pages.get(section_id)
        if page is None:
            page = SectionPage(self.definition.section(section_id), self.stack)
            self.pages[section_id] = page
            self.stack.addWidget(page)
            wire = self._wire()
            if wire is not None:
                wire(page)
            self.fill(page, answers, read_only)
            self._offer(page)
            if state is not None:
                self.show_state(page, *state)
        return page

    def fill(self, page: SectionPage, answers: Answers, read_only: bool) -> None:
        for question_id, row in page.rows.items():
            row.field.set_value(answers.get(question_id))
            row.field.set_read_only(read_only)

    def offer_all(self, case: Case | None) -> None:
        """The case's setting suggestions in every setting question (``None``: none)."""
        self._case = case
        for page in self.pages.values():
            self._offer(page)

    def _offer(self, page: SectionPage) -> None:
        for row in page.rows.values():
            inner = row.field.rows if isinstance(row.field, GroupField) else []
            for each in (row, *inner):
                question = each.question
                if isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
                    case = self._case
                    each.field.offer([] if case is None else setting_suggestions(question, case))

    def clear(self) -> None:
        """Every field unanswered (no case on screen)."""
        for page in self.pages.values():
            for row in page.rows.values():
                row.field.set_value(None)

    def fill_all(self, answers: Answers, read_only: bool) -> None:
        for page in self.pages.values():
            self.fill(page, answers, read_only)

    def show_state_all(self, state: ReviewState, status: ReviewStatus) -> None:
        self.unparsed = [] if status is ReviewStatus.SIGNED else unparsed_items(self.pages.values())
        for page in self.pages.values():
            self.show_state(page, state, status)

    def show_state(self, page: SectionPage, state: ReviewState, status: ReviewStatus) -> None:
        """Relevance and messages on the page's rows, its readiness list and its notice."""
        issues: list[Issue] = []
        for issue in state.report.issues:
            qid = issue.group_id or issue.question_id
            if qid is not None and qid in page.rows:
                issues.append(issue)
        page.apply_state(state, issues)
        if page.readiness is not None:
            page.readiness.show_items([*self.unparsed, *state.readiness], status)
            signed = status is ReviewStatus.SIGNED
            page.title.setText(SIGNED_TITLE if signed else page.section.title)
            page.help.setText(SIGNED_HELP if signed else page.section.help)
        kind = page.section.kind
        if kind == SectionKind.IMMEDIATE_SAFETY:
            page.show_notice(IMMEDIATE_SAFETY_TEXT if state.immediate_concern else None)
        elif kind == SectionKind.ESCALATION:
            page.show_notice(escalation_text(state, in_section=True))
