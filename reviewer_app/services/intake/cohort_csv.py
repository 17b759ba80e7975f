"""Intake of the cohort CSV: the deaths to review (data-contracts.md, "Cohort CSV").

All or nothing: a file with any row in error yields no cases, because a half-imported cohort
is worse than none (the coordinator would not know which rows are missing). Every error is
reported at once, with line, column, reason and what to do, so the file is fixed in one pass.
Rows that are valid but fall outside the cohort or this method are imported with a warning:
the coordinator decides, the importer does not silently drop deaths.

One death is one case, across files too: given the study's existing cases, a row whose NHS
number already belongs to another case is an error (naming that case), unless the same file
also corrects that other case (its case_ref with another NHS number). A row with an existing
case_ref is an update of that case, as before.

Messages never contain names, NHS numbers, hospital numbers, postcodes or dates of birth.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from itertools import pairwise
from typing import TypeVar

from reviewer_app.domain.case import AdmissionMethod, Case, PlaceOfDeath, Sex, Tristate
from reviewer_app.domain.identifiers import nhs_number_digits, normalise_postcode
from reviewer_app.services.intake.csv_export import csv_safe
from reviewer_app.services.intake.csv_reader import (
    CsvImport,
    CsvRow,
    RowChecks,
    RowProblem,
    format_problems,
    parse_date,
    read_table,
)

__all__ = [
    "CohortImport",
    "CohortWarning",
    "RowProblem",
    "WarningKind",
    "csv_safe",
    "format_problems",
    "read_cohort",
]

REQUIRED = (
    "case_ref",
    "nhs_number",
    "family_name",
    "given_names",
    "date_of_birth",
    "sex",
    "admission_date",
    "date_of_death",
    "place_of_death",
)
OPTIONAL = (
    "hospital_number",
    "postcode",
    "admission_method",
    "discharge_date",
    "site",
    "specialty",
    "gp_practice_code",
    "learning_disability",
)
# Columns whose bad values may be quoted back; everything else identifies a person.
_ECHOED = {
    "case_ref",
    "sex",
    "admission_date",
    "admission_method",
    "discharge_date",
    "date_of_death",
    "place_of_death",
    "learning_disability",
}
_SEX = {
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "other": Sex.OTHER,
    "unknown": Sex.UNKNOWN,
    "u": Sex.UNKNOWN,
}
_LEARNING_DISABILITY = {
    "yes": Tristate.YES,
    "no": Tristate.NO,
    "": Tristate.UNKNOWN,
    "unknown": Tristate.UNKNOWN,
}
_ALLOWED = {"sex": "female, male, other, unknown (or F, M, U)", "learning_disability": "yes, no"}
_NAME_PUNCTUATION = frozenset(" '’-")
POST_DISCHARGE_DAYS = 30
ADULT_AGE = 18
_AGAIN = "import the file again."

E = TypeVar("E", bound=StrEnum)


class WarningKind(StrEnum):
    OUTSIDE_COHORT = "outside_cohort"  # died more than 30 days after discharge
    OUTSIDE_METHOD = "outside_method"  # under 18 at death: child death review


@dataclass(frozen=True)
class CohortWarning:
    """A valid row the coordinator should look at: imported, but flagged."""

    source: str
    line: int
    case_ref: str
    kind: WarningKind
    reason: str

    def __str__(self) -> str:
        return f"{self.source} line {self.line} (case {self.case_ref}): {self.reason}."


@dataclass
class CohortImport(CsvImport):
    """``cases`` is empty whenever ``errors`` is not: the caller imports all or nothing.

    ``warnings`` are kept even then, so the coordinator sees everything in one pass.
    """

    cases: list[Case] = field(default_factory=list)
    warnings: list[CohortWarning] = field(default_factory=list)

    def flagged(self, kind: WarningKind) -> set[str]:
        """The case_refs carrying a warning of this kind."""
        return {w.case_ref for w in self.warnings if w.kind is kind}


def read_cohort(
    data: bytes, source_name: str, existing: Mapping[str, str] | None = None
) -> CohortImport:
    """Read a cohort CSV. Raises ``InvalidInputError`` only when the whole file is unusable.

    ``existing`` maps the NHS number of each case already in the study to its case_ref, so
    a second file cannot add a death that is already a case under another case_ref.
    """
    table = read_table(data, source_name, required=REQUIRED, optional=OPTIONAL)
    result = CohortImport(errors=list(table.problems), notices=list(table.notices))
    case_refs: dict[str, int] = {}
    nhs_numbers: dict[str, int] = {}
    cases: list[Case] = []
    rows: list[_Row] = []
    for csv_row in table.rows:
        row = _Row(source_name, csv_row)
        case = row.case()
        _check_unique(row, "case_ref", case_refs, "Give each case its own case_ref")
        _check_unique(row, "nhs_number", nhs_numbers, "One death is one case: remove the repeat")
        rows.append(row)
        if case is not None and not row.problems:
            cases.append(case)
            result.warnings.extend(_warnings(source_name, csv_row.line, case))
    if existing:
        _check_existing(rows, existing, set(case_refs))
    for row in rows:
        result.errors.extend(row.problems)
    if not result.errors:
        result.cases = cases
    return result


def _check_existing(rows: list[_Row], existing: Mapping[str, str], in_file: set[str]) -> None:
    """A row's NHS number may not be another existing case's, unless this file corrects it."""
    for row in rows:
        nhs_number = row.unique_keys.get("nhs_number")
        case_ref = row.unique_keys.get("case_ref")
        owner = existing.get(nhs_number) if nhs_number is not None else None
        if owner is None or owner == case_ref or owner in in_file:
            continue
        row.problem(
            "nhs_number",
            f'the same NHS number is already case "{owner}" in the study: one death is one case',
            f'If this is that death, use case_ref "{owner}" (to correct its details); if the '
            f"earlier case has the wrong NHS number, correct case {owner} in this file too; "
            f"then {_AGAIN}",
        )


def _check_unique(row: _Row, column: str, seen: dict[str, int], action: str) -> None:
    key = row.unique_keys.get(column)
    if key is None:
        return
    if key in seen:
        what = f'"{key}"' if column in _ECHOED else "the same value"
        row.problem(column, f"{what} is also on line {seen[key]}", f"{action}, then {_AGAIN}")
    else:
        seen[key] = row.line


def _warnings(source: str, line: int, case: Case) -> list[CohortWarning]:
    found = []
    if case.discharge_date is not None:
        days = (case.date_of_death - case.discharge_date).days
        if days > POST_DISCHARGE_DAYS:
            found.append(
                CohortWarning(
                    source,
                    line,
                    case.case_ref,
                    WarningKind.OUTSIDE_COHORT,
                    f"died {days} days after discharge, more than {POST_DISCHARGE_DAYS}: "
                    "flagged as outside the cohort",
                )
            )
    if case.age_at_death < ADULT_AGE:
        found.append(
            CohortWarning(
                source,
                line,
                case.case_ref,
                WarningKind.OUTSIDE_METHOD,
                f"under {ADULT_AGE} at death: outside this method (child deaths follow the "
                "statutory child death review)",
            )
        )
    return found


class _Row(RowChecks):
    """Validates one row, collecting every problem in it rather than stopping at the first."""

    def __init__(self, source: str, row: CsvRow) -> None:
        super().__init__(source, row)
        self.unique_keys: dict[str, str] = {}

    def _shown(self, column: str) -> str:
        value = self.values.get(column, "")
        if column in _ECHOED:
            return f'"{value[:40]}"' if len(value) <= 40 else f'"{value[:40]}..."'
        return "the value"

    def text(self, column: str, *, required: bool = False, max_length: int = 100) -> str | None:
        value = self.values.get(column, "")
        if not value:
            if required:
                self.problem(column, "is empty", f"Fill it in and {_AGAIN}")
            return None
        if "\n" in value or "\r" in value:
            self.problem(column, "runs over more than one line", f"Put it on one line and {_AGAIN}")
            return None
        if len(value) > max_length:
            self.problem(
                column, f"is longer than {max_length} characters", f"Shorten it and {_AGAIN}"
            )
            return None
        return value

    def choice(self, column: str, options: dict[str, E], *, required: bool) -> E | None:
        raw = self.values.get(column, "")
        if not raw and not required and "" not in options:
            return None
        key = raw.lower() if column == "sex" else raw.lower().replace(" ", "_").replace("-", "_")
        if key in options:
            return options[key]
        allowed = _ALLOWED.get(column) or ", ".join(k for k in options if k)
        if "" in options:
            allowed += " or blank"
        reason = (
            "is empty" if not raw else f"{self._shown(column)} is not one of the allowed values"
        )
        self.problem(column, reason, f"Use one of {allowed}, and {_AGAIN}")
        return None

    def date(self, column: str, *, required: bool) -> date | None:
        raw = self.values.get(column, "")
        if not raw:
            if required:
                self.problem(column, "is empty", f"Fill in the date and {_AGAIN}")
            return None
        try:
            return parse_date(raw)
        except ValueError as err:
            self.problem(column, f"{self._shown(column)} {err}", f"Fix the date and {_AGAIN}")
            return None

    def name(self, column: str) -> str | None:
        value = self.text(column, required=True)
        if value is None:
            return None
        if not _is_name(value):
            self.problem(
                column,
                "may contain only letters, apostrophes, hyphens and spaces",
                f"Correct the name and {_AGAIN}",
            )
            return None
        return value

    def nhs_number(self) -> str | None:
        raw = self.values.get("nhs_number", "")
        if not raw:
            self.problem("nhs_number", "is empty", f"Fill it in and {_AGAIN}")
            return None
        digits = nhs_number_digits(raw)
        if digits is None:
            self.problem(
                "nhs_number",
                "is not a valid NHS number (10 digits with a correct check digit)",
                f"Check it against the notes and {_AGAIN}",
            )
        return digits

    def postcode(self) -> str | None:
        raw = self.values.get("postcode", "")
        if not raw:
            return None
        postcode = normalise_postcode(raw)
        if postcode is None:
            self.problem(
                "postcode", "is not a UK postcode", f"Correct it or leave it blank, and {_AGAIN}"
            )
        return postcode

    def case(self) -> Case | None:
        case_ref = self.text("case_ref", required=True, max_length=50)
        nhs_number = self.nhs_number()
        if case_ref is not None:
            self.unique_keys["case_ref"] = case_ref
        if nhs_number is not None:
            self.unique_keys["nhs_number"] = nhs_number
        fields = {
            "case_ref": case_ref,
            "nhs_number": nhs_number,
            "hospital_number": self.text("hospital_number", max_length=50),
            "family_name": self.name("family_name"),
            "given_names": self.name("given_names"),
            "date_of_birth": self.date("date_of_birth", required=True),
            "sex": self.choice("sex", _SEX, required=True),
            "postcode": self.postcode(),
            "admission_date": self.date("admission_date", required=True),
            "admission_method": self.choice(
                "admission_method", {m.value: m for m in AdmissionMethod}, required=False
            ),
            "discharge_date": self.date("discharge_date", required=False),
            "date_of_death": self.date("date_of_death", required=True),
            "place_of_death": self.choice(
                "place_of_death", {p.value: p for p in PlaceOfDeath}, required=True
            ),
            "site": self.text("site"),
            "specialty": self.text("specialty"),
            "gp_practice_code": self.text("gp_practice_code", max_length=20),
            "learning_disability": self.choice(
                "learning_disability", _LEARNING_DISABILITY, required=False
            ),
        }
        self._check_date_order(fields)
        if self.problems:
            return None
        return Case.model_validate(fields)

    def _check_date_order(self, fields: Mapping[str, object]) -> None:
        """birth <= admission <= discharge <= death, each neighbouring pair that is known."""
        order = ("date_of_birth", "admission_date", "discharge_date", "date_of_death")
        known = [(c, v) for c in order if isinstance(v := fields[c], date)]
        for (earlier_column, earlier), (later_column, later) in pairwise(known):
            if later < earlier:
                self.problem(
                    later_column,
                    f"is before {earlier_column}",
                    f"Check both dates against the notes and {_AGAIN}",
                )


def _is_name(value: str) -> bool:
    """Any script's letters (with their combining marks), apostrophes, hyphens, spaces."""
    has_letter = False
    for position, char in enumerate(value):
        category = unicodedata.category(char)
        if category.startswith("L"):
            has_letter = True
        elif category.startswith("M"):
            if position == 0:
                return False
        elif char not in _NAME_PUNCTUATION:
            return False
    return has_letter
