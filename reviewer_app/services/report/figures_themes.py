"""Section 4, themes: per theme, cases with an issue and with good practice (yes, no, not
applicable, cannot tell and not answered each apart), the settings and phases named for an
issue; problems in care by type and harm; the harm severity.

The two theme tables count fully reviewed cases (every row totals them: known to a reader).
By setting and by phase count cases with an issue in the theme naming each setting or phase:
a case names several, so those tables show no totals. Problems are counted one per problem
recorded (a case may record several); the severity table shares the harm table's columns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reviewer_app.domain.report import AnswerCode
from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.source import (
    ReportInput,
    answer,
    item_value,
    items,
    option_labels,
)
from reviewer_app.services.report.tables import (
    CountTable,
    SectionTables,
    every_case_per_row,
    make_table,
    num,
)

YES_NO_COLUMNS = {
    "yes": "Yes",
    "no": "No",
    "not_applicable": AnswerCode.NOT_APPLICABLE.label,
    "cannot_tell": AnswerCode.CANNOT_TELL.label,
    "unknown": AnswerCode.UNKNOWN.label,
}
HARM_COLUMNS = {"no": "No harm", "probably": "Probably", "yes": "Yes"}
NO_HARM_SEVERITY = "No harm: not applicable"


@dataclass(frozen=True)
class ThemeFigures(SectionTables):
    reviewed: int
    issue: CountTable
    good_practice: CountTable
    by_setting: CountTable
    by_phase: CountTable
    good_by_setting: CountTable
    good_by_phase: CountTable
    problem_harm: CountTable
    severity: CountTable
    problems: int
    cases_with_problems: int

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewed": self.reviewed,
            "problems": self.problems,
            "cases_with_problems": self.cases_with_problems,
        }


def yes_no_column(value: Any) -> str:
    if isinstance(value, AnswerCode):
        return value.label
    return YES_NO_COLUMNS.get(str(value), AnswerCode.NOT_ANSWERED.label)


def _columns_used(
    counts: Counter[tuple[str, str]], always: list[str], optional: list[str]
) -> list[str]:
    used = {c for _, c in counts}
    return [*always, *[c for c in optional if c in used]]


@dataclass(frozen=True)
class _Themes:
    """What every theme table reads: the fully reviewed cases and the definition's themes."""

    inp: ReportInput
    reviewed: list[ResolvedCase]

    @property
    def titles(self) -> list[str]:
        return [t.title for t in self.inp.definition.themes]


def _answered_table(t: _Themes, key: str, title: str, suffix: str) -> CountTable:
    counts: Counter[tuple[str, str]] = Counter()
    for theme in t.inp.definition.themes:
        for case in t.reviewed:
            counts[(theme.title, yes_no_column(answer(case, f"{theme.id}.{suffix}")))] += 1
    columns = _columns_used(
        counts,
        ["Yes", "No", AnswerCode.NOT_APPLICABLE.label, AnswerCode.CANNOT_TELL.label],
        [AnswerCode.UNKNOWN.label, AnswerCode.NOT_ANSWERED.label, AnswerCode.NOT_ASKED.label],
    )
    titles = t.titles
    return make_table(
        key,
        title,
        "Theme",
        titles,
        columns,
        dict(counts),
        "cases",
        f'Denominator: the {num(len(t.reviewed))} fully reviewed cases in every row. "No", not '
        "applicable, cannot tell and not answered are distinct answers, never pooled.",
        **every_case_per_row(titles, columns),
    )


def _named_counts(
    t: _Themes, field: str, which: str
) -> tuple[dict[str, str], Counter[tuple[str, str]]]:
    labels: dict[str, str] = {}
    counts: Counter[tuple[str, str]] = Counter()
    themes = t.inp.definition.themes
    for theme in themes:
        labels.update(option_labels(t.inp.definition, f"{theme.id}.{field}"))
    for theme in themes:
        for case in t.reviewed:
            if answer(case, f"{theme.id}.{which}") != "yes":
                continue
            chosen = answer(case, f"{theme.id}.{field}")
            if isinstance(chosen, list):
                for value in dict.fromkeys(str(v) for v in chosen):
                    counts[(theme.title, labels.get(value, value))] += 1
            else:
                counts[(theme.title, "None recorded")] += 1
    return labels, counts


def _named_table(  # noqa: PLR0917
    t: _Themes, key: str, title: str, field: str, header: str, which: str = "issue"
) -> CountTable:
    labels, counts = _named_counts(t, field, which)
    columns = [lab for lab in labels.values() if any(c == lab for _, c in counts)]
    if any(c == "None recorded" for _, c in counts):
        columns.append("None recorded")
    return make_table(
        key,
        title,
        "Theme",
        t.titles,
        columns,
        dict(counts),
        "mentions",
        f"Cases with {'an issue' if which == 'issue' else 'good practice'} in the theme, by "
        f"each {header} named (a case may name "
        f"several, so rows do not add up to cases and no totals are shown).",
        totals=False,
        share=None,
    )


@dataclass
class _Problems:
    harm: Counter[tuple[str, str]] = field(default_factory=Counter)
    severity: Counter[tuple[str, str]] = field(default_factory=Counter)
    problems: int = 0
    with_problems: int = 0


def _count_problems(
    reviewed: list[ResolvedCase], types: dict[str, str], severities: dict[str, str]
) -> _Problems:
    p = _Problems()
    for case in reviewed:
        found = items(case, "problems.items")
        p.with_problems += bool(found)
        for item in found:
            p.problems += 1
            kind = item_value(item, "problems.item.type")
            row = types.get(str(kind), AnswerCode.NOT_ANSWERED.label)
            h = item_value(item, "problems.item.harm")
            column = HARM_COLUMNS.get(str(h), AnswerCode.NOT_ANSWERED.label)
            p.harm[(row, column)] += 1
            if h == "no":
                p.severity[(NO_HARM_SEVERITY, column)] += 1
            else:
                s = item_value(item, "problems.item.severity")
                p.severity[(severities.get(str(s), AnswerCode.NOT_ANSWERED.label), column)] += 1
    return p


def _problem_tables(
    inp: ReportInput, reviewed: list[ResolvedCase]
) -> tuple[CountTable, CountTable, _Problems]:
    """Problems in care by type and harm, and the harm severity (sharing its columns)."""
    types = option_labels(inp.definition, "problems.item.type")
    severities = option_labels(inp.definition, "problems.item.severity")
    p = _count_problems(reviewed, types, severities)
    harm_columns = _columns_used(
        p.harm, list(HARM_COLUMNS.values()), [AnswerCode.NOT_ANSWERED.label]
    )
    type_rows = [*types.values()]
    if any(r == AnswerCode.NOT_ANSWERED.label for r, _ in p.harm):
        type_rows.append(AnswerCode.NOT_ANSWERED.label)
    problem_harm = make_table(
        "problems_by_harm",
        "Problems in care by type and harm",
        "Type of problem",
        type_rows,
        harm_columns,
        dict(p.harm),
        "problems",
        f"Denominator: the {num(p.problems)} problems recorded in {num(p.with_problems)} of the "
        f"{num(len(reviewed))} fully "
        "reviewed cases (a case may record several).",
        share="column",
    )
    severity_rows = [*severities.values(), AnswerCode.NOT_ANSWERED.label, NO_HARM_SEVERITY]
    severity_table = make_table(
        "problems_by_severity",
        "Harm severity of the problems in care",
        "Severity",
        severity_rows,
        harm_columns,
        dict(p.severity),
        "problems",
        f"Denominator: the {num(p.problems)} problems recorded; severity is graded where harm "
        "was yes or probably.",
        share="column",
    )
    return problem_harm, severity_table, p


def theme_figures(inp: ReportInput) -> ThemeFigures:
    reviewed = inp.full_reviews()
    t = _Themes(inp, reviewed)
    problem_harm, severity_table, p = _problem_tables(inp, reviewed)
    return ThemeFigures(
        len(reviewed),
        _answered_table(t, "themes_issue", "Cases with an issue identified, per theme", "issue"),
        _answered_table(
            t,
            "themes_good_practice",
            "Cases with good practice identified, per theme",
            "good_practice",
        ),
        _named_table(t, "themes_by_setting", "Issues by theme and setting", "setting", "setting"),
        _named_table(t, "themes_by_phase", "Issues by theme and phase of care", "phase", "phase"),
        _named_table(
            t,
            "themes_good_by_setting",
            "Good practice by theme and setting",
            "setting",
            "setting",
            "good_practice",
        ),
        _named_table(
            t,
            "themes_good_by_phase",
            "Good practice by theme and phase of care",
            "phase",
            "phase",
            "good_practice",
        ),
        problem_harm,
        severity_table,
        p.problems,
        p.with_problems,
    )
