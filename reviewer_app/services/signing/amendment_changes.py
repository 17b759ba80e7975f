"""What an amendment's summary lists under "What changed", withdrawn answers included.

``domain.amendments.amendment_changes`` compares the answers each version asked; here each
change gets its label and display values. An answer the amendment withdraws (asked before,
not asked now) reads "Withdrawn: not asked in this version", never "Not answered" and never
left out.

A repeating group (problems in care) is listed item by item, answer by answer ("Problems in
care: problem in care 2: Led to harm: Yes → No"), never as its count alone; an item answer
its own conditions now hide (a severity once harm is "no") is withdrawn, and a removed item's
answers are each "Withdrawn: item removed in this version". The count row stays only when the
number of items changed, or when the whole group is withdrawn (its items' answers listed too).
"""

from __future__ import annotations

from reviewer_app.domain.amendments import ChangeKind, amendment_changes, item_changes
from reviewer_app.domain.answers import display_value, group_items
from reviewer_app.domain.definition import GroupQuestion, ReviewDefinition
from reviewer_app.domain.values import Answers
from reviewer_app.services.summary.input import ChangedField, change_label

WITHDRAWN = "Withdrawn: not asked in this version"
NOT_ASKED_BEFORE = "Not asked"
ITEM_REMOVED = "Withdrawn: item removed in this version"
NOT_RECORDED_BEFORE = "Not recorded (new item)"


def withdrawn_aware_changes(
    definition: ReviewDefinition, old_answers: Answers, new_answers: Answers
) -> tuple[ChangedField, ...]:
    """Every change between two versions, in form order, as the summary prints it."""
    order = definition.question_order()
    found: list[tuple[tuple[int, int, int], ChangedField]] = []
    for change in amendment_changes(definition, old_answers, new_answers):
        ref = definition.find(change.question_id)
        where = order.get(change.question_id, len(order))
        if ref is None:
            label = change.question_id
            old = "Not answered" if change.old is None else str(change.old)
            new = "Not answered" if change.new is None else str(change.new)
        else:
            question = ref.question
            label = change_label(ref)
            if isinstance(question, GroupQuestion):
                rows = _item_rows(
                    definition,
                    question,
                    group_label=label,
                    where=where,
                    old_answers=old_answers,
                    new_answers=new_answers,
                )
                found.extend(rows)
                same_count = len(group_items(change.old)) == len(group_items(change.new))
                if rows and same_count and change.kind is not ChangeKind.WITHDRAWN:
                    continue  # the count alone says nothing: the items' rows say what changed
            old = display_value(question, change.old)
            if change.kind is ChangeKind.ADDED and change.question_id in old_answers:
                old = NOT_ASKED_BEFORE  # stored but hidden before, asked now
            new = (
                WITHDRAWN
                if change.kind is ChangeKind.WITHDRAWN
                else (display_value(question, change.new))
            )
        found.append(((where, 0, 0), ChangedField(label=label, old=old, new=new)))
    found.sort(key=lambda pair: pair[0])
    return tuple(change for _, change in found)


def _item_rows(
    definition: ReviewDefinition,
    group: GroupQuestion,
    *,
    group_label: str,
    where: int,
    old_answers: Answers,
    new_answers: Answers,
) -> list[tuple[tuple[int, int, int], ChangedField]]:
    """One row per changed answer of each item of ``group``, in item and form order."""
    questions = {q.id: q for q in group.item_questions}
    rows = []
    for rank, change in enumerate(
        item_changes(definition, group.id, old_answers, new_answers), start=1
    ):
        question = questions[change.question_id]
        label = f"{group_label}: {group.item_label.lower()} {change.number}: {question.label}"
        if change.kind is ChangeKind.ADDED and not _item_existed(
            group.id, change.item_id, old_answers
        ):
            old = NOT_RECORDED_BEFORE
        else:
            old = display_value(question, change.old)
        if change.kind is ChangeKind.WITHDRAWN:
            removed = not _item_existed(group.id, change.item_id, new_answers)
            new = ITEM_REMOVED if removed else WITHDRAWN
        else:
            new = display_value(question, change.new)
        rows.append(((where, 1, rank), ChangedField(label=label, old=old, new=new)))
    return rows


def _item_existed(group_id: str, item_id: str, answers: Answers) -> bool:
    return any(found == item_id for found, _ in group_items(answers.get(group_id)))
