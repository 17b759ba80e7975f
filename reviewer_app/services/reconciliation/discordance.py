"""Discordance: when the two independent reviews of a pair differ enough to need a consensus.

Pure functions on two reviews' canonical answers. A pair is discordant on

- **outcome**: one review is a full review and the other is not (records missing, outside
  the method);
- **avoidability** dichotomised: one grade is more likely than not avoidable (RCP <= 3,
  Hogan >= 4) and the other is not; a grade more likely than not in one review and no valid
  grade in the other counts too;
- **a care score** (each phase, overall included): 2 or more points apart, or on either side
  of the poor/adequate boundary (1-2 against 3-5); a phase scored poor (1-2) in one review
  and not applicable or not scored in the other counts too;
- **harm**: a problem that led to harm (yes or probably) recorded in one review and not in
  the other;
- **the escalation decision**: one review escalates and the other does not;
- **an immediate safety concern**: raised (yes) in one review and not in the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.questions import CareScoreQuestion
from reviewer_app.domain.reconciliation import DiscordanceKind
from reviewer_app.services.reconciliation.states import (
    group_items,
    item_value,
    state_of,
    value_of,
)

OUTCOME_ITEM: Final = "outcome.type"
AVOIDABILITY_ITEM: Final = "avoidability.grade"
PROBLEMS_ANY: Final = "problems.any"
PROBLEMS_ITEM: Final = "problems.items"
HARM_QUESTION: Final = "problems.item.harm"
ESCALATION_ITEM: Final = "escalation.decision"
IMMEDIATE_ITEM: Final = "immediate.concern"
FULL_REVIEW: Final = "full_review"
HARM_VALUES: Final = frozenset({"yes", "probably"})
POOR_MAX: Final = 2  # scores 1-2 are poor; 3-5 adequate or better


@dataclass(frozen=True)
class Discordance:
    """One discordant item of a pair: the item (a question id), the rule, both states."""

    item: str
    kind: DiscordanceKind
    first: Mapping[str, Any]
    second: Mapping[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "kind": self.kind.value,
            "first": dict(self.first),
            "second": dict(self.second),
        }


def outcome_discordant(first: str, second: str) -> bool:
    """A full review against any other outcome (two non-full outcomes that differ too)."""
    return first != second


def avoidability_discordant(first: Any, second: Any) -> bool:
    """More likely than not (RCP <= 3) in one review and not in the other."""
    a, b = parse_avoidability(first), parse_avoidability(second)
    mltn_a = a is not None and a.more_likely_than_not_avoidable
    mltn_b = b is not None and b.more_likely_than_not_avoidable
    if a is None and b is None:
        return False
    return mltn_a != mltn_b


def _score(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def care_score_discordant(first: Any, second: Any) -> bool:
    """2 or more apart, or across the poor (1-2) / adequate (3-5) boundary; a poor score
    against no score (not applicable, unanswered) too."""
    a, b = _score(first), _score(second)
    if a is None and b is None:
        return False
    if a is None or b is None:
        scored = a if a is not None else b
        assert scored is not None
        return scored <= POOR_MAX
    return abs(a - b) >= 2 or (a <= POOR_MAX) != (b <= POOR_MAX)


def has_harm(answers: Mapping[str, Any]) -> bool:
    """Whether a review records a problem that led to harm (yes or probably)."""
    if state_of(answers, PROBLEMS_ANY).get("state") == "answered" and (
        value_of(answers, PROBLEMS_ANY) != "yes"
    ):
        return False
    return any(
        item_value(item["answers"], HARM_QUESTION) in HARM_VALUES
        for item in group_items(answers, PROBLEMS_ITEM)
    )


def harm_discordant(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    return has_harm(first) != has_harm(second)


def escalation_discordant(first: Any, second: Any) -> bool:
    return bool((first == "escalate") != (second == "escalate"))


def immediate_discordant(first: Any, second: Any) -> bool:
    return bool((first == "yes") != (second == "yes"))


def care_score_questions(definition: ReviewDefinition) -> list[str]:
    """The care score question of every phase (overall included), in form order."""
    return [
        q.id
        for section in definition.phases
        for q in section.questions
        if isinstance(q, CareScoreQuestion)
    ]


def discordances(
    definition: ReviewDefinition,
    first: Mapping[str, Any],
    second: Mapping[str, Any],
    *,
    first_outcome: str = FULL_REVIEW,
    second_outcome: str = FULL_REVIEW,
) -> list[Discordance]:
    """Every discordant item of a pair (``first`` and ``second``: the two reviews' canonical
    answers). Outcomes that differ are one discordance; the items inside are compared only
    when both are full reviews."""

    def found(item: str, kind: DiscordanceKind) -> Discordance:
        return Discordance(item, kind, state_of(first, item), state_of(second, item))

    if outcome_discordant(first_outcome, second_outcome):
        return [
            Discordance(
                OUTCOME_ITEM,
                DiscordanceKind.OUTCOME,
                {"state": "answered", "value": first_outcome},
                {"state": "answered", "value": second_outcome},
            )
        ]
    if first_outcome != FULL_REVIEW:
        return []
    result: list[Discordance] = []
    if avoidability_discordant(
        value_of(first, AVOIDABILITY_ITEM), value_of(second, AVOIDABILITY_ITEM)
    ):
        result.append(found(AVOIDABILITY_ITEM, DiscordanceKind.AVOIDABILITY))
    for qid in care_score_questions(definition):
        if care_score_discordant(value_of(first, qid), value_of(second, qid)):
            result.append(found(qid, DiscordanceKind.CARE_SCORE))
    if harm_discordant(first, second):
        result.append(found(PROBLEMS_ITEM, DiscordanceKind.HARM))
    if escalation_discordant(value_of(first, ESCALATION_ITEM), value_of(second, ESCALATION_ITEM)):
        result.append(found(ESCALATION_ITEM, DiscordanceKind.ESCALATION))
    if immediate_discordant(value_of(first, IMMEDIATE_ITEM), value_of(second, IMMEDIATE_ITEM)):
        result.append(found(IMMEDIATE_ITEM, DiscordanceKind.IMMEDIATE_SAFETY))
    return result
