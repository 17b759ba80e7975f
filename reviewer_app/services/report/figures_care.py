"""Section 2, care scores: the 1-5 distribution per phase and overall, with not applicable,
not answered (and not asked) apart, and the three-level summary of the 2014 review.

Counted over the fully reviewed cases, one value per case and phase (the value reconciliation
resolved). Every row of the distribution totals the fully reviewed cases, which the report
states, so the row totals are known to any reader (``CountTable.known``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.report import AnswerCode, CareLevel
from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.source import ReportInput, SummaryRule, answer, items
from reviewer_app.services.report.tables import (
    CountTable,
    every_case_per_row,
    make_table,
    num,
)

SCORE_LABELS = {1: "1 Very poor", 2: "2 Poor", 3: "3 Adequate", 4: "4 Good", 5: "5 Excellent"}
NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class CareFigures:
    reviewed: int
    distribution: CountTable
    summary: CountTable
    rule: SummaryRule
    levels: dict[str, CareLevel]  # case ref -> level (for the relatives' cross-table)

    def to_json(self) -> dict[str, Any]:
        return {"reviewed": self.reviewed, "summary_rule": self.rule.to_json()}


def score_column(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value in SCORE_LABELS:
        return SCORE_LABELS[value]
    if value == NOT_APPLICABLE:
        return AnswerCode.NOT_APPLICABLE.label
    if value is AnswerCode.NOT_ASKED:
        return AnswerCode.NOT_ASKED.label
    return AnswerCode.NOT_ANSWERED.label


def scores(inp: ReportInput, case: ResolvedCase) -> list[int]:
    found = []
    for phase in inp.definition.phases:
        for q in phase.questions:
            if q.type == "care_score":
                v = answer(case, q.id)
                if isinstance(v, int) and not isinstance(v, bool):
                    found.append(v)
    return found


def has_issue(inp: ReportInput, case: ResolvedCase) -> bool:
    for theme in inp.definition.themes:
        if answer(case, f"{theme.id}.issue") == "yes":
            return True
    return answer(case, "problems.any") == "yes" or bool(items(case, "problems.items"))


def care_level(inp: ReportInput, case: ResolvedCase, rule: SummaryRule) -> CareLevel:
    found = scores(inp, case)
    if not found:
        return CareLevel.NOT_CLASSIFIED
    if min(found) <= rule.unacceptable_at_most:
        return CareLevel.UNACCEPTABLE
    if min(found) <= rule.lessons_at_most or (rule.lessons_if_issue and has_issue(inp, case)):
        return CareLevel.LESSONS
    return CareLevel.ACCEPTABLE


def care_figures(inp: ReportInput) -> CareFigures:
    reviewed = inp.full_reviews()
    n = len(reviewed)
    columns = [
        *SCORE_LABELS.values(),
        AnswerCode.NOT_APPLICABLE.label,
        AnswerCode.NOT_ANSWERED.label,
    ]
    counts: Counter[tuple[str, str]] = Counter()
    rows: list[str] = []
    for phase in inp.definition.phases:
        for q in phase.questions:
            if q.type != "care_score":
                continue
            rows.append(phase.title)
            for case in reviewed:
                counts[(phase.title, score_column(answer(case, q.id)))] += 1
    if any(c == AnswerCode.NOT_ASKED.label for _, c in counts):
        columns.append(AnswerCode.NOT_ASKED.label)
    distribution = make_table(
        "care_scores",
        "Care scores per phase of care",
        "Phase of care",
        rows,
        columns,
        dict(counts),
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases in every row; not applicable and not "
        "answered are shown apart, never counted as a score.",
        **every_case_per_row(rows, columns),
    )
    rule = inp.options.summary_rule
    levels = {c.case_ref: care_level(inp, c, rule) for c in reviewed}
    tally = Counter(levels.values())
    level_rows = [lv.label for lv in CareLevel]
    summary = make_table(
        "care_summary",
        "Three-level summary of care (2014 review)",
        "Summary of care",
        level_rows,
        ["Cases"],
        {(lv.label, "Cases"): tally.get(lv, 0) for lv in CareLevel},
        "cases",
        f"Denominator: the {num(n)} fully reviewed cases. Rule: {rule.statement()}",
        share="column",
        known=frozenset({(len(level_rows), 1), (len(level_rows), 0)}),
    )
    return CareFigures(n, distribution, summary, rule, levels)
