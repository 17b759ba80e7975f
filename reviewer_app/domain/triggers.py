"""Escalation and second-review triggers, as declared in the definition.

Which combinations of answers call for escalation or a second review is method, not code, so
the triggers are conditions in the definition file; this module only evaluates them on the
relevant answers (a hidden phase score cannot trigger anything).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition, TriggerSpec
from reviewer_app.domain.values import Answers


@dataclass(frozen=True, slots=True)
class Trigger:
    """A trigger that fired: stable id (e.g. "avoidability") and the label to show."""

    id: str
    label: str


def fired(specs: Sequence[TriggerSpec], view: AnswerView) -> list[Trigger]:
    """The triggers among ``specs`` whose condition holds, in definition order."""
    return [Trigger(spec.id, spec.label) for spec in specs if view.holds(spec.when)]


def escalation_triggers(definition: ReviewDefinition, answers: Answers) -> list[Trigger]:
    """Possible patient-safety incident: avoidability RCP <= 3, harm, score 1, concerns."""
    return fired(definition.escalation_triggers, AnswerView(definition, answers))


def second_review_triggers(definition: ReviewDefinition, answers: Answers) -> list[Trigger]:
    """A second, independent review is expected (scores 1-2, RCP <= 3, harm, relatives, ask)."""
    return fired(definition.second_review_triggers, AnswerView(definition, answers))


@dataclass(frozen=True, slots=True)
class FiredTriggers:
    """Both kinds of trigger one review's answers fire, each in definition order."""

    second_review: tuple[Trigger, ...]
    escalation: tuple[Trigger, ...]


def all_triggers(definition: ReviewDefinition, answers: Answers) -> FiredTriggers:
    """``second_review_triggers`` and ``escalation_triggers`` worked out on one view of the
    answers (building the view is most of the cost)."""
    view = AnswerView(definition, answers)
    return FiredTriggers(
        tuple(fired(definition.second_review_triggers, view)),
        tuple(fired(definition.escalation_triggers, view)),
    )
