"""Section 9, actions: the action plan against the themes. For each theme, how many fully
reviewed cases had an issue in it in this review, and the plan's actions for it that are open
(on time), overdue, complete or whose objective was revised; then every action with its
status on the board paper's 0-5 scale.

Actions are read as the records package gives them (``Action.to_json(today)``): ``theme``
(the definition's theme id), ``status`` (0-5), ``due_date``, ``overdue``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from reviewer_app.domain.natural_order import natural_key
from reviewer_app.domain.records import ActionStatus
from reviewer_app.services.report.source import ReportInput, answer
from reviewer_app.services.report.tables import CountTable, make_table

OPEN = "Open, on time"
OVERDUE = "Open, overdue"
COMPLETE = "Complete (5)"
REVISED = "Objective revised (0)"
COLUMNS = (OPEN, OVERDUE, COMPLETE, REVISED)
OTHER_THEME = "Not one of the review's themes"


@dataclass(frozen=True)
class ActionRow:
    reference: str
    theme: str
    action: str
    lead: str
    organisation: str
    due_date: str
    status: int
    status_label: str
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ActionFigures:
    by_theme: CountTable
    issues: dict[str, int]  # theme title -> cases with an issue
    rows: tuple[ActionRow, ...]
    reviewed: int

    def to_json(self) -> dict[str, Any]:
        return {
            "issues_by_theme": self.issues,
            "reviewed": self.reviewed,
            "actions": [r.to_json() for r in self.rows],
        }


def _status(value: Any) -> ActionStatus | None:
    try:
        return ActionStatus(str(value))
    except ValueError:
        return None


def action_figures(inp: ReportInput) -> ActionFigures:
    today: date = inp.options.made_on
    themes = {t.key or t.id.removeprefix("theme."): t.title for t in inp.definition.themes}
    reviewed = inp.full_reviews()
    issues = {
        t.title: sum(1 for c in reviewed if answer(c, f"{t.id}.issue") == "yes")
        for t in inp.definition.themes
    }
    counts: Counter[tuple[str, str]] = Counter()
    rows: list[ActionRow] = []
    for a in inp.actions:
        status = _status(a.get("status"))
        title = themes.get(str(a.get("theme")), OTHER_THEME)
        due = str(a.get("due_date", ""))
        overdue = (
            bool(a.get("overdue"))
            if "overdue" in a
            else (status is not None and status.is_open and due < today.isoformat())
        )
        if status is ActionStatus.COMPLETE:
            column = COMPLETE
        elif status is ActionStatus.OBJECTIVE_REVISED:
            column = REVISED
        else:
            column = OVERDUE if overdue else OPEN
        counts[(title, column)] += 1
        rows.append(
            ActionRow(
                str(a.get("reference", "")),
                title,
                str(a.get("action", "")),
                str(a.get("lead", "")),
                str(a.get("organisation", "")),
                due,
                -1 if status is None else status.number,
                "Not recorded" if status is None else status.label,
                overdue,
            )
        )
    theme_rows = list(themes.values())
    if any(r == OTHER_THEME for r, _ in counts):
        theme_rows.append(OTHER_THEME)
    table = make_table(
        "actions_by_theme",
        "Actions per theme and their status",
        "Theme",
        theme_rows,
        list(COLUMNS),
        dict(counts),
        "actions",
        f"Denominator: the {len(rows)} actions of the plan, on {today.isoformat()}.",
        share=None,
    )
    return ActionFigures(
        table, issues, tuple(sorted(rows, key=lambda r: natural_key(r.reference))), len(reviewed)
    )
