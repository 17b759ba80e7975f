"""Page furniture of the PDF case summary: header, footer, QR code, watermark, page X of Y.

Every page carries the study, the case reference and the version (a page that falls out of a
bundle can be put back), the content hash with a QR code of case ref + hash (a printed page
can be matched to its stored, signed review), the definition version, and "Page X of Y".
"Y" is only known at the end, so the canvas keeps each finished page and stamps the numbers
when the document is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from reviewer_app.services.pdf.fonts import FONTS
from reviewer_app.services.pdf.numbered_canvas import NumberedCanvas
from reviewer_app.services.pdf.styles import (
    DARK_BLUE,
    DARK_GREY,
    NHS_BLUE,
    RED,
    RULE_GREY,
    TEXT,
)

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_X = 18 * mm
HEADER_HEIGHT = 24 * mm  # from the top edge to the top of the text frame
FOOTER_HEIGHT = 27 * mm  # from the bottom edge to the bottom of the text frame
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
FRAME_HEIGHT = PAGE_HEIGHT - HEADER_HEIGHT - FOOTER_HEIGHT
QR_SIZE = 17 * mm
_QR_FORM = "summaryQr"


@dataclass(frozen=True, slots=True)
class PageDecor:
    """What the header and footer of every page say (no patient identifiers)."""

    study_name: str
    case_ref: str
    version_label: str
    classification: str
    content_hash: str
    definition_label: str
    footer_note: str
    synthetic: bool
    qr_payload: str


def qr_matrix(payload: str) -> list[list[bool]]:
    """The QR modules for ``payload`` (medium error correction, no quiet zone)."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    # A fixed mask pattern: every mask gives a valid code, and scoring all eight (the
    # default) costs five times as long for each page's footer.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=4)
    code.add_data(payload.encode("ascii"))
    code.make(fit=True)
    return [list(row) for row in code.get_matrix()]


@lru_cache(maxsize=256)
def _qr_operators(payload: str) -> tuple[int, str]:
    """The QR code of ``payload``: its module count, and its dark modules as raw path
    operators in module units (see ``_draw_qr``). Cached per payload: the two copies of a
    review version (full and taskforce) carry the same case ref and hash."""
    matrix = qr_matrix(payload)
    count = len(matrix)
    ops: list[str] = []
    for row_index, row in enumerate(matrix):
        y = count - row_index - 1
        start: int | None = None
        for col, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                ops.append(f"{start} {y} {col - start} 1 re")
                start = None
    return count, "\n".join([*ops, "f"])


class SummaryCanvas(NumberedCanvas):
    """A canvas that draws the page furniture and stamps "Page X of Y" when saved."""

    def __init__(self, *args: Any, decor: PageDecor, pdf_date: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.decor = decor
        self._qr_defined = False
        # The document date comes from the input, not the clock: equal input, equal bytes.
        self.setDateFormatter(lambda *_: pdf_date)

    # --- drawing --------------------------------------------------------------------------

    def draw_furniture(self) -> None:
        """Called at the start of every page, before its content (watermark lies beneath)."""
        self.saveState()
        if self.decor.synthetic:
            self._watermark()
        self._header()
        self._footer()
        self.restoreState()

    def _watermark(self) -> None:
        # Drawn on each page, not as a form: reportlab gives a form no resources of its own,
        # so its transparency (an ExtGState) would be lost; it costs under 1% of a render.
        self.saveState()
        self.setFillColor(RED)
        self.setFillAlpha(0.05)
        self.setFont(FONTS.bold, 64)
        self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
        self.rotate(52)
        self.drawCentredString(0, -22, "SYNTHETIC DATA")
        self.restoreState()

    def _header(self) -> None:
        d = self.decor
        top = PAGE_HEIGHT - 11 * mm
        right = PAGE_WIDTH - MARGIN_X
        # Right: case and version; then the SYNTHETIC DATA tag; the study name gets the rest.
        case_text = f"Case {d.case_ref}"
        right_width = max(
            self.stringWidth(case_text, FONTS.bold, 10.5),
            self.stringWidth(d.version_label, FONTS.regular, 8),
        )
        left_room = right - right_width - 6 * mm - MARGIN_X
        if d.synthetic:
            left_room -= self._synthetic_tag(right - right_width - 6 * mm, top) + 4 * mm
        self.setFillColor(NHS_BLUE)
        self.setFont(FONTS.bold, 9)
        self.drawString(MARGIN_X, top, _fit(d.study_name, FONTS.bold, 9, left_room))
        self.setFillColor(DARK_GREY)
        self.setFont(FONTS.regular, 7.5)
        self.drawString(MARGIN_X, top - 10.5, _fit(d.classification, FONTS.regular, 7.5, left_room))
        self.setFillColor(DARK_BLUE)
        self.setFont(FONTS.bold, 10.5)
        self.drawRightString(right, top, case_text)
        self.setFillColor(TEXT)
        self.setFont(FONTS.regular, 8)
        self.drawRightString(right, top - 10.5, d.version_label)
        self.setStrokeColor(NHS_BLUE)
        self.setLineWidth(1.2)
        rule = PAGE_HEIGHT - HEADER_HEIGHT + 5 * mm
        self.line(MARGIN_X, rule, right, rule)

    def _synthetic_tag(self, right_edge: float, top: float) -> float:
        """The red SYNTHETIC DATA tag ending at ``right_edge``; returns its width."""
        text = "SYNTHETIC DATA"
        width = float(self.stringWidth(text, FONTS.bold, 8.5)) + 10
        x = right_edge - width
        self.setStrokeColor(RED)
        self.setFillColor(colors.white)
        self.setLineWidth(1)
        self.roundRect(x, top - 4, width, 14, 2, stroke=1, fill=1)
        self.setFillColor(RED)
        self.setFont(FONTS.bold, 8.5)
        self.drawCentredString(x + width / 2, top, text)
        return width

    def _footer(self) -> None:
        d = self.decor
        right = PAGE_WIDTH - MARGIN_X
        rule = FOOTER_HEIGHT - 4 * mm
        self.setStrokeColor(RULE_GREY)
        self.setLineWidth(0.6)
        self.line(MARGIN_X, rule, right, rule)
        self._qr(MARGIN_X, rule - 2.5 * mm - QR_SIZE)
        x = MARGIN_X + QR_SIZE + 4 * mm
        y = rule - 6 * mm
        self.setFillColor(DARK_GREY)
        self.setFont(FONTS.bold, 6.8)
        self.drawString(x, y, "Content hash (SHA-256)")
        self.setFont(FONTS.regular, 6.8)
        self.setFillColor(TEXT)
        self.drawString(x, y - 8.5, d.content_hash)
        self.setFillColor(DARK_GREY)
        self.drawString(x, y - 18, d.definition_label)
        self.drawString(x, y - 27, _fit(d.footer_note, FONTS.regular, 6.8, 125 * mm))

    def _qr(self, x: float, y: float) -> None:
        if not self._qr_defined:
            self.beginForm(_QR_FORM)
            _draw_qr(self, self.decor.qr_payload, QR_SIZE)
            self.endForm()
            self._qr_defined = True
        self.saveState()
        self.translate(x, y)
        self.doForm(_QR_FORM)
        self.restoreState()

    def stamp(self, number: int, total: int) -> None:
        self.saveState()
        self.setFillColor(DARK_BLUE)
        self.setFont(FONTS.bold, 8.5)
        rule = FOOTER_HEIGHT - 4 * mm
        self.drawRightString(PAGE_WIDTH - MARGIN_X, rule - 6 * mm, f"Page {number} of {total}")
        self.restoreState()


def _draw_qr(canvas: Canvas, payload: str, size: float) -> None:
    """Dark modules as filled rectangles, merged along rows (a crisp vector code).

    Drawn in module units under one scaling, written as whole-number operators: reportlab's
    path objects format every coordinate as a float, which made this the slowest part of a
    page. The operators are computed once per payload (``_qr_operators``).
    """
    count, operators = _qr_operators(payload)
    module = size / count
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(module, 0, 0, module, 0, 0)
    canvas._code.append(operators)  # raw path operators, see the docstring
    canvas.restoreState()


def fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten ``text`` with an ellipsis so that it fits ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# Cached for the summary's furniture: every page of a document fits the same header and
# footer texts (the study, the classification, the footer note: never patient data, see
# ``PageDecor``). Other callers use ``fit``, which keeps nothing.
_fit = lru_cache(maxsize=512)(fit)
