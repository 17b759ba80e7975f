"""The bundled Unicode font for PDFs, registered with reportlab once per process.

reportlab's built-in fonts (Helvetica etc.) only cover Latin-1, so names such as Nguyễn or
Zielińska would lose their accents. The bundled DejaVu Sans covers them; it is embedded as a
subset with a ToUnicode map, so text copied or extracted from the PDF comes back intact.

Registration parses the TrueType files (tens of milliseconds), and reportlab keeps fonts in a
process-wide registry, so it happens once, under a lock, the first time a PDF is made.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reviewer_app.resources import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, resource

__all__ = ["FONTS", "PdfFonts", "ensure_fonts", "registration_count"]


@dataclass(frozen=True, slots=True)
class PdfFonts:
    """The reportlab names the summary uses (a family, so <b> and <i> work in Paragraphs)."""

    regular: str = "ReviewSans"
    bold: str = "ReviewSans-Bold"
    italic: str = "ReviewSans-Italic"


FONTS = PdfFonts()

_lock = threading.Lock()
_state = {"registrations": 0}


def ensure_fonts() -> PdfFonts:
    """Register the bundled fonts if this process has not yet done so; return their names."""
    with _lock:
        if _state["registrations"] == 0:
            from reportlab.lib.fonts import addMapping
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            for name, path in (
                (FONTS.regular, FONT_REGULAR),
                (FONTS.bold, FONT_BOLD),
                (FONTS.italic, FONT_ITALIC),
            ):
                pdfmetrics.registerFont(TTFont(name, str(resource(path))))
            # DejaVu Sans ships no bold-oblique in our bundle: bold italic falls back to bold.
            addMapping(FONTS.regular, 0, 0, FONTS.regular)
            addMapping(FONTS.regular, 1, 0, FONTS.bold)
            addMapping(FONTS.regular, 0, 1, FONTS.italic)
            addMapping(FONTS.regular, 1, 1, FONTS.bold)
            _state["registrations"] += 1
    return FONTS


def registration_count() -> int:
    """How many times the fonts were registered in this process (for tests: at most 1)."""
    return _state["registrations"]
