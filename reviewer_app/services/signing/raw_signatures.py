"""The signatures a PDF's raw bytes show: each /ByteRange and the value area it points at.

Read without parsing the PDF, the way poppler's pdfsig reads them, so that integrity is
decided the same way even when the file's PDF syntax is damaged (see the comment below).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Signatures are found twice, on purpose. Integrity (is each signature intact, does the last
# one cover the whole file) is decided from the raw bytes, the way poppler's pdfsig decides
# it, so the two tools agree even on files whose PDF syntax was damaged: a signature's
# integrity depends only on its /ByteRange, its /Contents and the bytes they point at.
# Structure (field names, signing times, what the later revisions changed) comes from
# pyHanko's strict parse; when that fails, the changes are "unknown" and the file fails.
#
# Where we are stricter than pdfsig, on purpose: the signature value area (/Contents) is
# outside the signed bytes, and pdfsig only asks whether the CMS blob it decodes from there
# still proves the signed bytes. So a changed byte in the zero padding, in a character
# poppler reads as a 0 digit, or in an embedded chain certificate passes pdfsig. Anything
# there that is not the signature exactly as this app writes it makes that signature "not
# intact" here: an altered value area is a tampered file, and a verdict that depended on
# which byte was hit would be one nobody can reason about.

_WS = rb"[ \t\n\r\f\x00]"
"""PDF white space (ISO 32000-1 table 1, NUL included; Python's ``\\s`` differs)."""
_BYTE_RANGE = re.compile(
    rb"/ByteRange%b*\[%b*(\d{1,12})%b+(\d{1,12})%b+(\d{1,12})%b+(\d{1,12})%b*\]" % ((_WS,) * 6)
)
_HEX = frozenset(b"0123456789abcdefABCDEF")
_PDF_WHITESPACE = frozenset(b" \t\n\r\f\x00")


@dataclass(frozen=True)
class RawSignature:
    position: int
    """Offset of the value area ('<') in the file: orders signatures as they were added."""
    byte_range: tuple[int, int, int, int] | None
    """None when a signature value is present but no readable /ByteRange points at it."""
    blob: bytes
    well_formed: bool
    """The value area is '<' hex-DER, then only hex zeros, '>' (nothing else hides there)."""


_ONLY_HEX = re.compile(rb"[0-9A-Fa-f]*")


def _lenient_hex(inner: bytes) -> bytes:
    """Decode a hex string as PDF readers do: skip whitespace, odd digit padded with 0.

    Like poppler, a byte that is neither whitespace nor a hex digit counts as a 0 digit.
    The value this app writes (hex digits only, an even count) takes the fast path.
    """
    if len(inner) % 2 == 0 and _ONLY_HEX.fullmatch(inner):
        return bytes.fromhex(inner.decode("ascii"))
    nibbles = []
    for byte in inner:
        if byte in _PDF_WHITESPACE:
            continue
        nibbles.append(int(chr(byte), 16) if byte in _HEX else 0)
    if len(nibbles) % 2:
        nibbles.append(0)
    return bytes(16 * hi + lo for hi, lo in zip(nibbles[::2], nibbles[1::2], strict=True))


def der_length(raw: bytes) -> int:
    """Total length of the DER SEQUENCE at the start of ``raw`` (tag, length, content)."""
    if len(raw) < 2 or raw[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    first = raw[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(raw) < 2 + count:
        raise ValueError("bad DER length")
    return 2 + count + int.from_bytes(raw[2 : 2 + count], "big")


def _well_formed(inner: bytes) -> bool:
    if not inner or any(b not in _HEX for b in inner) or len(inner) % 2:
        return False
    raw = bytes.fromhex(inner.decode("ascii"))
    try:
        length = der_length(raw)
    except ValueError:
        return False
    return length <= len(raw) and not any(raw[length:])


_CONTENTS = re.compile(rb"/Contents" + _WS + rb"*<")
_MIN_SIGNATURE_HEX = 512
"""A /Contents hex string this long is a signature value (a CMS blob), not other text."""


def raw_signatures(data: bytes) -> list[RawSignature]:
    """Every signature the raw bytes show: by /ByteRange, plus values nothing points at."""
    found: dict[int, RawSignature] = {}
    size = len(data)
    for match in _BYTE_RANGE.finditer(data):
        start1, len1, start2, len2 = (int(g) for g in match.groups())
        if start1 != 0 or not 0 < len1 < start2 or start2 + len2 > size:
            continue
        gap = data[len1:start2]
        if len(gap) < 2 or gap[:1] != b"<":
            # A byte range that points at no signature value: a damaged signature.
            found[len1] = RawSignature(len1, (start1, len1, start2, len2), b"", False)
            continue
        end = gap.find(b">")
        inner = gap[1:] if end < 0 else gap[1:end]
        well_formed = end == len(gap) - 1 and _well_formed(inner)
        found[len1] = RawSignature(
            len1, (start1, len1, start2, len2), _lenient_hex(inner), well_formed
        )
    for match in _CONTENTS.finditer(data):
        position = match.end() - 1
        end = data.find(b">", position)
        if position in found or end < 0 or end - position < _MIN_SIGNATURE_HEX:
            continue
        inner = data[position + 1 : end]
        found[position] = RawSignature(position, None, _lenient_hex(inner), well_formed=False)
    return [found[p] for p in sorted(found)]
