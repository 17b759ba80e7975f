"""Writing CSV that a spreadsheet opens as data, never as formulas (data-contracts.md).

Cohort text that starts with ``=``, ``+``, ``-`` or ``@`` is kept as given in the study, but a
spreadsheet opening an export would run it as a formula ("CSV injection"), which can leak data
or run commands on the coordinator's machine. Every CSV the app writes goes through here.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula: the
# OWASP list, plus their full-width forms, which some spreadsheets also accept.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def csv_safe(value: str) -> str:
    """Return the value so no spreadsheet will execute it: a formula-like cell gets a ``'``.

    Leading spaces are looked past, because some spreadsheets trim before parsing. The quote
    shows in the cell, which is the point: the reader sees the text was neutralised.
    """
    if value.lstrip(" ").startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV document (RFC 4180 quoting, CRLF line ends) with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()
