"""Reusable layout blocks of the PDF case summary (reportlab flowables).

Tables split cleanly across pages: header rows repeat, rows with long text split inside the
row rather than overflowing, and a label never ends a page without its value.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    DARK_GREY,
    NHS_BLUE,
    PALE_BLUE,
    PALE_GREY,
    RULE_GREY,
    is_status,
    markup,
    styles,
)

Cell = Any  # a Paragraph, another flowable, or a string
_CONTROL_OR_TAB = re.compile(r"[\x00-\x1f\x7f]")
GRID = 0.5
PAD = 3.2
KEEP_ROOM = 55 * mm  # less room than this left on a page: a section starts on the next
LONG_CELL = 700  # characters of markup in one cell: its row may split across pages


def para(text: str, style_name: str = "cell") -> Paragraph:
    """Plain text (escaped) in a named style; status values get the quiet italic style."""
    s = styles()
    style = getattr(s, style_name)
    if is_status(text) and style_name in {"cell", "value"}:
        style = s.cell_status if style_name == "cell" else s.status
    return Paragraph(markup(text), style)


class Cells:
    """Builds table cells: a one-line text that fits becomes a plain string (drawn directly,
    no Paragraph to parse and wrap: most cells, and most of the rendering time), anything
    longer a Paragraph. Style commands for the plain cells are collected in ``commands``."""

    def __init__(self, widths: Sequence[float]) -> None:
        self.widths = list(widths)
        self.commands: list[tuple[Any, ...]] = []

    def __call__(
        self, text: str, col: int, row: int, style_name: str = "cell", span: int = 1
    ) -> Cell:
        s = styles()
        style = getattr(s, style_name)
        if is_status(text) and style_name in {"cell", "value"}:
            style = s.cell_status if style_name == "cell" else s.status
        width = sum(self.widths[col : col + span]) - 2 * PAD
        if "\n" in text or len(text) > 90 or _CONTROL_OR_TAB.search(text):
            return Paragraph(markup(text), style)
        if stringWidth(text, style.fontName, style.fontSize) > width:
            return Paragraph(markup(text), style)
        where = ((col, row), (col, row))
        self.commands += [
            ("FONT", *where, style.fontName, style.fontSize, style.leading),
            ("TEXTCOLOR", *where, style.textColor),
        ]
        return text


def heading(text: str) -> Paragraph:
    return Paragraph(markup(text), styles().h1)


def subheading(text: str) -> Paragraph:
    return Paragraph(markup(text), styles().h2)


def note(text: str) -> Paragraph:
    return Paragraph(markup(text), styles().small)


def section(title: str, body: Sequence[Flowable]) -> list[Flowable]:
    """A heading kept with the start of its body (never alone at the foot of a page).

    Heading and first block move to the next page together only when little room is left;
    with more room a long table starts here and splits (header row repeated).
    """
    if not body:
        return []
    first, *rest = body
    return [KeepStart([heading(title), first]), *rest]


class KeepStart(KeepTogether):  # type: ignore[misc]
    """Like KeepTogether, but content taller than ``KEEP_ROOM`` only needs that much room.

    A heading and its table move to the next page when less than ``KEEP_ROOM`` is left;
    otherwise the table starts under the heading and splits where the page ends.
    """

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        if getattr(self, "_wrapInfo", None) != (avail_width, avail_height):
            self.wrap(avail_width, avail_height)
        content: list[Flowable] = list(self._content)
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        if min(self._H, KEEP_ROOM) > avail_height and not at_top:
            content.insert(0, self.FrameBreak())
        return content


def split_rows(rows: Sequence[Sequence[Cell]]) -> int:
    """Allow splitting inside a row only for very long text (a row taller than a page).

    Short rows then move whole to the next page instead of being cut mid-sentence.
    """
    longest = max(
        (len(cell.text) for row in rows for cell in row if isinstance(cell, Paragraph)),
        default=0,
    )
    return 1 if longest > LONG_CELL else 0


def base_style(extra: Sequence[tuple[Any, ...]] = ()) -> TableStyle:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), PAD),
            ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
            ("TOPPADDING", (0, 0), (-1, -1), 2.2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
            ("LINEBELOW", (0, 0), (-1, -1), GRID, RULE_GREY),
            *extra,
        ]
    )


def header_style() -> list[tuple[Any, ...]]:
    return [
        ("BACKGROUND", (0, 0), (-1, 0), NHS_BLUE),
        ("LINEBELOW", (0, 0), (-1, 0), GRID, NHS_BLUE),
    ]


@dataclass
class Grid:
    """Label/value pairs laid out two pairs to a row (patient details, item cards)."""

    widths: tuple[float, float, float, float] = (34 * mm, 53 * mm, 34 * mm, 53 * mm)
    title: str | None = None
    pairs: list[tuple[str, str]] = field(default_factory=list)
    wide: list[tuple[str, str]] = field(default_factory=list)

    def table(self) -> Table:
        rows: list[list[Cell]] = []
        commands: list[tuple[Any, ...]] = []
        cell = Cells(self.widths)
        if self.title is not None:
            rows.append([para(self.title, "cell_bold"), "", "", ""])
            commands += [
                ("SPAN", (0, 0), (-1, 0)),
                ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                ("LINEABOVE", (0, 0), (-1, 0), 1, NHS_BLUE),
            ]
        for i in range(0, len(self.pairs), 2):
            (l1, v1), *second = self.pairs[i : i + 2]
            l2, v2 = second[0] if second else ("", "")
            r = len(rows)
            rows.append(
                [
                    cell(l1, 0, r, "label"),
                    cell(v1, 1, r),
                    cell(l2, 2, r, "label") if l2 else "",
                    cell(v2, 3, r) if l2 else "",
                ]
            )
        for label, value in self.wide:
            r = len(rows)
            rows.append([cell(label, 0, r, "label"), cell(value, 1, r, span=3), "", ""])
            commands.append(("SPAN", (1, r), (-1, r)))
        table = Table(
            rows,
            colWidths=list(self.widths),
            repeatRows=1 if self.title is not None else 0,
            splitInRow=split_rows(rows),
            hAlign="LEFT",
        )
        table.setStyle(base_style([*cell.commands, *commands]))
        return table


def question_table(rows: Sequence[tuple[str, str, bool]]) -> Table | None:
    """Question/answer rows; ``wide`` rows put a long answer under its question."""
    if not rows:
        return None
    data: list[list[Cell]] = []
    commands: list[tuple[Any, ...]] = []
    widths = [FRAME_WIDTH * 0.58, FRAME_WIDTH * 0.42]
    cell = Cells(widths)
    for label, value, wide in rows:
        if wide:
            data.append([cell(label, 0, len(data), "label", span=2), ""])
            data.append([para(value), ""])
            r = len(data) - 1
            commands += [
                ("SPAN", (0, r - 1), (-1, r - 1)),
                ("SPAN", (0, r), (-1, r)),
                ("LINEBELOW", (0, r - 1), (-1, r - 1), 0, colors.white),
                ("BOTTOMPADDING", (0, r - 1), (-1, r - 1), 0.5),
                # The question stays with (the start of) its answer.
                ("NOSPLIT", (0, r - 1), (-1, r)),
            ]
        else:
            r = len(data)
            data.append([cell(label, 0, r, "label"), cell(value, 1, r)])
    table = Table(data, colWidths=widths, splitInRow=split_rows(data), hAlign="LEFT")
    table.setStyle(base_style([*cell.commands, *commands]))
    return table


def header_table(
    header: Sequence[str],
    body: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A table with a coloured header row repeated on every page it spans."""
    head = [para(h, "head") for h in header]
    table = Table(
        [head, *body],
        colWidths=list(widths),
        repeatRows=1,
        splitInRow=split_rows(body),
        hAlign="LEFT",
    )
    table.setStyle(base_style([*header_style(), *extra]))
    return table


def boxed(
    content: Sequence[Sequence[Cell]],
    widths: Sequence[float],
    background: colors.Color = PALE_GREY,
    border: colors.Color = DARK_GREY,
    extra: Sequence[tuple[Any, ...]] = (),
) -> Table:
    """A tinted box (the at-a-glance summary, the amendment notice, flags)."""
    rows = [list(r) for r in content]
    table = Table(rows, colWidths=list(widths), hAlign="LEFT", splitInRow=split_rows(rows))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), background),
                ("BOX", (0, 0), (-1, -1), 0.8, border),
                ("LEFTPADDING", (0, 0), (-1, -1), 5),
                ("RIGHTPADDING", (0, 0), (-1, -1), 5),
                ("TOPPADDING", (0, 0), (-1, -1), 2.4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.6),
                *extra,
            ]
        )
    )
    return table


def gap(height_mm: float = 2.5) -> Spacer:
    return Spacer(1, height_mm * mm)


__all__ = [
    "Cell",
    "Cells",
    "Grid",
    "KeepStart",
    "boxed",
    "gap",
    "header_table",
    "heading",
    "note",
    "para",
    "question_table",
    "section",
    "subheading",
]
