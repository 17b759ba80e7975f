"""The value each figure uses when the two reviews of a pair differ and no consensus is recorded.

The documented default rule, by question type (every value chosen this way is flagged
unreconciled, apart from the combining rules marked *):

- care score: the worse score (the lower number); a score beats not applicable, and either
  beats no answer;
- avoidability: the more avoidable grade (the lower RCP grade; the value keeps the scale its
  reviewer used); a grade beats no grade;
- yes / no / unknown / not applicable / cannot tell: a definite answer beats an uncertain
  one, in the order yes, no, cannot tell, unknown, not applicable (so an issue or a concern
  identified by either reviewer counts); no value is pooled with another;
- single choice: the escalation decision "escalate" beats "not escalating"; otherwise an
  answer beats no answer, and two different answers take the first reviewer's (pair order);
- date (and date with time): the earlier; a date beats no date;
- multiple choice*: the union of both reviews' choices, in the form's order (an exclusive
  option such as "none" is dropped when the other review chose something);
- repeating groups*, problems and escalations: the union of both reviews' items, each item
  marked with the ``reviewer_ref`` that recorded it (an escalation was sent by its reviewer,
  and a problem found by either is a problem found);
- text*: both reviewers' texts are kept (``ResolvedCase.texts``); ``answers`` holds the first
  reviewer's.

Unanswered and not asked (definition v2) are states, not values: two reviews in different
states are "different", and the rule above takes whichever holds a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.domain.questions import (
    AnyQuestion,
    AvoidabilityQuestion,
    CareScoreQuestion,
    DateQuestion,
    DateTimeQuestion,
    GroupQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from reviewer_app.services.reconciliation.states import NOT_ASKED, State, answered, is_answered

YES_NO_ORDER: Final = ("yes", "no", "cannot_tell", "unknown", "not_applicable")
ESCALATE: Final = "escalate"


def combines(question: AnyQuestion | None) -> bool:
    """Whether the question's differing values are combined (not chosen, not unreconciled)."""
    return isinstance(question, MultipleChoiceQuestion | GroupQuestion | TextQuestion)


def _unset_rank(state: State) -> int:
    # an unanswered question and one not asked: not asked (hidden by the form) ranks first
    return 0 if state.get("state") == NOT_ASKED else 1


def _no_value(first: State, second: State) -> State | None:
    """The one with a value when only one has; the 'more definite' unset state when neither."""
    if is_answered(first) and not is_answered(second):
        return first
    if is_answered(second) and not is_answered(first):
        return second
    if not is_answered(first) and not is_answered(second):
        return first if _unset_rank(first) <= _unset_rank(second) else second
    return None


def _care_score(first: State, second: State) -> State:
    a, b = first["value"], second["value"]
    a_num = isinstance(a, int) and not isinstance(a, bool)
    b_num = isinstance(b, int) and not isinstance(b, bool)
    if a_num and b_num:
        return first if a <= b else second
    if a_num or b_num:
        return first if a_num else second
    return first


def _avoidability(first: State, second: State) -> State:
    a, b = parse_avoidability(first["value"]), parse_avoidability(second["value"])
    if a is not None and b is not None:
        return first if a.rcp_grade <= b.rcp_grade else second
    return first if a is not None or b is None else second


def _ranked(first: State, second: State, order: tuple[str, ...]) -> State:
    def rank(state: State) -> int:
        value = state["value"]
        return order.index(value) if value in order else len(order)

    return first if rank(first) <= rank(second) else second


def _union_choices(question: MultipleChoiceQuestion, first: State, second: State) -> State:
    chosen = {*_as_list(first["value"]), *_as_list(second["value"])}
    if len(chosen) > 1:
        chosen -= set(question.exclusive)
    order = [o.value for o in question.options]
    known = [v for v in order if v in chosen]
    extra = sorted(str(v) for v in chosen if v not in order)
    return answered(known + extra)


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def union_items(first: State, second: State, first_ref: str, second_ref: str) -> State:
    """Both reviews' items, each marked with the reviewer who recorded it."""
    items: list[Any] = []
    for state, ref in ((first, first_ref), (second, second_ref)):
        if is_answered(state) and isinstance(state["value"], list):
            items.extend(
                {**item, "reviewer_ref": ref} if isinstance(item, Mapping) else item
                for item in state["value"]
            )
    return answered(items)


def rule_value(
    question: AnyQuestion | None,
    first: State,
    second: State,
    first_ref: str,
    second_ref: str,
) -> State:
    """The value in use for two different states of one question (see the module docstring)."""
    if isinstance(question, GroupQuestion) and (is_answered(first) or is_answered(second)):
        return union_items(first, second, first_ref, second_ref)
    only = _no_value(first, second)
    if only is not None:
        return only
    if isinstance(question, CareScoreQuestion):
        return _care_score(first, second)
    if isinstance(question, AvoidabilityQuestion):
        return _avoidability(first, second)
    if isinstance(question, YesNoQuestion):
        return _ranked(first, second, YES_NO_ORDER)
    if isinstance(question, SingleChoiceQuestion):
        if ESCALATE in (first["value"], second["value"]):
            return first if first["value"] == ESCALATE else second
        return first
    if isinstance(question, DateQuestion | DateTimeQuestion):
        return first if str(first["value"]) <= str(second["value"]) else second
    if isinstance(question, MultipleChoiceQuestion):
        return _union_choices(question, first, second)
    return first
