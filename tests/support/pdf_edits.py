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


def _written(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def info_change(data: bytes, key: str = "/Title", value: str = "Death not avoidable") -> bytes:
    """An incremental update that rewrites one entry of the document information dictionary
    (the /Info that readers show as the document's title, author, subject)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    info = writer.trailer["/Info"]
    info[generic.NameObject(key)] = generic.TextStringObject(value)
    writer.update_container(info)
    return _written(writer)


def moddate_change(data: bytes, value: str = "D:20300101000000Z") -> bytes:
    """An incremental update that rewrites only the document information dictionary's
    /ModDate (what pyHanko changes when it signs), with no signature added."""
    return info_change(data, "/ModDate", value)


XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title><rdf:Alt><rdf:li '
    b'xml:lang="x-default">Death not avoidable</rdf:li></rdf:Alt></dc:title>'
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def xmp_metadata(data: bytes, xmp: bytes = XMP) -> bytes:
    """An incremental update that gives the document (new) XMP metadata in its catalog."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(
        {
            generic.NameObject("/Type"): generic.NameObject("/Metadata"),
            generic.NameObject("/Subtype"): generic.NameObject("/XML"),
        },
        stream_data=xmp,
    )
    writer.root[generic.NameObject("/Metadata")] = writer.add_object(stream)
    writer.update_root()
    return _written(writer)


def catalog_entry(data: bytes, key: str = "/Lang", value: str = "cy-GB") -> bytes:
    """An incremental update that adds an entry to the document catalog."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root[generic.NameObject(key)] = generic.TextStringObject(value)
    writer.update_root()
    return _written(writer)
