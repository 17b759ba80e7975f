"""The form's sections in the groups a reviewer thinks in, and how far each section is answered.

The definition has no grouping of its own, so the groups follow from the sections' kinds (never
from their titles or ids): screening, outcome and records; the phases of care; the themes; the
problems in care and avoidability; relatives, second review, escalation, immediate safety and
learning; and the readiness check before signing. A section of another kind stays in the group
of the section before it, so a group is always a run of sections in the definition's order.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.values import Answers

__all__ = ["SectionCount", "SectionGroup", "section_counts", "section_groups"]

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


@dataclass(frozen=True, slots=True)
class SectionCount:
    """How far a section is answered, counted as its state is decided: ``answered`` of
    ``needed`` (the questions asked now that sign-off needs, or that are answered), and the
    optional questions asked now and still unanswered."""

    answered: int
    needed: int
    optional_left: int = 0

    def __str__(self) -> str:
        """ "2 of 3 answered"; once all that is needed is answered, what optional is left is
        said too ("2 of 2 answered (1 optional left)"), so "complete" never reads as short."""
        optional = f"{self.optional_left} optional left" if self.optional_left else ""
        if not self.needed:
            return optional
        counted = f"{self.answered} of {self.needed} answered"
        done = self.answered == self.needed
        return f"{counted} ({optional})" if optional and done else counted


def section_counts(
    definition: ReviewDefinition,
    answers: Answers,
    relevant_questions: Collection[str],
    issues: Iterable[Issue] = (),
) -> dict[str, SectionCount]:
    """Per section, among its questions asked now (the relevant ones): how many are answered
    of those needed, and how many optional ones are left.

    A question still missing something sign-off needs (a "still to answer" finding on it, or
    on an item of its group) is not answered, whatever it holds: so a section "in progress"
    never counts as all answered, and a complete one never as short (its unanswered questions
    are optional, and said so). A section with no question asked has nothing to count.
    """
    view = AnswerView(definition, answers)
    short = {i.group_id or i.question_id for i in issues if i.blocks_sign_off and i.missing}
    counts: dict[str, SectionCount] = {}
    for section in definition.sections:
        asked = [q.id for q in section.questions if q.id in relevant_questions]
        answered = sum(1 for q in asked if q not in short and view.is_answered(q))
        optional = sum(1 for q in asked if q not in short and not view.is_answered(q))
        counts[section.id] = SectionCount(answered, len(asked) - optional, optional)
    return counts
