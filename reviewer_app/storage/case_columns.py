"""The columns that identify a case and its admission, in both databases.

The workspace's ``cases`` table and the study's ``cohort_cases`` share them; released schema
steps on both sides are built from this list, so it must never change: a new column belongs in
a new migration step.
"""

from __future__ import annotations

CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_ref", "TEXT PRIMARY KEY"),
    ("nhs_number", "TEXT NOT NULL"),
    ("hospital_number", "TEXT"),
    ("family_name", "TEXT NOT NULL"),
    ("given_names", "TEXT NOT NULL"),
    ("date_of_birth", "TEXT NOT NULL"),
    ("sex", "TEXT NOT NULL"),
    ("postcode", "TEXT"),
    ("admission_date", "TEXT NOT NULL"),
    ("admission_method", "TEXT"),
    ("discharge_date", "TEXT"),
    ("date_of_death", "TEXT NOT NULL"),
    ("place_of_death", "TEXT NOT NULL"),
    ("site", "TEXT"),
    ("specialty", "TEXT"),
    ("gp_practice_code", "TEXT"),
    ("learning_disability", "TEXT NOT NULL"),
)


def case_columns_sql(width: int) -> str:
    """``CASE_COLUMNS`` as column definitions (each line ends in a comma), names padded to
    ``width`` so they line up with the table's other columns."""
    return "\n".join(f"    {name:<{width}} {decl}," for name, decl in CASE_COLUMNS)
