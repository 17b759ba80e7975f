"""Synthetic (invented) cases and reviewers for the demo, tests and benchmarks.

Every person here is made up. NHS numbers are drawn from the 999 range, which is reserved
for test data, and carry a valid Modulus 11 check digit so they pass intake. The generator
is deterministic for a given seed, so a test or benchmark always sees the same data.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import date, timedelta

from reviewer_app.domain.case import AdmissionMethod, Case, PlaceOfDeath, Sex, Tristate
from reviewer_app.domain.identifiers import format_nhs_number, nhs_number_digits
from reviewer_app.domain.panel import Profession, Reviewer, Sector

FAMILY_NAMES = (
    "Roberts",
    "Smith",
    "Davies",
    "Evans",
    "Begum",
    "Mistry",
    "Patel",
    "Thomas",
    "Müller",
    "Brown",
    "Ó Súilleabháin",
    "Khan",
    "Parmar",
    "Nguyễn",
    "Zielińska",
    "Kowalski",
    "O'Neill",
    "Jones",
    "Williams",
    "Taylor",
    "Wilson",
    "Chowdhury",
    "Ahmed",
    "Lewis",
    "Walker",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Clarke",
    "Singh",
    "Kaur",
    "Novák",
    "Gallagher",
)
GIVEN_NAMES = (
    "Margaret",
    "Joan",
    "Mary Ann",
    "Hilda",
    "Dennis",
    "Zoë",
    "Eileen",
    "Bridget",
    "Jaswinder",
    "John",
    "Raj",
    "Amrit",
    "Harold",
    "Arthur",
    "Kenneth",
    "Iris",
    "Siân",
    "Dorothy",
    "Stanley",
    "Gurdev",
    "Agnieszka",
    "Thi Lan",
    "Seán",
    "Doreen",
    "Albert",
)
SITES = ("Leicester Royal Infirmary", "Leicester General Hospital", "Glenfield Hospital")
SPECIALTIES = (
    "acute medicine",
    "renal",
    "cardiology",
    "general surgery",
    "oncology",
    "orthopaedics",
    "gastroenterology",
    "respiratory",
    "care of the elderly",
    "stroke",
)
POSTCODE_AREAS = ("LE1", "LE2", "LE3", "LE4", "LE5", "LE11", "LE12", "LE15")
STUDY_START = date(2017, 6, 1)

COHORT_COLUMNS = (
    "case_ref",
    "nhs_number",
    "hospital_number",
    "family_name",
    "given_names",
    "date_of_birth",
    "sex",
    "postcode",
    "admission_date",
    "admission_method",
    "discharge_date",
    "date_of_death",
    "place_of_death",
    "site",
    "specialty",
    "gp_practice_code",
    "learning_disability",
)
PANEL_COLUMNS = (
    "reviewer_ref",
    "name",
    "profession",
    "sector",
    "organisation",
    "registration",
    "email",
    "conflicts",
)


def synthetic_nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 test range (10 digits, no spaces)."""
    while True:
        candidate = f"999{rng.randrange(10**6):06d}"
        for check in range(10):
            digits = nhs_number_digits(candidate + str(check))
            if digits is not None:
                return digits


def synthetic_case(rng: random.Random, number: int, prefix: str = "NSR") -> Case:
    """One plausible, internally consistent death in the cohort."""
    died_in_hospital = rng.random() < 0.72
    date_of_death = STUDY_START + timedelta(days=rng.randrange(30))
    admission = date_of_death - timedelta(days=rng.randrange(1, 40))
    discharge: date | None = None
    if died_in_hospital:
        place = PlaceOfDeath.ACUTE_HOSPITAL
    else:
        place = rng.choice(
            [
                PlaceOfDeath.COMMUNITY_HOSPITAL,
                PlaceOfDeath.HOME,
                PlaceOfDeath.CARE_HOME,
                PlaceOfDeath.HOSPICE,
            ]
        )
        discharge = date_of_death - timedelta(days=rng.randrange(0, 30))
        admission = discharge - timedelta(days=rng.randrange(1, 25))
    # Deaths in the cohort are mostly of older people; no one here is under 18.
    age_days = int(rng.triangular(19, 101, 84) * 365.25)
    born = admission - timedelta(days=age_days)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    inward = f"{rng.randrange(10)}{rng.choice(letters)}{rng.choice(letters)}"
    postcode = f"{rng.choice(POSTCODE_AREAS)} {inward}"
    return Case(
        case_ref=f"{prefix}-{number:04d}",
        nhs_number=synthetic_nhs_number(rng),
        hospital_number=f"RWE{rng.randrange(10**7):07d}",
        family_name=rng.choice(FAMILY_NAMES),
        given_names=rng.choice(GIVEN_NAMES),
        date_of_birth=born,
        sex=rng.choice([Sex.FEMALE, Sex.MALE]),
        postcode=postcode,
        admission_date=admission,
        admission_method=AdmissionMethod.EMERGENCY
        if rng.random() < 0.9
        else AdmissionMethod.ELECTIVE,
        discharge_date=discharge,
        date_of_death=date_of_death,
        place_of_death=place,
        site=rng.choice(SITES),
        specialty=rng.choice(SPECIALTIES),
        gp_practice_code=f"C82{rng.randrange(1, 30):03d}",
        learning_disability=Tristate.YES if rng.random() < 0.03 else Tristate.NO,
    )


def synthetic_cases(count: int, seed: int = 2017, prefix: str = "NSR") -> list[Case]:
    """``count`` cases with unique refs and unique NHS numbers."""
    rng = random.Random(seed)
    seen: set[str] = set()
    cases: list[Case] = []
    for number in range(1, count + 1):
        case = synthetic_case(rng, number, prefix)
        while case.nhs_number in seen:
            case = case.model_copy(update={"nhs_number": synthetic_nhs_number(rng)})
        seen.add(case.nhs_number)
        cases.append(case)
    return cases


def synthetic_reviewers(count: int = 8, seed: int = 2017) -> list[Reviewer]:
    """A panel alternating doctors and nurses across the three sectors."""
    rng = random.Random(seed)
    sectors = (Sector.SECONDARY, Sector.PRIMARY, Sector.COMMUNITY)
    reviewers = []
    for i in range(1, count + 1):
        doctor = i % 2 == 1
        name = f"{'Dr' if doctor else 'Nurse'} {rng.choice(GIVEN_NAMES)} {rng.choice(FAMILY_NAMES)}"
        registration = (
            f"GMC {rng.randrange(10**6, 10**7)}"
            if doctor
            else f"NMC {rng.randrange(10, 99)}A{rng.randrange(1000, 9999)}E"
        )
        sector = sectors[(i // 2) % 3]
        conflicts: tuple[str, ...] = ()
        if sector is Sector.SECONDARY and rng.random() < 0.5:
            conflicts = (rng.choice(SPECIALTIES),)
        elif sector is Sector.PRIMARY and rng.random() < 0.5:
            conflicts = (f"C82{rng.randrange(1, 30):03d}",)
        reviewers.append(
            Reviewer(
                reviewer_ref=f"R{i:02d}",
                name=name,
                profession=Profession.DOCTOR if doctor else Profession.NURSE,
                sector=sector,
                organisation="Synthetic Trust",
                registration=registration,
                email=f"reviewer{i:02d}@example.nhs.uk",
                conflicts=conflicts,
            )
        )
    return reviewers


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def cohort_rows(cases: list[Case]) -> Iterator[dict[str, str]]:
    for case in cases:
        yield {
            "case_ref": case.case_ref,
            "nhs_number": format_nhs_number(case.nhs_number),
            "hospital_number": case.hospital_number or "",
            "family_name": case.family_name,
            "given_names": case.given_names,
            "date_of_birth": _iso(case.date_of_birth),
            "sex": case.sex.value,
            "postcode": case.postcode or "",
            "admission_date": _iso(case.admission_date),
            "admission_method": case.admission_method.value if case.admission_method else "",
            "discharge_date": _iso(case.discharge_date),
            "date_of_death": _iso(case.date_of_death),
            "place_of_death": case.place_of_death.value,
            "site": case.site or "",
            "specialty": case.specialty or "",
            "gp_practice_code": case.gp_practice_code or "",
            "learning_disability": ""
            if case.learning_disability is Tristate.UNKNOWN
            else case.learning_disability.value,
        }


def cohort_csv(cases: list[Case]) -> str:
    """The cohort as the trusts' information teams would send it (data-contracts.md)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COHORT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(cohort_rows(cases))
    return out.getvalue()


def panel_csv(reviewers: list[Reviewer]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PANEL_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for r in reviewers:
        writer.writerow(
            {
                "reviewer_ref": r.reviewer_ref,
                "name": r.name,
                "profession": r.profession.value,
                "sector": r.sector.value,
                "organisation": r.organisation or "",
                "registration": r.registration or "",
                "email": r.email or "",
                "conflicts": ";".join(r.conflicts),
            }
        )
    return out.getvalue()
