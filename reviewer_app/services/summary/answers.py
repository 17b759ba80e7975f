"""Answers as the PDF summary prints them: relevant questions, display values, redaction.

Everything printed goes through ``AnswerSource``: a question the form did not ask (hidden by
an earlier answer) is left out or shown as "Not asked"; an unanswered one prints "Not
answered"; "not applicable", "unknown" and "cannot tell" print as such (rule 10), and the
unanswered judgement of a phase scored "not applicable" prints "Not applicable: phase not
part of this patient's care". In the taskforce copy every answer value passes through the
redactor, and every date or date and time an answer prints (as the form shows it: "12 March
2017", "12 March 2017, 14:05 (UK time)", also in "What changed") prints as month and year
only ("March 2017"): with the coarsened case dates and the length of stay, an exact date
would give the others back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView, ItemScope
from reviewer_app.domain.answers import display_answer, display_value, group_items
from reviewer_app.domain.definition import (
    AnyQuestion,
    GroupQuestion,
    ItemQuestion,
    ReviewDefinition,
    Section,
    SectionKind,
)
from reviewer_app.domain.values import MONTHS, NOT_APPLICABLE, JsonValue
from reviewer_app.services.summary.input import SummaryInput
from reviewer_app.services.summary.redaction import Redactor

NOT_ASKED = "Not asked"
PHASE_NOT_APPLICABLE = "Not applicable: phase not part of this patient's care"
WIDE_TEXT = 70  # characters: a longer text answer gets a full-width row

_SHOWN_DATE = re.compile(
    r"\d{1,2} (?P<month>" + "|".join(MONTHS) + r") (?P<year>\d{4})"
    r"(?:, \d{2}:\d{2} \(UK time\))?"
)
"""A date (or date and time) answer exactly as ``display_value`` prints it."""


def month_year_of_shown(text: str) -> str:
    """A date answer as printed ("12 March 2017, 14:05 (UK time)") as month and year only
    ("March 2017"); any other text unchanged."""
    shown = _SHOWN_DATE.fullmatch(text)
    return text if shown is None else f"{shown['month']} {shown['year']}"


@dataclass(frozen=True, slots=True)
class Item:
    """One item of a repeating group (a problem, an escalation) as printed."""

    number: int
    answers: dict[str, JsonValue]
    scope: ItemScope | None

    def asked(self, question: ItemQuestion) -> bool:
        return self.scope is None or self.scope.is_relevant(question.id)


class AnswerSource:
    """Display values of one review's answers (see the module docstring)."""

    def __init__(self, data: SummaryInput) -> None:
        self.data = data
        self.definition: ReviewDefinition = data.definition
        self.answers = data.answers
        self.view = AnswerView(data.definition, data.answers)
        self.redactor = Redactor(data.case) if data.taskforce_copy else None

    def safe(self, text: str) -> str:
        """Text as it may be printed in this copy (in the taskforce copy: a date answer as
        month and year, anything else redacted)."""
        if self.redactor is None:
            return text
        return self.redactor.redact(month_year_of_shown(text))

    def section_asked(self, section: Section) -> bool:
        return self.view.section_relevant(section)

    def asked(self, question: AnyQuestion) -> bool:
        return self.view.is_relevant(question.id)

    def show(self, question: AnyQuestion) -> str:
        """The printed answer of a top-level question ("Not answered" when absent; in a
        phase whose care score is "not applicable", an unanswered judgement prints as the
        phase's not applicable, not as a question left unanswered)."""
        if question.id not in self.answers and self._in_phase_not_applicable(question):
            return PHASE_NOT_APPLICABLE
        return self.safe(display_answer(question, self.answers))

    def _in_phase_not_applicable(self, question: AnyQuestion) -> bool:
        ref = self.definition.find(question.id)
        if ref is None or ref.section.kind is not SectionKind.PHASE:
            return False
        return any(
            q.type == "care_score" and self.answers.get(q.id) == NOT_APPLICABLE
            for q in ref.section.questions
        )

    def show_or_not_asked(self, question: AnyQuestion) -> str:
        return self.show(question) if self.asked(question) else NOT_ASKED

    def show_item(self, question: ItemQuestion, item: Item) -> str:
        return self.safe(display_value(question, item.answers.get(question.id)))

    def value(self, question: AnyQuestion) -> JsonValue | None:
        return self.answers.get(question.id)

    def rows(self, section: Section) -> list[tuple[str, str, bool]]:
        """(label, printed answer, wide?) for the asked, non-group questions of a section."""
        found = []
        for question in section.questions:
            if isinstance(question, GroupQuestion) or not self.asked(question):
                continue
            shown = self.show(question)
            wide = question.type == "text" and (len(shown) > WIDE_TEXT or "\n" in shown)
            found.append((question.label, shown, wide))
        return found

    def groups(self, section: Section) -> Iterator[GroupQuestion]:
        for question in section.questions:
            if isinstance(question, GroupQuestion) and self.asked(question):
                yield question

    def items(self, group: GroupQuestion) -> list[Item]:
        scopes = {scope.item_id: scope for scope in self.view.items(group.id)}
        return [
            Item(number, answers, scopes.get(item_id))
            for number, (item_id, answers) in enumerate(
                group_items(self.answers.get(group.id)), start=1
            )
        ]
