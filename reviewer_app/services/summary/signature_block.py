"""The signature block: who signs, in what capacity, when (UK time), and room for the stamp.

Above the signatures, a "Warnings acknowledged at sign-off" box lists every warning the
reviewer acknowledged (code and text) when the reviewer is an ``AcknowledgingSigner`` (what
sign-off passes), in both copies; "None" when there was nothing to acknowledge.

A joint review's co-reviewer box is drawn at the first signature and never changes: the
co-signature is an incremental update that only fills the box's signature field. So a
co-reviewer who has not signed yet is printed in words that stay true after they sign: their
name as designated in the pack and "Their signature, with their profession and registration
as their certificate states them, appears in this box when they sign." Nothing beside their
stamp ("Awaiting signature", a profession "recorded by the study coordinator", "Not
recorded") can contradict what the stamp later says.

The renderer does not sign. It leaves one empty, outlined area per signer and reports where
each landed (page and rectangle in PDF points) so that the signing service can put a visible
PAdES signature field exactly there with pyhanko (``SigFieldSpec(box=..., on_page=...)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table, TableStyle

from reviewer_app.services.pdf.blocks import heading, note, para
from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    MID_GREY,
    NHS_BLUE,
    PALE_BLUE,
    markup,
    styles,
    uk_datetime,
)
from reviewer_app.services.summary.input import Signer

__all__ = ["AcknowledgingSigner", "SignatureBox", "signature_block"]

BOX_HEIGHT = 19 * mm
ROLE_LABELS = {"reviewer": "Reviewer", "co-reviewer": "Co-reviewer"}
ACKNOWLEDGED_TITLE = "Warnings acknowledged at sign-off"
CO_REVIEWER_DESIGNATED = "designated in the pack"
CO_REVIEWER_PENDING = (
    "Their signature, with their profession and registration as their certificate states "
    "them, appears in this box when they sign."
)
NO_WARNINGS = "None: no warning was shown at sign-off."


class AcknowledgingSigner(Signer):
    """The signer at sign-off, with the warnings they acknowledged: (code, text) pairs."""

    acknowledged_warnings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SignatureBox:
    """Where the visible signature of one signer goes.

    ``page_index`` counts from 0; ``box`` is (x1, y1, x2, y2) in PDF points from the lower
    left corner of the page, as pyhanko's ``SigFieldSpec`` expects. ``field_name`` is a
    suggested, stable signature field name.
    """

    role: str
    signer_name: str
    field_name: str
    page_index: int
    box: tuple[float, float, float, float]


class SignatureSpace(Flowable):  # type: ignore[misc]
    """An empty outlined area for a signature stamp that records where it was drawn."""

    def __init__(
        self, width: float, height: float, signer: Signer, field_name: str, sink: list[SignatureBox]
    ) -> None:
        super().__init__()
        self.width = width
        self.height = height
        self._signer = signer
        self._field_name = field_name
        self._sink = sink

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        canv = self.canv
        canv.saveState()
        canv.setStrokeColor(MID_GREY)
        canv.setLineWidth(0.6)
        canv.setDash(2, 2)
        canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canv.restoreState()
        x1, y1 = canv.absolutePosition(0, 0)
        x2, y2 = canv.absolutePosition(self.width, self.height)
        box = (round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2))
        # A split or re-flow may draw twice on one build: keep the last position per field.
        self._sink[:] = [b for b in self._sink if b.field_name != self._field_name]
        self._sink.append(
            SignatureBox(
                role=self._signer.role,
                signer_name=self._signer.name,
                field_name=self._field_name,
                page_index=canv.getPageNumber() - 1,
                box=box,
            )
        )


def field_name_for(role: str, index: int) -> str:
    return f"Signature{index + 1}-{role}"


def signature_block(
    signers: tuple[Signer, ...], sink: list[SignatureBox], compact: bool = False
) -> list[Flowable]:
    """The "Signatures" section: one panel per signer (a pending reviewer if none given)."""
    people = signers or (Signer(name="Not yet signed", profession="Not recorded"),)
    column = (FRAME_WIDTH - 6 * mm) / 2
    panels = [_panel(s, i, column, sink, compact) for i, s in enumerate(people)]
    rows: list[list[Any]] = []
    for i in range(0, len(panels), 2):
        pair = panels[i : i + 2]
        rows.append([pair[0], "", pair[1] if len(pair) > 1 else ""])
    grid = Table(rows, colWidths=[column, 6 * mm, column], hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    intro = note(
        "Each signer signs this document with a PAdES digital signature. The signature, not "
        "a printed copy, is the evidence: check it in a PDF reader or with "
        "“reviewer-app verify”. The content hash below matches the signed review record."
    )
    return [
        *acknowledged_box(people),
        KeepTogether([heading("Signatures"), intro, _spacer(2), grid]),
    ]


def acknowledged_box(signers: tuple[Signer, ...]) -> list[Flowable]:
    """The "Warnings acknowledged at sign-off" box (nothing when no signer records any)."""
    found = [s for s in signers if isinstance(s, AcknowledgingSigner)]
    if not found:
        return []
    s = styles()
    rows: list[list[Any]] = [[Paragraph(markup(ACKNOWLEDGED_TITLE), s.cell_bold), ""]]
    warnings = [w for signer in found for w in signer.acknowledged_warnings]
    if not warnings:
        rows.append([para(NO_WARNINGS, "value"), ""])
    for code, text in warnings:
        rows.append([para(code, "small"), para(text, "value")])
    spans = [("SPAN", (0, 0), (-1, 0))]
    if not warnings:
        spans.append(("SPAN", (0, 1), (-1, 1)))
    table = Table(rows, colWidths=[42 * mm, FRAME_WIDTH - 42 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                *spans,
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                ("LINEABOVE", (0, 0), (-1, 0), 1, NHS_BLUE),
                ("BOX", (0, 0), (-1, -1), 0.5, MID_GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return [table, _spacer(3)]


def _panel(
    signer: Signer, index: int, width: float, sink: list[SignatureBox], compact: bool
) -> Table:
    s = styles()
    role = ROLE_LABELS.get(signer.role, signer.role)
    rows: list[list[Any]] = [[Paragraph(markup(role), s.cell_bold), ""]]
    spans: list[tuple[Any, ...]] = []
    if signer.role == "co-reviewer" and signer.signed_at is None:
        # Drawn once, before they sign, and true after: their certificate fills the stamp.
        rows.append([para("Name", "label"), para(f"{signer.name} ({CO_REVIEWER_DESIGNATED})")])
        rows.append([para(CO_REVIEWER_PENDING, "small"), ""])
        spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
    else:
        when = (
            uk_datetime(signer.signed_at)
            if signer.signed_at is not None
            else "Recorded in the digital signature"
        )
        lines: list[tuple[str, str]] = [
            ("Name", signer.name),
            ("Profession", signer.profession),
            ("Registration", signer.registration or "Not recorded"),
            ("Signed (UK time)", when),
        ]
        rows += [[para(label, "label"), para(value)] for label, value in lines]
    space = SignatureSpace(
        width - 8,
        (BOX_HEIGHT * 0.8) if compact else BOX_HEIGHT,
        signer,
        field_name_for(signer.role, index),
        sink,
    )
    rows.append([space, ""])
    rows.append([para("Digital signature", "small"), ""])
    last = len(rows) - 1
    table = Table(rows, colWidths=[30 * mm, width - 30 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("SPAN", (0, 0), (-1, 0)),
                *spans,
                ("SPAN", (0, last - 1), (-1, last - 1)),
                ("SPAN", (0, last), (-1, last)),
                ("BACKGROUND", (0, 0), (-1, 0), PALE_BLUE),
                ("LINEABOVE", (0, 0), (-1, 0), 1, NHS_BLUE),
                ("BOX", (0, 0), (-1, -1), 0.5, MID_GREY),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 1.8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.8),
                ("TOPPADDING", (0, last - 1), (-1, last - 1), 4),
            ]
        )
    )
    return table


def _spacer(height_mm: float) -> Flowable:
    from reportlab.platypus import Spacer

    return Spacer(1, height_mm * mm)
