"""The declarative rules of a definition, applied to an ``AnswerView``.

Three sources, all data in the definition file: each question's ``required`` /
``required_when`` (rule 1 and the follow-up questions), ``require`` rules (a question needed
when a condition holds: rules 2, 3, 4, 5) and ``flag`` rules (combinations that need a second
look: rules 4 and 7). Built-in checks for what conditions cannot say live in ``checks.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from reviewer_app.domain.answer_view import AnswerView, ItemScope
from reviewer_app.domain.definition import (
    AnyQuestion,
    FlagRule,
    GroupQuestion,
    RequireRule,
    Severity,
)
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.text_substance import lacks_substance
from reviewer_app.domain.values import JsonValue

REQUIRED = "R1.required"
TOO_SHORT = "R1.text_too_short"
TOO_FEW_ITEMS = "R1.too_few_items"
INVALID_VALUE = "R10.invalid_value"
UNKNOWN_QUESTION = "R10.unknown_question"


def shape_issues(view: AnswerView) -> Iterator[Issue]:
    """Rule 10: stored values that do not fit their question, and ids the form lacks."""
    for question_id in view.unknown_ids:
        yield Issue(
            UNKNOWN_QUESTION,
            Severity.ERROR,
            "An answer is stored for a question this version of the form does not have.",
            question_id,
        )
    for problem in view.problems:
        ref = view.definition.find(problem.question_id)
        group_id = ref.group.id if ref is not None and ref.group is not None else None
        yield Issue(
            INVALID_VALUE,
            Severity.ERROR,
            problem.message,
            problem.question_id,
            group_id,
            problem.item_id,
        )


def required_issues(view: AnswerView) -> Iterator[Issue]:
    """Rule 1: every relevant required question answered (items of groups included)."""
    for section, question in view.definition.top_questions():
        if not view.section_relevant(section) or not view.is_relevant(question.id):
            continue
        required = question.required or (
            question.required_when is not None and view.holds(question.required_when)
        )
        if required and not view.is_answered(question.id):
            yield _missing(REQUIRED, question, f"Not answered: {question.label}")
            continue
        yield from _too_short(question, view.value(question.id))
        if isinstance(question, GroupQuestion) and view.is_answered(question.id):
            items = view.items(question.id)
            if required and len(items) < max(1, question.min_items):
                needed = max(1, question.min_items)
                message = f"{question.label}: record at least {needed} {question.item_label}."
                yield _missing(TOO_FEW_ITEMS, question, message)
            for item in items:
                yield from _item_required(question, item)


def _item_required(group: GroupQuestion, item: ItemScope) -> Iterator[Issue]:
    for question in group.item_questions:
        if not item.is_relevant(question.id):
            continue
        required = question.required or (
            question.required_when is not None and item.holds(question.required_when)
        )
        if required and not item.is_answered(question.id):
            message = f"{group.item_label} – not answered: {question.label}"
            yield _missing(REQUIRED, question, message, group.id, item.item_id)
        else:
            yield from _too_short(question, item.value(question.id), group.id, item.item_id)


def _too_short(
    question: AnyQuestion,
    value: JsonValue | None,
    group_id: str | None = None,
    item_id: str | None = None,
) -> Iterator[Issue]:
    if question.type != "text" or not isinstance(value, str):
        return
    if len(value.strip()) < question.min_length:
        message = f"{question.label}: write at least {question.min_length} characters."
        yield _missing(TOO_SHORT, question, message, group_id, item_id)
    elif question.min_words is not None and lacks_substance(value, question.min_words):
        message = (
            f"{question.label}: say what was good or poor and why, in at least "
            f"{question.min_words} different words (one repeated character does not count)."
        )
        yield _missing(TOO_SHORT, question, message, group_id, item_id)


def require_issues(rule: RequireRule, view: AnswerView) -> Iterator[Issue]:
    """A ``require`` rule: when its condition holds, its questions need (long enough) answers."""
    if rule.group is None:
        if view.holds(rule.when):
            yield from _require_in(rule, view, None)
        return
    for item in view.items(rule.group):
        if item.holds(rule.when):
            yield from _require_in(rule, item, rule.group)


def _require_in(
    rule: RequireRule, scope: AnswerView | ItemScope, group: str | None
) -> Iterator[Issue]:
    targets = [q for q in rule.questions if scope.is_relevant(q)]
    if not targets:
        return
    missing = [q for q in targets if not _satisfies(scope, q, rule.min_length, rule.min_words)]
    if rule.need == "any" and len(missing) < len(targets):
        return
    item_id = scope.item_id if isinstance(scope, ItemScope) else None
    for question_id in missing[:1] if rule.need == "any" else missing:
        yield Issue(rule.code, rule.severity, rule.message, question_id, group, item_id, True)


def _satisfies(
    scope: AnswerView | ItemScope,
    question_id: str,
    min_length: int | None,
    min_words: int | None = None,
) -> bool:
    if not scope.is_answered(question_id):
        return False
    value = scope.value(question_id)
    if not isinstance(value, str):
        return True
    if min_length is not None and len(value.strip()) < min_length:
        return False
    return min_words is None or not lacks_substance(value, min_words)


def flag_issues(rule: FlagRule, view: AnswerView) -> Iterator[Issue]:
    """A ``flag`` rule: the combination it describes is present."""
    if view.holds(rule.when):
        yield Issue(rule.code, rule.severity, rule.message, rule.question)


def _missing(
    code: str,
    question: AnyQuestion,
    message: str,
    group_id: str | None = None,
    item_id: str | None = None,
) -> Issue:
    return Issue(code, Severity.ERROR, message, question.id, group_id, item_id, missing=True)
