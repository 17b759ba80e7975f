"""Section 6, relatives' experience: contact attempted, reached, declined, no answer, no
contact details; concerns raised; and concerns set against the reviewers' findings (poor care,
a phase or overall scored 1-2, or avoidability RCP <= 3).

Counted over the fully reviewed cases (the contact questions are asked in a full review).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reviewer_app.domain.report import AnswerCode
from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.figures_care import scores
from reviewer_app.services.report.figures_themes import yes_no_column
from reviewer_app.services.report.source import ReportInput, answer, option_labels, rcp_grade
from reviewer_app.services.report.tables import CountTable, SectionTables, make_table, num

NOT_ATTEMPTED = "Contact not attempted"
POOR_FINDING = "Poor care (score 1-2) or RCP 1-3"
NO_POOR_FINDING = "Neither"


@dataclass(frozen=True)
class RelativesFigures(SectionTables):
    reviewed: int
    contact: CountTable
    concerns_against_findings: CountTable
    attempted: int
    reached: int

    def to_json(self) -> dict[str, Any]:
        return {"reviewed": self.reviewed, "attempted": self.attempted, "reached": self.reached}


@dataclass
class _Counts:
    contact: Counter[tuple[str, str]] = field(default_factory=Counter)
    against: Counter[tuple[str, str]] = field(default_factory=Counter)
    attempted: int = 0
    reached: int = 0


def _count(inp: ReportInput, reviewed: list[ResolvedCase], outcomes: dict[str, str]) -> _Counts:
    """Each case's contact row and concerns column, and its concerns against the findings."""
    got = _Counts()
    for case in reviewed:
        tried = answer(case, "relatives.contact_attempted")
        if tried == "yes":
            got.attempted += 1
            outcome = answer(case, "relatives.outcome")
            row = outcomes.get(str(outcome), AnswerCode.NOT_ANSWERED.label)
            got.reached += outcome == "spoke"
        elif tried == "no":
            row = NOT_ATTEMPTED
        else:
            row = (
                yes_no_column(tried)
                if isinstance(tried, AnswerCode)
                else AnswerCode.NOT_ANSWERED.label
            )
        concerns = yes_no_column(answer(case, "relatives.concerns_raised"))
        got.contact[(row, concerns)] += 1
        grade = rcp_grade(case)
        poor = any(s <= 2 for s in scores(inp, case)) or (grade is not None and grade <= 3)
        got.against[(POOR_FINDING if poor else NO_POOR_FINDING, concerns)] += 1
    return got


def relatives_figures(inp: ReportInput) -> RelativesFigures:
    reviewed = inp.full_reviews()
    n = len(reviewed)
    outcomes = option_labels(inp.definition, "relatives.outcome")
    got = _count(inp, reviewed, outcomes)
    concern_columns = ["Yes", "No"] + [
        c
        for c in (
            AnswerCode.UNKNOWN.label,
            AnswerCode.NOT_ANSWERED.label,
            AnswerCode.NOT_ASKED.label,
        )
        if any(k == c for _, k in got.contact)
    ]
    rows = [*outcomes.values(), NOT_ATTEMPTED]
    rows += sorted({r for r, _ in got.contact} - set(rows))
    contact_table = make_table(
        "relatives_contact",
        "Contact with relatives and concerns raised",
        "Contact",
        rows,
        concern_columns,
        dict(got.contact),
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases. Columns: whether relatives raised "
        "concerns (not answered where there was no contact).",
        share="column",
    )
    against_table = make_table(
        "relatives_concerns_findings",
        "Relatives' concerns against the reviewers' findings",
        "Reviewers' findings",
        [POOR_FINDING, NO_POOR_FINDING],
        concern_columns,
        dict(got.against),
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases. Columns: whether relatives raised "
        "concerns.",
        share="row",
    )
    return RelativesFigures(n, contact_table, against_table, got.attempted, got.reached)
