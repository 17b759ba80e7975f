"""What an escalation takes from the review instead of asking for it again.

The triggers that fired, the worst harm and its severity among the problems in care, the
avoidability grade (with its scale and meaning) and the care scores are judgements the review
already holds. An escalation that asked for them again could contradict them ("less than
50:50" under the trigger "death more likely than not avoidable"), so from definition v2 they
are derived here, shown read-only in each escalation and printed in its PDF block, always with
labels, never bare numbers.

Questions are found by section kind and type, never by fixed id: the problems section's group,
its single-choice item question with the options no / probably / yes (harm) and the one whose
options include "death" (severity, listed from least to most severe).
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.answers import display_value, parse_avoidability
from reviewer_app.domain.definition import (
    AvoidabilityQuestion,
    CareScoreQuestion,
    GroupQuestion,
    ReviewDefinition,
    SectionKind,
    SingleChoiceQuestion,
)
from reviewer_app.domain.triggers import Trigger, fired
from reviewer_app.domain.values import NOT_ANSWERED_LABEL, Answers

__all__ = ["EscalationFacts", "escalation_facts", "facts_are_derived", "facts_in_view"]

_HARM_ORDER = ("no", "probably", "yes")
NONE_RECORDED = "None recorded"


@dataclass(frozen=True, slots=True)
class EscalationFacts:
    """The review's judgements an escalation carries, each already in words."""

    triggers: tuple[Trigger, ...]
    worst_harm: str
    worst_severity: str
    avoidability: str
    care_scores: tuple[tuple[str, str], ...]  # (phase title, "2 – Poor" / "Not applicable")

    def rows(self) -> list[tuple[str, str]]:
        """(label, text) pairs in reading order, for the form and the PDF."""
        scores = "; ".join(f"{title}: {shown}" for title, shown in self.care_scores)
        return [
            ("Triggers (from the review)", "; ".join(t.label for t in self.triggers) or "None"),
            ("Worst harm among the problems in care", self.worst_harm),
            ("Worst harm severity", self.worst_severity),
            ("Avoidability of death", self.avoidability),
            ("Care scores", scores or NONE_RECORDED),
        ]


def facts_are_derived(definition: ReviewDefinition) -> bool:
    """Whether this definition's escalations take their facts from the review (v2 on).

    Definition v1 asked for them again inside each escalation (its group has its own
    avoidability question); a v1 review keeps being shown as it was made.
    """
    for section in definition.sections_of_kind(SectionKind.ESCALATION):
        for question in section.questions:
            if isinstance(question, GroupQuestion):
                return not any(isinstance(q, AvoidabilityQuestion) for q in question.item_questions)
    return False


def escalation_facts(definition: ReviewDefinition, answers: Answers) -> EscalationFacts:
    """The escalation's facts as the review states them (relevant answers only)."""
    return facts_in_view(AnswerView(definition, answers))


def facts_in_view(view: AnswerView) -> EscalationFacts:
    """``escalation_facts`` on answers already read into a view (the form's, every keystroke)."""
    definition = view.definition
    harm, severity = _worst_harm(definition, view)
    return EscalationFacts(
        triggers=tuple(fired(definition.escalation_triggers, view)),
        worst_harm=harm,
        worst_severity=severity,
        avoidability=_avoidability(definition, view),
        care_scores=_care_scores(definition, view),
    )


def _problem_questions(
    definition: ReviewDefinition,
) -> tuple[GroupQuestion | None, SingleChoiceQuestion | None, SingleChoiceQuestion | None]:
    for section in definition.sections_of_kind(SectionKind.PROBLEMS):
        for question in section.questions:
            if not isinstance(question, GroupQuestion):
                continue
            harm = severity = None
            for item in question.item_questions:
                if not isinstance(item, SingleChoiceQuestion):
                    continue
                values = {o.value for o in item.options}
                if harm is None and values == set(_HARM_ORDER):
                    harm = item
                elif severity is None and "death" in values:
                    severity = item
            return question, harm, severity
    return None, None, None


def _worst_harm(definition: ReviewDefinition, view: AnswerView) -> tuple[str, str]:
    group, harm_q, severity_q = _problem_questions(definition)
    if group is None or harm_q is None or not view.is_answered(group.id):
        return NONE_RECORDED, "Not applicable"
    items = view.items(group.id)
    harms = [v for item in items if isinstance(v := item.value(harm_q.id), str)]
    if not harms:
        return NONE_RECORDED, "Not applicable"
    worst = max(harms, key=lambda h: _HARM_ORDER.index(h) if h in _HARM_ORDER else -1)
    harm_text = display_value(harm_q, worst)
    if severity_q is None or worst == "no":
        return harm_text, "Not applicable"
    order = [o.value for o in severity_q.options]
    severities = [v for item in items if isinstance(v := item.value(severity_q.id), str)]
    if not severities:
        return harm_text, NOT_ANSWERED_LABEL
    return harm_text, display_value(severity_q, max(severities, key=order.index))


def _avoidability(definition: ReviewDefinition, view: AnswerView) -> str:
    for section in definition.sections_of_kind(SectionKind.AVOIDABILITY):
        for question in section.questions:
            if isinstance(question, AvoidabilityQuestion) and view.is_relevant(question.id):
                parsed = parse_avoidability(view.value(question.id))
                return parsed.label if parsed is not None else NOT_ANSWERED_LABEL
    return NOT_ANSWERED_LABEL


def _care_scores(definition: ReviewDefinition, view: AnswerView) -> tuple[tuple[str, str], ...]:
    scores: list[tuple[str, str]] = []
    for section in definition.sections_of_kind(SectionKind.PHASE):
        if not view.section_relevant(section):
            continue
        for question in section.questions:
            if isinstance(question, CareScoreQuestion):
                scores.append((section.title, display_value(question, view.value(question.id))))
    return tuple(scores)
