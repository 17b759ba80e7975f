"""Built-in checks for contradictions the method can recognise (definition v2 onwards).

Each is referenced by id from the definition file, like those in ``checks.py``, for what a
declarative condition cannot say: comparing two answers option by option, following a problem
to the phase it names, reading the case (cohort data, dates) or the clock. Messages come from
the rule and the definition's labels, never from answers or case details.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.answers import parse_datetime
from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.domain.case import Case, Tristate
from reviewer_app.domain.definition import (
    AvoidabilityQuestion,
    CareScoreQuestion,
    CheckRule,
    ChoiceQuestion,
    SectionKind,
)
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.review_timing import ReviewTiming
from reviewer_app.domain.text_substance import is_meaningful
from reviewer_app.domain.triggers import fired
from reviewer_app.domain.values import (
    NO,
    NOT_APPLICABLE,
    YES,
    YES_NO_LABELS,
    JsonValue,
)

# A problem's "led to harm" answers that say it did, and the severity that says it did not.
LED_TO_HARM = frozenset({YES, "probably"})
NO_HARM = "no_harm"


def _str(rule: CheckRule, name: str) -> str:
    return str(rule.params[name])


def _ids(rule: CheckRule, name: str) -> tuple[str, ...]:
    value = rule.params[name]
    return value if isinstance(value, tuple) else ()


def _chosen(value: JsonValue | None) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _option_labels(view: AnswerView, question_id: str, values: list[str]) -> str:
    question = view.definition.question(question_id)
    if isinstance(question, ChoiceQuestion):
        labels = {o.value: o.label for o in question.options}
        return ", ".join(labels.get(v, v) for v in values)
    return ", ".join(values)


def records_reviewed_and_missing(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """A record both reviewed and missing (the same option ticked in both questions)."""
    reviewed, missing = _str(rule, "reviewed"), _str(rule, "missing")
    both = [v for v in _chosen(view.value(missing)) if v in _chosen(view.value(reviewed))]
    if both:
        labels = _option_labels(view, missing, both)
        yield Issue(rule.code, rule.severity, f"{rule.message} ({labels})", missing)


def problem_in_phase_not_applicable(
    rule: CheckRule, view: AnswerView, case: Case
) -> Iterator[Issue]:
    """An item placed in a phase of care whose score is "not applicable"."""
    not_applicable = {
        section.key: section.title
        for section in view.definition.sections_of_kind(SectionKind.PHASE)
        for q in section.questions
        if isinstance(q, CareScoreQuestion) and view.value(q.id) == NOT_APPLICABLE
    }
    for question_id in _ids(rule, "phase_questions"):
        ref = view.definition.find(question_id)
        if ref is None or ref.group is None:
            continue
        for item in view.items(ref.group.id):
            phase = item.value(question_id)
            if isinstance(phase, str) and phase in not_applicable:
                message = f"{rule.message} ({not_applicable[phase]})"
                yield Issue(
                    rule.code, rule.severity, message, question_id, ref.group.id, item.item_id
                )


def phases_scored_after_death_in_admission(
    rule: CheckRule, view: AnswerView, case: Case
) -> Iterator[Issue]:
    """Discharge phases scored, or not yet answered, for a patient who died in the index
    admission (no discharge date): the form offers to mark them not applicable from the
    start, not only once a score is given. Answered otherwise (not applicable, unknown),
    or not asked, they are left alone."""
    if case.discharge_date is not None:
        return
    for question_id in _ids(rule, "scores"):
        value = view.value(question_id)
        unanswered = value is None and view.is_relevant(question_id)
        if isinstance(value, int) or unanswered:
            title = view.definition.section_of(question_id).title
            yield Issue(rule.code, rule.severity, f"{rule.message} ({title})", question_id)


def cohort_learning_disability(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """The cohort data says learning disability "yes"; the reviewer answered "no"."""
    question = _str(rule, "question")
    if case.learning_disability is Tristate.YES and view.value(question) == NO:
        yield Issue(rule.code, rule.severity, rule.message, question)


def trigger_destinations(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """When escalating, every fired trigger's destinations appear among the escalations'."""
    if view.value(_str(rule, "decision")) != _str(rule, "escalate_value"):
        return
    question_id = _str(rule, "destinations")
    ref = view.definition.find(question_id)
    if ref is None or ref.group is None:
        return
    items = view.items(ref.group.id)
    if not items:
        return  # "record at least one escalation" is reported by the required rule
    chosen = {v for item in items for v in _chosen(item.value(question_id))}
    specs = {spec.id: spec for spec in view.definition.escalation_triggers}
    for trigger in fired(view.definition.escalation_triggers, view):
        absent = [d for d in specs[trigger.id].destinations if d not in chosen]
        if absent:
            labels = _option_labels(view, question_id, absent)
            message = f"{rule.message} {trigger.label}: add {labels}."
            yield Issue(rule.code, rule.severity, message, ref.group.id)


def meaningful_text(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """A reference or reason that is punctuation only or one repeated character."""
    for question_id in _ids(rule, "questions"):
        value = view.value(question_id)
        if isinstance(value, str) and not is_meaningful(value):
            label = view.definition.question(question_id).label
            yield Issue(rule.code, rule.severity, f"{label}: {rule.message}", question_id)


def time_told_in_range(
    rule: CheckRule, view: AnswerView, case: Case, timing: ReviewTiming
) -> Iterator[Issue]:
    """A date and time that cannot be right: ``compare`` "future" (after the moment of
    checking) or "before_review" (before the review began, when that is known)."""
    question = _str(rule, "question")
    when = parse_datetime(view.value(question))
    if when is None:
        return
    if _str(rule, "compare") == "future":
        wrong = when > timing.now_uk()
    else:
        began = timing.began_uk()
        wrong = began is not None and when < began
    if wrong:
        yield Issue(rule.code, rule.severity, rule.message, question)


def harm_with_no_harm_severity(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """A problem that led to harm (yes or probably) whose severity is "no harm"."""
    harm, severity = _str(rule, "harm"), _str(rule, "severity")
    ref = view.definition.find(severity)
    if ref is None or ref.group is None:
        return
    for item in view.items(ref.group.id):
        if item.value(harm) in LED_TO_HARM and item.value(severity) == NO_HARM:
            yield Issue(
                rule.code, rule.severity, rule.message, severity, ref.group.id, item.item_id
            )


def problem_theme_without_issue(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """A problem tagged with a theme whose "issue identified" answer is "no" or "not
    applicable" (the theme's question ``<section id>.<issue>``)."""
    themes = _str(rule, "themes")
    ref = view.definition.find(themes)
    if ref is None or ref.group is None:
        return
    sections = {s.key: s for s in view.definition.sections_of_kind(SectionKind.THEME)}
    for item in view.items(ref.group.id):
        for tag in _chosen(item.value(themes)):
            section = sections.get(tag)
            if section is None:
                continue
            said = view.value(f"{section.id}.{_str(rule, 'issue')}")
            if said in (NO, NOT_APPLICABLE):
                message = f"{rule.message} ({section.title}: {YES_NO_LABELS[str(said)]})"
                yield Issue(rule.code, rule.severity, message, themes, ref.group.id, item.item_id)


def grade_on_default_scale(rule: CheckRule, view: AnswerView, case: Case) -> Iterator[Issue]:
    """An avoidability grade on a scale other than its question's default (the study's scale
    when the workspace knows one: see ``study_scale.on_study_scale``)."""
    for question_id in _ids(rule, "questions"):
        question = view.definition.question(question_id)
        grade = parse_avoidability(view.value(question_id))
        if not isinstance(question, AvoidabilityQuestion) or grade is None:
            continue
        if grade.scale is not question.default_scale:
            message = f"{rule.message}, {question.default_scale.label}."
            yield Issue(rule.code, rule.severity, message, question_id)
