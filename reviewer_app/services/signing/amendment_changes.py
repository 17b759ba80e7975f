"""What an amendment's summary lists under "What changed", withdrawn answers included.

``domain.amendments.amendment_changes`` compares the answers each version asked; here each
change gets its label and display values. An answer the amendment withdraws (asked before,
not asked now) reads "Withdrawn: not asked in this version", never "Not answered" and never
left out.
"""

from __future__ import annotations

from reviewer_app.domain.amendments import ChangeKind, amendment_changes
from reviewer_app.domain.answers import display_value
from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.values import Answers
from reviewer_app.services.summary.input import ChangedField

WITHDRAWN = "Withdrawn: not asked in this version"
NOT_ASKED_BEFORE = "Not asked"


def withdrawn_aware_changes(
    definition: ReviewDefinition, old_answers: Answers, new_answers: Answers
) -> tuple[ChangedField, ...]:
    """Every change between two versions, in form order, as the summary prints it."""
    order = definition.question_order()
    found: list[tuple[int, ChangedField]] = []
    for change in amendment_changes(definition, old_answers, new_answers):
        ref = definition.find(change.question_id)
        if ref is None:
            label = change.question_id
            old = "Not answered" if change.old is None else str(change.old)
            new = "Not answered" if change.new is None else str(change.new)
        else:
            question = ref.question
            label = question.label
            if ref.section.title not in label and ref.section.kind is not SectionKind.SCREENING:
                label = f"{ref.section.title}: {label}"
            old = display_value(question, change.old)
            if change.kind is ChangeKind.ADDED and change.question_id in old_answers:
                old = NOT_ASKED_BEFORE  # stored but hidden before, asked now
            new = (
                WITHDRAWN
                if change.kind is ChangeKind.WITHDRAWN
                else (display_value(question, change.new))
            )
        found.append(
            (order.get(change.question_id, len(order)), ChangedField(label=label, old=old, new=new))
        )
    found.sort(key=lambda pair: pair[0])
    return tuple(change for _, change in found)
