"""Spotting patient identifiers in free text (rule 8), before de-identified data leaves.

Reviewers write judgements in their own words and sometimes paste a name, an NHS number or a
date of birth out of habit. The taskforce's data must be de-identified, so free text is
scanned for the identifiers that would re-identify the patient. This is a safety net that
errs towards flagging: a flagged word the reviewer judges harmless costs a glance; a missed
NHS number is a data breach.

What is looked for: any valid NHS number, its digit groups separated by spaces, hyphens, dots
or slashes ("943 476 5919", "943.476.5919", "943/476/5919"); the case's hospital number
(case and separators ignored); a full postcode; the patient's date of birth in the common UK
ways; and the names in the case header as whole words, compared without case and without
accents, so "Zielinska" is caught for "Zielińska" (and "Zielińska" for a header typed
"Zielinska").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import nfc, nhs_number_digits, normalise_postcode
from reviewer_app.domain.labelled import LabelledEnum
from reviewer_app.domain.values import MONTHS


class IdentifierKind(LabelledEnum):
    NHS_NUMBER = "nhs_number", "an NHS number"
    HOSPITAL_NUMBER = "hospital_number", "the patient's hospital number"
    POSTCODE = "postcode", "a full postcode"
    DATE_OF_BIRTH = "date_of_birth", "the patient's date of birth"
    NAME = "name", "a name from the case header"


# Digit groups joined by the separators people type inside numbers: spaces, hyphens (also the
# Unicode dashes), dots and slashes, with spaces allowed around a punctuation separator.
_SEPARATOR = r"(?: *[\-\u2010-\u2015./] *| +)"
_DIGIT_RUN = re.compile(rf"(?<!\d)\d+(?:{_SEPARATOR}\d+)*(?!\d)")
_DIGIT_GROUPS = re.compile(r"\d+")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}(?![A-Za-z0-9])", re.I
)
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def identifiers_in(text: str, case: Case) -> list[IdentifierKind]:
    """The kinds of identifier that ``text`` appears to contain, in a fixed order."""
    text = nfc(text).translate(_APOSTROPHES)
    found = []
    if _has_nhs_number(text):
        found.append(IdentifierKind.NHS_NUMBER)
    hospital = _hospital_number_pattern(case.hospital_number)
    if hospital is not None and hospital.search(text):
        found.append(IdentifierKind.HOSPITAL_NUMBER)
    if any(normalise_postcode(m.group()) for m in _POSTCODE.finditer(text)):
        found.append(IdentifierKind.POSTCODE)
    if _date_pattern(case.date_of_birth).search(text):
        found.append(IdentifierKind.DATE_OF_BIRTH)
    names = _name_pattern(case)
    if names is not None and names.search(fold_accents(text)):
        found.append(IdentifierKind.NAME)
    return found


def _has_nhs_number(text: str) -> bool:
    """Any run of digit groups containing consecutive groups that form a valid NHS number.

    Groups are tried whole, so "943 476 5919", "943.476.5919", "9434765919" and
    "ref 1 9434765919" match, while an 11-digit phone number does not match by a 10-digit
    slice of it.
    """
    for run in _DIGIT_RUN.finditer(text):
        groups = _DIGIT_GROUPS.findall(run.group())
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) == 10 and nhs_number_digits(digits):
                    return True
                if len(digits) >= 10:
                    break
    return False


def _date_pattern(day: date) -> re.Pattern[str]:
    """The date of birth written in the common UK ways (numeric, ISO, with month names)."""
    d, m, y = f"0?{day.day}", f"0?{day.month}", str(day.year)
    year = f"(?:{y}|'?{day.year % 100:02d})"
    full = MONTHS[day.month - 1]
    month = f"(?:{full}|{full[:3]}{'t?' if day.month == 9 else ''})\\.?"
    sep = r"[/.\- ]"
    suffix = r"(?:st|nd|rd|th)?"
    forms = [
        f"{d}{sep}{m}{sep}{year}",
        f"{y}{sep}{m}{sep}{d}",
        f"{d}{suffix}(?:\\s+of)?\\s+{month},?\\s+{year}",
        f"{month}\\s+{d}{suffix},?\\s+{y}",
    ]
    return re.compile(r"(?<![\w])(?:" + "|".join(forms) + r")(?![\w])", re.I)


# Letters that carry their mark without a combining character (NFKD leaves them alone).
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ħ": "h",
        "Ħ": "H",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)


def fold_accents(text: str) -> str:
    """``text`` without accents and marks ("Zielińska" -> "Zielinska", "Łukasz" -> "Lukasz").

    NFKD, then combining marks dropped, then the letters that do not decompose replaced;
    apostrophes are unified as in ``identifiers_in``. Used on both sides of a comparison.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.translate(_UNDECOMPOSED))


_MIN_HOSPITAL_NUMBER = 4


def _hospital_number_pattern(hospital_number: str | None) -> re.Pattern[str] | None:
    """The hospital number as a whole token, any case, with or without separators inside
    ("RWE1234567", "rwe 123 4567", "RWE-1234567"). Too short a number is not looked for:
    it would match ordinary counts and scores."""
    chars = [c for c in (hospital_number or "") if c.isalnum()]
    if len(chars) < _MIN_HOSPITAL_NUMBER:
        return None
    body = r"[ \-./]?".join(re.escape(c) for c in chars)
    return re.compile(rf"(?<![^\W_])(?:{body})(?![^\W_])", re.I)


def _name_pattern(case: Case) -> re.Pattern[str] | None:
    """Family and given names as whole words, case-insensitive, without accents (matched
    against accent-folded text; NFC, apostrophes unified)."""
    family = fold_accents(nfc(case.family_name)).strip()
    given = fold_accents(nfc(case.given_names))
    names = {family, *family.split(), *given.split()}
    names = {n for n in names if len(n) >= 2}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
