"""How every answer is coded in the analysts' CSV files, and the codebook that says so.

Special states have their own codes, never blank and never "no": ``not_answered``,
``not_asked`` (the question is not in this review's definition, or did not apply),
``not_applicable``, ``unknown``, ``cannot_tell`` (from the records). They are words, not
negative numbers, so no spreadsheet escape (a leading ``'`` before ``-``) ever changes them.
Categories are coded by their
stored value (``yes``, ``no``, ``acute_hospital``, ...), care scores 1-5, avoidability as its
RCP grade 1-6 (the stored scale and grade in their own columns), multiple choices as their
values joined by ``|``, dates coarsened to the month (``YYYY-MM``), group questions as the
number of items, free text through the identifier gate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.domain.definition import ReviewDefinition

NOT_ANSWERED = "not_answered"
NOT_ASKED = "not_asked"
NOT_APPLICABLE = "not_applicable"
UNKNOWN = "unknown"
CANNOT_TELL = "cannot_tell"
SPECIAL_CODES = {
    NOT_ANSWERED: "not answered",
    NOT_ASKED: "not asked",
    NOT_APPLICABLE: "not applicable",
    UNKNOWN: "unknown",
    CANNOT_TELL: "cannot tell from the records",
}
_VALUE_CODES = {"not_applicable": NOT_APPLICABLE, "unknown": UNKNOWN, "cannot_tell": CANNOT_TELL}
Gate = Callable[[str], str]


def code_answer(question_type: str, entry: Any, gate: Gate) -> str:
    """One canonical answer entry (``{"state": ..., "value": ...}`` or absent) as its code."""
    if not isinstance(entry, dict):
        return NOT_ANSWERED
    state = entry.get("state")
    if state == "not_asked":
        return NOT_ASKED
    if state != "answered":
        return NOT_ANSWERED
    value = entry.get("value")
    if value is None:
        return NOT_ANSWERED
    if isinstance(value, str) and value in _VALUE_CODES and question_type != "text":
        return _VALUE_CODES[value]
    if question_type == "avoidability":
        parsed = parse_avoidability(value)
        return NOT_ANSWERED if parsed is None else str(parsed.rcp_grade)
    if question_type in ("date", "datetime"):
        return str(value)[:7]
    if question_type == "multiple_choice" and isinstance(value, list):
        return "|".join(str(v) for v in value)
    if question_type == "group":
        return str(len(value)) if isinstance(value, list) else NOT_ANSWERED
    if question_type == "text":
        return gate(str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def codebook_rows(definition: ReviewDefinition) -> list[list[str]]:
    """variable, label, type, codes: one row per column of reviews.csv."""
    special = "; ".join(f"{k} = {v}" for k, v in SPECIAL_CODES.items())
    rows = [
        ["case_id", "Pseudonymous case id (the study's case reference)", "text", ""],
        ["reviewer", "Reviewer pseudonym (the study's reviewer reference)", "text", ""],
        ["profession", "Reviewer's profession", "text", ""],
        ["review_mode", "Review mode", "category", "independent; joint"],
        ["stage", "Review stage", "category", "first; second_stage"],
        ["version", "Review version in force", "integer", ""],
        [
            "outcome",
            "Outcome of the review",
            "category",
            "full_review; records_missing; handed_back; outside_method",
        ],
        ["month_of_death", "Month of death", "date (YYYY-MM)", ""],
        [
            "place_of_death",
            "Place of death",
            "category",
            "acute_hospital; community_hospital; home; care_home; hospice; other",
        ],
        [
            "avoidability.scale",
            "Scale the avoidability grade was given on",
            "category",
            "rcp; hogan; " + special,
        ],
    ]
    for section, question in definition.top_questions():
        codes = special
        kind = question.type
        options = getattr(question, "options", None)
        if options:
            codes = "; ".join(f"{o.value} = {o.label}" for o in options) + "; " + special
        elif kind == "yes_no":
            codes = "yes; no; " + special
        elif kind == "care_score":
            codes = "1 = very poor; 2 = poor; 3 = adequate; 4 = good; 5 = excellent; " + special
        elif kind == "avoidability":
            codes = (
                "RCP grade 1 = definitely avoidable ... 6 = definitely not avoidable "
                "(a Hogan grade g is coded 7 - g); " + special
            )
        elif kind in ("date", "datetime"):
            codes = "YYYY-MM (coarsened to the month); " + special
        elif kind == "group":
            codes = "number of items; " + special
        elif kind == "text":
            codes = "free text after the identifier gate; " + special
        if kind == "multiple_choice":
            codes = "values joined by |; " + codes
        rows.append([question.id, f"{section.title}: {question.label}", kind, codes])
    return rows
