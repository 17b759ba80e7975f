"""Intake of the reviewers CSV: the review panel (data-contracts.md, "Reviewers CSV").

Same all-or-nothing rule as the cohort: a panel with a bad row would allocate cases to the
wrong people or miss a conflict, so any error means no reviewers, and every error is listed.
Conflicts are the safety-critical column: they are split, trimmed and normalised here so the
allocator compares like with like.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from reviewer_app.domain.panel import Profession, Reviewer, Sector, conflict_key
from reviewer_app.services.intake.csv_reader import (
    CsvImport,
    CsvRow,
    RowProblem,
    format_problems,
    read_table,
)

__all__ = ["PanelImport", "RowProblem", "format_problems", "read_panel"]

REQUIRED = ("reviewer_ref", "name", "profession", "sector")
OPTIONAL = ("organisation", "registration", "email", "conflicts")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_AGAIN = "import the file again."

E = TypeVar("E", Profession, Sector)


@dataclass
class PanelImport(CsvImport):
    reviewers: list[Reviewer] = field(default_factory=list)


def read_panel(data: bytes, source_name: str) -> PanelImport:
    """Read a reviewers CSV. Raises ``InvalidInputError`` only when the whole file is unusable."""
    table = read_table(data, source_name, required=REQUIRED, optional=OPTIONAL)
    result = PanelImport(errors=list(table.problems), notices=list(table.notices))
    seen: dict[str, int] = {}
    reviewers: list[Reviewer] = []
    for row in table.rows:
        problems: list[RowProblem] = []
        reviewer = _reviewer(source_name, row, problems)
        ref = row.values["reviewer_ref"]
        if ref and ref.casefold() in seen:
            problems.append(
                RowProblem(
                    source_name,
                    row.line,
                    "reviewer_ref",
                    f'"{ref}" is also on line {seen[ref.casefold()]}',
                    f"Give each reviewer their own reviewer_ref, then {_AGAIN}",
                )
            )
        elif ref:
            seen[ref.casefold()] = row.line
        result.errors.extend(problems)
        if reviewer is not None and not problems:
            reviewers.append(reviewer)
    if not result.errors:
        result.reviewers = reviewers
    return result


def split_conflicts(raw: str) -> tuple[str, ...]:
    """Semicolon-separated codes, trimmed, blanks dropped, repeats (in any case) dropped."""
    kept: dict[str, str] = {}
    for part in raw.split(";"):
        item = part.strip()
        if item:
            kept.setdefault(conflict_key(item), item)
    return tuple(kept.values())


def _reviewer(source: str, row: CsvRow, problems: list[RowProblem]) -> Reviewer | None:
    values = row.values

    def problem(column: str, reason: str, action: str) -> None:
        problems.append(RowProblem(source, row.line, column, reason, action))

    for column in REQUIRED:
        if not values[column]:
            problem(column, "is empty", f"Fill it in and {_AGAIN}")
    for column, value in values.items():
        if "\n" in value or "\r" in value:
            problem(column, "runs over more than one line", f"Put it on one line and {_AGAIN}")
        elif len(value) > (1000 if column == "conflicts" else 100):
            problem(column, "is too long", f"Shorten it and {_AGAIN}")

    def allowed(kind: type[E], column: str, listed: str) -> E | None:
        value = _enum(kind, values[column])
        if values[column] and value is None:
            problem(
                column,
                f'"{values[column][:40]}" is not one of the allowed values',
                f"Use {listed}, and {_AGAIN}",
            )
        return value

    profession = allowed(Profession, "profession", "doctor, nurse or other")
    sector = allowed(Sector, "sector", "primary, secondary or community")
    email = values.get("email", "")
    if email and not _EMAIL.fullmatch(email):
        problem("email", "is not an email address", f"Correct it or leave it blank, and {_AGAIN}")
    if problems or profession is None or sector is None:
        return None
    return Reviewer(
        reviewer_ref=values["reviewer_ref"],
        name=values["name"],
        profession=profession,
        sector=sector,
        organisation=values.get("organisation") or None,
        registration=values.get("registration") or None,
        email=email or None,
        conflicts=split_conflicts(values.get("conflicts", "")),
    )


def _enum(kind: type[E], raw: str) -> E | None:
    try:
        return kind(raw.lower())
    except ValueError:
        return None
