"""Section 3, avoidability of death: counts per grade in the study's orientation, the share
judged more likely than not due to problems in care (RCP <= 3, Hogan >= 4) with a 95% Wilson
interval, and the national rates for context.

For publication the grades are counted in one table of two rows (more likely than not: RCP 1,
2, 3; not: RCP 4, 5, 6) and a third for cases without a grade, so that suppression protects
the headline numerator (a row total) and the grades behind it together. The grade-by-grade
table the report prints is derived from it (:func:`grade_table`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.avoidability import RCP_GRADE_LABELS, AvoidabilityScale
from reviewer_app.domain.report import AnswerCode
from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.proportions import Proportion, proportion
from reviewer_app.services.report.source import ReportInput, rcp_grade
from reviewer_app.services.report.tables import CountTable, Derived, make_table, num

NATIONAL_RATES = (
    ("PRISM 1: deaths in 2009", 5.2),
    ("PRISM 1 and 2 together", 3.6),
    ("PRISM 2: deaths in 2012/13", 3.0),
)
NATIONAL_CAVEAT = (
    "National figures are for context only: PRISM sampled adult deaths in acute hospitals, "
    "while this cohort includes deaths in community hospitals and the community, so the rates "
    "are not directly comparable."
)
MLTN = "More likely than not (RCP 1-3)"
NOT_MLTN = "Not more likely than not (RCP 4-6)"
NOT_GRADED = "Not graded"
STRUCTURE_COLUMNS = ("RCP 1 or 4", "RCP 2 or 5", "RCP 3 or 6")


@dataclass(frozen=True)
class AvoidabilityFigures:
    reviewed: int
    by_rcp: dict[int, int]
    not_graded: int
    structure: CountTable
    grades: Derived
    more_likely_than_not: Proportion | None
    scale: AvoidabilityScale

    @property
    def graded(self) -> int:
        return sum(self.by_rcp.values())

    @property
    def mltn_count(self) -> int:
        return sum(self.by_rcp[g] for g in (1, 2, 3))

    def to_json(self) -> dict[str, Any]:
        p = self.more_likely_than_not
        return {
            "scale": self.scale.value,
            "reviewed": self.reviewed,
            "graded": self.graded,
            "not_graded": self.not_graded,
            "more_likely_than_not": {
                "numerator": self.mltn_count,
                "denominator": self.graded,
                "share": None if p is None else p.share,
                "ci95": None if p is None else [p.lower, p.upper],
                "method": "Wilson score interval",
            },
            "national_rates_percent": {label: rate for label, rate in NATIONAL_RATES},
            "national_caveat": NATIONAL_CAVEAT,
        }


def grade_label(rcp: int, scale: AvoidabilityScale) -> str:
    grade = rcp if scale is AvoidabilityScale.RCP else 7 - rcp
    name = "RCP" if scale is AvoidabilityScale.RCP else "Hogan"
    return f"{name} {grade}: {RCP_GRADE_LABELS[rcp]}"


def grade_order(scale: AvoidabilityScale) -> list[int]:
    """RCP grades in the order the study's scale numbers them (1 first)."""
    return [1, 2, 3, 4, 5, 6] if scale is AvoidabilityScale.RCP else [6, 5, 4, 3, 2, 1]


def _tally(reviewed: list[ResolvedCase]) -> tuple[dict[int, int], int]:
    """Cases by RCP grade 1-6, and those not graded."""
    tally: Counter[int] = Counter()
    not_graded = 0
    for case in reviewed:
        grade = rcp_grade(case)
        if grade is None:
            not_graded += 1
        else:
            tally[grade] += 1
    return {g: tally.get(g, 0) for g in range(1, 7)}, not_graded


def _structure(by_rcp: dict[int, int], not_graded: int, n: int) -> CountTable:
    body = {
        (MLTN, STRUCTURE_COLUMNS[0]): by_rcp[1],
        (MLTN, STRUCTURE_COLUMNS[1]): by_rcp[2],
        (MLTN, STRUCTURE_COLUMNS[2]): by_rcp[3],
        (NOT_MLTN, STRUCTURE_COLUMNS[0]): by_rcp[4],
        (NOT_MLTN, STRUCTURE_COLUMNS[1]): by_rcp[5],
        (NOT_MLTN, STRUCTURE_COLUMNS[2]): by_rcp[6],
        (NOT_GRADED, STRUCTURE_COLUMNS[0]): not_graded,
    }
    return make_table(
        "avoidability_structure",
        "Avoidability: more likely than not (RCP 1-3) or not (RCP 4-6), by grade",
        "Judgement",
        [MLTN, NOT_MLTN, NOT_GRADED],
        list(STRUCTURE_COLUMNS),
        body,
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases.",
        share=None,
        known=frozenset({(3, 3)}),
    )


def _grades(
    scale: AvoidabilityScale, by_rcp: dict[int, int], not_graded: int, n: int, structure: str
) -> Derived:
    """The grades in the study's orientation, each cell derived from the structure table's."""
    where = {1: (0, 0), 2: (0, 1), 3: (0, 2), 4: (1, 0), 5: (1, 1), 6: (1, 2)}
    order = grade_order(scale)
    rows = [grade_label(g, scale) for g in order] + [AnswerCode.NOT_ANSWERED.label]
    counts = {(grade_label(g, scale), "Cases"): by_rcp[g] for g in order}
    counts[(AnswerCode.NOT_ANSWERED.label, "Cases")] = not_graded
    table = make_table(
        "avoidability_grades",
        "Avoidability of death by grade",
        "Grade",
        rows,
        ["Cases"],
        counts,
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases. Shares are of the graded cases (the "
        "fully reviewed cases less those not graded, shown apart).",
        share=None,
    )
    parts: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {
        (i, 0): (where[g],) for i, g in enumerate(order)
    }
    parts[(6, 0)] = ((2, 0),)
    parts.update({(i, 1): parts[(i, 0)] for i in range(7)})
    parts[(7, 0)] = parts[(7, 1)] = ((3, 3),)
    return Derived(table, structure, parts)


def avoidability_figures(inp: ReportInput) -> AvoidabilityFigures:
    reviewed = inp.full_reviews()
    by_rcp, not_graded = _tally(reviewed)
    n = len(reviewed)
    structure = _structure(by_rcp, not_graded, n)
    scale = inp.options.scale
    return AvoidabilityFigures(
        n,
        by_rcp,
        not_graded,
        structure,
        _grades(scale, by_rcp, not_graded, n, structure.key),
        proportion(by_rcp[1] + by_rcp[2] + by_rcp[3], sum(by_rcp.values())),
        scale,
    )
