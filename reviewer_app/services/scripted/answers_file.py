"""A case's answers as one JSON document (``reviewer-app answers``), and setting them from it.

The shape, format ``reviewer-app/review-answers`` version 1 (JSON Schema:
``schema/review-answers.schema.json``)::

    {"format": "reviewer-app/review-answers", "format_version": 1,
     "case_ref": "C-0001", "review_version": 1 | null, "status": "in_progress",
     "definition": {"id": "structured-judgement-review", "version": 2},
     "answers": {"<question id>": {"state": "answered", "value": <JSON value>}
                                | {"state": "unanswered"}
                                | {"state": "not_asked"}, ...}}

Every top-level question of the review's definition is listed, in form order, in one of
three states: **answered** (with its value exactly as stored: "no", "unknown",
"not_applicable" and "cannot_tell" are distinct values, never a state and never each other),
**unanswered** (asked, no answer) or **not_asked** (hidden by its conditions, given the other
answers; a value the reviewer entered before it was hidden stays stored, unshown). A group's
value is its items as stored. ``review_version`` is null (and status ``not_started``) before
the case is first opened.

Setting from a document (``set_answers``) goes through ``ReviewService.save``: the same shape
checks, status moves and audit entries as the form, as the enrolled reviewer, with the reason
"entered from FILE". ``answered`` sets the value, ``unanswered`` clears the answer,
``not_asked`` sets nothing; questions left out are left as they are; ``status`` is shown,
never set. A document printed by ``answers --json`` and set again changes nothing. A bad
document (not JSON, wrong shape, another case, another form version, a question the form does
not have, a value that does not fit, an answer to a question the form would not ask) is
refused whole, naming the file and the question, and nothing changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationError, model_validator

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import InvalidInputError, UserError
from reviewer_app.services.review.service import OpenReview, ReviewService, SaveResult
from reviewer_app.storage.database import Database

FORMAT = "reviewer-app/review-answers"
FORMAT_VERSION = 1
MAX_FILE_BYTES = 8 * 1024 * 1024


class AnswerState(StrEnum):
    ANSWERED = "answered"
    UNANSWERED = "unanswered"
    NOT_ASKED = "not_asked"


class AnswerEntry(BaseModel):
    """One question's answer: its state, and its value when (and only when) answered."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    state: AnswerState
    value: JsonValue = Field(
        default=None,
        description='The stored value; present exactly when state is "answered" (never null).',
    )

    @model_validator(mode="after")
    def _value_fits_state(self) -> AnswerEntry:
        if self.state is AnswerState.ANSWERED and self.value is None:
            raise ValueError('an "answered" entry needs a value (to clear it, say "unanswered")')
        if self.state is not AnswerState.ANSWERED and self.value is not None:
            raise ValueError(f'a "{self.state.value}" entry carries no value')
        return self

    def to_json(self) -> dict[str, Any]:
        if self.state is AnswerState.ANSWERED:
            return {"state": self.state.value, "value": self.value}
        return {"state": self.state.value}


class DefinitionRef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: int = Field(ge=1)


class ReviewAnswers(BaseModel):
    """A case's answers, as ``reviewer-app answers --json`` prints them and ``--set`` reads."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["reviewer-app/review-answers"]
    format_version: Literal[1]
    case_ref: str = Field(min_length=1)
    review_version: int | None = Field(
        default=None, description="The review version printed (null: not opened yet)."
    )
    status: str | None = Field(
        default=None,
        description="The review's status when printed, e.g. in_progress (shown, never set).",
    )
    definition: DefinitionRef
    answers: dict[str, AnswerEntry]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "format_version": self.format_version,
            "case_ref": self.case_ref,
            "review_version": self.review_version,
            "status": self.status,
            "definition": self.definition.model_dump(),
            "answers": {qid: entry.to_json() for qid, entry in self.answers.items()},
        }

    def to_text(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def _entries(definition: ReviewDefinition, answers: dict[str, Any]) -> dict[str, AnswerEntry]:
    view = AnswerView(definition, answers)
    found: dict[str, AnswerEntry] = {}
    for _, question in definition.top_questions():
        if not view.is_relevant(question.id):
            found[question.id] = AnswerEntry(state=AnswerState.NOT_ASKED)
        elif answers.get(question.id) is None:
            found[question.id] = AnswerEntry(state=AnswerState.UNANSWERED)
        else:
            found[question.id] = AnswerEntry(state=AnswerState.ANSWERED, value=answers[question.id])
    return found


def answers_document(opened: OpenReview) -> ReviewAnswers:
    """The document of an opened review version."""
    definition = opened.definition
    return ReviewAnswers(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        case_ref=opened.case.case_ref,
        review_version=opened.review.version,
        status=opened.review.status.value,
        definition=DefinitionRef(id=definition.id, version=definition.version),
        answers=_entries(definition, dict(opened.answers)),
    )


def blank_document(case_ref: str, definition: ReviewDefinition) -> ReviewAnswers:
    """The document of a case not opened yet: the current form, nothing answered."""
    return ReviewAnswers(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        case_ref=case_ref,
        review_version=None,
        status=ReviewStatus.NOT_STARTED.value,
        definition=DefinitionRef(id=definition.id, version=definition.version),
        answers=_entries(definition, {}),
    )


def read_answers_file(data: bytes, name: str) -> ReviewAnswers:
    """Parse a document; a clear error naming the file and the field otherwise."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidInputError(f"{name} is not UTF-8 text. Nothing was changed.") from None
    except ValueError as err:
        raise InvalidInputError(
            f"{name} is not valid JSON (line {getattr(err, 'lineno', '?')}). Nothing was changed."
        ) from None
    try:
        return ReviewAnswers.model_validate(raw)
    except ValidationError as err:
        lines = [f"{name} is not a review-answers file ({FORMAT} version {FORMAT_VERSION}):"]
        for problem in err.errors()[:10]:
            where = ".".join(str(p) for p in problem["loc"]) or "(the whole file)"
            lines.append(f"  - {where}: {problem['msg']}")
        lines.append("Nothing was changed.")
        raise InvalidInputError("\n".join(lines)) from None


@dataclass(frozen=True)
class SetResult:
    case_ref: str
    version: int
    changed: int
    status: ReviewStatus


def _refuse(name: str, problem: str) -> InvalidInputError:
    return InvalidInputError(f"{name}: {problem} Nothing was changed.")


def _changes(document: ReviewAnswers, opened: OpenReview, name: str) -> dict[str, JsonValue]:
    """What the document changes in the opened review (``None`` clears an answer)."""
    definition = opened.definition
    if document.case_ref != opened.case.case_ref:
        raise _refuse(
            name, f"it holds the answers of case {document.case_ref}, not {opened.case.case_ref}."
        )
    if (document.definition.id, document.definition.version) != (
        definition.id,
        definition.version,
    ):
        raise _refuse(
            name,
            f"it was written for form {document.definition.id} version "
            f"{document.definition.version}, but this review uses version {definition.version}"
            " of "
            f"{definition.id}. Print the answers again (reviewer-app answers --json) and edit "
            "that.",
        )
    if document.review_version is not None and document.review_version != opened.review.version:
        raise _refuse(
            name,
            f"it was printed from version {document.review_version} of the review, but the "
            f"case is now at version {opened.review.version}. Print the answers again.",
        )
    stored = dict(opened.answers)
    changes: dict[str, JsonValue] = {}
    for question_id, entry in document.answers.items():
        ref = definition.find(question_id)
        if ref is None:
            raise _refuse(name, f"the form has no question {question_id!r}.")
        if ref.group is not None:
            raise _refuse(
                name,
                f"{question_id!r} is a question inside the group {ref.group.id!r}: give it "
                "within that group's items.",
            )
        if entry.state is AnswerState.NOT_ASKED:
            continue
        wanted = entry.value if entry.state is AnswerState.ANSWERED else None
        if stored.get(question_id) != wanted:
            changes[question_id] = wanted
    merged: dict[str, Any] = {k: v for k, v in {**stored, **changes}.items() if v is not None}
    view = AnswerView(definition, merged)
    for question_id, value in changes.items():
        if value is not None and not view.is_relevant(question_id):
            raise _refuse(
                name,
                f"the form does not ask {question_id!r} given the other answers, so it "
                'cannot be answered: leave it out or mark it "not_asked".',
            )
    return changes


def set_answers(
    db: Database,
    case_ref: str,
    data: bytes,
    name: str,
    actor: str,
    *,
    service: ReviewService | None = None,
) -> SetResult:
    """Set a case's answers from a document, as the form would (see the module docstring).

    All in one transaction: opening a case for the first time (as the form does) is undone
    too when the document is refused.
    """
    document = read_answers_file(data, name)
    service = service or ReviewService(db)
    try:
        with db.transaction():
            opened = service.open(case_ref, actor)
            changes = _changes(document, opened, name)
            if not changes:  # undo even the opening: a document that changes nothing
                raise _Unchanged(SetResult(case_ref, opened.review.version, 0, opened.status))
            try:
                result = _save(service, opened.review_id, changes, actor, f"entered from {name}")
            except UserError as err:
                raise InvalidInputError(f"{name}: {err} Nothing was changed.") from None
    except _Unchanged as unchanged:
        return unchanged.result
    return SetResult(case_ref, opened.review.version, result.changed, result.status)


def _save(
    service: ReviewService,
    review_id: int,
    changes: dict[str, JsonValue],
    actor: str,
    reason: str,
) -> SaveResult:
    """``ReviewService.save`` with the audit reason ("entered from FILE") in every entry."""
    return service.save(review_id, changes, actor, reason=reason)


class _Unchanged(Exception):
    def __init__(self, result: SetResult) -> None:
        super().__init__("nothing to change")
        self.result = result


__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "AnswerEntry",
    "AnswerState",
    "ReviewAnswers",
    "SetResult",
    "answers_document",
    "blank_document",
    "read_answers_file",
    "set_answers",
]
