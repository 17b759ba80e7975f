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

from reviewer_app.domain.answer_view import AnswerView, ItemScope
from reviewer_app.domain.answers import group_items
from reviewer_app.domain.definition import GroupQuestion, ReviewDefinition
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


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One answer of one item of a repeating group (a problem in care, say) that changed.

    ``number`` is the item's place in the version that holds it (the new one, or the old one
    for an item the amendment removed), as the summary numbers items.
    """

    group_id: str
    item_id: str
    number: int
    question_id: str
    kind: ChangeKind
    old: JsonValue | None
    new: JsonValue | None


def item_changes(
    definition: ReviewDefinition, group_id: str, old_answers: Answers, new_answers: Answers
) -> list[ItemChange]:
    """What changed inside the items of group ``group_id``, item by item and answer by answer,
    judged on what each version ASKED of each item: an item answer hidden now by the item's
    own conditions (a severity once harm is "no") is WITHDRAWN, never left out. Items are
    matched by their id (an amendment carries them over); a removed item's answers are each
    WITHDRAWN, an added item's each ADDED."""
    group = next(
        (
            q
            for _, q in definition.top_questions()
            if q.id == group_id and isinstance(q, GroupQuestion)
        ),
        None,
    )
    if group is None:
        return []
    order = [q.id for q in group.item_questions]
    old_items = _asked_items(definition, group_id, old_answers)
    new_items = _asked_items(definition, group_id, new_answers)
    hidden_now = _hidden_items(definition, group_id, new_answers)
    changes: list[ItemChange] = []
    for number, (item_id, new_asked) in enumerate(new_items.items(), start=1):
        if item_id not in old_items:
            changes += _whole_item(group_id, item_id, number, order, new_asked, ChangeKind.ADDED)
            continue
        for change in changed_fields(old_items[item_id], new_asked):
            kind = change.kind
            if kind is ChangeKind.REMOVED and change.question_id in hidden_now.get(item_id, ()):
                kind = ChangeKind.WITHDRAWN
            changes.append(
                ItemChange(
                    group_id, item_id, number, change.question_id, kind, change.old, change.new
                )
            )
    for number, (item_id, old_asked) in enumerate(old_items.items(), start=1):
        if item_id not in new_items:
            changes += _whole_item(
                group_id, item_id, number, order, old_asked, ChangeKind.WITHDRAWN
            )
    rank = {qid: i for i, qid in enumerate(order)}
    changes.sort(
        key=lambda c: (
            c.item_id not in new_items,
            c.number,
            rank.get(c.question_id, len(rank)),
        )
    )
    return changes


def _whole_item(  # noqa: PLR0917
    group_id: str,
    item_id: str,
    number: int,
    order: list[str],
    asked: dict[str, JsonValue],
    kind: ChangeKind,
) -> list[ItemChange]:
    """Each answer of an item added (``ADDED``: new values) or removed (``WITHDRAWN``: old
    values), in the item's question order."""
    added = kind is ChangeKind.ADDED
    return [
        ItemChange(
            group_id,
            item_id,
            number,
            qid,
            kind,
            None if added else asked[qid],
            asked[qid] if added else None,
        )
        for qid in order
        if qid in asked
    ]


def _asked_items(
    definition: ReviewDefinition, group_id: str, answers: Answers
) -> dict[str, dict[str, JsonValue]]:
    """Each item's asked answers (by the item's own conditions), by item id, in order."""
    view = AnswerView(definition, answers)
    if not view.is_relevant(group_id):
        return {}
    return {
        scope.item_id: {
            qid: value
            for qid, value in _item_answers(answers, group_id, scope.item_id).items()
            if value is not None and scope.is_relevant(qid)
        }
        for scope in view.items(group_id)
        if isinstance(scope, ItemScope)
    }


def _hidden_items(
    definition: ReviewDefinition, group_id: str, answers: Answers
) -> dict[str, set[str]]:
    """Each item's item questions its own conditions hide, by item id."""
    view = AnswerView(definition, answers)
    return {
        scope.item_id: {q.id for q in scope.group.item_questions if not scope.is_relevant(q.id)}
        for scope in view.items(group_id)
        if isinstance(scope, ItemScope)
    }


def _item_answers(answers: Answers, group_id: str, item_id: str) -> dict[str, JsonValue]:
    for found_id, item in group_items(answers.get(group_id)):
        if found_id == item_id:
            return item
    return {}
