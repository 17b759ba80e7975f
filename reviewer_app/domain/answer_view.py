"""The answers as rules see them: well-formed values of questions that are relevant.

A reviewer may answer "records missing" after scoring some phases, or change "yes" to "no"
after filling the follow-up questions. Those stored answers are kept (nothing is thrown away
behind the reviewer's back) but a hidden question must not make a rule fire, a trigger fire or
sign-off fail. This view filters them out once, so that every rule agrees on what counts.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from reviewer_app.domain.answers import AnswerProblem, answer_problems, group_items
from reviewer_app.domain.conditions import Condition, ConditionContext, evaluate
from reviewer_app.domain.definition import (
    AnyQuestion,
    CareScoreQuestion,
    GroupQuestion,
    ReviewDefinition,
    Section,
)
from reviewer_app.domain.values import Answers, JsonValue

_MAX_PASSES = 10  # relevance chains settle in a few passes; a cycle stops here


@dataclass(frozen=True, slots=True)
class TextAnswer:
    """A free-text answer and where it sits (for the identifier check of rule 8)."""

    question: AnyQuestion
    text: str
    group_id: str | None = None
    item_id: str | None = None


class AnswerView:
    """Valid, relevant answers of one review, readable by conditions (``ConditionContext``)."""

    def __init__(self, definition: ReviewDefinition, answers: Answers) -> None:
        self.definition = definition
        self.problems: list[AnswerProblem] = []
        self.unknown_ids: list[str] = []
        self._valid = self._well_formed(answers)
        self._effective = dict(self._valid)
        self._items: dict[str, list[ItemScope]] = {}
        for _ in range(_MAX_PASSES):
            self._items = self._all_item_scopes()
            kept = {k: v for k, v in self._valid.items() if self._relevant(k)}
            if kept.keys() == self._effective.keys():
                break
            self._effective = kept
        self._items = self._all_item_scopes()

    def _well_formed(self, answers: Answers) -> dict[str, JsonValue]:
        valid: dict[str, JsonValue] = {}
        for question_id in sorted(answers):
            ref = self.definition.find(question_id)
            if ref is None or ref.group is not None:
                self.unknown_ids.append(question_id)
                continue
            value = answers[question_id]
            problems = answer_problems(ref.question, value)
            self.problems.extend(problems)
            if not problems:
                valid[question_id] = value
            elif isinstance(ref.question, GroupQuestion) and all(p.item_id for p in problems):
                valid[question_id] = value  # item-level problems: drop only those values
        return valid

    # --- ConditionContext -----------------------------------------------------------------

    def value(self, question_id: str) -> JsonValue | None:
        return self._effective.get(question_id)

    def items(self, group_id: str) -> Sequence[ItemScope]:
        return self._items.get(group_id, [])

    def scores_in_kind(self, section_kind: str) -> Sequence[JsonValue]:
        return [
            self._effective[q.id]
            for section in self.definition.sections_of_kind(section_kind)
            for q in section.questions
            if isinstance(q, CareScoreQuestion) and q.id in self._effective
        ]

    # --- queries ----------------------------------------------------------------------------

    def holds(self, condition: Condition | None) -> bool:
        return condition is None or evaluate(condition, self)

    def section_relevant(self, section: Section) -> bool:
        return self.holds(section.relevant_when)

    def is_relevant(self, question_id: str) -> bool:
        """Whether a top-level question is asked, given the current answers."""
        return self._relevant(question_id)

    def _relevant(self, question_id: str) -> bool:
        ref = self.definition.find(question_id)
        if ref is None:
            return False
        return self.holds(ref.section.relevant_when) and self.holds(ref.question.relevant_when)

    def is_answered(self, question_id: str) -> bool:
        """Answered with a well-formed value and relevant (what rules count as answered)."""
        return question_id in self._effective

    def has_stored_value(self, question_id: str) -> bool:
        """Any well-formed stored value, relevant or not (section progress counts these)."""
        return question_id in self._valid

    def texts(self) -> Iterator[TextAnswer]:
        """Every well-formed free-text answer, relevant or not: all of it may be exported."""
        for _, question in self.definition.top_questions():
            value = self._valid.get(question.id)
            if question.type == "text" and isinstance(value, str):
                yield TextAnswer(question, value)
            if isinstance(question, GroupQuestion):
                items = {q.id: q for q in question.item_questions}
                for item_id, item_answers in group_items(value):
                    for item_qid, text in item_answers.items():
                        item_q = items.get(item_qid)
                        if item_q is not None and item_q.type == "text" and isinstance(text, str):
                            yield TextAnswer(item_q, text, question.id, item_id)

    def _all_item_scopes(self) -> dict[str, list[ItemScope]]:
        bad = {(p.item_id, p.question_id) for p in self.problems if p.item_id}
        scopes: dict[str, list[ItemScope]] = {}
        for _, group in self.definition.top_questions():
            if isinstance(group, GroupQuestion):
                scopes[group.id] = [
                    ItemScope(
                        self,
                        group,
                        item_id,
                        {k: v for k, v in answers.items() if (item_id, k) not in bad},
                    )
                    for item_id, answers in group_items(self._effective.get(group.id))
                ]
        return scopes


class ItemScope:
    """One item of a repeating group: its own answers first, then the review's."""

    def __init__(
        self, view: AnswerView, group: GroupQuestion, item_id: str, valid: dict[str, JsonValue]
    ) -> None:
        self.view = view
        self.group = group
        self.item_id = item_id
        self._questions = {q.id: q for q in group.item_questions}
        self._valid = valid
        self._effective = dict(valid)
        for _ in range(_MAX_PASSES):
            kept = {k: v for k, v in valid.items() if self.is_relevant(k)}
            if kept.keys() == self._effective.keys():
                break
            self._effective = kept

    def value(self, question_id: str) -> JsonValue | None:
        if question_id in self._questions:
            return self._effective.get(question_id)
        return self.view.value(question_id)

    def items(self, group_id: str) -> Sequence[ConditionContext]:
        return self.view.items(group_id)

    def scores_in_kind(self, section_kind: str) -> Sequence[JsonValue]:
        return self.view.scores_in_kind(section_kind)

    def holds(self, condition: Condition | None) -> bool:
        return condition is None or evaluate(condition, self)

    def is_relevant(self, question_id: str) -> bool:
        question = self._questions.get(question_id)
        return question is not None and self.holds(question.relevant_when)

    def is_answered(self, question_id: str) -> bool:
        return question_id in self._effective
