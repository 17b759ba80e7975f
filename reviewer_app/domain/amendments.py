"""What an amendment changed (rule 9), as a pure diff of two sets of answers.

Rule 9 (nothing changes in place after sign-off) is enforced by storage: a signed version is
read-only and a correction is a new version with a reason and new signatures. This module
only computes which answers differ between versions, for the amendment record and the
"what changed" view; it never decides whether a change is allowed.

``amendment_changes`` compares what each version ASKED: an answer that was asked and given in
the earlier version and is not asked in the amendment (hidden by its conditions, for example
when a full review becomes "records missing") is WITHDRAWN, never "unchanged"; a question
not asked in either version is not a change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.values import Answers, JsonValue


class ChangeKind(StrEnum):
    ADDED = "added"  # unanswered before
    REMOVED = "removed"  # answered before, unanswered now
    CHANGED = "changed"
    WITHDRAWN = "withdrawn"  # asked and answered before, not asked now


@dataclass(frozen=True, slots=True)
class AnswerChange:
    question_id: str
    kind: ChangeKind
    old: JsonValue | None
    new: JsonValue | None


def changed_fields(old_answers: Answers, new_answers: Answers) -> list[AnswerChange]:
    """Answers that differ, sorted by question id.

    A value that becomes "no", "unknown" or "not_applicable" from unanswered is ADDED, not
    unchanged (rule 10); ``1`` and ``True`` differ, as do ``1`` and ``"1"``.
    """
    changes = []
    for question_id in sorted(old_answers.keys() | new_answers.keys()):
        if question_id not in old_answers:
            changes.append(
                AnswerChange(question_id, ChangeKind.ADDED, None, new_answers[question_id])
            )
        elif question_id not in new_answers:
            changes.append(
                AnswerChange(question_id, ChangeKind.REMOVED, old_answers[question_id], None)
            )
        elif not _same(old_answers[question_id], new_answers[question_id]):
            changes.append(
                AnswerChange(
                    question_id,
                    ChangeKind.CHANGED,
                    old_answers[question_id],
                    new_answers[question_id],
                )
            )
    return changes


def _same(a: JsonValue, b: JsonValue) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def asked_answers(definition: ReviewDefinition, answers: Answers) -> dict[str, JsonValue]:
    """The stored answers of questions the form asks (unknown question ids kept as stored)."""
    view = AnswerView(definition, answers)
    return {
        qid: value
        for qid, value in answers.items()
        if value is not None and (definition.find(qid) is None or view.is_relevant(qid))
    }


def amendment_changes(
    definition: ReviewDefinition, old_answers: Answers, new_answers: Answers
) -> list[AnswerChange]:
    """What an amendment changed, judged on the asked answers of each version (see above)."""
    old_asked = asked_answers(definition, old_answers)
    new_asked = asked_answers(definition, new_answers)
    new_view = AnswerView(definition, new_answers)
    changes = []
    for change in changed_fields(old_asked, new_asked):
        hidden_now = definition.find(change.question_id) is not None and not (
            new_view.is_relevant(change.question_id)
        )
        if change.kind is ChangeKind.REMOVED and hidden_now:
            changes.append(AnswerChange(change.question_id, ChangeKind.WITHDRAWN, change.old, None))
        else:
            changes.append(change)
    return changes
