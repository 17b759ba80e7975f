"""The report's charts as reportlab ``Drawing`` objects: vector graphics, never images.

The PDF places them as flowables; the coordinator's window renders the same objects to SVG
(``reportlab.graphics.renderSVG.drawToString``), so the window and the PDF never differ. Each
chart is drawn from a :class:`~tables.Published` table, so in publication mode it shows only
what the table shows: hidden counts are one grey "suppressed" segment (its size is the row
total less the shown counts, which a reader can work out anyway) or no bar at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from reviewer_app.services.pdf.fonts import FONTS, ensure_fonts
from reviewer_app.services.report.tables import Published, is_hidden

SCORE_COLOURS = [
    colors.HexColor("#8A1538"),
    colors.HexColor("#DA291C"),
    colors.HexColor("#FFB81C"),
    colors.HexColor("#41B6E6"),
    colors.HexColor("#005EB8"),
]
SPECIAL_COLOURS = [
    colors.HexColor("#AEB7BD"),
    colors.HexColor("#E8EDEE"),
    colors.HexColor("#D5DADC"),
]
SUPPRESSED = colors.HexColor("#425563")
TEXT = colors.HexColor("#212B32")


def fit(text: str, width: float, size: float, font: str = FONTS.regular) -> str:
    """``text`` cut at a word (with an ellipsis) so that it fits ``width`` points."""
    if stringWidth(text, font, size) <= width:
        return text
    words = text.split()
    while words and stringWidth(" ".join(words) + "…", font, size) > width:
        words.pop()
    return (" ".join(words) or text[:8]) + "…"


def _colour(index: int, palette: Sequence[Any]) -> Any:
    return palette[index] if index < len(palette) else SPECIAL_COLOURS[index % 3]


def _row_label(d: Drawing, y: float, text: str, label_width: float, **colour: Any) -> None:
    d.add(
        String(
            0, y + 2, fit(text, label_width - 4, 7), fontName=FONTS.regular, fontSize=7, **colour
        )
    )


@dataclass(frozen=True)
class _Plot:
    """Where a stacked-bar chart draws: labels to the left, the bars' width, the palette."""

    label_width: float
    plot_w: float
    palette: Sequence[Any]


def _stacked_row(d: Drawing, published: Published, i: int, y: float, plot: _Plot) -> bool:
    """Row ``i``'s 100% bar at ``y``; whether any of its segments was suppressed."""
    t = published.table
    columns = len(t.column_labels)
    bar_h = 11.0
    total = t.counts[i][columns]
    if is_hidden(published.cells[i][columns]) or total == 0:
        d.add(
            String(
                plot.label_width,
                y + 2,
                "suppressed" if total else "no cases",
                fontName=FONTS.italic,
                fontSize=7,
                fillColor=TEXT,
            )
        )
        return False
    x = plot.label_width
    hidden = 0
    for j in range(columns):
        value = t.counts[i][j]
        if is_hidden(published.cells[i][j]):
            hidden += value
            continue
        w = plot.plot_w * value / total
        if w > 0:
            d.add(Rect(x, y, w, bar_h, fillColor=_colour(j, plot.palette), strokeColor=None))
        x += w
    if hidden:
        d.add(
            Rect(
                x,
                y,
                plot.plot_w * hidden / total,
                bar_h,
                fillColor=SUPPRESSED,
                strokeColor=colors.white,
                strokeWidth=0.3,
            )
        )
    return bool(hidden)


def _legend(d: Drawing, entries: list[tuple[str, Any]], legend_h: float, plot: _Plot) -> None:
    """The 0-100% axis below the bars, then a legend entry per column, four a line."""
    for k in range(0, 5):
        x = plot.label_width + plot.plot_w * k / 4
        d.add(Line(x, legend_h, x, legend_h - 3, strokeColor=TEXT, strokeWidth=0.4))
        d.add(String(x - 6, legend_h - 11, f"{25 * k}%", fontName=FONTS.regular, fontSize=6))
    for n, (label, colour) in enumerate(entries):
        x = plot.label_width + (n % 4) * (plot.plot_w / 4)
        y = legend_h - 24 - 12 * (n // 4)
        d.add(Rect(x, y, 7, 7, fillColor=colour, strokeColor=None))
        d.add(
            String(
                x + 10,
                y + 1,
                fit(label, plot.plot_w / 4 - 12, 6.5),
                fontName=FONTS.regular,
                fontSize=6.5,
            )
        )


def stacked_bars(
    published: Published,
    width: float,
    palette: Sequence[Any] = SCORE_COLOURS,
    label_width: float = 150,
) -> Drawing:
    """One 100% bar per row of the table, a segment per column (legend below)."""
    ensure_fonts()
    t = published.table
    rows = len(t.row_labels)
    columns = len(t.column_labels)
    bar_h, gap = 11.0, 5.0
    legend_h = 14.0 * (
        (columns + 1 + 3) // 4 + 1
    )  # a legend entry per column, and one for suppressed
    height = rows * (bar_h + gap) + legend_h + 6
    d = Drawing(width, height)
    plot = _Plot(label_width, width - label_width - 10, palette)
    suppressed_any = False
    for i in range(rows):
        y = height - (i + 1) * (bar_h + gap)
        _row_label(d, y, t.row_labels[i], label_width, fillColor=TEXT)
        suppressed_any |= _stacked_row(d, published, i, y, plot)
    entries = [(t.column_labels[j], _colour(j, palette)) for j in range(columns)]
    if suppressed_any:
        entries.append(("Suppressed (publication)", SUPPRESSED))
    _legend(d, entries, legend_h, plot)
    return d


def bars(published: Published, width: float, column: int = 0, label_width: float = 190) -> Drawing:
    """Horizontal bars of one column's counts (hidden counts: no bar, their marker)."""
    ensure_fonts()
    t = published.table
    rows = len(t.row_labels)
    bar_h, gap = 10.0, 4.0
    height = rows * (bar_h + gap) + 6
    d = Drawing(width, height)
    values = [row[column] for row in t.counts[:rows]]
    top = max([*values, 1])
    plot_w = width - label_width - 40
    for i in range(rows):
        y = height - (i + 1) * (bar_h + gap)
        _row_label(d, y, t.row_labels[i], label_width)
        text = published.cells[i][column]
        if not is_hidden(text) and values[i]:
            d.add(
                Rect(
                    label_width,
                    y,
                    plot_w * values[i] / top,
                    bar_h,
                    fillColor=colors.HexColor("#005EB8"),
                    strokeColor=None,
                )
            )
        x = label_width + (0 if is_hidden(text) else plot_w * values[i] / top) + 3
        d.add(String(x, y + 2, text, fontName=FONTS.regular, fontSize=7))
    return d


def interval_chart(
    points: Sequence[tuple[str, float, float | None, float | None]],
    width: float,
    label_width: float = 190,
) -> Drawing:
    """Percentages as dots with their interval (``None``: a published rate without one)."""
    ensure_fonts()
    row_h = 16.0
    height = row_h * len(points) + 24
    d = Drawing(width, height)
    top = max([p[3] or p[1] for p in points] + [1.0]) * 1.15
    plot_w = width - label_width - 30

    def x_of(v: float) -> float:
        return label_width + plot_w * v / top

    for i, (label, value, low, high) in enumerate(points):
        y = height - (i + 1) * row_h
        d.add(String(0, y - 2, fit(label, label_width - 4, 7), fontName=FONTS.regular, fontSize=7))
        if low is not None and high is not None:
            d.add(Line(x_of(low), y, x_of(high), y, strokeColor=TEXT, strokeWidth=1))
            for v in (low, high):
                d.add(Line(x_of(v), y - 3, x_of(v), y + 3, strokeColor=TEXT, strokeWidth=1))
        d.add(
            Rect(
                x_of(value) - 2.5,
                y - 2.5,
                5,
                5,
                fillColor=colors.HexColor("#DA291C" if i == 0 else "#005EB8"),
                strokeColor=None,
            )
        )
        d.add(String(x_of(value) + 5, y + 3, f"{value:.1f}%", fontName=FONTS.regular, fontSize=6.5))
    steps = 5
    for k in range(steps + 1):
        v = top * k / steps
        d.add(Line(x_of(v), 14, x_of(v), 10, strokeColor=TEXT, strokeWidth=0.4))
        d.add(String(x_of(v) - 6, 2, f"{v:.0f}%", fontName=FONTS.regular, fontSize=6))
    d.add(Line(label_width, 14, label_width + plot_w, 14, strokeColor=TEXT, strokeWidth=0.4))
    return d


def to_svg(drawing: Drawing) -> str:
    """The chart as SVG text, for the coordinator's window."""
    from reportlab.graphics import renderSVG

    return str(renderSVG.drawToString(drawing))
