"""What the report's figures are computed from: resolved cases, the cohort, and options.

Every figure is a pure function of a :class:`ReportInput`, so the coordinator's window, the
PDF, the JSON and the analysts' tables show the same numbers. Answers are read as
reconciliation resolved them (``ResolvedCase.answers``: ``{"state": "answered", "value": v}``
or another state); :func:`answer` gives the value or the state's code, never ``None`` for
two different things: not answered and not asked stay apart from every category.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from reviewer_app.domain.avoidability import AvoidabilityScale, parse_avoidability
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.report import AnswerCode
from reviewer_app.services.reconciliation.resolved import ResolvedCase

ANSWERED = "answered"
NOT_ASKED_STATE = "not_asked"
FULL_REVIEW = "full_review"


@dataclass(frozen=True)
class SummaryRule:
    """The three-level summary of the 2014 review, configurable.

    * **unacceptable in some aspect**: any phase (overall included) scored at most
      ``unacceptable_at_most`` (default 2: very poor or poor);
    * **acceptable, with lessons to learn**: otherwise, any phase scored at most
      ``lessons_at_most`` (default 3: adequate), or, with ``lessons_if_issue``, any theme with
      an issue identified or any problem in care recorded;
    * **acceptable**: every other case with at least one care score.
    """

    unacceptable_at_most: int = 2
    lessons_at_most: int = 3
    lessons_if_issue: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.unacceptable_at_most < self.lessons_at_most <= 5:
            raise ValueError(
                "the summary rule needs 1 <= unacceptable_at_most < lessons_at_most <= 5"
            )

    def statement(self) -> str:
        lessons = f"any phase scored {self.lessons_at_most} or less"
        if self.lessons_if_issue:
            lessons += ", or any theme with an issue identified or any problem in care"
        return (
            f"Unacceptable in some aspect: any phase, or overall care, scored "
            f"{self.unacceptable_at_most} or less. Acceptable with lessons to learn: otherwise "
            f"{lessons}. Acceptable: all other fully reviewed cases."
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "unacceptable_at_most": self.unacceptable_at_most,
            "lessons_at_most": self.lessons_at_most,
            "lessons_if_issue": self.lessons_if_issue,
            "statement": self.statement(),
        }


@dataclass(frozen=True)
class ReportOptions:
    """How the report is made: orientation of the avoidability grades, the summary rule,
    publication mode, and the date it is made on (for "year to date" and overdue actions)."""

    study_name: str = "Mortality case-note review"
    scale: AvoidabilityScale = AvoidabilityScale.RCP
    summary_rule: SummaryRule = field(default_factory=SummaryRule)
    publication: bool = False
    made_on: date = field(default_factory=date.today)
    learning_per_theme: int = 6  # comments printed per theme and kind in the PDF


@dataclass(frozen=True)
class ReportInput:
    """Everything the figures read. ``escalation_log`` and ``actions`` are the coordinator's
    records (plain mappings, see ``figures_escalations`` and ``figures_actions``);
    ``agreement`` is reconciliation's agreement statement as JSON, when it is available."""

    definition: ReviewDefinition
    cohort: Sequence[Case]
    cases: Sequence[ResolvedCase]
    options: ReportOptions = field(default_factory=ReportOptions)
    escalation_log: Sequence[Mapping[str, Any]] = ()
    actions: Sequence[Mapping[str, Any]] = ()
    agreement: Mapping[str, Any] | None = None

    def full_reviews(self) -> list[ResolvedCase]:
        return [c for c in self.cases if c.outcome == FULL_REVIEW]

    def cohort_by_ref(self) -> dict[str, Case]:
        return {c.case_ref: c for c in self.cohort}


def answer(case: ResolvedCase, question_id: str) -> Any:
    """The answered value, or :class:`AnswerCode` ``NOT_ANSWERED`` / ``NOT_ASKED``."""
    entry = case.answers.get(question_id)
    if entry is None:
        return AnswerCode.NOT_ANSWERED
    state = entry.get("state")
    if state == ANSWERED:
        return entry.get("value")
    if state == NOT_ASKED_STATE:
        return AnswerCode.NOT_ASKED
    return AnswerCode.NOT_ANSWERED


def text_answer(case: ResolvedCase, question_id: str) -> str | None:
    """An answered, non-blank text (or date) value; ``None`` for any special state."""
    value = answer(case, question_id)
    if isinstance(value, AnswerCode) or not isinstance(value, str) or not value.strip():
        return None
    return value


def items(case: ResolvedCase, group_id: str) -> list[Mapping[str, Any]]:
    """The answers of each item of a group question (empty if none or not answered)."""
    value = answer(case, group_id)
    if not isinstance(value, list):
        return []
    found: list[Mapping[str, Any]] = []
    for item in value:
        if isinstance(item, Mapping):
            inner = item.get("answers", item)
            if isinstance(inner, Mapping):
                found.append(inner)
    return found


def item_value(item: Mapping[str, Any], question_id: str) -> Any:
    """A group item's answer (items store plain values): not answered when absent."""
    if question_id not in item or item[question_id] is None:
        return AnswerCode.NOT_ANSWERED
    value = item[question_id]
    if isinstance(value, Mapping) and value.get("state") == ANSWERED:
        return value.get("value")
    return value


def rcp_grade(case: ResolvedCase, question_id: str = "avoidability.grade") -> int | None:
    parsed = parse_avoidability(answer(case, question_id))
    return None if parsed is None else parsed.rcp_grade


def option_labels(definition: ReviewDefinition, question_id: str) -> dict[str, str]:
    """Option value -> label of a choice question (empty for other types)."""
    ref = definition.find(question_id)
    if ref is None:
        return {}
    options = getattr(ref.question, "options", ()) or ()
    return {str(o.value): o.label for o in options}
