"""What an amendment changed (rule 9), as a pure diff of two sets of answers.

Rule 9 (nothing changes in place after sign-off) is enforced by storage: a signed version is
read-only and a correction is a new version with a reason and new signatures. This module
only computes which answers differ between versions, for the amendment record and the
"what changed" view; it never decides whether a change is allowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reviewer_app.domain.values import Answers, JsonValue


class ChangeKind(StrEnum):
    ADDED = "added"  # unanswered before
    REMOVED = "removed"  # answered before, unanswered now
    CHANGED = "changed"


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
