"""Writing CSV that a spreadsheet opens as data, never as formulas (data-contracts.md).

Cohort text that starts with ``=``, ``+``, ``-`` or ``@`` is kept as given in the study, but a
spreadsheet opening an export would run it as a formula ("CSV injection"), which can leak data
or run commands on the coordinator's machine. Every CSV the app writes goes through here.

The escape is one ``'`` put in front, and it is reversible: a value that already begins with
``'`` (after any leading spaces) gets one too, so ``=1`` exports as ``'=1`` and ``'=1`` as
``''=1``. :func:`csv_unescape` takes off exactly one leading ``'`` when there is one, and gives
back the value as it was, whatever it was.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# Leading characters that make Excel, LibreOffice or Sheets treat a cell as a formula: the
# OWASP list, plus their full-width forms, which some spreadsheets also accept.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
ESCAPE = "'"
# A value starting with the escape character is escaped too, so unescaping is unambiguous.
_ESCAPED_STARTS = (*_FORMULA_STARTS, ESCAPE)


def csv_safe(value: str) -> str:
    """Return the value so no spreadsheet will execute it: a formula-like cell gets a ``'``.

    Leading spaces are looked past, because some spreadsheets trim before parsing. The quote
    shows in the cell, which is the point: the reader sees the text was neutralised. A value
    that already starts with ``'`` gets another, so :func:`csv_unescape` restores any value.
    """
    if value.lstrip(" ").startswith(_ESCAPED_STARTS):
        return ESCAPE + value
    return value


def csv_unescape(cell: str) -> str:
    """The value :func:`csv_safe` was given, from the cell it returned."""
    return cell[1:] if cell.startswith(ESCAPE) else cell


def write_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A CSV document (RFC 4180 quoting, CRLF line ends) with every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in header])
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()
