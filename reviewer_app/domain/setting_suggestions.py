"""Care settings the case header already tells, offered (never answered) in setting questions.

A question asks for a care setting when its options include both the acute hospital and
primary care (found by option values, never by question id). The case header suggests: the
acute hospital for the index admission's site, primary care for the GP practice, and the
place of death when it is a setting of its own (community hospital, care home, hospice). The
reviewer accepts them with one key; until then the question stays unanswered.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer_app.domain.case import Case, PlaceOfDeath
from reviewer_app.domain.definition import MultipleChoiceQuestion, SingleChoiceQuestion

__all__ = ["Suggestion", "is_setting_question", "setting_suggestions"]

ACUTE_HOSPITAL = "acute_hospital"
PRIMARY_CARE = "primary_care"
_PLACES = (PlaceOfDeath.COMMUNITY_HOSPITAL, PlaceOfDeath.CARE_HOME, PlaceOfDeath.HOSPICE)


@dataclass(frozen=True, slots=True)
class Suggestion:
    value: str
    label: str  # the option's label
    why: str  # "the case's site, Glenfield Hospital"


def is_setting_question(question: object) -> bool:
    if not isinstance(question, SingleChoiceQuestion | MultipleChoiceQuestion):
        return False
    return {ACUTE_HOSPITAL, PRIMARY_CARE} <= {o.value for o in question.options}


def setting_suggestions(
    question: SingleChoiceQuestion | MultipleChoiceQuestion, case: Case
) -> list[Suggestion]:
    """What the case suggests for this setting question, in the question's option order."""
    if not is_setting_question(question):
        return []
    reasons: dict[str, str] = {}
    if case.site:
        reasons[ACUTE_HOSPITAL] = f"the site of the admission, {case.site}"
    if case.gp_practice_code:
        reasons[PRIMARY_CARE] = f"the GP practice, {case.gp_practice_code}"
    if case.place_of_death in _PLACES:
        reasons.setdefault(case.place_of_death.value, "the place of death")
    return [
        Suggestion(o.value, o.label, reasons[o.value])
        for o in question.options
        if o.value in reasons
    ]
