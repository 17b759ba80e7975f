"""Page furniture for the records' PDFs (the escalation log, the referral, the action-plan
appendix): a header and footer drawn on every page once the page count is known, so each
page can say "Page X of Y" and carry its marking (de-identified, for a secure route only,
the status key).

Fonts and styles are ``services/pdf``'s (the bundled Unicode font: accented names survive).
reportlab is imported here, so this module is imported only inside the functions that make
a PDF (start-up stays light).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, SimpleDocTemplate

from reviewer_app.services.pdf.fonts import FONTS, ensure_fonts
from reviewer_app.services.pdf.numbered_canvas import NumberedCanvas
from reviewer_app.services.pdf.page import fit
from reviewer_app.services.pdf.styles import DARK_BLUE, DARK_GREY, NHS_BLUE, RED, RULE_GREY

Furniture = Callable[[Canvas, int, int], None]
PORTRAIT = A4
LANDSCAPE = landscape(A4)
MARGIN = 14 * mm


class _FurnishedCanvas(NumberedCanvas):
    """Draws the furniture on every page once the page count is known."""

    def __init__(self, *args: Any, furniture: Furniture, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._furniture = furniture

    def stamp(self, number: int, total: int) -> None:
        self.saveState()
        self._furniture(self, number, total)
        self.restoreState()


@dataclass(frozen=True)
class Frame:
    pagesize: tuple[float, float]
    top: float  # room kept for the header
    bottom: float  # room kept for the footer


def render(story: Sequence[Flowable], *, frame: Frame, furniture: Furniture, title: str) -> bytes:
    """The PDF bytes of ``story`` laid out in ``frame`` with ``furniture`` on every page."""
    ensure_fonts()
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=frame.pagesize,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=frame.top,
        bottomMargin=frame.bottom,
        title=title,
        author="reviewer-app",
        invariant=1,
    )

    def maker(*args: Any, **kwargs: Any) -> _FurnishedCanvas:
        return _FurnishedCanvas(*args, furniture=furniture, **kwargs)

    doc.build(list(story), canvasmaker=maker)
    return out.getvalue()


def frame_width(pagesize: tuple[float, float]) -> float:
    return float(pagesize[0] - 2 * MARGIN)


def draw_header(
    canvas: Canvas,
    pagesize: tuple[float, float],
    *,
    title: str,
    subtitle: str,
    marking: str,
    marking_red: bool,
) -> None:
    """Title and study on the left, the marking on the right, a rule beneath."""
    width, height = pagesize
    top = height - 10 * mm
    canvas.setFillColor(DARK_BLUE)
    canvas.setFont(FONTS.bold, 11)
    canvas.drawString(MARGIN, top, fit(title, FONTS.bold, 11, width * 0.55))
    canvas.setFillColor(DARK_GREY)
    canvas.setFont(FONTS.regular, 8)
    canvas.drawString(MARGIN, top - 11, fit(subtitle, FONTS.regular, 8, width * 0.55))
    canvas.setFillColor(RED if marking_red else DARK_GREY)
    canvas.setFont(FONTS.bold, 9 if marking_red else 8)
    canvas.drawRightString(width - MARGIN, top, marking)
    canvas.setStrokeColor(NHS_BLUE)
    canvas.setLineWidth(1)
    canvas.line(MARGIN, top - 16, width - MARGIN, top - 16)


def draw_footer(
    canvas: Canvas,
    pagesize: tuple[float, float],
    number: int,
    total: int,
    *,
    note: str,
    marking: str | None = None,
) -> None:
    width, _ = pagesize
    rule = 12 * mm
    canvas.setStrokeColor(RULE_GREY)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, rule, width - MARGIN, rule)
    canvas.setFillColor(DARK_GREY)
    canvas.setFont(FONTS.regular, 7)
    canvas.drawString(MARGIN, rule - 9, fit(note, FONTS.regular, 7, width * 0.6))
    if marking:
        canvas.setFillColor(RED)
        canvas.setFont(FONTS.bold, 8)
        canvas.drawCentredString(width / 2, rule - 20, marking)
    canvas.setFillColor(DARK_BLUE)
    canvas.setFont(FONTS.bold, 8)
    canvas.drawRightString(width - MARGIN, rule - 9, f"Page {number} of {total}")


def page_furniture(
    pagesize: tuple[float, float],
    *,
    title: str,
    subtitle: str,
    marking: str,
    marking_red: bool,
    note: str,
    footer_marking: str | None = None,
    extra: Callable[[Canvas], None] | None = None,
) -> Furniture:
    """Every page's furniture for one records PDF: the header, then ``extra`` (a key drawn
    under it), then the footer with its note and "Page X of Y"."""

    def furniture(canvas: Canvas, number: int, total: int) -> None:
        draw_header(
            canvas,
            pagesize,
            title=title,
            subtitle=subtitle,
            marking=marking,
            marking_red=marking_red,
        )
        if extra is not None:
            extra(canvas)
        draw_footer(canvas, pagesize, number, total, note=note, marking=footer_marking)

    return furniture
