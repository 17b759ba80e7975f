"""How answers are stored, checked for shape, and shown.

The answers of one review are a ``dict`` keyed by question id, holding JSON values. A missing
key means UNANSWERED; nothing else does (rule 10). Value shapes by question type:

- ``single_choice``: an option value (``str``)
- ``multiple_choice``: a non-empty list of distinct option values
- ``yes_no``: one of the question's ``allowed`` values: "yes", "no", "unknown",
  "not_applicable", "cannot_tell" (each distinct, never collapsed)
- ``care_score``: an ``int`` 1..5, or "not_applicable" where the question allows it
- ``avoidability``: ``{"scale": "rcp" | "hogan", "grade": 1..6}``
- ``date``: an ISO date string "YYYY-MM-DD"
- ``datetime``: a UK local date and time "YYYY-MM-DDTHH:MM" (no seconds, no zone)
- ``text``: a non-blank string, NFC-normalised (use ``normalise_value`` where text enters)
- ``group``: a list of ``{"id": item id, "answers": {item question id: value}}``

An empty string, an empty list of choices or ``None`` is refused rather than stored: to clear
an answer, remove its key, so that "cleared" cannot be read back as "no".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from reviewer_app.domain.avoidability import (
    Avoidability,
    AvoidabilityScale,
    more_likely_than_not_avoidable,
    parse_avoidability,
    to_rcp_grade,
)
from reviewer_app.domain.definition import AnyQuestion, GroupQuestion
from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.values import (
    CANNOT_TELL,
    INVALID_LABEL,
    MONTHS,
    NO,
    NOT_ANSWERED_LABEL,
    NOT_APPLICABLE,
    UNKNOWN,
    YES,
    YES_NO_LABELS,
    Answers,
    JsonValue,
)
from reviewer_app.errors import InvalidInputError

__all__ = [
    "CANNOT_TELL",
    "NO",
    "NOT_APPLICABLE",
    "UNKNOWN",
    "YES",
    "AnswerProblem",
    "Answers",
    "Avoidability",
    "AvoidabilityScale",
    "InvalidAnswerError",
    "JsonValue",
    "answer_problems",
    "display_answer",
    "display_value",
    "group_items",
    "is_answered",
    "more_likely_than_not_avoidable",
    "normalise_value",
    "parse_avoidability",
    "parse_datetime",
    "to_rcp_grade",
    "validate_value",
]


class InvalidAnswerError(InvalidInputError):
    """A value does not fit its question; the message names the question, not the value."""


@dataclass(frozen=True, slots=True)
class AnswerProblem:
    """Why a stored value does not fit its question (``item_id`` set inside a group)."""

    question_id: str
    message: str
    item_id: str | None = None


def is_answered(answers: Answers, question_id: str) -> bool:
    """A question is answered exactly when its key is present (rule 10)."""
    return question_id in answers


def normalise_value(value: JsonValue) -> JsonValue:
    """NFC-normalise every string in a value, where text enters the domain."""
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, list):
        return [normalise_value(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): normalise_value(v) for k, v in value.items()}
    return value


def validate_value(question: AnyQuestion, value: JsonValue) -> None:
    """Refuse a value whose shape does not fit the question (used before saving)."""
    problems = answer_problems(question, value)
    if problems:
        raise InvalidAnswerError("\n".join(p.message for p in problems))


def answer_problems(question: AnyQuestion, value: JsonValue) -> list[AnswerProblem]:
    """Every shape problem of ``value`` for ``question`` (empty when it fits)."""
    if isinstance(question, GroupQuestion):
        return list(_group_problems(question, value))
    problem = _scalar_problem(question, value)
    return [] if problem is None else [AnswerProblem(question.id, problem)]


def _scalar_problem(question: AnyQuestion, value: JsonValue) -> str | None:
    q = f"The answer to {question.id!r}"
    if value is None:
        return f"{q} is empty: remove the answer instead of storing an empty value."
    if question.type == "single_choice":
        options = [o.value for o in question.options]
        ok = isinstance(value, str) and value in options
        return None if ok else f"{q} must be one of: {', '.join(options)}."
    if question.type == "multiple_choice":
        return _multiple_problem(q, [o.value for o in question.options], question.exclusive, value)
    if question.type == "yes_no":
        allowed: tuple[str, ...] = question.allowed
        ok = isinstance(value, str) and value in allowed
        return None if ok else f"{q} must be one of: {', '.join(allowed)}."
    if question.type == "care_score":
        if type(value) is int and 1 <= value <= 5:
            return None
        if value == NOT_APPLICABLE and question.allow_not_applicable:
            return None
        extra = ' or "not_applicable"' if question.allow_not_applicable else ""
        return f"{q} must be a whole number from 1 to 5{extra}."
    if question.type == "avoidability":
        parsed = parse_avoidability(value)
        if parsed is None:
            return f'{q} must be {{"scale": "rcp" or "hogan", "grade": 1 to 6}}.'
        if parsed.scale not in question.scales:
            return f"{q} uses a scale this question does not allow."
        return None
    if question.type == "date":
        return None if _parse_date(value) else f'{q} must be a date written "YYYY-MM-DD".'
    if question.type == "datetime":
        if parse_datetime(value) is None:
            return f'{q} must be a date and time written "YYYY-MM-DDTHH:MM".'
        return None
    if question.type == "text":
        if not isinstance(value, str):
            return f"{q} must be text."
        if not value.strip():
            return f"{q} is blank: remove the answer instead of storing blank text."
        if question.max_length is not None and len(value.strip()) > question.max_length:
            return f"{q} is longer than {question.max_length} characters."
        return None
    return f"{q} has a type this version cannot check."  # pragma: no cover (groups: above)


def _multiple_problem(
    q: str, options: list[str], exclusive: tuple[str, ...], value: JsonValue
) -> str | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{q} must be a list of options."
    if not value:
        return f"{q} selects nothing: remove the answer instead of storing an empty list."
    if any(v not in options for v in value):
        return f"{q} must only contain: {', '.join(options)}."
    if len(set(map(str, value))) != len(value):
        return f"{q} lists an option twice."
    if len(value) > 1 and any(v in exclusive for v in value):
        return f"{q} combines {', '.join(exclusive)} with other options."
    return None


def _group_problems(group: GroupQuestion, value: JsonValue) -> Iterator[AnswerProblem]:
    q = f"The answer to {group.id!r}"
    if not isinstance(value, list):
        yield AnswerProblem(group.id, f"{q} must be a list of items.")
        return
    items = {i.id: i for i in group.item_questions}
    seen: set[str] = set()
    for position, item in enumerate(value, start=1):
        if not isinstance(item, dict) or set(item) != {"id", "answers"}:
            yield AnswerProblem(group.id, f'{q}: item {position} must be {{"id", "answers"}}.')
            continue
        item_id, item_answers = item["id"], item["answers"]
        if not isinstance(item_id, str) or not item_id.strip() or item_id in seen:
            yield AnswerProblem(group.id, f"{q}: item {position} needs its own non-empty id.")
            continue
        seen.add(item_id)
        if not isinstance(item_answers, dict):
            yield AnswerProblem(group.id, f"{q}: item {position} answers must be an object.")
            continue
        for question_id, answer in item_answers.items():
            if question_id not in items:
                message = f"{q}: item {position} answers {question_id!r}, not in this group."
                yield AnswerProblem(group.id, message, item_id)
                continue
            problem = _scalar_problem(items[question_id], answer)
            if problem is not None:
                yield AnswerProblem(question_id, f"{problem} (item {position})", item_id)


def _parse_date(value: JsonValue) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_datetime(value: JsonValue | None) -> datetime | None:
    """The naive UK local date and time in a stored "YYYY-MM-DDTHH:MM" value, or None."""
    if not isinstance(value, str) or len(value) != 16 or value[10] != "T":
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def group_items(value: JsonValue | None) -> list[tuple[str, dict[str, JsonValue]]]:
    """``(item id, item answers)`` of a well-formed group value; malformed items skipped."""
    if not isinstance(value, list):
        return []
    found: list[tuple[str, dict[str, JsonValue]]] = []
    for item in value:
        if isinstance(item, dict):
            item_id, answers = item.get("id"), item.get("answers")
            if isinstance(item_id, str) and isinstance(answers, dict):
                found.append((item_id, answers))
    return found


# --- display ---------------------------------------------------------------------------


def display_answer(question: AnyQuestion, answers: Answers) -> str:
    """The answer to ``question`` in ``answers`` as text; "Not answered" when absent."""
    if question.id not in answers:
        return NOT_ANSWERED_LABEL
    return display_value(question, answers[question.id])


def display_value(question: AnyQuestion, value: JsonValue | None) -> str:
    """A value as a person reads it: labels, never bare codes, never blank.

    ``None`` (the caller's "no key") shows "Not answered"; "not_applicable", "unknown" and
    "cannot_tell" show as such, and "No" is shown only for a stored "no".
    """
    if value is None:
        return NOT_ANSWERED_LABEL
    if answer_problems(question, value):
        return INVALID_LABEL
    if isinstance(question, GroupQuestion):
        count = len(group_items(value))
        label = question.item_label.lower()
        return f"No {label}s recorded" if count == 0 else f"{count} × {label}"
    if question.type == "single_choice":
        return next(o.label for o in question.options if o.value == value)
    if question.type == "multiple_choice":
        chosen = value if isinstance(value, list) else []
        return "; ".join(o.label for o in question.options if o.value in chosen)
    if question.type == "yes_no":
        return YES_NO_LABELS[str(value)]
    if question.type == "care_score":
        if value == NOT_APPLICABLE:
            return YES_NO_LABELS[NOT_APPLICABLE]
        score = int(str(value))
        return f"{score} – {question.labels[score - 1]}"
    if question.type == "avoidability":
        parsed = parse_avoidability(value)
        return parsed.label if parsed else INVALID_LABEL
    if question.type == "date":
        day = _parse_date(value)
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}" if day else INVALID_LABEL
    if question.type == "datetime":
        when = parse_datetime(value)
        if when is None:
            return INVALID_LABEL
        return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M} (UK time)"
    return str(value)
