"""The side-by-side comparison of a pair's two reviews, per question (``coordinator compare``).

Only once both independent reviews are in (blind until then). Every top-level question of the
definition is a row: both reviewers' answers as people read them (labels, never bare codes;
not answered, not asked, not applicable and cannot tell each shown as such), whether they
differ, the discordance rule it falls under, and the value in use with its source. Free-text
answers are never shown (they may hold identifiers): the row says only whether each review
has one. No patient identifier is part of a comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.answers import display_value
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.questions import AnyQuestion, GroupQuestion, TextQuestion
from reviewer_app.domain.values import NOT_ANSWERED_LABEL
from reviewer_app.errors import UserError
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.consensus import find_case, unpaired_reason
from reviewer_app.services.reconciliation.discordance import (
    HARM_QUESTION,
    HARM_VALUES,
    OUTCOME_ITEM,
)
from reviewer_app.services.reconciliation.resolved import resolved_cases
from reviewer_app.services.reconciliation.states import NOT_ASKED, item_value, state_of
from reviewer_app.services.reconciliation.study_reviews import definition_of
from reviewer_app.services.study import Study

NOT_ASKED_LABEL = "Not asked"
TEXT_GIVEN = "(text given)"


class NotComparableError(UserError):
    """The case has no pair of reviews to compare yet (or ever)."""


@dataclass(frozen=True)
class ComparedItem:
    question_id: str
    label: str
    first: str
    second: str
    differs: bool
    discordance: str | None  # the DiscordanceKind value, when the difference is one
    in_use: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Comparison:
    case_ref: str
    reviewer_refs: tuple[str, str]
    outcomes: tuple[str, str]
    items: tuple[ComparedItem, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "reviewer_refs": list(self.reviewer_refs),
            "outcomes": list(self.outcomes),
            "items": [i.to_json() for i in self.items],
        }

    def lines(self, *, only_differences: bool = False) -> list[str]:
        a, b = self.reviewer_refs
        lines = [
            f"Case {self.case_ref}: {a} ({self.outcomes[0]}) against {b} ({self.outcomes[1]}).",
            "  '*' differs, '!' discordant (needs a consensus); then the value in use [source].",
        ]
        for item in self.items:
            if only_differences and not item.differs:
                continue
            mark = "!" if item.discordance else ("*" if item.differs else " ")
            lines.append(
                f"{mark} {item.question_id}: {a} {item.first} | {b} {item.second}"
                f" -> {item.in_use} [{item.source}]"
            )
        return lines


def _shown(question: AnyQuestion | None, state: Mapping[str, Any]) -> str:
    kind = state.get("state")
    if kind == NOT_ASKED:
        return NOT_ASKED_LABEL
    if kind != "answered":
        return NOT_ANSWERED_LABEL
    value = state.get("value")
    if question is None:
        return "(answer to a question this definition does not have)"
    if isinstance(question, TextQuestion):
        return TEXT_GIVEN
    if isinstance(question, GroupQuestion) and isinstance(value, list):
        harms = sum(
            1
            for item in value
            if isinstance(item, Mapping)
            and item_value(item.get("answers", {}), HARM_QUESTION) in HARM_VALUES
        )
        return f"{len(value)} {question.item_label.lower()}(s), {harms} with harm"
    return display_value(question, value)


def comparison(definition: ReviewDefinition, case: ResolvedCase) -> Comparison:
    """The rows of a complete pair (see the module docstring)."""
    why = unpaired_reason(case)
    if why is not None:
        raise NotComparableError(f"Case {case.case_ref} cannot be compared: {why}.")
    first, second = (r.get("answers", {}) for r in case.reviews[:2])
    kinds = {d.item: d.kind.value for d in case.discordances}
    open_items = case.open_discordances
    outcomes = tuple(str(r.get("review", {}).get("outcome")) for r in case.reviews[:2])
    rows: list[ComparedItem] = []
    if OUTCOME_ITEM in kinds:
        rows.append(
            ComparedItem(
                OUTCOME_ITEM,
                "Review outcome",
                outcomes[0],
                outcomes[1],
                True,
                kinds[OUTCOME_ITEM] if OUTCOME_ITEM in open_items else None,
                case.outcome,
                "consensus" if OUTCOME_ITEM in case.consensus_items else "rule",
            )
        )
    for _, question in definition.top_questions():
        qid = question.id
        a, b = state_of(first, qid), state_of(second, qid)
        source = case.sources.get(qid)
        rows.append(
            ComparedItem(
                qid,
                question.label,
                _shown(question, a),
                _shown(question, b),
                a != b,
                kinds.get(qid) if qid in open_items else None,
                _shown(question, case.answers.get(qid, {"state": "unanswered"})),
                source.value if source else "",
            )
        )
    return Comparison(
        case.case_ref,
        (case.reviewer_refs[0], case.reviewer_refs[1]),
        (outcomes[0], outcomes[1]),
        tuple(rows),
    )


def compare_case(study: Study, case_ref: str) -> Comparison:
    """The comparison of one case's pair (refused until both reviews are in)."""
    case = find_case(resolved_cases(study), case_ref)
    return comparison(definition_of(case.reviews[0]), case)
