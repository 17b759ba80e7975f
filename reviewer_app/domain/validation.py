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

Definition v2 adds the contradictions the method can recognise (records both reviewed and
missing, a problem in a phase marked not applicable, an outcome whose definition does not
hold, destinations that do not follow the triggers, ...): flags and require rules in the file,
and the checks conditions cannot say in ``coherence_checks.py``. A time answer ("when were
they told") is compared with ``timing``: the moment of checking and the review's start.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer_app.domain.amendments import AnswerChange, ChangeKind, changed_fields
from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.case import Case
from reviewer_app.domain.checks import BUILTIN_CHECKS, TIMED_CHECKS
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.issues import Issue, Severity, ValidationReport
from reviewer_app.domain.progress import ReadinessItem, SectionState, readiness, section_states
from reviewer_app.domain.review_timing import ReviewTiming
from reviewer_app.domain.rules import flag_issues, require_issues, required_issues, shape_issues
from reviewer_app.domain.triggers import Trigger, escalation_triggers, second_review_triggers
from reviewer_app.domain.values import Answers

__all__ = [
    "AnswerChange",
    "ChangeKind",
    "Issue",
    "ReadinessItem",
    "ReviewTiming",
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


def validate(
    definition: ReviewDefinition,
    answers: Answers,
    case: Case,
    timing: ReviewTiming | None = None,
) -> ValidationReport:
    """Every issue with these answers, in a stable order (shape, required, then file rules).

    ``timing`` is the moment of checking and the review's start, for answers compared with
    the clock; without it they are compared with the present moment (and no start).
    """
    view = AnswerView(definition, answers)
    when = timing if timing is not None else ReviewTiming.at()
    return ValidationReport(tuple(_issues(definition, view, case, when)))


def _issues(
    definition: ReviewDefinition, view: AnswerView, case: Case, timing: ReviewTiming
) -> Iterator[Issue]:
    yield from shape_issues(view)
    yield from required_issues(view)
    for rule in definition.rules:
        if rule.kind == "require":
            yield from require_issues(rule, view)
        elif rule.kind == "flag":
            yield from flag_issues(rule, view)
        elif rule.check in TIMED_CHECKS:
            yield from TIMED_CHECKS[rule.check](rule, view, case, timing)
        else:
            yield from BUILTIN_CHECKS[rule.check](rule, view, case)
