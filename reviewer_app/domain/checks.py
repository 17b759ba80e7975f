"""Built-in checks: the rules a declarative condition cannot express.

Each is referenced by id from the definition file (``{"kind": "check", "check": ...}``) with
its parameters, so a taskforce can switch a check off, change its severity, message or
parameters, or point it at renamed questions without a code change. They need the case
(dates, names) or scan every text answer, which conditions cannot do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from itertools import pairwise

from reviewer_app.domain import coherence_checks as coherence
from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import CheckRule
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.review_timing import ReviewTiming
from reviewer_app.domain.text_identifiers import identifiers_in
from reviewer_app.domain.triggers import fired
from reviewer_app.domain.values import JsonValue

CheckFn = Callable[[CheckRule, AnswerView, Case], Iterator[Issue]]
TimedCheckFn = Callable[[CheckRule, AnswerView, Case, ReviewTiming], Iterator[Issue]]


def _str(rule: CheckRule, name: str) -> str:
    return str(rule.params[name])


def _int(rule: CheckRule, name: str) -> int:
    value = rule.params[name]
    return value if isinstance(value, int) else 0


def _ids(rule: CheckRule, name: str) -> tuple[str, ...]:
    value = rule.params[name]
    return value if isinstance(value, tuple) else ()


def triggers_need_decision(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 4: any escalation trigger needs an escalation decision before sign-off."""
    question = _str(rule, "question")
    triggers = fired(view.definition.escalation_triggers, view)
    # A decision the form does not ask (an outcome other than a full review) cannot be asked for.
    if triggers and view.is_relevant(question) and not view.is_answered(question):
        labels = "; ".join(t.label for t in triggers)
        message = f"{rule.message} Triggers: {labels}."
        yield Issue(rule.code, rule.severity, message, question, missing=True)


def case_dates_in_order(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 6: birth <= admission <= discharge <= death."""
    dates = [case.date_of_birth, case.admission_date]
    if case.discharge_date is not None:
        dates.append(case.discharge_date)
    dates.append(case.date_of_death)
    if any(earlier > later for earlier, later in pairwise(dates)):
        yield Issue(rule.code, rule.severity, rule.message)


def death_within_cohort_window(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 6: a death more than ``days`` after discharge is outside the cohort (warn)."""
    discharged = case.discharge_date
    if discharged is not None and (case.date_of_death - discharged).days > _int(rule, "days"):
        yield Issue(rule.code, rule.severity, rule.message)


def answer_dates_in_range(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 6: dates in answers that cannot be right for this case (before death, or birth)."""
    for question_id in _ids(rule, "on_or_after_death"):
        for found, group_id, item_id in _dates(view, question_id):
            if found < case.date_of_death:
                message = f"{rule.message} ({_label(view, question_id)}: before the death)"
                yield Issue(rule.code, rule.severity, message, question_id, group_id, item_id)
    for question_id in _ids(rule, "within_life"):
        for found, group_id, item_id in _dates(view, question_id):
            if not case.date_of_birth <= found <= case.date_of_death:
                message = f"{rule.message} ({_label(view, question_id)}: not during life)"
                yield Issue(rule.code, rule.severity, message, question_id, group_id, item_id)


def _label(view: AnswerView, question_id: str) -> str:
    return view.definition.question(question_id).label


def _dates(view: AnswerView, question_id: str) -> Iterator[tuple[date, str | None, str | None]]:
    ref = view.definition.find(question_id)
    if ref is None:
        return
    values: list[tuple[JsonValue | None, str | None, str | None]] = [
        (view.value(question_id), None, None)
    ]
    if ref.group is not None:
        values = [(i.value(question_id), ref.group.id, i.item_id) for i in view.items(ref.group.id)]
    for value, group_id, item_id in values:
        if isinstance(value, str):
            yield date.fromisoformat(value), group_id, item_id


def identifiers_in_text(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 8: free text that looks like an identifier of this patient, or any NHS number."""
    for answer in view.texts():
        kinds = identifiers_in(answer.text, case)
        if kinds:
            what = ", ".join(k.label for k in kinds)
            message = f"{answer.question.label}: may contain {what}. {rule.message}"
            yield Issue(
                rule.code,
                rule.severity,
                message,
                answer.question.id,
                answer.group_id,
                answer.item_id,
            )


def case_age_in_method(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """Rule 1: a child's death is outside this method; the outcome must say so."""
    question = _str(rule, "outcome_question")
    too_young = case.age_at_death < _int(rule, "min_age")
    routed_out = view.value(question) == _str(rule, "outside_value")
    if too_young and view.is_answered(question) and not routed_out:
        yield Issue(rule.code, rule.severity, rule.message, question)


BUILTIN_CHECKS: dict[str, CheckFn] = {
    "triggers_need_decision": triggers_need_decision,
    "case_dates_in_order": case_dates_in_order,
    "death_within_cohort_window": death_within_cohort_window,
    "answer_dates_in_range": answer_dates_in_range,
    "identifiers_in_text": identifiers_in_text,
    "case_age_in_method": case_age_in_method,
    "records_reviewed_and_missing": coherence.records_reviewed_and_missing,
    "problem_in_phase_not_applicable": coherence.problem_in_phase_not_applicable,
    "phases_scored_after_death_in_admission": coherence.phases_scored_after_death_in_admission,
    "cohort_learning_disability": coherence.cohort_learning_disability,
    "trigger_destinations": coherence.trigger_destinations,
    "meaningful_text": coherence.meaningful_text,
    "harm_with_no_harm_severity": coherence.harm_with_no_harm_severity,
    "problem_theme_without_issue": coherence.problem_theme_without_issue,
    "grade_on_default_scale": coherence.grade_on_default_scale,
}
# Checks that compare an answer with the clock (the moment of checking, the review's start).
TIMED_CHECKS: dict[str, TimedCheckFn] = {
    "time_told_in_range": coherence.time_told_in_range,
}
