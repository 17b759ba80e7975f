"""Reading canonical answer states: ``{"state": "answered", "value": ...}`` or another state.

A canonical content's ``answers`` map every question id to a state. Format version 1 has
``answered`` and ``unanswered``; version 2 adds ``not_asked`` (the question was hidden by the
form's conditions). Each is kept as it is: none of them is ever read as "no".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

ANSWERED: Final = "answered"
UNANSWERED: Final = "unanswered"
NOT_ASKED: Final = "not_asked"

State = Mapping[str, Any]
UNANSWERED_STATE: Final[Mapping[str, Any]] = {"state": UNANSWERED}


def state_of(answers: Mapping[str, Any], question_id: str) -> State:
    """The stored state of a question (a question the content does not list is unanswered)."""
    found = answers.get(question_id)
    if (type(found) is dict or isinstance(found, Mapping)) and isinstance(found.get("state"), str):
        return found  # (a dict, as parsed, is checked without the ABC's slower isinstance)
    return UNANSWERED_STATE


def value_of(answers: Mapping[str, Any], question_id: str) -> Any:
    """The answered value, or None for any other state."""
    state = state_of(answers, question_id)
    return state.get("value") if state.get("state") == ANSWERED else None


def is_answered(state: State) -> bool:
    return state.get("state") == ANSWERED


def answered(value: Any) -> dict[str, Any]:
    return {"state": ANSWERED, "value": value}


def raw_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answered values only (question id -> value), as the domain's rules read them: the
    one reading for the triggers collection keeps and for the escalation log's. An answered
    state without a value (never signed so) reads as None rather than stopping the read."""
    return {
        qid: entry.get("value")
        for qid, entry in answers.items()
        if (type(entry) is dict or isinstance(entry, Mapping))  # a parsed dict: no ABC check
        and entry.get("state") == ANSWERED
    }


def item_value(item_answers: Mapping[str, Any], question_id: str) -> Any:
    """An item question's value inside a repeating group's item (a bare value, or a state)."""
    found = item_answers.get(question_id)
    if isinstance(found, Mapping) and "state" in found:
        return found.get("value") if found.get("state") == ANSWERED else None
    return found


def group_items(answers: Mapping[str, Any], question_id: str) -> list[Mapping[str, Any]]:
    """The items of a repeating group (each ``{"id": ..., "answers": {...}}``)."""
    value = value_of(answers, question_id)
    if not isinstance(value, list):
        return []
    return [i for i in value if isinstance(i, Mapping) and isinstance(i.get("answers"), Mapping)]
