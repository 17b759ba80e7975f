"""Text normalisation and patient identifiers (NHS number, postcode)."""

from __future__ import annotations

import re
import unicodedata

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
