"""Validation of a review's answers against its definition and case: the sign-off gate.

``validate`` applies the ten rules of review-method.md ("Rules the form must enforce before
sign-off") as declared in the definition file (required questions, ``require``, ``flag`` and
``check`` rules) and returns a ``ValidationReport``: ERROR issues block sign-off, WARNING
issues are shown but do not. It never raises on odd answers: a malformed value is itself an
issue (rule 10), so the GUI can always show the reviewer what is wrong.

Where each rule lives: 1 required questions + outcome flags; 2 ``R2.*`` require rules per
phase; 3 ``R3.*``; 4 ``triggers_need_decision`` + Duty of Candour rules + a flag; 5 ``R5.*``;
6 date checks; 7 flags; 8 ``identifiers_in_text``; 9 storage (see ``amendments.py`` for the
diff); 10 shape checks here, ``answers.py`` for values and display.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer_app.domain.amendments import AnswerChange, ChangeKind, changed_fields
from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.case import Case
from reviewer_app.domain.checks import BUILTIN_CHECKS
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.issues import Issue, Severity, ValidationReport
from reviewer_app.domain.progress import ReadinessItem, SectionState, readiness, section_states
from reviewer_app.domain.rules import flag_issues, require_issues, required_issues, shape_issues
from reviewer_app.domain.triggers import Trigger, escalation_triggers, second_review_triggers
from reviewer_app.domain.values import Answers

__all__ = [
    "AnswerChange",
    "ChangeKind",
    "Issue",
    "ReadinessItem",
    "SectionState",
    "Severity",
    "Trigger",
    "ValidationReport",
    "changed_fields",
    "escalation_triggers",
    "readiness",
    "second_review_triggers",
    "section_states",
    "validate",
]


def validate(definition: ReviewDefinition, answers: Answers, case: Case) -> ValidationReport:
    """Every issue with these answers, in a stable order (shape, required, then file rules)."""
    view = AnswerView(definition, answers)
    return ValidationReport(tuple(_issues(definition, view, case)))


def _issues(definition: ReviewDefinition, view: AnswerView, case: Case) -> Iterator[Issue]:
    yield from shape_issues(view)
    yield from required_issues(view)
    for rule in definition.rules:
        if rule.kind == "require":
            yield from require_issues(rule, view)
        elif rule.kind == "flag":
            yield from flag_issues(rule, view)
        else:
            yield from BUILTIN_CHECKS[rule.check](rule, view, case)
