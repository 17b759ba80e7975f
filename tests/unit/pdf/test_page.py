"""Page furniture helpers that are cached per process (issue 15): the QR code's path
operators and the fitted header and footer texts must say exactly what an uncached
computation says."""

from __future__ import annotations

import re

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from reviewer_app.services.pdf.fonts import FONTS, ensure_fonts
from reviewer_app.services.pdf.page import _fit, _qr_operators, qr_matrix

HASH = "3f" * 32


def _matrix_from_operators(count: int, operators: str) -> list[list[bool]]:
    """Paint the operators' rectangles (x y w 1 re, y counted from the bottom) on a grid."""
    grid = [[False] * count for _ in range(count)]
    lines = operators.splitlines()
    assert lines[-1] == "f"
    for line in lines[:-1]:
        match = re.fullmatch(r"(\d+) (\d+) (\d+) 1 re", line)
        assert match, line
        x, y, width = (int(g) for g in match.groups())
        row = count - 1 - y
        for col in range(x, x + width):
            assert not grid[row][col], "rectangles must not overlap"
            grid[row][col] = True
    return grid


@pytest.mark.parametrize(
    "payload", [f"NSR-0042 SHA256:{HASH}", f"BEN-0001 SHA256:{'0' * 64}", "A SHA256:" + "f" * 64]
)
def test_qr_operators_paint_exactly_the_dark_modules(payload: str) -> None:
    count, operators = _qr_operators(payload)
    assert count == len(qr_matrix(payload))
    assert _matrix_from_operators(count, operators) == qr_matrix(payload)


def test_qr_operators_are_cached_per_payload_and_differ_between_payloads() -> None:
    first = _qr_operators(f"NSR-0042 SHA256:{HASH}")
    assert _qr_operators(f"NSR-0042 SHA256:{HASH}") is first  # computed once
    other = _qr_operators(f"NSR-0043 SHA256:{HASH}")
    assert other != first


def test_fit_keeps_text_that_fits_and_shortens_what_does_not() -> None:
    ensure_fonts()
    text = "Structured case-note review of deaths in Leicestershire hospitals, 2017"
    full = stringWidth(text, FONTS.bold, 9)
    assert _fit(text, FONTS.bold, 9, full + 1) == text
    short = _fit(text, FONTS.bold, 9, full / 2)
    assert short.endswith("…") and text.startswith(short[:-1].rstrip())
    assert stringWidth(short, FONTS.bold, 9) <= full / 2
    # a cached answer is the same answer, and a narrower room gives a shorter text
    assert _fit(text, FONTS.bold, 9, full / 2) == short
    assert len(_fit(text, FONTS.bold, 9, full / 4)) < len(short)
