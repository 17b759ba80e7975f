"""PDF edits a forger would make, for the tampering tests."""

from __future__ import annotations

import io

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter


def content_change(data: bytes) -> bytes:
    """An incremental update that draws extra text on page 1 (a forger's edit)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 300 Td (NOT AVOIDABLE) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
