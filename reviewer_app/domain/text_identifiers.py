"""Spotting identifiers in free text: rule 8's check and the taskforce copy's redaction.

Reviewers write judgements in their own words and sometimes paste a name, an NHS number or a
date of birth out of habit. ``find_identifiers`` finds each one with its place in the text
(the redactor replaces exactly that span, never the sentence); ``identifiers_in`` names the
kinds rule 8 warns about. Both read the same matches, so the warning and the redaction
always agree on the letters they fold and the names they see.

What is found (``IdentifierKind``):

* any valid NHS number written as 10 digits or 3-3-4 groups (spaces, hyphens or the Unicode
  dashes, dots, slashes between the groups); the patient's own NHS number in any grouping;
* the case's hospital number (case and separators ignored) and, for redaction only, any
  number of the same shape (same letters, same count of digits): another patient's or a
  relative's hospital number is as identifying;
* a full postcode in capitals ("LE1 5WW"); the patient's own postcode in any case and with
  any separator ("le15ww", "LE1-5WW"); for redaction only, the patient's postcode district
  in capitals ("lives in LE1"), which the taskforce copy's header leaves out too;
* the patient's date of birth in any common format ("20/05/1919", "20-May-1919",
  "13/Sep/1952", "13.Sep.1952", "20 May 19", "20MAY1919", "1919-05-20", "May 20, 1919",
  "20051919");
  and, for redaction only, a date that may be a date of birth: a date written after "born",
  "DOB" or "date of birth" (even partial: "born 12 March", "DOB 1940"), or any full date more
  than ``OLD_DATE_YEARS`` years before the admission. Such a date cannot be an event of the
  episode under review; it is most likely a date of birth typed wrong or a relative's, and
  the reviewer sees every one in the redaction preview before signing (write "a stroke in
  1998" where the year matters);
* for redaction only, the exact dates of admission, discharge and death, written in full or
  as a day and month name ("died on 20 January"): the taskforce copy shows these as month
  and year only, and its free text must not give them back;
* the names in the case header as **capitalised words**, compared without case and without
  accents ("Zielinska" for "Zielińska", "OBrien" or "O Brien" for "O'Brien", "Smith's" as
  "Smith" + "'s", "Smith-Jones" whole). A lower-case word is never the name ("ward round",
  "may have", "score rose" stay for patients called Ward, May and Rose), except straight
  after a title ("Mrs featherstonehaugh"). A capitalised word is the name even at the start
  of a sentence ("Ward round was late" loses "Ward" for a patient called Ward): a capital
  there says nothing, and a lost word costs less than a leaked name. A month name next to a
  day or a year ("3 May", "May 2017") is the month, not a patient called May; a place word
  before a number ("Ward 22", "Bay 3") is the place, not a patient called Ward or Bay;
* for redaction only, other people written as a title and a name ("Mrs Jones", "Dr J. R.
  Smith", "Sister O'Neill", "Nurse Smith-Jones") or a relationship and a name ("her
  daughter Jane", "the daughter (Jane)", "son: Tom"): the title or relationship stays, the
  name goes; "Sister-in-charge Jones" and "Nurse in charge Smith" lose only the name. Role
  words after Nurse, Sister and Matron ("Nurse Practitioner", "Sister Ward") and sentence
  words are not names.

Rule 8 warns only about the patient's own identifiers and any NHS number (``RULE_8_KINDS``):
names of clinicians and relatives are normal in judgement comments, and the taskforce copy
redacts them anyway. Spans index ``normalised_text(text)`` (NFC, apostrophes unified: same
length as the NFC text).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from reviewer_app.domain.case import Case
from reviewer_app.domain.identifiers import (
    APOSTROPHES,
    MONTH_WORDS,
    POSTCODE_IN_TEXT,
    dates_after_birth_words,
    dates_written_in,
    day_months_written_in,
    fold_accents,
    nfc,
    nhs_number_spans,
    normalise_postcode,
    shape_pattern,
    spaced_pattern,
)
from reviewer_app.domain.labelled import LabelledEnum


class IdentifierKind(LabelledEnum):
    NHS_NUMBER = "nhs_number", "an NHS number"
    HOSPITAL_NUMBER = "hospital_number", "the patient's hospital number"
    POSTCODE = "postcode", "a full postcode"
    DATE_OF_BIRTH = "date_of_birth", "the patient's date of birth"
    NAME = "name", "a name from the case header"
    PERSON = "person", "a person's name (after a title or a relationship)"
    OTHER_HOSPITAL_NUMBER = "other_hospital_number", "a number shaped like a hospital number"
    POSSIBLE_DATE_OF_BIRTH = "possible_date_of_birth", "a date that may be a date of birth"
    POSTCODE_DISTRICT = "postcode_district", "the patient's postcode district"
    ADMISSION_DATE = "admission_date", "the exact date of admission"
    DISCHARGE_DATE = "discharge_date", "the exact date of discharge"
    DATE_OF_DEATH = "date_of_death", "the exact date of death"


RULE_8_KINDS = (
    IdentifierKind.NHS_NUMBER,
    IdentifierKind.HOSPITAL_NUMBER,
    IdentifierKind.POSTCODE,
    IdentifierKind.DATE_OF_BIRTH,
    IdentifierKind.NAME,
)
"""The kinds rule 8 warns about, in the order its message names them."""

_PRIORITY = {
    kind: rank
    for rank, kind in enumerate(
        (
            IdentifierKind.NHS_NUMBER,
            IdentifierKind.HOSPITAL_NUMBER,
            IdentifierKind.OTHER_HOSPITAL_NUMBER,
            IdentifierKind.POSTCODE,
            IdentifierKind.POSTCODE_DISTRICT,
            IdentifierKind.DATE_OF_BIRTH,
            IdentifierKind.POSSIBLE_DATE_OF_BIRTH,
            IdentifierKind.DATE_OF_DEATH,
            IdentifierKind.ADMISSION_DATE,
            IdentifierKind.DISCHARGE_DATE,
            IdentifierKind.NAME,
            IdentifierKind.PERSON,
        )
    )
}
"""Which kind names a merged span: numbers and dates before names ("RWE1234567" after
"husband" is a hospital number), the patient's name before another person's."""

OLD_DATE_YEARS = 10
"""A full date this many years or more before the admission may be a date of birth."""


@dataclass(frozen=True, slots=True)
class IdentifierMatch:
    """One identifier found in a text: ``normalised_text(text)[start:end]``."""

    kind: IdentifierKind
    start: int
    end: int


def normalised_text(text: str) -> str:
    """``text`` as the finder reads it: NFC, with typographic apostrophes made plain."""
    return nfc(text).translate(APOSTROPHES)


def find_identifiers(text: str, case: Case) -> tuple[IdentifierMatch, ...]:
    """Every identifier in ``text``, in text order, overlaps merged (the stronger kind wins)."""
    return _merge(_finder(case).matches(normalised_text(text)))


def identifiers_in(text: str, case: Case) -> list[IdentifierKind]:
    """The kinds of identifier rule 8 warns about that ``text`` appears to contain."""
    found = {m.kind for m in _finder(case).matches(normalised_text(text))}
    return [kind for kind in RULE_8_KINDS if kind in found]


def _merge(matches: list[IdentifierMatch]) -> tuple[IdentifierMatch, ...]:
    merged: list[IdentifierMatch] = []
    for m in sorted(matches, key=lambda m: (m.start, -m.end)):
        if merged and m.start < merged[-1].end:
            last = merged[-1]
            kind = min(last.kind, m.kind, key=_PRIORITY.__getitem__)
            merged[-1] = IdentifierMatch(kind, last.start, max(last.end, m.end))
        else:
            merged.append(m)
    return tuple(merged)


# --- the finder for one case -------------------------------------------------------------------

_MIN_HOSPITAL_NUMBER = 4


class _Finder:
    """The patterns for one case, compiled once (see the module docstring)."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.hospital = spaced_pattern(case.hospital_number, _MIN_HOSPITAL_NUMBER)
        self.hospital_shape = shape_pattern(case.hospital_number)
        self.postcode = spaced_pattern(case.postcode, 5)
        self.district = _district_pattern(case.postcode)
        self.names = _NameKeys(case)
        self.oldest_event = _years_before(case.admission_date, OLD_DATE_YEARS)
        K = IdentifierKind
        episode = [(case.date_of_death, K.DATE_OF_DEATH), (case.admission_date, K.ADMISSION_DATE)]
        if case.discharge_date is not None:
            episode.append((case.discharge_date, K.DISCHARGE_DATE))
        self.episode = {day: kind for day, kind in reversed(episode)}  # death wins a tie
        self.episode_days = {(day.day, day.month): kind for day, kind in reversed(episode)}

    def matches(self, text: str) -> list[IdentifierMatch]:
        found = self._numbers(text) + self._dates(text)
        found += _names(text, self.names)
        found += _people(text)
        return found

    def _numbers(self, text: str) -> list[IdentifierMatch]:
        K = IdentifierKind
        found = [
            IdentifierMatch(K.NHS_NUMBER, s, e)
            for s, e in nhs_number_spans(text, self.case.nhs_number)
        ]
        for pattern, kind in (
            (self.hospital, K.HOSPITAL_NUMBER),
            (self.hospital_shape, K.OTHER_HOSPITAL_NUMBER),
            (self.postcode, K.POSTCODE),
            (self.district, K.POSTCODE_DISTRICT),
        ):
            if pattern is not None:
                found += [IdentifierMatch(kind, m.start(), m.end()) for m in pattern.finditer(text)]
        found += [
            IdentifierMatch(K.POSTCODE, m.start(), m.end())
            for m in POSTCODE_IN_TEXT.finditer(text)
            if normalise_postcode(m.group())
        ]
        return found

    def _dates(self, text: str) -> list[IdentifierMatch]:
        K = IdentifierKind
        born = self.case.date_of_birth
        latest = self.case.date_of_death.year
        found = []
        for written in dates_written_in(text):
            if written.is_day(born):
                found.append(IdentifierMatch(K.DATE_OF_BIRTH, written.start, written.end))
            elif not written.compact:
                day = written.in_calendar(latest)
                if day is not None and day < self.oldest_event:
                    kind = K.POSSIBLE_DATE_OF_BIRTH
                    found.append(IdentifierMatch(kind, written.start, written.end))
                elif day is not None and day in self.episode:
                    found.append(IdentifierMatch(self.episode[day], written.start, written.end))
        for start, end, day_of_month, month in day_months_written_in(text):
            episode_kind = self.episode_days.get((day_of_month, month))
            if episode_kind is not None:
                found.append(IdentifierMatch(episode_kind, start, end))
        for start, end in dates_after_birth_words(text):
            found.append(IdentifierMatch(K.POSSIBLE_DATE_OF_BIRTH, start, end))
        return found


def _district_pattern(postcode: str | None) -> re.Pattern[str] | None:
    """The outward code of the patient's postcode ("LE1"), in capitals, as a whole token; a
    two-character one ("M1") is not looked for: it reads as too many other things."""
    canonical = normalise_postcode(postcode or "")
    if canonical is None or len(canonical.split()[0]) < 3:
        return None
    return re.compile(rf"(?<![^\W_]){re.escape(canonical.split()[0])}(?![^\W_])")


@lru_cache(maxsize=64)
def _finder(case: Case) -> _Finder:
    return _Finder(case)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# --- names ---------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?![^\W_])")  # letters not run into digits ("RWE1234567")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_JOINS = frozenset("'-\u2010\u2011 ")
_HYPHENS = frozenset("-\u2010\u2011")

_ABBREVIATED_TITLES = _words("mr mrs ms mx dr prof rev revd sr cllr fr")
_TITLES = _ABBREVIATED_TITLES | _words(
    "miss mister doctor professor nurse sister matron reverend father sir dame lady lord "
    "councillor "
)
_ROLE_TITLES = frozenset({"nurse", "sister", "matron", "doctor"})
_RELATIONS = _words(
    "daughter son husband wife partner brother sister mother father mum mam dad niece "
    "nephew granddaughter grandson grandchild grandmother grandfather grandma grandad aunt "
    "auntie uncle cousin friend neighbour carer widow widower stepson stepdaughter fiance "
    "fiancee law"  # law: daughter-in-law, son-in-law
)
_PARTICLES = _words("van von de der den du da di del della le la al el bin ibn ap dos das ter")
# Capitalised words that are not names: sentence words, clinical abbreviations.
_NOT_NAMES = _words(
    "the a an and or but nor of on in at to for from with by as if so who whom whose was "
    "were is are be been had has have did does do not no yes he she they it we i you this "
    "that these those then when where why how also after before re said told called rang "
    "phoned asked noted saw all any her his their our my your gp ed ae nhs fy sho spr st ct "
    "reg icu itu hdu amu ccot news ews dnacpr "
)
_ROLE_WORDS = _words(
    "practitioner practitioners specialist specialists consultant associate lead manager "
    "team ward unit station bank agency advanced senior staff charge district community "
    "clinical tissue viability palliative prescriber educator liaison outreach "
)
_CALENDAR_WORDS = MONTH_WORDS | _words("monday tuesday wednesday thursday friday saturday sunday")
# A personal title (capitalised) straight before a word makes it a name in any case.
_PERSONAL_TITLES = _ABBREVIATED_TITLES | {"miss", "mister"}
_TITLED_BEFORE = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(f"{t[0].upper()}(?i:{t[1:]})" for t in sorted(_PERSONAL_TITLES))
    + r")\.?[ \t\u00a0]+$"
)
_DAY_BEFORE = re.compile(r"\d(?:st|nd|rd|th)?(?:\s+of)?[\s/.\-]+$", re.IGNORECASE)
_DAY_AFTER = re.compile(r"^\.?[\s/.\-,']*\d")
_PLACE_WORDS = _words("ward bay bed room unit theatre level floor block")
_NUMBER_AFTER = re.compile(r"[ \t\u00a0]?[0-9]+[A-Za-z]?(?![\w/.\-]*\d)")


@lru_cache(maxsize=4096)
def _key(word: str) -> str:
    return fold_accents(word).casefold()


class _NameKeys:
    """The case header's names as folded keys: single words and whole multi-word names."""

    def __init__(self, case: Case) -> None:
        singles: set[str] = set()
        wholes: set[str] = set()
        for name in [case.family_name, *nfc(case.given_names).split()]:
            parts = [_key(p) for p in _WORD.findall(normalised_text(name))]
            singles.update(p for p in parts if len(p) >= 2)
            if len(parts) > 1:
                wholes.add("".join(parts))
        self.singles = frozenset(singles | wholes)
        self.wholes = frozenset(wholes)
        self.parts = frozenset(singles)

    def may_be_in(self, text: str) -> bool:
        """A quick look: does any part of a name occur in ``text`` at all?"""
        folded = fold_accents(text).casefold()
        return any(part in folded for part in self.parts)


def _names(text: str, keys: _NameKeys) -> list[IdentifierMatch]:
    if not keys.may_be_in(text):
        return []
    words = list(_WORD.finditer(text))
    found: list[IdentifierMatch] = []
    index = 0
    while index < len(words):
        span = _name_at(text, words, index, keys)
        if span is None:
            index += 1
            continue
        first, last = _hyphenated(text, words, *span)
        found.append(IdentifierMatch(IdentifierKind.NAME, words[first].start(), words[last].end()))
        index = last + 1
    return found


def _name_at(
    text: str, words: list[re.Match[str]], index: int, keys: _NameKeys
) -> tuple[int, int] | None:
    """The words (first, last) of a header name starting at ``words[index]``, if any."""
    word = words[index]
    key = _key(word.group())

    def titled() -> bool:
        return _TITLED_BEFORE.search(text, max(0, word.start() - 30), word.start()) is not None

    if keys.wholes and any(whole.startswith(key) for whole in keys.wholes):
        for last in range(min(index + 3, len(words) - 1), index, -1):
            joined = all(_joined(text, words[i], words[i + 1]) for i in range(index, last))
            whole = "".join(_key(w.group()) for w in words[index : last + 1])
            capital = any(w.group()[0].isupper() for w in words[index : last + 1])
            if joined and whole in keys.wholes and (capital or titled()):
                return index, last
    if key not in keys.singles or not (word.group()[0].isupper() or titled()):
        return None
    if key in MONTH_WORDS and (
        _DAY_BEFORE.search(text[max(0, word.start() - 12) : word.start()])
        or _DAY_AFTER.match(text[word.end() : word.end() + 6])
    ):
        return None  # "3 May", "May 2017": the month
    if key in _PLACE_WORDS and _NUMBER_AFTER.match(text, word.end()) and not titled():
        return None  # "Ward 22", "Bay 3": the place, for a patient called Ward or Bay
    return index, index


def _joined(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    gap = text[left.end() : right.start()]
    return len(gap) <= 1 and all(c in _JOINS for c in gap)


def _hyphenated(text: str, words: list[re.Match[str]], first: int, last: int) -> tuple[int, int]:
    """A matched name widened over capitalised words hyphenated to it ("Smith-Jones")."""
    while last + 1 < len(words) and _hyphen_between(text, words[last], words[last + 1]):
        last += 1
    while first > 0 and _hyphen_between(text, words[first - 1], words[first]):
        first -= 1
    return first, last


def _hyphen_between(text: str, left: re.Match[str], right: re.Match[str]) -> bool:
    gap = text[left.end() : right.start()]
    return len(gap) == 1 and gap in _HYPHENS and right.group()[0].isupper()


_IN_CHARGE = re.compile(r"[ \-\u2010\u2011]in[ \-\u2010\u2011]charge(?![^\W\d_])", re.IGNORECASE)
"""What makes a role title of "Sister", "Nurse" or "Matron": "Sister-in-charge Jones"."""
_BRACKET_GAP = re.compile(r"[ \t\u00a0]*[(:][ \t\u00a0]*")
"""A relationship and a name in brackets or after a colon: "the daughter (Jane)"."""


def _people(text: str) -> list[IdentifierMatch]:
    """Names written after a title or a relationship (the title stays, the name goes)."""
    words = list(_WORD.finditer(text))
    found = []
    for index, word in enumerate(words[:-1]):
        lower = word.group().casefold()
        title = lower in _TITLES and word.group()[0].isupper()
        relation = lower in _RELATIONS
        if not (title or relation):
            continue
        before_name = index
        if lower in _ROLE_TITLES and index + 3 < len(words):
            in_charge = _IN_CHARGE.match(text, word.end())
            if in_charge is not None and in_charge.end() == words[index + 2].end():
                before_name = index + 2  # "Sister-in-charge Jones": the role stays whole
        gap = text[words[before_name].end() : words[before_name + 1].start()]
        dotted = r"\.?" if lower in _ABBREVIATED_TITLES and before_name == index else ""
        comma = ",?" if relation and not title else ""
        if not re.fullmatch(rf"{dotted}{comma}[ \t\u00a0]+", gap) and not (
            relation and _BRACKET_GAP.fullmatch(gap)
        ):
            continue
        first = before_name + 1
        stop = _NOT_NAMES
        if lower in _ROLE_TITLES:  # "Nurse Practitioner Bell": the role stays too
            stop = stop | _ROLE_WORDS
            while (
                first + 1 < len(words)
                and words[first].group().casefold() in _ROLE_WORDS
                and text[words[first].end() : words[first + 1].start()] == " "
            ):
                first += 1
        if relation and not title:
            stop = stop | _CALENDAR_WORDS
        last = _name_words(text, words, first, stop)
        if last is not None:
            found.append(
                IdentifierMatch(IdentifierKind.PERSON, words[first].start(), words[last].end())
            )
    return found


def _name_words(
    text: str, words: list[re.Match[str]], first: int, stop: frozenset[str]
) -> int | None:
    """The last word of a name that starts at ``words[first]`` (None: no name there)."""
    stop = stop | _TITLES  # "her daughter Mrs Okafor": the title is not the name
    last: int | None = None
    index = first
    while index < len(words) and index < first + 5:
        word = words[index].group()
        if index > first:
            gap = text[words[index - 1].end() : words[index].start()]
            if gap == "'" and word in {"s", "S"}:
                break  # a possessive: "Smith's"
            after_initial = len(words[index - 1].group()) == 1
            if gap not in {" ", "'", "-", "\u2010", "\u2011"} and not (
                after_initial and gap in {".", ". "}
            ):
                break
            if gap in {"'", "-", "\u2010", "\u2011"}:  # O'Neill, Smith-Jones
                last = index
                index += 1
                continue
        nxt = words[index + 1].group() if index + 1 < len(words) else ""
        if len(word) == 1 and word.isupper():
            last = index  # an initial
        elif word.casefold() in _PARTICLES and (nxt[:1].isupper() or nxt in _PARTICLES):
            pass  # "van" in "Dr van der Berg": kept only if a name follows
        elif word[0].isupper() and word.casefold() not in stop:
            last = index
        else:
            break
        index += 1
    return last


__all__ = [
    "OLD_DATE_YEARS",
    "RULE_8_KINDS",
    "IdentifierKind",
    "IdentifierMatch",
    "find_identifiers",
    "fold_accents",
    "identifiers_in",
    "normalised_text",
]
