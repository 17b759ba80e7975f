"""Spotting patient identifiers in free text (rule 8), before de-identified data leaves.

Reviewers write judgements in their own words and sometimes paste a name, an NHS number or a
date of birth out of habit. The taskforce's data must be de-identified, so free text is
scanned for the identifiers that would re-identify the patient. This is a safety net that
errs towards flagging: a flagged word the reviewer judges harmless costs a glance; a missed
NHS number is a data breach.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import nfc, nhs_number_digits, normalise_postcode
from reviewer_app.domain.values import MONTHS


class IdentifierKind(StrEnum):
    NHS_NUMBER = "nhs_number"
    POSTCODE = "postcode"
    DATE_OF_BIRTH = "date_of_birth"
    NAME = "name"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    IdentifierKind.NHS_NUMBER: "an NHS number",
    IdentifierKind.POSTCODE: "a full postcode",
    IdentifierKind.DATE_OF_BIRTH: "the patient's date of birth",
    IdentifierKind.NAME: "a name from the case header",
}

_DIGIT_RUN = re.compile(r"(?<!\d)\d+(?:[ \-]\d+)*(?!\d)")
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
    if any(normalise_postcode(m.group()) for m in _POSTCODE.finditer(text)):
        found.append(IdentifierKind.POSTCODE)
    if _date_pattern(case.date_of_birth).search(text):
        found.append(IdentifierKind.DATE_OF_BIRTH)
    names = _name_pattern(case)
    if names is not None and names.search(text):
        found.append(IdentifierKind.NAME)
    return found


def _has_nhs_number(text: str) -> bool:
    """Any run of digit groups containing consecutive groups that form a valid NHS number.

    Groups are tried whole, so "943 476 5919", "9434765919" and "ref 1 9434765919" match,
    while an 11-digit phone number does not match by a 10-digit slice of it.
    """
    for run in _DIGIT_RUN.finditer(text):
        groups = re.split(r"[ \-]", run.group())
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


def _name_pattern(case: Case) -> re.Pattern[str] | None:
    """Family and given names as whole words, case-insensitive (NFC, apostrophes unified)."""
    family = nfc(case.family_name).translate(_APOSTROPHES).strip()
    given = nfc(case.given_names).translate(_APOSTROPHES)
    names = {family, *family.split(), *given.split()}
    names = {n for n in names if len(n) >= 2}
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.I)
