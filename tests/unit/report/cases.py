"""Hand-made resolved cases and cohorts for the report and export tests (known answers)."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from reviewer_app.domain.case import Case, PlaceOfDeath, Sex
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.reconciliation.resolved import ResolvedCase


def cohort_case(
    ref: str,
    place: PlaceOfDeath,
    died: date,
    site: str = "Site A",
    family: str = "Zielińska",
    nhs: str = "9434765919",
) -> Case:
    return Case(
        case_ref=ref,
        nhs_number=nhs,
        hospital_number="RWE1234567",
        family_name=family,
        given_names="Anna",
        date_of_birth=date(1940, 3, 12),
        sex=Sex.FEMALE,
        postcode="LE1 5WW",
        admission_date=died,
        date_of_death=died,
        place_of_death=place,
        site=site,
        specialty="general medicine",
    )


def entry(value: Any) -> dict[str, Any]:
    return {"state": "answered", "value": value}


def resolved(
    ref: str,
    answers: dict[str, Any],
    outcome: str = "full_review",
    second: dict[str, Any] | None = None,
) -> ResolvedCase:
    coded = {
        k: (v if isinstance(v, dict) and "state" in v else entry(v)) for k, v in answers.items()
    }
    reviews: tuple[dict[str, Any], ...] = ({"answers": coded},)
    refs: tuple[str, ...] = ("R01",)
    if second is not None:
        other = {
            k: (v if isinstance(v, dict) and "state" in v else entry(v)) for k, v in second.items()
        }
        reviews = ({"answers": coded}, {"answers": other})
        refs = ("R01", "R02")
    return ResolvedCase(ref, outcome, "uhl-mortality-review", "1", coded, {}, reviews, refs)


def synthetic_study(
    definition: ReviewDefinition, count: int, reviewed: int, seed: int = 1
) -> tuple[list[Case], list[ResolvedCase]]:
    """``count`` synthetic deaths, the first ``reviewed`` with a complete double review
    (both reviews the same sample answers)."""
    cohort = synthetic_cases(count, seed=seed)
    cases = []
    for case in cohort[:reviewed]:
        answers = complete_answers(definition, case, random.Random(f"{seed}{case.case_ref}"))
        cases.append(
            resolved(
                case.case_ref,
                dict(answers),
                str(answers.get("outcome.type", "full_review")),
                dict(answers),
            )
        )
    return cohort, cases
