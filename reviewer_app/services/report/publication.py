"""How every table of the report is printed: as counted (the taskforce copy) or suppressed for
publication, tables that share totals suppressed together.

The rule (stated in the report): every count from 1 to 4, and any share computed from one, is
shown "<5"; further counts are hidden ("*", secondary suppression) so that no hidden count can
be worked out from its row or column totals or from another table of the report. Linked
tables are suppressed jointly (``suppression.suppress_linked``): the cohort tables share their
review-status columns; the avoidability grades and the escalation cross-table share their rows;
the problem tables share their harm columns; the two relatives tables their concern columns.
Totals a reader knows from elsewhere (the fully reviewed cases every care-score and theme row
adds up to, the headline totals) are never hidden to protect another count. Derived tables
(the dashboard's quarters and year to date, the place-of-death split, the grade-by-grade
avoidability table) show an entry only where it can be added up from shown entries of their
base. Counts of actions (not of people) are not suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.report import CohortStatus, PlaceGroup
from reviewer_app.services.report.figures_actions import ActionFigures
from reviewer_app.services.report.figures_avoidability import AvoidabilityFigures
from reviewer_app.services.report.figures_care import CareFigures
from reviewer_app.services.report.figures_cohort import CohortFigures
from reviewer_app.services.report.figures_escalations import EscalationFigures
from reviewer_app.services.report.figures_relatives import RelativesFigures
from reviewer_app.services.report.figures_themes import ThemeFigures
from reviewer_app.services.report.linked_suppression import suppress_linked
from reviewer_app.services.report.suppression import PRIMARY, THRESHOLD, suppress
from reviewer_app.services.report.tables import (
    CountTable,
    Derived,
    Published,
    from_suppressed,
    is_hidden,
    plain,
    publish_derived,
)

RULE = (
    "Publication rule: every count from 1 to 4, and any percentage computed from one, is shown "
    'as "<5". Further counts are hidden and shown as "*" (secondary suppression) so that no '
    "hidden count can be worked out from the row or column totals or from another table of "
    "this report; tables that share totals were checked together. Zeros are shown."
)
TASKFORCE = (
    "For the taskforce only: this copy shows every count, however small. It is not for "
    "publication; publish only the copy made with --publication."
)


@dataclass(frozen=True)
class Publication:
    publication: bool
    tables: dict[str, Published]

    def __getitem__(self, key: str) -> Published:
        return self.tables[key]

    def rule_statement(self) -> str:
        return RULE if self.publication else TASKFORCE

    def redact_sections(self, sections: dict[str, Any]) -> dict[str, Any]:
        """Publication JSON: the sections' headline numbers that a table hides are left out
        (the tables, suppressed, are what is published)."""
        out = dict(sections)
        avoid = dict(out["avoidability"])
        mltn = self.tables["avoidability_grades"]
        structure = self.tables["avoidability_structure"]
        hidden_numerator = structure.cells[0][-1] in ("<5", "*")
        if hidden_numerator:
            avoid["more_likely_than_not"] = {
                "numerator": structure.cells[0][-1],
                "denominator": mltn.cells[-1][-1],
                "share": structure.cells[0][-1],
                "ci95": None,
                "method": "suppressed",
            }
        out["avoidability"] = avoid
        agreement = dict(out["agreement"])
        statement = agreement.get("reconciliation_statement")
        if isinstance(statement, dict):
            # case references and each reviewer's own rates stay in the taskforce copy
            agreement["reconciliation_statement"] = {
                k: v for k, v in statement.items() if k not in ("discordant_cases", "reviewers")
            }
        out["agreement"] = agreement
        cohort = dict(out["cohort"])
        totals = self.tables["cohort_by_month"]
        statuses = dict(cohort["statuses"])
        for j, status in enumerate(CohortStatus):
            statuses[status.value] = _cell(totals.cells[-1][j])
        cohort["statuses"] = statuses
        cohort["identified"] = _cell(totals.cells[-1][-1])
        place = self.tables["place_split"]
        cohort["place_split"] = {
            **cohort["place_split"],
            "hospital": _cell(place.cells[0][0]),
            "community_hospital_or_community": _cell(place.cells[1][0]),
        }
        if any(is_hidden(place.cells[i][0]) for i in range(3)):
            cohort["place_split"]["hospital_share"] = None
            cohort["place_split"]["hospital_share_ci95"] = None
        out["cohort"] = cohort
        return {key: small_counts(value) for key, value in out.items()}


def _cell(text: str) -> int | str:
    """A published cell as JSON: its count, or its marker."""
    return int(text) if text.isdigit() else text


_NOT_COUNTS = frozenset({"summary_rule", "status", "format_version", "months", "labels"})


def small_counts(value: Any, key: str = "") -> Any:
    """Every whole count from 1 to 4 in a section's JSON as ``"<5"``, and every share,
    interval or statistic (a float) beside such a count as well; rules, statuses (0-5 on the
    action scale) and labels are not counts and are left alone."""
    if key in _NOT_COUNTS:
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return PRIMARY if 1 <= value < THRESHOLD else value
    if isinstance(value, list):
        return [small_counts(v, key) for v in value]
    if isinstance(value, dict):
        out = {k: small_counts(v, k) for k, v in value.items()}
        hid = any(out[k] == PRIMARY and isinstance(value[k], int) for k in out)
        if hid:  # a share, interval or statistic beside a hidden count could give it back
            for k, v in value.items():
                if isinstance(v, float) or (
                    isinstance(v, list) and v and all(isinstance(x, float) for x in v)
                ):
                    out[k] = PRIMARY
        return out
    return value


def _linked(
    tables: Sequence[CountTable],
    shared: str,
    grand_known: bool = True,
    margin_known: Sequence[int] = (),
) -> list[Published]:
    """``margin_known``: indices along the shared margin a reader knows from elsewhere (the
    grand total too, with ``grand_known``)."""
    bodies = [t.body for t in tables]
    margin_len = (len(bodies[0]) if shared == "rows" else len(bodies[0][0])) + 1
    known_margin = [*margin_known, *([margin_len - 1] if grand_known else [])]
    results = suppress_linked(
        bodies,
        "rows" if shared == "rows" else "columns",
        known=[t.known for t in tables],
        margin_known=known_margin,
    )
    return [from_suppressed(t, r) for t, r in zip(tables, results, strict=True)]


def _alone(table: CountTable, grand_known: bool = False) -> Published:
    if table.empty:
        return plain(table, publication=True)
    known = set(table.known)
    if grand_known:
        known.add((len(table.body), len(table.column_labels)))
    return from_suppressed(table, suppress(table.body, known=known))


def dashboard(cohort: CohortFigures) -> Derived:
    """Deaths identified and reviewed per month, financial quarter and year to date."""
    month_rows = {label: i for i, label in enumerate(cohort.by_month.row_labels)}
    from reviewer_app.services.report.figures_cohort import month_label

    columns = len(cohort.by_month.column_labels)
    reviewed = cohort.by_month.column_labels.index(CohortStatus.REVIEWED.label)
    body = []
    parts: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {}
    for i, period in enumerate(cohort.periods):
        rows = [month_rows[month_label(m)] for m in period.months]
        body.append(
            (
                sum(cohort.by_month.row_total(cohort.by_month.row_labels[r]) for r in rows),
                sum(cohort.by_month.body[r][reviewed] for r in rows),
            )
        )
        parts[(i, 0)] = tuple((r, columns) for r in rows)
        parts[(i, 1)] = tuple((r, reviewed) for r in rows)
    table = CountTable(
        "dashboard",
        "Learning from Deaths dashboard: deaths and reviews by period",
        "Period",
        tuple(p.label for p in cohort.periods),
        ("Deaths identified", "Reviewed"),
        tuple(body),
        "deaths",
        "Month of death; financial quarters and year (April to March) to date. Shares: "
        "reviewed of deaths identified.",
        totals=False,
        share=None,
    )
    return Derived(table, cohort.by_month.key, parts)


def place_split(cohort: CohortFigures) -> Derived:
    t = cohort.by_place
    columns = len(t.column_labels)
    hospital = t.row_labels.index(PlaceGroup.HOSPITAL.label)
    others = tuple((i, columns) for i in range(len(t.row_labels)) if i != hospital)
    table = CountTable(
        "place_split",
        "Place of death against the expected 72/28 split",
        "Place of death",
        (
            "Hospital (acute): expected about 72%",
            "Community hospital or community: expected about 28%",
        ),
        ("Deaths",),
        ((cohort.hospital,), (cohort.outside_hospital,)),
        "deaths",
        "Denominator: the deaths identified (the Total row). Expected in the planned "
        "review: about 72% in hospital, 28% in a community hospital or the community.",
        share="column",
    )
    parts = {
        (0, 0): ((hospital, columns),),
        (0, 1): ((hospital, columns),),
        (1, 0): others,
        (1, 1): others,
        (2, 0): ((len(t.row_labels), columns),),
        (2, 1): ((len(t.row_labels), columns),),
    }
    grand_hospital: tuple[tuple[int, int], ...] = (
        (len(t.row_labels), columns),
        (hospital, columns),
    )
    also: dict[tuple[int, int], tuple[tuple[int, int], ...]] = {
        (1, 0): grand_hospital,
        (1, 1): grand_hospital,
    }
    return Derived(table, t.key, parts, also)


def publish(  # noqa: PLR0917
    cohort: CohortFigures,
    care: CareFigures,
    avoid: AvoidabilityFigures,
    themes: ThemeFigures,
    esc: EscalationFigures,
    rel: RelativesFigures,
    actions: ActionFigures,
    *,
    publication: bool,
) -> Publication:
    derived = [dashboard(cohort), place_split(cohort), avoid.grades]
    every = [
        *cohort.tables,
        care.distribution,
        care.summary,
        avoid.structure,
        *themes.tables,
        *esc.tables,
        *rel.tables,
        actions.by_theme,
    ]
    tables: dict[str, Published] = {}
    if not publication:
        for t in every:
            tables[t.key] = plain(t)
        for d in derived:
            tables[d.table.key] = publish_derived(d, None)
        return Publication(False, tables)
    # The reviewed deaths are every other table's denominator (published throughout): the
    # cohort tables hold that column total known, and may hide the deaths identified instead.
    reviewed = cohort.by_month.column_labels.index(CohortStatus.REVIEWED.label)
    for p in _linked(cohort.tables, "columns", grand_known=False, margin_known=[reviewed]):
        tables[p.table.key] = p
    tables[care.distribution.key] = _alone(care.distribution)
    tables[care.summary.key] = _alone(care.summary, grand_known=True)
    for p in _linked([avoid.structure, esc.mltn_against_escalation], "rows"):
        tables[p.table.key] = p
    for t in (
        themes.issue,
        themes.good_practice,
        themes.by_setting,
        themes.by_phase,
        themes.good_by_setting,
        themes.good_by_phase,
    ):
        tables[t.key] = _alone(t)
    for p in _linked([themes.problem_harm, themes.severity], "columns"):
        tables[p.table.key] = p
    for t in (esc.by_trigger, esc.by_destination, esc.by_organisation):
        tables[t.key] = _alone(t)
    for t in (esc.by_status, esc.duty_of_candour):
        tables[t.key] = _alone(t, grand_known=True)
    for p in _linked(list(rel.tables), "columns"):
        tables[p.table.key] = p
    tables[actions.by_theme.key] = plain(actions.by_theme, publication=True)
    for d in derived:
        tables[d.table.key] = publish_derived(d, tables[d.base])
    return Publication(True, tables)
