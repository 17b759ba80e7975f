"""Typography, colours and text helpers of the PDF case summary.

One place for sizes and colours keeps the hierarchy consistent: title, section headings,
labels, values, and the quieter style of "Not answered" / "Not applicable" / "Unknown" (shown
as such, never blank). Colours follow the NHS identity palette and stay legible in greyscale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle

from reviewer_app.domain.values import (
    INVALID_LABEL,
    MONTHS,
    NOT_ANSWERED_LABEL,
    YES_NO_LABELS,
)
from reviewer_app.services.pdf.fonts import FONTS

NHS_BLUE = colors.HexColor("#005EB8")
DARK_BLUE = colors.HexColor("#003087")
DARK_GREY = colors.HexColor("#425563")
MID_GREY = colors.HexColor("#768692")
PALE_GREY = colors.HexColor("#E8EDEE")
RULE_GREY = colors.HexColor("#AEB7BD")
PALE_BLUE = colors.HexColor("#E6EFF8")
RED = colors.HexColor("#DA291C")
PALE_RED = colors.HexColor("#FBE3E1")
PALE_AMBER = colors.HexColor("#FFF3D6")
PALE_GREEN = colors.HexColor("#E3F2E6")
TEXT = colors.HexColor("#212B32")

# Values that say something is absent or uncertain: shown, in a quieter italic.
STATUS_VALUES = frozenset(
    {
        NOT_ANSWERED_LABEL,
        INVALID_LABEL,
        YES_NO_LABELS["unknown"],
        YES_NO_LABELS["not_applicable"],
        YES_NO_LABELS["cannot_tell"],
    }
)
REDACTED = "[redacted: possible identifier]"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Styles:
    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    body: ParagraphStyle
    label: ParagraphStyle
    value: ParagraphStyle
    status: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_status: ParagraphStyle
    head: ParagraphStyle
    small: ParagraphStyle
    banner: ParagraphStyle


@cache
def styles() -> Styles:
    """The paragraph styles (built once; fonts must be registered first)."""
    regular, bold, italic = FONTS.regular, FONTS.bold, FONTS.italic

    def style(name: str, **kw: object) -> ParagraphStyle:
        base: dict[str, object] = {
            "fontName": regular,
            "fontSize": 9,
            "leading": 12,
            "textColor": TEXT,
            "alignment": TA_LEFT,
            "splitLongWords": 1,
            "embeddedHyphenation": 2,  # "treatment-escalation" may break after its hyphen
        }
        base.update(kw)
        return ParagraphStyle(name, **base)  # type: ignore[arg-type]

    return Styles(
        title=style("title", fontName=bold, fontSize=16, leading=20, textColor=DARK_BLUE),
        subtitle=style("subtitle", fontSize=9.5, leading=13, textColor=DARK_GREY),
        h1=style(
            "h1",
            fontName=bold,
            fontSize=11.5,
            leading=14,
            textColor=NHS_BLUE,
            spaceBefore=10,
            spaceAfter=4,
        ),
        h2=style("h2", fontName=bold, fontSize=9.5, leading=12, spaceBefore=4, spaceAfter=2),
        body=style("body"),
        label=style("label", fontSize=8.3, leading=10.5, textColor=DARK_GREY),
        value=style("value", fontSize=8.8, leading=11.2),
        status=style("status", fontName=italic, fontSize=8.8, leading=11.2, textColor=DARK_GREY),
        cell=style("cell", fontSize=8.1, leading=10.2),
        cell_bold=style("cell_bold", fontName=bold, fontSize=8.1, leading=10.2),
        cell_status=style(
            "cell_status", fontName=italic, fontSize=8.1, leading=10.2, textColor=DARK_GREY
        ),
        head=style("head", fontName=bold, fontSize=7.8, leading=9.6, textColor=colors.white),
        small=style("small", fontSize=7.2, leading=9, textColor=DARK_GREY),
        banner=style("banner", fontName=bold, fontSize=9.5, leading=12.5, textColor=RED),
    )


def clean(text: str) -> str:
    """Drop control characters that have no place on paper (tabs become spaces)."""
    return _CONTROL.sub("", text.replace("\t", "    ").replace("\r\n", "\n").replace("\r", "\n"))


def markup(text: str) -> str:
    """Free text as safe Paragraph markup: escaped (<, &, >, quotes), line breaks kept."""
    escaped = escape(clean(text), {'"': "&quot;"})
    return escaped.strip().replace("\n", "<br/>")


def is_status(value: str) -> bool:
    return value in STATUS_VALUES or value == REDACTED


def uk_date(day: date | None) -> str:
    """A calendar date as UK readers write it: 5 January 2024 ("Not recorded" if absent)."""
    if day is None:
        return "Not recorded"
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def uk_datetime(moment: datetime) -> str:
    """A UTC instant in UK time (GMT or BST, said so), e.g. 14 June 2024, 15:42 BST."""
    local, zone = _to_uk(moment)
    return f"{uk_date(local.date())}, {local:%H:%M} {zone}"


def _to_uk(moment: datetime) -> tuple[datetime, str]:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        local = aware.astimezone(ZoneInfo("Europe/London"))
    except (ImportError, KeyError, OSError, ValueError):  # no time-zone data installed
        utc = aware.astimezone(UTC)
        return utc, "UTC"
    return local, local.tzname() or "UK time"
