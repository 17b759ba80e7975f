"""Section 1, the cohort: identified, reviewed, excluded, by place, organisation, specialty
and month, with the Learning-from-Deaths dashboard (month, quarter, year to date).

Every table here counts deaths of the cohort, one per case, in the same five columns (the
case's :class:`CohortStatus`): the tables share their column totals and are suppressed
together in publication mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.report import (
    EXPECTED_HOSPITAL_SHARE,
    PLACE_GROUPS,
    CohortStatus,
    PlaceGroup,
)
from reviewer_app.domain.values import MONTHS
from reviewer_app.services.report.proportions import proportion
from reviewer_app.services.report.source import ReportInput
from reviewer_app.services.report.tables import CountTable, SectionTables, make_table

STATUSES = tuple(CohortStatus)
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Period:
    """One row of the dashboard: a month, a financial quarter or the year to date, with the
    month keys (``YYYY-MM``) it adds up."""

    label: str
    kind: str  # month, quarter, year_to_date
    months: tuple[str, ...]


@dataclass(frozen=True)
class CohortFigures(SectionTables):
    identified: int
    statuses: dict[CohortStatus, int]
    by_place: CountTable
    by_organisation: CountTable
    by_specialty: CountTable
    by_month: CountTable
    periods: tuple[Period, ...]
    hospital: int
    outside_hospital: int
    unmatched_reviews: tuple[str, ...]  # reviewed case refs not in the cohort (a data error)

    @property
    def hospital_share(self) -> float | None:
        total = self.hospital + self.outside_hospital
        return None if total == 0 else self.hospital / total

    def to_json(self) -> dict[str, Any]:
        p = proportion(self.hospital, self.hospital + self.outside_hospital)
        return {
            "identified": self.identified,
            "statuses": {s.value: self.statuses[s] for s in STATUSES},
            "place_split": {
                "hospital": self.hospital,
                "community_hospital_or_community": self.outside_hospital,
                "hospital_share": None if p is None else p.share,
                "hospital_share_ci95": None if p is None else [p.lower, p.upper],
                "expected_hospital_share": EXPECTED_HOSPITAL_SHARE,
            },
            "periods": [
                {"label": x.label, "kind": x.kind, "months": list(x.months)} for x in self.periods
            ],
            "unmatched_reviews": len(self.unmatched_reviews),
        }


def case_status(outcome: str | None) -> CohortStatus:
    if outcome is None:
        return CohortStatus.AWAITING
    try:
        return CohortStatus(outcome)
    except ValueError:
        return CohortStatus.AWAITING


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_label(key: str) -> str:
    year, month = key.split("-")
    return f"{MONTHS[int(month) - 1]} {year}"


def financial_quarter(key: str) -> tuple[str, str]:
    """(financial year, quarter label) of a month key: the NHS year starts in April."""
    year, month = (int(x) for x in key.split("-"))
    start = year if month >= 4 else year - 1
    quarter = (month - 4) % 12 // 3 + 1
    fy = f"{start}/{(start + 1) % 100:02d}"
    return fy, f"Q{quarter} {fy}"


def periods_of(months: list[str]) -> tuple[Period, ...]:
    """Each month, then each financial quarter, then the year to date of the latest month's
    financial year (the dashboard's three views)."""
    if not months:
        return ()
    ordered = sorted(months)
    found = [Period(month_label(m), "month", (m,)) for m in ordered]
    quarters: dict[str, list[str]] = {}
    for m in ordered:
        quarters.setdefault(financial_quarter(m)[1], []).append(m)
    found += [Period(label, "quarter", tuple(ms)) for label, ms in quarters.items()]
    latest_fy = financial_quarter(ordered[-1])[0]
    ytd = tuple(m for m in ordered if financial_quarter(m)[0] == latest_fy)
    found.append(Period(f"Year to date {latest_fy}", "year_to_date", ytd))
    return tuple(found)


def _by_status(  # noqa: PLR0917
    inp: ReportInput,
    status_of: dict[str, CohortStatus],
    key: str,
    title: str,
    header: str,
    group: Callable[[Case], str],
    order: list[str] | None = None,
) -> CountTable:
    """The cohort by ``group`` (a row each) and review status (a column each)."""
    counts: Counter[tuple[str, str]] = Counter()
    for case in inp.cohort:
        counts[(group(case), status_of[case.case_ref].label)] += 1
    rows = order if order is not None else sorted({r for r, _ in counts})
    return make_table(
        key,
        title,
        header,
        rows,
        [s.label for s in STATUSES],
        dict(counts),
        "deaths",
        "Denominator: the deaths identified (the cohort: the Total row); each death counted "
        "once, in its review status.",
        share="row",
    )


def cohort_figures(inp: ReportInput) -> CohortFigures:
    outcome_of = {c.case_ref: c.outcome for c in inp.cases}
    cohort_refs = {c.case_ref for c in inp.cohort}
    status_of: dict[str, CohortStatus] = {
        c.case_ref: case_status(outcome_of.get(c.case_ref)) for c in inp.cohort
    }
    month_keys = sorted({month_key(c.date_of_death) for c in inp.cohort})
    statuses = Counter(status_of.values())
    hospital = sum(1 for c in inp.cohort if PLACE_GROUPS[c.place_of_death] is PlaceGroup.HOSPITAL)
    return CohortFigures(
        identified=len(inp.cohort),
        statuses={s: statuses.get(s, 0) for s in STATUSES},
        by_place=_by_status(
            inp,
            status_of,
            "cohort_by_place",
            "Deaths by place of death and review status",
            "Place of death",
            lambda c: PLACE_GROUPS[c.place_of_death].label,
            [g.label for g in PlaceGroup],
        ),
        by_organisation=_by_status(
            inp,
            status_of,
            "cohort_by_organisation",
            "Deaths by organisation (site) and review status",
            "Organisation",
            lambda c: c.site or NOT_RECORDED,
        ),
        by_specialty=_by_status(
            inp,
            status_of,
            "cohort_by_specialty",
            "Deaths by specialty and review status",
            "Specialty",
            lambda c: (c.specialty or NOT_RECORDED).capitalize(),
        ),
        by_month=_by_status(
            inp,
            status_of,
            "cohort_by_month",
            "Deaths by month of death and review status",
            "Month",
            lambda c: month_label(month_key(c.date_of_death)),
            [month_label(m) for m in month_keys],
        ),
        periods=periods_of(month_keys),
        hospital=hospital,
        outside_hospital=len(inp.cohort) - hospital,
        unmatched_reviews=tuple(sorted(r for r in outcome_of if r not in cohort_refs)),
    )
