"""Decoding of the CSV files that come in from outside (data-contracts.md).

The files are made by trusts' information teams in spreadsheets, so they arrive with byte-order
marks, CRLF line ends, decomposed accents, stray spaces, extra columns, and occasionally as
something that is not a CSV file at all. This module turns bytes into rows with the physical
line number each row starts on, or refuses the whole file with one plain sentence
(``InvalidInputError``): a coordinator must never see a traceback, and never half an import.

Row-level problems (a ragged row, a bad date) are collected as ``RowProblem`` so the
coordinator gets every error at once. Messages never quote patient data: callers decide per
column whether a value may be echoed (a date or an enum may; a name or NHS number may not).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from reviewer_app.domain.identifiers import nfc
from reviewer_app.errors import InvalidInputError

# Far above any cohort (10,000 rows is about 1.6 MB), low enough to refuse a disk image.
MAX_FILE_BYTES = 20 * 1024 * 1024
MIN_YEAR, MAX_YEAR = 1880, 2100

SAVE_AS_CSV = 'Save it from the spreadsheet as "CSV UTF-8 (comma delimited)" and import it again.'

# C0 and C1 control characters other than tab, LF and CR: binary data, or a mis-decoded file.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row (or one cell) of an input file, and what to do about it."""

    source: str
    line: int
    column: str | None
    reason: str
    action: str

    def __str__(self) -> str:
        where = f"{self.source} line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}. {self.action}"


def format_problems(problems: Iterable[RowProblem]) -> str:
    """Every problem on its own line, in file order, ready to show to the coordinator."""
    ordered = sorted(problems, key=lambda p: (p.source, p.line, p.column or ""))
    return "\n".join(str(p) for p in ordered)


@dataclass(frozen=True)
class CsvRow:
    """A data row: the contract's columns only, each value NFC-normalised and trimmed."""

    line: int
    values: dict[str, str]


class RowChecks:
    """One data row being checked: every problem in it is collected (``problem``) rather than
    stopping at the first, so the coordinator fixes a file in one pass."""

    def __init__(self, source: str, row: CsvRow, values: dict[str, str] | None = None) -> None:
        self.source = source
        self.line = row.line
        self.values = row.values if values is None else values
        self.problems: list[RowProblem] = []

    def problem(self, column: str, reason: str, action: str) -> None:
        self.problems.append(RowProblem(self.source, self.line, column, reason, action))


@dataclass
class CsvTable:
    rows: list[CsvRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass
class CsvImport:
    """What reading one CSV found besides its records: every row problem (``errors``: the
    caller imports all or nothing) and the notices about the file as a whole."""

    errors: list[RowProblem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def raise_if_errors(self) -> None:
        """For callers that want the all-errors message as one ``UserError``."""
        if self.errors:
            raise InvalidInputError(format_problems(self.errors))


def read_table(
    data: bytes,
    source_name: str,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_bytes: int = MAX_FILE_BYTES,
) -> CsvTable:
    """Decode a CSV file against the columns a contract names.

    Raises ``InvalidInputError`` (one line) when the file as a whole cannot be used; returns
    row problems (ragged rows) otherwise. Unknown columns are ignored with a notice, because
    information teams often leave working columns in the extract.
    """
    text = _decode(data, source_name, max_bytes)
    records = _records(text, source_name)
    while records and _blank(records[0][1]):
        records.pop(0)
    if not records:
        raise InvalidInputError(f"{source_name} is empty. {SAVE_AS_CSV}")
    header_line, header = records[0]
    index, notices = _header_index(header, source_name, required, optional)
    table = CsvTable(notices=notices)
    for line, cells in records[1:]:
        if _blank(cells):
            continue  # spreadsheets leave empty rows at the end; they carry nothing
        if len(cells) != len(header) and not (
            len(cells) > len(header) and _blank(cells[len(header) :])
        ):
            table.problems.append(_ragged(source_name, line, len(cells), len(header)))
            continue
        values = {name: nfc(cells[i]).strip() for name, i in index.items()}
        table.rows.append(CsvRow(line=line, values=values))
    if not table.rows and not table.problems:
        raise InvalidInputError(
            f"{source_name} has a header row (line {header_line}) but no data rows. "
            "Add the rows and import it again."
        )
    return table


def _decode(data: bytes, source_name: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise InvalidInputError(
            f"{source_name} is {len(data) / 1_048_576:.1f} MB, more than the "
            f"{max_bytes / 1_048_576:.0f} MB an input file may be. Check that it is the right "
            "file, or split it, and import it again."
        )
    if not data.strip():
        raise InvalidInputError(f"{source_name} is empty. {SAVE_AS_CSV}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInputError(f"{source_name} is saved as UTF-16 (Unicode text). {SAVE_AS_CSV}")
    if b"\x00" in data:
        raise InvalidInputError(
            f"{source_name} does not look like a CSV text file (it contains binary data). "
            + SAVE_AS_CSV
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise InvalidInputError(
            f"{source_name} is not UTF-8 text (the first character that is not is on line "
            f"{line}). {SAVE_AS_CSV}"
        ) from None
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InvalidInputError(
            f"{source_name} contains control characters (first on line {line}), so it does not "
            f"look like a CSV text file. {SAVE_AS_CSV}"
        )
    return text


def _records(text: str, source_name: str) -> list[tuple[int, list[str]]]:
    """Records with the physical line each starts on (a quoted cell may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
    except csv.Error:
        raise InvalidInputError(
            f"{source_name} line {start} cannot be read as CSV (a double quote is not closed, or "
            "a cell is far too long). Check the quotes from that line on and import it again."
        ) from None
    return records


def _header_index(
    header: list[str], source_name: str, required: Sequence[str], optional: Sequence[str]
) -> tuple[dict[str, int], list[str]]:
    known = (*required, *optional)
    names = [nfc(h).strip().lower() for h in header]
    if not set(names) & set(known):
        if len(header) == 1 and (";" in header[0] or "\t" in header[0]):
            separator = "semicolons" if ";" in header[0] else "tabs"
            raise InvalidInputError(
                f"{source_name} is separated by {separator}, not commas. {SAVE_AS_CSV}"
            )
        raise InvalidInputError(
            f"{source_name} does not start with a header row of the expected column names "
            f"({', '.join(required[:3])}, ...). Add the header row and import it again."
        )
    index: dict[str, int] = {}
    duplicated: list[str] = []
    ignored: list[str] = []
    for position, name in enumerate(names):
        if name in known:
            if name in index and name not in duplicated:
                duplicated.append(name)
            index.setdefault(name, position)
        elif name:
            ignored.append(name)
    if duplicated:
        raise InvalidInputError(
            f"{source_name} has the column {_listed(duplicated)} more than once. Keep one of "
            "each and import it again."
        )
    missing = [name for name in required if name not in index]
    if missing:
        raise InvalidInputError(
            f"{source_name} is missing the required column{'s' if len(missing) > 1 else ''} "
            f"{_listed(missing)}. Add {'them' if len(missing) > 1 else 'it'} (with exactly "
            "that name) and import it again."
        )
    notices = []
    if ignored:
        shown = [n if _looks_like_a_column_name(n) else "(unreadable name)" for n in ignored]
        notices.append(
            f"{source_name}: ignored column{'s' if len(ignored) > 1 else ''} not in the data "
            f"contract: {', '.join(shown)}."
        )
    unnamed = names.count("")
    if unnamed:
        notices.append(f"{source_name}: ignored {unnamed} column(s) with no name.")
    return index, notices


def _looks_like_a_column_name(name: str) -> bool:
    """Only echo header text that is plainly a column name, in case a data row became a header."""
    return re.fullmatch(r"[a-z][a-z_ ]{0,39}", name) is not None


def _listed(names: Sequence[str]) -> str:
    return ", ".join(names)


def _blank(cells: Sequence[str]) -> bool:
    return all(not c.strip() for c in cells)


def _ragged(source_name: str, line: int, found: int, expected: int) -> RowProblem:
    return RowProblem(
        source=source_name,
        line=line,
        column=None,
        reason=f"has {found} values but the header has {expected} columns",
        action="Check for a missing or extra comma (text with a comma in it must be in double "
        "quotes), then import the file again.",
    )


def parse_date(raw: str) -> date:
    """A calendar date written as ISO ``2017-06-24`` or UK day-first ``24/06/2017``.

    Raises ``ValueError`` whose message is a reason that does not quote the value, so the
    caller can decide whether the value may be shown. US month-first dates are refused rather
    than guessed: ``03/04/2017`` would silently become the wrong date.
    """
    text = raw.strip()
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _UK_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
        if month > 12 and day <= 12:
            raise ValueError("is not a UK date (day/month/year): it reads as month/day/year")
    else:
        raise ValueError("is not a date in the form 2017-06-24 or 24/06/2017")
    try:
        parsed = date(year, month, day)
    except ValueError:
        raise ValueError("is not a real date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise ValueError(f"has a year outside {MIN_YEAR}-{MAX_YEAR}, probably a typing slip")
    return parsed
