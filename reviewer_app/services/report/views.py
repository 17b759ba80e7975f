"""The report's charts by name, for the PDF and the coordinator's window alike.

:func:`report_charts` returns every chart as a reportlab ``Drawing`` (vector graphics); the PDF
places these very objects, and the window renders them with :func:`charts.to_svg`, so the
window and the PDF never differ. Each chart is drawn from the published tables, so the
publication copy's charts hide what its tables hide.
"""

from __future__ import annotations

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors

from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.report import charts
from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.figures_avoidability import NATIONAL_RATES
from reviewer_app.services.report.headline import mltn_shown

CHART_TITLES = {
    "care_summary": "Summary of care (three-level rule of the 2014 review)",
    "care_scores": "Distribution per phase (share of fully reviewed cases)",
    "avoidability_national": "Against the national rates (context only)",
    "themes_issue": "Issue identified, per theme (share of fully reviewed cases)",
}


def avoidability_points(f: ReportFigures) -> list[tuple[str, float, float | None, float | None]]:
    """This review's share more likely than not (unless suppressed) and the national rates."""
    points: list[tuple[str, float, float | None, float | None]] = []
    p = f.avoidability.more_likely_than_not
    if p is not None and mltn_shown(f):
        points.append(
            ("This review (95% Wilson interval)", p.percent, 100 * p.lower, 100 * p.upper)
        )
    points += [(label, rate, None, None) for label, rate in NATIONAL_RATES]
    return points


def report_charts(f: ReportFigures, width: float = FRAME_WIDTH) -> dict[str, Drawing]:
    """Every chart of the report, keyed as :data:`CHART_TITLES`."""
    pub = f.published
    return {
        "care_summary": charts.bars(pub["care_summary"], width, label_width=150),
        "care_scores": charts.stacked_bars(pub["care_scores"], width),
        "avoidability_national": charts.interval_chart(avoidability_points(f), width),
        "themes_issue": charts.stacked_bars(
            pub["themes_issue"],
            width,
            palette=[colors.HexColor("#DA291C"), colors.HexColor("#41B6E6")],
        ),
    }
