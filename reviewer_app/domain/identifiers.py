"""Text normalisation and patient identifiers (NHS number, postcode), and the pieces that
find them written in free text: full dates as people write them (``dates_written_in``),
dates after "born" or "DOB", NHS numbers in digit groups, a value typed with or without
separators, and accent folding. ``text_identifiers`` puts them together for one case."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

_NHS_SPACES = re.compile(r"[\s]+")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def nfc(text: str) -> str:
    """Normalise text to Unicode NFC (files from some systems carry decomposed accents)."""
    return unicodedata.normalize("NFC", text)


def nhs_number_digits(raw: str) -> str | None:
    """Return the 10 digits of a valid NHS number, or None when it is not one.

    Spaces are allowed anywhere; the tenth digit must be the Modulus 11 check digit.
    """
    digits = _NHS_SPACES.sub("", raw)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return None
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10 or check != int(digits[9]):
        return None
    return digits


def format_nhs_number(digits: str) -> str:
    """Show an NHS number as 3-3-4 digits, the way clinicians read it."""
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


def normalise_postcode(raw: str) -> str | None:
    """Return a UK postcode in canonical form ("LE1 5WW"), or None if it is not one."""
    compact = re.sub(r"\s+", "", raw.upper())
    if len(compact) < 5:
        return None
    candidate = f"{compact[:-3]} {compact[-3:]}"
    return candidate if _POSTCODE.match(candidate) else None


# --- dates written in free text --------------------------------------------------------------

_MONTH_NUMBERS: dict[str, int] = {}
for _number, _name in enumerate(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ),
    start=1,
):
    _MONTH_NUMBERS[_name] = _number
    _MONTH_NUMBERS[_name[:3]] = _number
_MONTH_NUMBERS["sept"] = 9

MONTH_WORDS = frozenset(_MONTH_NUMBERS)
"""Month names and their usual abbreviations, lower case ("may", "sep", "sept")."""

_MONTH = "(?:" + "|".join(sorted(_MONTH_NUMBERS, key=len, reverse=True)) + ")"
_ORDINAL = r"(?:st|nd|rd|th)?"
_NUM_START = r"(?<!\d)(?<!\d[./\-])"
_NUM_END = r"(?!\d)(?![./\-]\d)"
_DATE_FORMS = (
    # 20/05/1919, 20-05-19, 20.5.1919, 20 05 1919 (one separator, used twice)
    rf"{_NUM_START}(?P<d1>\d{{1,2}})(?P<s1>[/.\- ])(?P<m1>\d{{1,2}})(?P=s1)"
    rf"(?P<y1>\d{{4}}|\d{{2}}){_NUM_END}",
    # 1919-05-20, 1919/5/20, 1919.05.20
    rf"{_NUM_START}(?P<y2>\d{{4}})(?P<s2>[/.\-])(?P<m2>\d{{1,2}})(?P=s2)(?P<d2>\d{{1,2}}){_NUM_END}",
    # 20 May 1919, 20-May-1919, 13/Sep/1952, 13.Sep.1952, 20th of May 19, 20 May '19
    rf"(?<![\w])(?P<d3>\d{{1,2}}){_ORDINAL}(?:\s+of)?(?:\s*[/.\-]\s*|\s+)(?P<n3>{_MONTH})"
    rf"(?:\s*[/.\-]\s*|\.?,?\s+)'?(?P<y3>\d{{4}}|\d{{2}})(?!\w)",
    # May 20, 1919; May 20th 1919; Sept. 13, '52
    rf"(?<![\w])(?P<n4>{_MONTH})\.?\s+(?P<d4>\d{{1,2}}){_ORDINAL}"
    rf"(?:,?\s+(?P<y4>\d{{4}})|,\s*'?(?P<y5>\d{{2}}))(?!\w)",
    # 20MAY1919, 20May19: no separators at all (as printed on wristbands and labels)
    rf"(?<![\w])(?P<d5>\d{{1,2}})(?P<n5>{_MONTH})(?P<y6>\d{{4}}|\d{{2}})(?!\w)",
)
_DATES = re.compile("|".join(_DATE_FORMS), re.IGNORECASE)
_COMPACT = re.compile(r"(?<!\d)(\d{8}|\d{6})(?!\d)")
_DAY_MONTH = re.compile(
    rf"(?<![\w/.\-])(?P<d1>\d{{1,2}}){_ORDINAL}(?:\s+of)?\s+(?P<n1>{_MONTH})(?![^\W\d_])"
    rf"|(?<![\w])(?P<n2>{_MONTH})\.?\s+(?P<d2>\d{{1,2}}){_ORDINAL}(?!\w)(?![/.\-]\d)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A day, month and year as written somewhere in a text (``text[start:end]``).

    ``year`` is as written: a two-digit year is left for the reader to place in a century
    (``two_digit_year``). ``compact`` dates were read from a bare run of digits ("12031940",
    "19400312", "120340"), which is only ever compared with a known date, never taken for a
    date on its own. Nothing here says the date exists in the calendar.
    """

    start: int
    end: int
    day: int
    month: int
    year: int
    two_digit_year: bool
    compact: bool = False

    def is_day(self, day: date) -> bool:
        """Whether this is ``day`` (a two-digit year matches its last two digits)."""
        year = day.year % 100 if self.two_digit_year else day.year
        return (self.day, self.month, self.year) == (day.day, day.month, year)

    def in_calendar(self, latest_year: int) -> date | None:
        """The date, with a two-digit year put in the latest century that does not pass
        ``latest_year``; None when no such calendar date exists (31/02, month 13...)."""
        year = self.year
        if self.two_digit_year:
            year = latest_year - (latest_year - self.year) % 100
        try:
            return date(year, self.month, self.day)
        except ValueError:
            return None


def day_months_written_in(text: str) -> list[tuple[int, int, int, int]]:
    """Days written with a month name and no year ("12 March", "12th of March", "March
    12th"), as (start, end, day, month). A full date also gives its day and month here."""
    found = []
    for match in _DAY_MONTH.finditer(text):
        day = match.group("d1") or match.group("d2")
        name = match.group("n1") or match.group("n2")
        if match.group("n2") == "may":
            continue  # "may 5 times": the verb
        found.append((match.start(), match.end(), int(day), _MONTH_NUMBERS[name.casefold()]))
    return found


def dates_written_in(text: str) -> list[WrittenDate]:
    """Every full date (day, month and year) written in ``text``, in the common UK, ISO and
    US ways, with digits or month names, plus bare runs of six or eight digits read as
    dates (marked ``compact``). Several readings of one run of digits may be returned."""
    found: list[WrittenDate] = []
    for match in _DATES.finditer(text):
        groups = {k: v for k, v in match.groupdict().items() if v is not None}
        day = int(next(groups[k] for k in ("d1", "d2", "d3", "d4", "d5") if k in groups))
        name = next((groups[k] for k in ("n3", "n4", "n5") if k in groups), None)
        month = (
            _MONTH_NUMBERS[name.casefold()]
            if name is not None
            else int(next(groups[k] for k in ("m1", "m2") if k in groups))
        )
        year = next(groups[k] for k in ("y1", "y2", "y3", "y4", "y5", "y6") if k in groups)
        found.append(WrittenDate(match.start(), match.end(), day, month, int(year), len(year) == 2))
    for match in _COMPACT.finditer(text):
        digits, start, end = match.group(), match.start(), match.end()
        if len(digits) == 8:
            readings = [
                (digits[:2], digits[2:4], digits[4:]),
                (digits[6:], digits[4:6], digits[:4]),
            ]
        else:
            readings = [(digits[:2], digits[2:4], digits[4:])]
        for d, m, y in readings:
            found.append(WrittenDate(start, end, int(d), int(m), int(y), len(y) == 2, True))
    return found


_BIRTH_MONTH = "(?:" + "|".join(sorted(MONTH_WORDS, key=len, reverse=True)) + r")(?![^\W\d_])"
_BIRTH_DATE = re.compile(
    r"(?<![^\W\d_])(?:born|d\.?o\.?b|date of birth)\b\.?\s*(?::\s*|-\s*|on\s+|in\s+)?"
    rf"(?P<date>\d{{1,2}}(?:st|nd|rd|th)?(?:\s+of)?(?:\s*[/.\-]\s*|\s+)(?:{_BIRTH_MONTH}|\d{{1,2}})"
    r"(?:(?:\s*[/.\-]\s*|\.?,?\s+)'?\d{2,4}(?!\d))?"
    rf"|{_BIRTH_MONTH}\.?\s+\d{{1,4}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\d)"
    r"|\d{4}(?!\d))",
    re.IGNORECASE,
)


def dates_after_birth_words(text: str) -> list[tuple[int, int]]:
    """Spans of dates, whole or partial, written straight after "born", "DOB" or "date of
    birth" ("born 12 March", "DOB: 12/03", "born in 1940", "date of birth March 1940")."""
    return [(m.start("date"), m.end("date")) for m in _BIRTH_DATE.finditer(text)]


# --- numbers and postcodes written in free text ------------------------------------------------

_SEPARATOR = r"(?: *[\-\u2010-\u2015./] *| +)"
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?!\d)")
_DIGIT_GROUPS = re.compile(r"\d+")
_NHS_LAYOUTS = ((10,), (3, 3, 4))

POSTCODE_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}(?![A-Za-z0-9])"
)
"""A full postcode written in capitals (check it with ``normalise_postcode``)."""


def nhs_number_spans(text: str, own: str) -> list[tuple[int, int]]:
    """Digit groups that form a valid NHS number laid out as 10 digits or 3-3-4 (separated
    by spaces, hyphens or dashes, dots, slashes), or that hold ``own`` (the patient's NHS
    number) in any grouping ("94347 65919", "x9434765919"). An 11-digit phone number does
    not match by a 10-digit slice of it."""
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        groups = [(m.start(), m.end(), m.group()) for m in _DIGIT_GROUPS.finditer(run.group())]
        base = run.start()
        start = 0
        while start < len(groups):
            end = _nhs_end(groups, start, own)
            if end is None:
                start += 1
                continue
            while start < end and own in "".join(g[2] for g in groups[start + 1 : end + 1]):
                start += 1  # the fewest groups that hold the patient's own number
            spans.append((base + groups[start][0], base + groups[end][1]))
            start = end + 1
    return spans


def _nhs_end(groups: list[tuple[int, int, str]], start: int, own: str) -> int | None:
    digits = ""
    for end in range(start, len(groups)):
        digits += groups[end][2]
        layout = tuple(len(g[2]) for g in groups[start : end + 1])
        if own and own in digits:
            return end
        if len(digits) == 10 and layout in _NHS_LAYOUTS and nhs_number_digits(digits):
            return end
        if len(digits) >= 10 + len(own):
            return None
    return None


def spaced_pattern(value: str | None, minimum: int) -> re.Pattern[str] | None:
    """``value`` as a whole token, any case, with or without separators between its
    characters ("RWE1234567", "rwe 123 4567", "LE1-5WW"). Too short a value (under
    ``minimum`` letters and digits) is not looked for: it would match ordinary counts."""
    chars = [c for c in (value or "") if c.isalnum()]
    if len(chars) < minimum:
        return None
    body = r"[ \-./]?".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE)


def shape_pattern(hospital_number: str | None) -> re.Pattern[str] | None:
    """Numbers of a hospital number's shape: its letters, then as many digits ("RWE" and 7
    digits for "RWE4236563"). None for a number without leading letters or under 4 digits."""
    shape = re.fullmatch(r"([A-Za-z]{1,5})[ \-./]?(\d{4,})", (hospital_number or "").strip())
    if shape is None:
        return None
    letters, digits = shape.groups()
    body = rf"{re.escape(letters)}[ \-./]?\d{{{len(digits)}}}"
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.IGNORECASE)


# --- letters -------------------------------------------------------------------------------------

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})
"""Typographic apostrophes made plain (one character for one: spans do not move)."""

# Letters that carry their mark without a combining character (NFKD leaves them alone).
_UNDECOMPOSED = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H"}
    | {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"}
)


def fold_accents(text: str) -> str:
    """``text`` without accents and marks ("Zielińska" -> "Zielinska", "Łukasz" -> "Lukasz").

    NFKD, then combining marks dropped, then the letters that do not decompose replaced;
    apostrophes are unified (``APOSTROPHES``). Used on both sides of a comparison.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.translate(_UNDECOMPOSED))
