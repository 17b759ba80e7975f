"""Cases and answer sets for the definition and validation tests.

``complete_answers`` fills a full review generically, by section kind and question type, so
the same helper fills a definition with 13 themes or renamed questions: the tests prove the
code finds themes and phases by kind rather than by a fixed list.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from reviewer_app.domain.case import Case, PlaceOfDeath, Sex
from reviewer_app.domain.definition import ReviewDefinition, SectionKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "definitions"

COMMENT = "Care in this phase met the expected standard; plans were documented and acted on."
LONG_COMMENT = (
    "Care fell well short: observations were not repeated for eleven hours despite a rising "
    "early warning score, and no senior review was requested."
)


SCREENING: dict[str, Any] = {
    "screening.death_category": "adult",
    "screening.learning_disability": "no",
    "screening.autism": "no",
    "screening.severe_mental_illness": "no",
    "screening.concerns_family": "no",
    "screening.concerns_staff": "no",
    "screening.existing_process": "no",
    "screening.conflict_of_interest": "no",
}
"""Screening that flags nothing: an adult death, no concerns, no conflict of interest."""


NO_DISCHARGE_PHASES = ("discharge", "after_discharge")
"""Phases not applicable to a death in the index admission (definition v2 warns otherwise)."""


def make_case(**changes: Any) -> Case:
    """A synthetic case (made-up name and a valid made-up NHS number)."""
    fields: dict[str, Any] = {
        "case_ref": "C-0001",
        "nhs_number": "9434765919",
        "family_name": "Featherstonehaugh",
        "given_names": "Ada Marie",
        "date_of_birth": date(1940, 3, 12),
        "sex": Sex.FEMALE,
        "postcode": "LE1 5WW",
        "admission_date": date(2024, 1, 5),
        "discharge_date": None,
        "date_of_death": date(2024, 1, 20),
        "place_of_death": PlaceOfDeath.ACUTE_HOSPITAL,
    }
    fields.update(changes)
    return Case(**fields)


def complete_answers(definition: ReviewDefinition) -> dict[str, Any]:
    """A full review that should pass every rule: adequate care, nothing triggered."""
    answers: dict[str, Any] = {
        **SCREENING,
        "outcome.type": "full_review",
        "records.reviewed": ["acute", "gp"],
        "records.missing": ["none"],
        "problems.any": "no",
        "avoidability.grade": {"scale": "rcp", "grade": 5},
        "avoidability.comment": "Frail patient with advanced disease; care was adequate.",
        "escalation.safeguarding_concern": "no",
        "escalation.conduct_concern": "no",
        "immediate.concern": "no",
    }
    for section in definition.phases:
        if section.key in NO_DISCHARGE_PHASES:  # make_case() died in the index admission
            for question in section.questions:
                if question.type == "care_score" and question.allow_not_applicable:
                    answers[question.id] = "not_applicable"
            continue
        for question in section.questions:
            if question.type == "care_score":
                answers[question.id] = 3
            elif question.type == "text":
                answers[question.id] = COMMENT
    for section in definition.sections_of_kind(SectionKind.THEME):
        for question in section.questions:
            if question.type == "yes_no" and question.required:
                answers[question.id] = "no"
    return answers


def outcome_only(
    outcome: str, reason: str = "Acute trust notes could not be found."
) -> dict[str, Any]:
    """Screening plus a non-review outcome with its reason: all such an outcome needs (and,
    from definition v2, what makes the outcome hold: a declared conflict, a neonatal death,
    the missing records named)."""
    answers: dict[str, Any] = {
        **SCREENING,
        "screening.conflict_of_interest": "yes" if outcome == "handed_back" else "no",
        "outcome.type": outcome,
        "outcome.reason": reason,
    }
    if outcome == "outside_method":  # definition v2: a death this method does not review
        answers["screening.death_category"] = "neonatal"
    if outcome == "records_missing":  # definition v2: the missing records are named
        answers["records.missing"] = ["acute"]
    return answers
