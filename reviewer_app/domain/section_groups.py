"""The form's sections in the groups a reviewer thinks in, and how far each section is answered.

The definition has no grouping of its own, so the groups follow from the sections' kinds (never
from their titles or ids): screening, outcome and records; the phases of care; the themes; the
problems in care and avoidability; relatives, second review, escalation, immediate safety and
learning; and the readiness check before signing. A section of another kind stays in the group
of the section before it, so a group is always a run of sections in the definition's order.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.values import Answers

__all__ = ["SectionGroup", "answered_counts", "section_groups"]

K = SectionKind
_GROUP_OF_KIND: dict[SectionKind, str] = {
    K.SCREENING: "Screening and records",
    K.OUTCOME: "Screening and records",
    K.RECORDS: "Screening and records",
    K.PHASE: "Phases of care",
    K.THEME: "Themes",
    K.PROBLEMS: "Problems and avoidability",
    K.AVOIDABILITY: "Problems and avoidability",
    K.RELATIVES: "Relatives, escalation, learning",
    K.SECOND_REVIEW: "Relatives, escalation, learning",
    K.ESCALATION: "Relatives, escalation, learning",
    K.IMMEDIATE_SAFETY: "Relatives, escalation, learning",
    K.LEARNING: "Relatives, escalation, learning",
    K.READINESS: "Before signing",
}
OTHERS = "Other sections"


@dataclass(frozen=True, slots=True)
class SectionGroup:
    """A titled run of sections; ``section_ids`` in the definition's order."""

    title: str
    section_ids: tuple[str, ...]


def section_groups(definition: ReviewDefinition) -> list[SectionGroup]:
    """The definition's sections in groups; the themes' group says how many ("Themes 1–12")."""
    runs: list[tuple[str, list[str]]] = []
    for section in definition.sections:
        title = _GROUP_OF_KIND.get(section.kind) or (runs[-1][0] if runs else OTHERS)
        if runs and runs[-1][0] == title:
            runs[-1][1].append(section.id)
        else:
            runs.append((title, [section.id]))
    return [SectionGroup(_counted(title, ids), tuple(ids)) for title, ids in runs]


def _counted(title: str, ids: list[str]) -> str:
    return f"{title} 1–{len(ids)}" if title == _GROUP_OF_KIND[K.THEME] and len(ids) > 1 else title


def answered_counts(
    definition: ReviewDefinition, answers: Answers, relevant_questions: Collection[str]
) -> dict[str, tuple[int, int]]:
    """Per section: (answered, asked) among its questions asked now (the relevant ones).

    A section with no question asked (the readiness check, a section not needed) has (0, 0).
    """
    view = AnswerView(definition, answers)
    counts: dict[str, tuple[int, int]] = {}
    for section in definition.sections:
        asked = [q.id for q in section.questions if q.id in relevant_questions]
        counts[section.id] = (sum(1 for q in asked if view.is_answered(q)), len(asked))
    return counts
