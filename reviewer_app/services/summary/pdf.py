"""The PDF case summary of a review: what taskforce, boards, providers and coroners read.

``render_summary(SummaryInput) -> bytes`` makes a normal, unsigned A4 PDF; the signing
service then adds PAdES signatures as incremental updates (``render_summary_layout`` also
says where the visible signature areas are). Output is deterministic: equal inputs give
identical bytes (reportlab's invariant mode, the document date taken from the input), so a
re-render can be compared with a stored file and tests are stable.

Metadata (title, author, subject) holds only the study and the case reference, in both the
identifiable copy and the taskforce copy; the taskforce copy leaves the patient's direct
identifiers out of the body too (see ``summary_redaction``).

Modules: ``summary_input`` (the input model, ``changes_between`` for amendments),
``summary_story`` (content and order), ``summary_answers`` (what is printed for each
answer), ``summary_tables`` (phases, themes, items, avoidability scale),
``summary_signatures`` (signature block and areas), ``summary_redaction`` (taskforce copy),
``pdf_blocks`` (tables), ``pdf_page`` (header, footer, QR code, page X of Y), ``pdf_styles``
(typography), ``pdf_fonts`` (the bundled font, registered once per process).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

from reviewer_app.services.pdf.fonts import ensure_fonts
from reviewer_app.services.pdf.page import (
    FOOTER_HEIGHT,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    MARGIN_X,
    PageDecor,
    SummaryCanvas,
)
from reviewer_app.services.summary.input import (
    ChangedField,
    Signer,
    SummaryInput,
    SummaryOutcome,
    changes_between,
)
from reviewer_app.services.summary.signature_block import SignatureBox
from reviewer_app.services.summary.story import SummaryStory
from reviewer_app.services.summary.taskforce import TASKFORCE_FOOTER, TASKFORCE_MARKING

__all__ = [
    "ChangedField",
    "RenderedSummary",
    "SignatureBox",
    "Signer",
    "SummaryInput",
    "SummaryOutcome",
    "changes_between",
    "pdf_metadata",
    "render_summary",
    "render_summary_layout",
]

PRODUCER = "reviewer-app (ReportLab)"
_FIXED_DATE = "D:20000101000000+00'00'"


@dataclass(frozen=True, slots=True)
class RenderedSummary:
    """The PDF bytes, how many pages, and where each signer's visible signature goes."""

    pdf: bytes
    page_count: int
    signature_boxes: tuple[SignatureBox, ...]


def render_summary(data: SummaryInput) -> bytes:
    """The unsigned PDF summary of one review version (deterministic for equal input)."""
    return render_summary_layout(data).pdf


def pdf_metadata(data: SummaryInput) -> dict[str, str]:
    """Document info: study and case reference only, never patient identifiers."""
    kind = "taskforce copy" if data.taskforce_copy else "case review summary"
    return {
        "title": f"{data.case.case_ref}: {kind}, version {data.version}",
        "author": data.study_name,
        "subject": f"{data.study_name} ({data.study_id}): structured case-note review, "
        f"case {data.case.case_ref}",
        "creator": "reviewer-app",
        "keywords": "",
    }


def render_summary_layout(data: SummaryInput) -> RenderedSummary:
    """Render, and report the page count and the signature areas (for the signing service)."""
    ensure_fonts()
    boxes: list[SignatureBox] = []
    story = SummaryStory(data, boxes).build()
    buffer = io.BytesIO()
    meta = pdf_metadata(data)
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=A4[1] - FOOTER_HEIGHT - FRAME_HEIGHT,
        bottomMargin=FOOTER_HEIGHT,
        invariant=1,
        pageCompression=1,
        lang="en-GB",
        producer=PRODUCER,
        **meta,
    )
    frame = Frame(
        MARGIN_X,
        FOOTER_HEIGHT,
        FRAME_WIDTH,
        FRAME_HEIGHT,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=_furniture)])
    maker = partial(SummaryCanvas, decor=_decor(data), pdf_date=_pdf_date(data))
    doc.build(story, canvasmaker=maker)
    canvas: Any = doc.canv
    return RenderedSummary(
        pdf=buffer.getvalue(),
        page_count=int(canvas.page_total),
        signature_boxes=tuple(sorted(boxes, key=lambda b: b.field_name)),
    )


def _furniture(canvas: Any, doc: Any) -> None:
    canvas.draw_furniture()


def _decor(data: SummaryInput) -> PageDecor:
    version = f"Version {data.version}"
    if data.supersedes is not None:
        version += f" · amends version {data.supersedes}"
    if data.taskforce_copy:
        classification = TASKFORCE_MARKING
        note = TASKFORCE_FOOTER
    else:
        classification = "OFFICIAL-SENSITIVE: PERSONAL · Case review summary"
        note = "Identifiable clinical document: store and share only through approved routes."
    definition = data.definition
    return PageDecor(
        study_name=data.study_name,
        case_ref=data.case.case_ref,
        version_label=version,
        classification=classification,
        content_hash=data.content_hash,
        definition_label=(
            f"Review definition {definition.id} version {definition.version} · "
            f"Study {data.study_id}"
        ),
        footer_note=note,
        synthetic=data.synthetic,
        qr_payload=f"{data.case.case_ref} SHA256:{data.content_hash}",
    )


def _pdf_date(data: SummaryInput) -> str:
    moment = data.created_at or data.signed_at_latest
    if moment is None:
        return _FIXED_DATE
    utc = moment.astimezone(UTC)
    return f"D:{utc:%Y%m%d%H%M%S}+00'00'"
