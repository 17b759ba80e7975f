"""The taskforce report as a board-ready A4 PDF: an executive summary on page 1, then the
nine numbered sections, every table with its denominator, charts drawn as vector graphics.

Every number printed comes from :class:`~figures.ReportFigures` and, for tables, from the
published strings (``figures.published``), so the PDF, the JSON and the exports agree; in
publication mode nothing but those strings is printed for a count.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
)

from reviewer_app.services.pdf.blocks import boxed, gap, header_table, note, para, subheading
from reviewer_app.services.pdf.fonts import FONTS, ensure_fonts
from reviewer_app.services.pdf.numbered_canvas import NumberedCanvas
from reviewer_app.services.pdf.page import FRAME_WIDTH, MARGIN_X, PAGE_HEIGHT, PAGE_WIDTH
from reviewer_app.services.pdf.styles import (
    DARK_BLUE,
    NHS_BLUE,
    PALE_AMBER,
    PALE_BLUE,
    RED,
    markup,
    styles,
)
from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.headline import (
    agreement_sentence,
    mltn_sentence,
    relatives_sentence,
)
from reviewer_app.services.report.page_blocks import (
    SECTIONS,
    count_text,
    text_para,
)
from reviewer_app.services.report.publication import RULE, TASKFORCE
from reviewer_app.services.report.sections_findings import (
    section_avoidability,
    section_care,
    section_cohort,
    section_themes,
)
from reviewer_app.services.report.sections_records import (
    section_actions,
    section_agreement,
    section_escalations,
    section_learning,
    section_relatives,
)
from reviewer_app.services.report.tables import is_hidden
from reviewer_app.services.report.views import CHART_TITLES, report_charts


class _ReportCanvas(NumberedCanvas):
    """Stamps "Page X of Y", the study and the copy's marking on every page."""

    def __init__(self, *args: Any, title: str = "", marking: str = "", **kw: Any) -> None:
        super().__init__(*args, **kw)
        self._title = title
        self._marking = marking

    def stamp(self, number: int, total: int) -> None:
        self.saveState()
        self.setFillColor(NHS_BLUE)
        self.rect(0, PAGE_HEIGHT - 9 * mm, PAGE_WIDTH, 9 * mm, stroke=0, fill=1)
        self.setFillColor(colors.white)
        self.setFont(FONTS.bold, 8.5)
        self.drawString(MARGIN_X, PAGE_HEIGHT - 6 * mm, self._title[:90])
        self.drawRightString(PAGE_WIDTH - MARGIN_X, PAGE_HEIGHT - 6 * mm, self._marking)
        self.setFillColor(DARK_BLUE)
        self.setFont(FONTS.regular, 7.5)
        self.drawString(MARGIN_X, 10 * mm, "Mortality case-note review: taskforce report")
        self.drawRightString(PAGE_WIDTH - MARGIN_X, 10 * mm, f"Page {number} of {total}")
        self.restoreState()


def _care_levels(f: ReportFigures) -> str:
    summary = f.published["care_summary"]
    levels = [
        f"{summary.table.row_labels[i]}: {summary.cells[i][0]}"
        + (
            f" ({summary.shares[i][0]}%)"
            if summary.shares
            and not is_hidden(summary.shares[i][0])
            and summary.shares[i][0] != "-"
            else ""
        )
        for i in range(len(summary.table.row_labels))
        if summary.table.body[i][0] or i < 3
    ]
    return "; ".join(levels)


def _top_themes(f: ReportFigures) -> str:
    issue = f.published["themes_issue"]
    top = sorted(range(len(issue.table.row_labels)), key=lambda i: -issue.table.body[i][0])[:3]
    return "; ".join(f"{issue.table.row_labels[i]} ({issue.cells[i][0]})" for i in top)


def _place_text(f: ReportFigures) -> str:
    place = f.published["place_split"]
    return (
        f"hospital {place.cells[0][0]}"
        + (
            f" ({place.shares[0][0]}%)"
            if place.shares and not is_hidden(place.shares[0][0])
            else ""
        )
        + f"; community hospital or community {place.cells[1][0]} (expected "
        "about 72/28)"
    )


def _summary_facts(f: ReportFigures) -> list[tuple[str, str]]:
    """The executive summary's figures, one (label, text) a row."""
    publication = f.input.options.publication
    by_month = f.published["cohort_by_month"]
    status_cells = by_month.cells[-1]
    labels = by_month.table.column_labels
    esc = f.escalations
    unreconciled = sum(1 for c in f.input.cases if c.unreconciled)
    return [
        ("Deaths identified", status_cells[-1]),
        ("Review status", "; ".join(f"{labels[j]}: {status_cells[j]}" for j in range(len(labels)))),
        ("Place of death", _place_text(f)),
        ("Summary of care", _care_levels(f)),
        ("Death more likely than not due to problems in care", mltn_sentence(f)),
        ("Themes with most issues", _top_themes(f) or "none"),
        (
            "Escalations",
            f"{count_text(esc.referrals, publication)} referral(s) for "
            f"{count_text(esc.cases_escalated, publication)} case(s); "
            f"immediate safety concerns: {count_text(esc.immediate_concerns, publication)}",
        ),
        ("Relatives", relatives_sentence(f)),
        (
            "Agreement on avoidability",
            f"{agreement_sentence(f)} (single-review avoidability is unreliable)",
        ),
        (
            "Reconciliation",
            f"{count_text(f.agreement.pairs, publication)} double-reviewed pairs; "
            f"{count_text(unreconciled, publication)} case(s) with an item still decided by "
            "the default rule (the worse care score, the more avoidable grade)",
        ),
        (
            "Actions",
            f"{len(f.actions.rows)} in the plan; "
            f"{sum(1 for r in f.actions.rows if r.overdue)} overdue",
        ),
    ]


def _summary(f: ReportFigures) -> list[Flowable]:
    opts = f.input.options
    s = styles()
    rows = [[para(k, "label"), para(v)] for k, v in _summary_facts(f)]
    return [
        Paragraph(markup(opts.study_name), s.title),
        Paragraph(
            markup(f"Taskforce report, made {opts.made_on.strftime('%d %B %Y')}"), s.subtitle
        ),
        gap(2),
        boxed(
            [[para(RULE if opts.publication else TASKFORCE, "cell_bold")]],
            [FRAME_WIDTH],
            background=PALE_BLUE if opts.publication else PALE_AMBER,
            border=NHS_BLUE if opts.publication else RED,
        ),
        gap(3),
        subheading("Executive summary"),
        header_table(["Figure", "This review"], rows, [58 * mm, FRAME_WIDTH - 58 * mm]),
        gap(3),
        subheading(CHART_TITLES["care_summary"]),
        report_charts(f)["care_summary"],
        note(f.care.rule.statement()),
        gap(2),
        text_para("Sections: " + "; ".join(f"{i}. {t}" for i, t in enumerate(SECTIONS, 1)) + "."),
        PageBreak(),
    ]


def report_story(f: ReportFigures) -> list[Flowable]:
    story = _summary(f)
    for part in (
        section_cohort,
        section_care,
        section_avoidability,
        section_themes,
        section_escalations,
        section_relatives,
        section_agreement,
        section_learning,
        section_actions,
    ):
        story += part(f)
    return story


def render_report(f: ReportFigures) -> bytes:
    """The report's PDF bytes."""
    ensure_fonts()
    buffer = io.BytesIO()
    opts = f.input.options
    marking = (
        "FOR PUBLICATION (small numbers suppressed)"
        if opts.publication
        else "FOR THE TASKFORCE ONLY: NOT FOR PUBLICATION"
    )
    doc = SimpleDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{opts.study_name}: taskforce report",
        author="reviewer-app",
        subject=marking,
        invariant=1,
    )
    story: Sequence[Flowable] = report_story(f)

    def make_canvas(*args: Any, **kw: Any) -> _ReportCanvas:
        return _ReportCanvas(*args, title=opts.study_name, marking=marking, **kw)

    doc.build(list(story), canvasmaker=make_canvas)
    return buffer.getvalue()
