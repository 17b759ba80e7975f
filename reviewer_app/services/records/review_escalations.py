"""The escalations in one signed review, read from its canonical content (no storage).

A review version's canonical content (``signing/canonical.py``) holds every top-level answer
as ``{"state": "answered", "value": ...}``, ``{"state": "unanswered"}`` or, from definition
v2, ``{"state": "not_asked"}``. The escalations are the items of ``escalation.items``
(``[{"id": "e1", "answers": {...}}, ...]``) when the decision is to escalate. Each item's
questions are read by id; what a v2 item no longer asks (its triggers, harm and avoidability
are derived from the review instead of re-typed) is taken from the review: the triggers
from the definition's escalation triggers, the harm from the worst problem in care, the
avoidability from the review's own grade.

Unanswered is ``None``, not asked is :data:`NOT_ASKED`; neither is ever read as "no".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.avoidability import Avoidability, parse_avoidability
from reviewer_app.domain.definition import ReviewDefinition, definition_named_in
from reviewer_app.domain.triggers import escalation_triggers
from reviewer_app.services.reconciliation.states import raw_answers

NOT_ASKED = "not_asked"
ANSWERED = "answered"

ITEMS = "escalation.items"
DECISION = "escalation.decision"
ESCALATE = "escalate"
Q_TRIGGERS = "escalation.item.triggers"
Q_DESTINATION = "escalation.item.destination"
Q_ORGANISATIONS = "escalation.item.organisations"
Q_LEAD = "escalation.item.lead_organisation"
Q_PHASE = "escalation.item.phase"
Q_CARE_DATE = "escalation.item.care_date"
Q_DESCRIPTION = "escalation.item.description"
Q_HARM = "escalation.item.harm"
Q_SEVERITY = "escalation.item.harm_severity"
Q_AVOIDABILITY = "escalation.item.avoidability"
Q_SCORES = "escalation.item.scores"
Q_FAMILY = "escalation.item.family_aware"
Q_DOC = "escalation.item.duty_of_candour"
Q_DOC_PROVIDER = "escalation.item.duty_of_candour_provider"
Q_DOC_NO_REASON = "escalation.item.duty_of_candour_no_reason"
Q_DOC_NOTIFIED_DATE = "escalation.item.duty_of_candour_notified_date"
Q_DOC_NOTIFIED_BY = "escalation.item.duty_of_candour_notified_by"
Q_DATE_SENT = "escalation.item.date_sent"
Q_REFERENCE = "escalation.item.external_reference"
Q_STATUS = "escalation.item.status"
REVIEW_AVOIDABILITY = "avoidability.grade"
PROBLEMS = "problems.items"
OVERALL_PHASE = "phase.overall"
PROBLEM_HARM = "problems.item.harm"
PROBLEM_SEVERITY = "problems.item.severity"
_HARM_ORDER = {"no": 0, "probably": 1, "yes": 2}
_SEVERITY_ORDER = {"low": 0, "moderate": 1, "severe": 2, "death": 3}


@dataclass(frozen=True)
class ReviewEscalation:
    """One escalation as the signed review states it (or, in v2, derives it)."""

    item_id: str
    triggers: tuple[str, ...]
    triggers_derived: bool  # not typed in the item: the review's fired triggers
    destinations: tuple[str, ...]
    organisations: str | None
    proposed_lead: str | None
    phase: str | None
    care_date: dt.date | None
    description: str | None
    harm: str | None
    harm_severity: str | None
    harm_derived: bool
    avoidability: Avoidability | None
    avoidability_derived: bool
    scores: str | None
    scores_derived: bool  # not typed in the item: the review's low and overall scores
    family_aware: str | None
    duty_of_candour: str | None  # yes / no / unsure; None: not answered; NOT_ASKED
    duty_of_candour_provider: str | None
    duty_of_candour_no_reason: str | None  # v2: why it is not required
    duty_of_candour_notified_on: dt.date | None  # v2: when the family was told, if known
    duty_of_candour_notified_by: str | None  # v2: who told them
    date_sent: dt.date | None
    external_reference: str | None
    review_status: str | None  # the form's own word (v1: draft, sent, ...), if any


def top_answer(answers: Mapping[str, Any], question_id: str) -> tuple[str, Any]:
    """(state, value) of a top-level canonical answer; absent reads as unanswered."""
    entry = answers.get(question_id)
    if not isinstance(entry, Mapping):
        return "unanswered", None
    state = str(entry.get("state", "unanswered"))
    return state, entry.get("value") if state == ANSWERED else None


def _item_value(item: Mapping[str, Any], question_id: str) -> Any:
    """A value inside a group item: plain, or (tolerated) wrapped in a state."""
    value = item.get(question_id)
    if isinstance(value, Mapping) and "state" in value and set(value) <= {"state", "value"}:
        if value.get("state") == NOT_ASKED:
            return NOT_ASKED
        return value.get("value") if value.get("state") == ANSWERED else None
    return value


def _text(value: Any) -> str | None:
    if value == NOT_ASKED:
        return NOT_ASKED
    return value.strip() or None if isinstance(value, str) else None


def _date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _choices(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str) and value != NOT_ASKED:
        return (value,)
    return None


load_definition = definition_named_in  # the definition a content was made with, or None


def escalations_in(
    document: Mapping[str, Any],
    definition: ReviewDefinition | None,
    fired: tuple[str, ...] | None = None,
) -> list[ReviewEscalation]:
    """The escalations a canonical content records, in the order the review lists them
    (``fired``: the ids of the escalation triggers it fires, if known)."""
    answers = document.get("answers") or {}
    decision_state, decision = top_answer(answers, DECISION)
    if decision_state == ANSWERED and decision != ESCALATE:
        return []
    state, items = top_answer(answers, ITEMS)
    if state != ANSWERED or not isinstance(items, list):
        return []
    fired, (harm, severity), review_avoidability, derived_scores = _review_facts(
        answers, definition, fired
    )
    found: list[ReviewEscalation] = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, Mapping):
            continue
        item_id = str(item.get("id") or f"e{index}")
        values = item.get("answers") or {}
        typed_triggers = _choices(_item_value(values, Q_TRIGGERS))
        typed_harm = _text(_item_value(values, Q_HARM))
        typed_avoid = parse_avoidability(_item_value(values, Q_AVOIDABILITY))
        typed_scores = _text(_item_value(values, Q_SCORES))
        harm_derived = typed_harm in (None, NOT_ASKED) and harm is not None
        found.append(
            ReviewEscalation(
                item_id=item_id,
                triggers=typed_triggers if typed_triggers is not None else fired,
                triggers_derived=typed_triggers is None,
                destinations=_choices(_item_value(values, Q_DESTINATION)) or (),
                organisations=_text(_item_value(values, Q_ORGANISATIONS)),
                proposed_lead=_text(_item_value(values, Q_LEAD)),
                phase=_text(_item_value(values, Q_PHASE)),
                care_date=_date(_item_value(values, Q_CARE_DATE)),
                description=_text(_item_value(values, Q_DESCRIPTION)),
                harm=harm if harm_derived else typed_harm,
                harm_severity=(
                    severity if harm_derived else _text(_item_value(values, Q_SEVERITY))
                ),
                harm_derived=harm_derived,
                avoidability=typed_avoid or review_avoidability,
                avoidability_derived=typed_avoid is None and review_avoidability is not None,
                scores=typed_scores if typed_scores is not None else derived_scores,
                scores_derived=typed_scores is None and derived_scores is not None,
                family_aware=_text(_item_value(values, Q_FAMILY)),
                duty_of_candour=_text(_item_value(values, Q_DOC)),
                duty_of_candour_provider=_text(_item_value(values, Q_DOC_PROVIDER)),
                duty_of_candour_no_reason=_text(_item_value(values, Q_DOC_NO_REASON)),
                duty_of_candour_notified_on=_date(_item_value(values, Q_DOC_NOTIFIED_DATE)),
                duty_of_candour_notified_by=_text(_item_value(values, Q_DOC_NOTIFIED_BY)),
                date_sent=_date(_item_value(values, Q_DATE_SENT)),
                external_reference=_text(_item_value(values, Q_REFERENCE)),
                review_status=_text(_item_value(values, Q_STATUS)),
            )
        )
    return found


def _review_facts(
    answers: Mapping[str, Any], definition: ReviewDefinition | None, fired: tuple[str, ...] | None
) -> tuple[tuple[str, ...], tuple[str | None, str | None], Avoidability | None, str | None]:
    """What every escalation of a review may take from the review itself: the escalation
    triggers it fires (worked out here unless known), its worst harm and that harm's
    severity, its avoidability and its scores."""
    if fired is None:
        fired = _fired(definition, raw_answers(answers))
    plain = _answered_of(answers, _derived_from(definition))
    avoidability = parse_avoidability(plain.get(REVIEW_AVOIDABILITY))
    return fired, _worst_harm(plain.get(PROBLEMS)), avoidability, _scores(definition, plain)


def _derived_from(definition: ReviewDefinition | None) -> tuple[str, ...]:
    """The top-level questions an escalation's derived fields are read from (the worst harm,
    the review's avoidability, the phases' scores)."""
    phases = definition.phases if definition is not None else ()
    return (PROBLEMS, REVIEW_AVOIDABILITY, *(f"{section.id}.score" for section in phases))


def _answered_of(answers: Mapping[str, Any], question_ids: Sequence[str]) -> dict[str, Any]:
    """``raw_answers`` of those questions only."""
    found: dict[str, Any] = {}
    for question_id in question_ids:
        state, value = top_answer(answers, question_id)
        if state == ANSWERED:
            found[question_id] = value
    return found


def _fired(definition: ReviewDefinition | None, plain: dict[str, Any]) -> tuple[str, ...]:
    if definition is None:
        return ()
    return tuple(t.id for t in escalation_triggers(definition, plain))


def _scores(definition: ReviewDefinition | None, plain: dict[str, Any]) -> str | None:
    """The review's scores that matter to a referral: each phase scored 1-2, and overall
    ("Overall care: 2 (Poor)"), with the definition's labels."""
    if definition is None:
        return None
    found: list[str] = []
    for section in definition.phases:
        ref = definition.find(f"{section.id}.score")
        value = plain.get(f"{section.id}.score")
        labels = getattr(ref.question, "labels", None) if ref is not None else None
        if not isinstance(value, int) or isinstance(value, bool) or not labels:
            continue
        if not 1 <= value <= len(labels):
            continue
        if value <= 2 or section.id == OVERALL_PHASE:
            found.append(f"{section.title}: {value} ({labels[value - 1]})")
    return "; ".join(found) or None


def _worst_harm(items: Any) -> tuple[str | None, str | None]:
    """The worst harm (yes > probably > no) among the problems, with the worst severity."""
    if not isinstance(items, Sequence) or isinstance(items, str):
        return None, None
    harms: list[str] = []
    severities: list[str] = []
    for item in items:
        values = item.get("answers", {}) if isinstance(item, Mapping) else {}
        harm = values.get(PROBLEM_HARM)
        if harm in _HARM_ORDER:
            harms.append(harm)
            severity = values.get(PROBLEM_SEVERITY)
            if harm != "no" and severity in _SEVERITY_ORDER:
                severities.append(severity)
    worst = max(harms, key=_HARM_ORDER.__getitem__, default=None)
    return worst, max(severities, key=_SEVERITY_ORDER.__getitem__, default=None)


def option_label(definition: ReviewDefinition | None, question_id: str, value: str) -> str:
    """The definition's label for an option value (the value itself if it has none)."""
    if definition is None:
        return value
    ref = definition.find(question_id)
    options = getattr(ref.question, "options", None) if ref is not None else None
    for option in options or ():
        if getattr(option, "value", None) == value:
            return str(option.label)
    return value


def trigger_label(definition: ReviewDefinition | None, trigger: str) -> str:
    """A trigger's label: the item's option, else the definition's trigger, else its id."""
    label = option_label(definition, Q_TRIGGERS, trigger)
    if label != trigger or definition is None:
        return label
    for spec in definition.escalation_triggers:
        if spec.id == trigger:
            return spec.label
    return trigger
