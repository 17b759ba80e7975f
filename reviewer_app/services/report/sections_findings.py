"""Sections 1-4 of the taskforce report: cohort, care scores, avoidability, themes."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
)

from reviewer_app.services.pdf.blocks import gap, note, para, subheading
from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    PALE_BLUE,
)
from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.figures_avoidability import NATIONAL_CAVEAT
from reviewer_app.services.report.headline import mltn_sentence, mltn_shown
from reviewer_app.services.report.page_blocks import (
    dashboard_table,
    fitted_table,
    section_opening,
    table_block,
    text_para,
    wide_table,
)
from reviewer_app.services.report.tables import TOTAL, is_hidden
from reviewer_app.services.report.views import CHART_TITLES, report_charts


def _chart(f: ReportFigures, key: str) -> Flowable:
    """A chart under its title, kept on one page."""
    return KeepTogether([subheading(CHART_TITLES[key]), report_charts(f)[key]])


def section_cohort(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    flow = section_opening(
        1,
        "Every death identified for the review, once, in its review status: reviewed, "
        "excluded because records were missing, handed back for a conflict of interest, "
        "outside this method, or not yet reviewed.",
    )
    flow += table_block(pub["place_split"])
    for key in (
        "cohort_by_place",
        "cohort_by_organisation",
        "cohort_by_specialty",
        "cohort_by_month",
    ):
        flow += table_block(pub[key], shares=False, first_width=48 * mm)
    flow += dashboard_table(pub["dashboard"])
    if f.cohort.unmatched_reviews:
        flow.append(
            text_para(
                f"{len(f.cohort.unmatched_reviews)} returned review(s) name a case the "
                "cohort does not hold: they are left out of every figure."
            )
        )
    return flow


def section_care(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    dist = pub["care_scores"]
    flow = section_opening(
        2,
        "Care scored 1 (very poor) to 5 (excellent) per phase of care and overall, as the "
        "Structured Judgement Review scores it. Not applicable and not answered are shown "
        "apart and never counted as a score.",
    )
    flow.append(_chart(f, "care_scores"))
    flow += table_block(dist, shares=False, first_width=52 * mm)
    flow += table_block(pub["care_summary"], first_width=90 * mm)
    return flow


def section_avoidability(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    a = f.avoidability
    grades = pub["avoidability_grades"]
    flow = section_opening(
        3,
        f"Grades in the study's orientation ({a.scale.label} scale), with their meaning. "
        '"More likely than not due to problems in care" is RCP 1-3 (Hogan 4-6).',
    )
    rows = []
    graded = a.graded
    for i, label in enumerate(grades.table.row_labels):
        text = grades.cells[i][0]
        is_grade = i < len(grades.table.row_labels) - 1
        share = (
            ""
            if not is_grade or graded == 0 or is_hidden(text) or not mltn_shown(f)
            else f" ({100 * grades.table.body[i][0] / graded:.1f}% of graded)"
        )
        rows.append([para(label), para(text + share)])
    rows.append([para(TOTAL, "cell_bold"), para(grades.cells[-1][0])])
    flow += [
        subheading(grades.table.title),
        fitted_table(
            ["Grade", "Cases"],
            rows,
            [120 * mm, FRAME_WIDTH - 120 * mm],
            [("BACKGROUND", (0, len(rows)), (-1, len(rows)), PALE_BLUE)],
        ),
        note(grades.denominator),
        gap(2),
    ]
    flow.append(text_para(f"More likely than not due to problems in care: {mltn_sentence(f)}."))
    flow += [
        subheading(CHART_TITLES["avoidability_national"]),
        report_charts(f)["avoidability_national"],
        note(NATIONAL_CAVEAT),
        gap(2),
    ]
    return flow


def section_themes(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    flow = section_opening(
        4,
        "For each theme, the fully reviewed cases where the reviewers identified an issue and "
        "where they identified good practice; then the settings and phases named for an issue, "
        "the problems in care by type and harm, and their severity.",
    )
    flow.append(_chart(f, "themes_issue"))
    for key in ("themes_issue", "themes_good_practice"):
        flow += table_block(pub[key], shares=True, first_width=62 * mm)
    for key in (
        "themes_by_setting",
        "themes_good_by_setting",
        "themes_by_phase",
        "themes_good_by_phase",
    ):
        flow += wide_table(pub[key])
    flow += table_block(pub["problems_by_harm"], first_width=62 * mm)
    flow += table_block(pub["problems_by_severity"], first_width=62 * mm)
    return flow
