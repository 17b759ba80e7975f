"""Redaction of free text for the taskforce copy of the PDF summary.

The taskforce copy must carry no direct identifier of the patient. The structured fields are
left out by the renderer; free text is checked here with the domain's identifier detection
(rule 8: NHS numbers, full postcodes, the patient's date of birth and names) plus what that
detection does not look for: the hospital number, the patient's own NHS number, postcode or
date of birth written with unusual separators ("943.476.5919", "LE1-5WW", "12031940"), and
names typed without their accents ("Zielinska" for "Zielińska").

A flagged sentence is replaced by "[redacted: possible identifier]"; if the text as a whole
would still be flagged (an identifier spread over two sentences), the whole answer is
replaced. The check errs towards redacting: a lost clause costs less than a leaked name.
"""

from __future__ import annotations

import re

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.text_identifiers import fold_accents, identifiers_in
from reviewer_app.services.pdf.styles import REDACTED

__all__ = ["REDACTED", "Redactor"]

_SENTENCE_END = re.compile(r"((?<=[.!?;])\s+|\n+)")
_NON_DIGIT = re.compile(r"\D+")
_NON_ALNUM = re.compile(r"[\W_]+")
_APOSTROPHES = re.compile(r"['\u2019\u2018\u02bc]")


class Redactor:
    """Redacts identifying free text for one case (see the module docstring)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        born = case.date_of_birth
        self._digit_needles = {
            case.nhs_number,
            f"{born.day:02d}{born.month:02d}{born.year}",
            f"{born.year}{born.month:02d}{born.day:02d}",
        }
        alnum = {_compact(case.hospital_number or ""), _compact(case.postcode or "")}
        self._alnum_needles = {n for n in alnum if len(n) >= 5}
        names = {w for w in _fold(f"{case.family_name} {case.given_names}").split() if len(w) >= 2}
        self._names = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(names))) + r")(?!\w)")
            if names
            else None
        )

    def flagged(self, text: str) -> bool:
        """Whether ``text`` appears to identify the patient."""
        if identifiers_in(text, self.case):
            return True
        digits = _NON_DIGIT.sub("", text)
        if any(needle in digits for needle in self._digit_needles):
            return True
        compact = _compact(text)
        if any(needle in compact for needle in self._alnum_needles):
            return True
        # Names typed without their accents ("Zielinska", "O Suilleabhain").
        return self._names is not None and self._names.search(_fold(text)) is not None

    def redact(self, text: str) -> str:
        """``text`` with identifying sentences replaced; unchanged when nothing is flagged."""
        text = nfc(text)
        if not self.flagged(text):
            return text
        parts = _SENTENCE_END.split(text)  # sentence, separator, sentence, ...
        out: list[str] = []
        for index, part in enumerate(parts):
            if index % 2 == 1 or not self.flagged(part):
                out.append(part)
            elif len(out) >= 2 and out[-2] == REDACTED:
                out.pop()  # a run of redacted sentences gets one marker: drop the separator
            else:
                out.append(REDACTED)
        result = "".join(out)
        return REDACTED if self.flagged(result) else result


def _fold(text: str) -> str:
    """Lower case without accents or apostrophes, for comparing names as typed.

    The accents are folded by the domain's ``fold_accents``, so that redaction and the
    identifier check (rule 8) fold exactly the same letters.
    """
    return _APOSTROPHES.sub("", fold_accents(text)).casefold()


def _compact(text: str) -> str:
    return _NON_ALNUM.sub("", nfc(text)).upper()
