"""Dates as clinicians type them, read the UK way (day first). Pure: no clock, no Qt.

Accepted (surrounding spaces ignored; the separator may be / . - or a space):

- ``d/m/yyyy`` and ``d/m/yy``: ``1/6/2017``, ``01.06.2017``, ``1-6-17``;
- ``d Mon yyyy`` (and ``d Mon yy``): ``1 Jun 2017``, ``1 June 2017``, ``01-jun-17``;
- ISO ``yyyy-mm-dd``: ``2017-06-01``.

The two-digit year rule: of 19yy and 20yy, the one that puts the date not after ``today``
(``1/6/17`` is 2017, ``1/6/99`` is 1999, and on 1 Jan 2026 ``2/1/26`` is 1926). No date is
before 1900. Anything else (``31/2/2017``, ``1/13/17``, ``yesterday``, US month-first order
that does not fit day-first) is refused with ``None``: the caller says so, never guesses.
"""

from __future__ import annotations

import re
from datetime import date, time

from reviewer_app.domain.values import MONTHS

EARLIEST_YEAR = 1900

_SEP = r"\s*[/.\-\s]\s*"
_NUMERIC = re.compile(rf"^(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{2}}|\d{{4}})$")
_NAMED = re.compile(rf"^(\d{{1,2}}){_SEP}([A-Za-z]{{3,9}})\.?{_SEP}(\d{{2}}|\d{{4}})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _month_number(name: str) -> int | None:
    """1-12 for a month's name or its first three letters ("Sept" too); None otherwise."""
    folded = name.lower()
    for number, month in enumerate(MONTHS, start=1):
        full = month.lower()
        if folded == full or (len(folded) >= 3 and full.startswith(folded)):
            return number
    return None


def _split(text: str) -> tuple[int, int, str] | None:
    """(day, month, year digits as typed) for one of the accepted forms."""
    iso = _ISO.match(text)
    if iso:
        return int(iso.group(3)), int(iso.group(2)), iso.group(1)
    numeric = _NUMERIC.match(text)
    if numeric:
        return int(numeric.group(1)), int(numeric.group(2)), numeric.group(3)
    named = _NAMED.match(text)
    if named:
        month = _month_number(named.group(2))
        return None if month is None else (int(named.group(1)), month, named.group(3))
    return None


def _made(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # 31/2, month 13, day 0
        return None


def parse_uk_date(text: str, today: date, *, two_digit_years: bool = True) -> date | None:
    """The date ``text`` means, read day first, or None when it is not one (see the module).

    ``two_digit_years=False`` refuses ``yy`` years: while a field is still being typed,
    ``1/6/20`` is most likely the first digits of ``1/6/2017``, not a date in 2020.
    """
    parts = _split(text.strip())
    if parts is None:
        return None
    day, month, digits = parts
    if len(digits) == 2:
        if not two_digit_years:
            return None
        recent = _made(2000 + int(digits), month, day)
        if recent is not None and recent <= today:
            return recent
        return _made(1900 + int(digits), month, day)
    year = int(digits)
    return _made(year, month, day) if year >= EARLIEST_YEAR else None


_TIME = re.compile(r"^(\d{1,2})(?:[:.h]?(\d{2}))?\s*(am|pm)?$", re.IGNORECASE)


def parse_uk_time(text: str) -> time | None:
    """The time of day ``text`` means (``14:30``, ``14.30``, ``1430``, ``2:30pm``), or None.

    A 24-hour time unless ``am``/``pm`` follows; ``12am`` is midnight, ``12pm`` noon. A bare
    hour without minutes needs am/pm (``9`` alone is refused: 09:00 or 21:00?).
    """
    match = _TIME.match(text.strip())
    if match is None:
        return None
    hour, minutes, half = int(match.group(1)), match.group(2), match.group(3)
    if minutes is None and half is None:
        return None
    minute = int(minutes or 0)
    if half is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.lower() == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)
