"""Where a review stands: a state per section, and the list of what blocks sign-off.

The reviewer navigates a long form; the section list and the readiness list tell them what is
left without reading every page. Both are derived from the validation report so that "ready"
in the navigation means exactly what sign-off checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.issues import Issue, ValidationReport
from reviewer_app.domain.values import Answers


class SectionState(StrEnum):
    NOT_NEEDED = "not_needed"  # not relevant (e.g. phases when records are missing)
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETE = "complete"
    HAS_ERRORS = "has_errors"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True, slots=True)
class ReadinessItem:
    """One thing blocking sign-off, pointing at the question to open."""

    code: str
    message: str
    section_id: str | None
    section_title: str
    question_id: str | None
    group_id: str | None = None
    item_id: str | None = None


CASE_DETAILS = "Case details"


def section_states(
    definition: ReviewDefinition, answers: Answers, report: ValidationReport
) -> dict[str, SectionState]:
    """State of each section by id, in form order."""
    view = AnswerView(definition, answers)
    by_section: dict[str, list[Issue]] = {}
    for issue in report.issues:
        section_id = _section_id(definition, issue)
        if section_id is not None:
            by_section.setdefault(section_id, []).append(issue)
    states: dict[str, SectionState] = {}
    for section in definition.sections:
        issues = by_section.get(section.id, [])
        started = any(view.has_stored_value(q.id) for q in section.questions)
        if not view.section_relevant(section):
            states[section.id] = SectionState.NOT_NEEDED
        elif any(i.blocks_sign_off and not i.missing for i in issues):
            states[section.id] = SectionState.HAS_ERRORS
        elif not started:
            states[section.id] = SectionState.NOT_STARTED
        elif any(i.blocks_sign_off for i in issues):
            states[section.id] = SectionState.IN_PROGRESS
        else:
            states[section.id] = SectionState.COMPLETE
    return states


def readiness(definition: ReviewDefinition, report: ValidationReport) -> list[ReadinessItem]:
    """Everything that blocks sign-off, in form order (case-level items first)."""
    order = definition.question_order()
    errors = sorted(
        report.errors,
        key=lambda i: -1 if i.question_id is None else order.get(i.question_id, len(order)),
    )
    items = []
    for issue in errors:
        section_id = _section_id(definition, issue)
        title = definition.section(section_id).title if section_id else CASE_DETAILS
        items.append(
            ReadinessItem(
                issue.code,
                issue.message,
                section_id,
                title,
                issue.question_id,
                issue.group_id,
                issue.item_id,
            )
        )
    return items


def _section_id(definition: ReviewDefinition, issue: Issue) -> str | None:
    if issue.question_id is None:
        return None
    ref = definition.find(issue.question_id)
    return None if ref is None else ref.section.id
