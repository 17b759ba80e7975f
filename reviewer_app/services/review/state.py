"""What follows from a review's answers: the form's special questions and the derived state.

Pure and fast (``evaluate`` takes about 2 ms): the form recomputes it on every keystroke, and
the review service recomputes it inside each save to decide the status. Nothing here reads or
writes the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import (
    CheckRule,
    DateQuestion,
    DateTimeQuestion,
    GroupQuestion,
    RequireRule,
    ReviewDefinition,
    SectionKind,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from reviewer_app.domain.escalation_facts import (
    EscalationFacts,
    facts_are_derived,
    facts_in_view,
)
from reviewer_app.domain.issues import ValidationReport
from reviewer_app.domain.progress import ReadinessItem, SectionState, readiness, section_states
from reviewer_app.domain.review_timing import ReviewTiming
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.triggers import Trigger, fired
from reviewer_app.domain.validation import validate
from reviewer_app.domain.values import YES, Answers

OUTCOME_ACTIONS: Final = (
    ReviewStatus.RECORDS_MISSING,
    ReviewStatus.HANDED_BACK,
    ReviewStatus.OUTSIDE_METHOD,
)
PENDING_OUTCOME_CODE: Final = "outcome.not_recorded"
# The check whose findings the form offers to settle by marking the phases not applicable.
_NOT_APPLICABLE_OFFER_CHECK: Final = "phases_scored_after_death_in_admission"
_AUTO_STATUSES: Final = frozenset(
    {ReviewStatus.NOT_STARTED, ReviewStatus.IN_PROGRESS, ReviewStatus.READY_TO_SIGN}
)


# --- what the form needs to know about the definition ---------------------------------------


@dataclass(frozen=True, slots=True)
class FormRoles:
    """Questions with a special role, found by section kind and type (never by fixed id).

    ``outcome`` is the outcome section's choice, ``outcome_reason`` its reason; the immediate
    safety section holds the yes/no ``concern``, ``who_told`` and ``date_told``;
    ``escalation_decision`` is the question the trigger check asks for.
    """

    outcome: str | None = None
    outcome_reason: str | None = None
    concern: str | None = None
    who_told: str | None = None
    date_told: str | None = None
    escalation_decision: str | None = None

    @classmethod
    def of(cls, definition: ReviewDefinition) -> FormRoles:
        outcome = reason = concern = who = when = decision = None
        for section in definition.sections_of_kind(SectionKind.OUTCOME):
            for q in section.questions:
                if outcome is None and isinstance(q, SingleChoiceQuestion):
                    values = {o.value for o in q.options}
                    if {s.value for s in OUTCOME_ACTIONS} <= values:
                        outcome = q.id
                elif reason is None and isinstance(q, TextQuestion):
                    reason = q.id
        for section in definition.sections_of_kind(SectionKind.IMMEDIATE_SAFETY):
            for q in section.questions:
                if concern is None and isinstance(q, YesNoQuestion):
                    concern = q.id
                elif who is None and isinstance(q, TextQuestion):
                    who = q.id
                elif when is None and isinstance(q, DateQuestion | DateTimeQuestion):
                    when = q.id
        for rule in definition.rules:
            if isinstance(rule, CheckRule) and rule.check == "triggers_need_decision":
                decision = str(rule.params.get("question", "")) or None
        return cls(outcome, reason, concern, who, when, decision)


# --- the derived state of a review ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommentTarget:
    """What a judgement comment needs right now (a score of 1-2 asks for a substantial one)."""

    min_length: int
    min_words: int


@dataclass(frozen=True, slots=True)
class ReviewState:
    """Everything the form shows that follows from the answers (recomputed on every change)."""

    report: ValidationReport
    sections: dict[str, SectionState]
    readiness: list[ReadinessItem]
    escalation_triggers: list[Trigger]
    second_review_triggers: list[Trigger]
    relevant_sections: frozenset[str]
    relevant_questions: frozenset[str]
    item_relevant: dict[tuple[str, str], frozenset[str]]
    pending_outcome: ReviewStatus | None
    needs_escalation_decision: bool
    immediate_concern: bool
    # What each escalation takes from the review (None: the definition asks for it again).
    escalation_facts: EscalationFacts | None = None
    # Text questions whose "require" rule applies now, with what it needs (live counters).
    comment_targets: dict[str, CommentTarget] = field(default_factory=dict)
    # Care scores the form offers to mark not applicable (discharge after death in admission).
    not_applicable_offers: tuple[str, ...] = ()

    @property
    def can_sign(self) -> bool:
        return not self.readiness

    def is_relevant(self, question_id: str, group_id: str | None = None, item_id: str = "") -> bool:
        if group_id is None:
            return question_id in self.relevant_questions
        return question_id in self.item_relevant.get((group_id, item_id), frozenset())


def evaluate(
    definition: ReviewDefinition,
    answers: Answers,
    case: Case,
    status: ReviewStatus | None = None,
    timing: ReviewTiming | None = None,
) -> ReviewState:
    """The validation report, section states, readiness and triggers for these answers.

    ``status`` is the review's: once an outcome is recorded it is no longer "pending".
    ``timing`` (the moment of checking, the review's start) is what time answers are
    compared with.
    """
    roles = FormRoles.of(definition)
    view = AnswerView(definition, answers)
    report = validate(definition, answers, case, timing)
    sections = section_states(definition, answers, report)
    ready = readiness(definition, report)
    relevant_sections = frozenset(s.id for s in definition.sections if view.section_relevant(s))
    relevant = frozenset(
        q.id
        for section in definition.sections
        if section.id in relevant_sections
        for q in section.questions
        if view.is_relevant(q.id)
    )
    pending = None if status is not None and status.is_outcome else _pending_outcome(view, roles)
    if pending is not None:
        ready.append(_record_the_outcome(definition, roles, pending))
    triggers = fired(definition.escalation_triggers, view)
    decision = roles.escalation_decision
    return ReviewState(
        report=report,
        sections=sections,
        readiness=ready,
        escalation_triggers=triggers,
        second_review_triggers=fired(definition.second_review_triggers, view),
        relevant_sections=relevant_sections,
        relevant_questions=relevant,
        item_relevant=_item_relevant(definition, view),
        pending_outcome=pending,
        needs_escalation_decision=bool(triggers)
        and decision is not None
        and view.is_relevant(decision)
        and not view.is_answered(decision),
        immediate_concern=roles.concern is not None and view.value(roles.concern) == YES,
        escalation_facts=facts_in_view(view) if facts_are_derived(definition) else None,
        comment_targets=_comment_targets(definition, view),
        not_applicable_offers=_not_applicable_offers(definition, report),
    )


def _item_relevant(
    definition: ReviewDefinition, view: AnswerView
) -> dict[tuple[str, str], frozenset[str]]:
    """For each item of each repeating group: the item questions asked of it now."""
    item_relevant: dict[tuple[str, str], frozenset[str]] = {}
    for _, question in definition.top_questions():
        if isinstance(question, GroupQuestion):
            for item in view.items(question.id):
                item_relevant[(question.id, item.item_id)] = frozenset(
                    q.id for q in question.item_questions if item.is_relevant(q.id)
                )
    return item_relevant


def _record_the_outcome(
    definition: ReviewDefinition, roles: FormRoles, pending: ReviewStatus
) -> ReadinessItem:
    """The readiness entry of an outcome chosen but not yet recorded with its button."""
    section = definition.section_of(roles.outcome or "")
    return ReadinessItem(
        PENDING_OUTCOME_CODE,
        f'You chose "{pending.label}": record this outcome with its button at the '
        "bottom of the form, which asks for the reason.",
        section.id,
        section.title,
        roles.outcome,
    )


def _comment_targets(definition: ReviewDefinition, view: AnswerView) -> dict[str, CommentTarget]:
    targets: dict[str, CommentTarget] = {}
    for rule in definition.rules:
        if not isinstance(rule, RequireRule) or rule.group is not None:
            continue
        if rule.min_length is None and rule.min_words is None:
            continue
        if not view.holds(rule.when):
            continue
        for question_id in rule.questions:
            old = targets.get(question_id, CommentTarget(0, 0))
            targets[question_id] = CommentTarget(
                max(old.min_length, rule.min_length or 0), max(old.min_words, rule.min_words or 0)
            )
    return targets


def _not_applicable_offers(
    definition: ReviewDefinition, report: ValidationReport
) -> tuple[str, ...]:
    codes = {
        rule.code
        for rule in definition.rules
        if isinstance(rule, CheckRule) and rule.check == _NOT_APPLICABLE_OFFER_CHECK
    }
    return tuple(
        i.question_id for i in report.issues if i.code in codes and i.question_id is not None
    )


def _pending_outcome(view: AnswerView, roles: FormRoles) -> ReviewStatus | None:
    """An outcome chosen in the form (not "full review"): it still needs its explicit action."""
    if roles.outcome is None:
        return None
    value = view.value(roles.outcome)
    for status in OUTCOME_ACTIONS:
        if value == status.value:
            return status
    return None


def next_status(current: ReviewStatus, state: ReviewState) -> ReviewStatus:
    """in progress <-> ready to sign from the report; every other status stays as it is."""
    if current not in _AUTO_STATUSES:
        return current
    if state.report.can_sign and state.pending_outcome is None:
        return ReviewStatus.READY_TO_SIGN
    return ReviewStatus.IN_PROGRESS
