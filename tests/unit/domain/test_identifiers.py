from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from reviewer_app.domain.identifiers import (
    dates_after_birth_words,
    dates_written_in,
    day_months_written_in,
    fold_accents,
    format_nhs_number,
    nfc,
    nhs_number_digits,
    nhs_number_spans,
    normalise_postcode,
    shape_pattern,
    spaced_pattern,
)


@pytest.mark.parametrize("raw", ["999 631 7064", "9996317064", " 999 835 3378 ", "943 476 5919"])
def test_valid_nhs_numbers_are_accepted_with_or_without_spaces(raw: str) -> None:
    digits = nhs_number_digits(raw)
    assert digits is not None
    assert digits == raw.replace(" ", "").strip()


@pytest.mark.parametrize(
    "raw",
    [
        "999 631 7065",  # wrong check digit
        "999631706",  # nine digits
        "99963170644",  # eleven digits
        "999-631-7064",  # hyphens are not spaces
        "",
        "abcdefghij",
        "٩٩٩٦٣١٧٠٦٤",  # Arabic-Indic digits are digits to Python, not to the NHS
        "1000000010",  # remainder gives check digit 10: never valid
    ],
)
def test_invalid_nhs_numbers_are_refused(raw: str) -> None:
    assert nhs_number_digits(raw) is None


def test_format_nhs_number_groups_three_three_four() -> None:
    assert format_nhs_number("9996317064") == "999 631 7064"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("le1 5ww", "LE1 5WW"), ("LE15WW", "LE1 5WW"), ("sw1a 1aa", "SW1A 1AA"), ("M1 1AE", "M1 1AE")],
)
def test_postcodes_normalise(raw: str, expected: str) -> None:
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["LE1", "12345", "LEICESTER", "LE1 5W"])
def test_non_postcodes_are_refused(raw: str) -> None:
    assert normalise_postcode(raw) is None


def test_nfc_composes_decomposed_accents() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Zielińska Ó Súilleabháin")
    assert decomposed != "Nguyễn Zielińska Ó Súilleabháin"
    assert nfc(decomposed) == "Nguyễn Zielińska Ó Súilleabháin"


# --- finding identifiers written in free text -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day", "month", "year"),
    [
        ("20-May-1919", 20, 5, 1919),
        ("13/Sep/1952", 13, 9, 1952),
        ("13.Sep.1952", 13, 9, 1952),
        ("13 Sept. 1952", 13, 9, 1952),
        ("20 May 19", 20, 5, 19),
        ("20th of May '19", 20, 5, 19),
        ("20/05/1919", 20, 5, 1919),
        ("20.5.19", 20, 5, 19),
        ("20 05 1919", 20, 5, 1919),
        ("1919-05-20", 20, 5, 1919),
        ("1919/5/20", 20, 5, 1919),
        ("May 20, 1919", 20, 5, 1919),
        ("May 20th 1919", 20, 5, 1919),
        ("SEPTEMBER 3, '52", 3, 9, 52),
        ("3 september 1952", 3, 9, 1952),
    ],
)
def test_a_full_date_is_read_in_every_common_format(
    text: str, day: int, month: int, year: int
) -> None:
    found = dates_written_in(f"Noted ({text}) here.")
    assert [(w.day, w.month, w.year, w.two_digit_year, w.compact) for w in found] == [
        (day, month, year, year < 100, False)
    ]
    assert f"Noted ({text}) here."[found[0].start : found[0].end] == text


@pytest.mark.parametrize(
    "text",
    [
        "BP 120/80, pulse 96, temp 37.5",
        "GCS 15/15 at 14:30",
        "ward 5-6, bed 4, bay 12/3",
        "version 1.2.3.4 of the policy",  # no year-shaped group at the end
        "May have been seen 20 times",  # "May 20" then no year
        "20 May",  # no year: not a full date
        "phone 07700 900123",
    ],
)
def test_text_without_a_full_date_gives_none(text: str) -> None:
    assert [w for w in dates_written_in(text) if not w.compact] == []


def test_compact_digits_are_read_both_ways_and_marked() -> None:
    found = dates_written_in("ref 12031940 and 120340")
    readings = {(w.day, w.month, w.year, w.compact) for w in found}
    assert (12, 3, 1940, True) in readings  # ddmmyyyy
    assert (40, 19, 1203, True) in readings  # yyyymmdd, not a calendar date
    assert (12, 3, 40, True) in readings  # ddmmyy
    assert all(w.compact for w in found)


def test_is_day_and_the_century_of_a_two_digit_year() -> None:
    (short,) = dates_written_in("20/05/19")
    assert short.is_day(date(1919, 5, 20)) and short.is_day(date(2019, 5, 20))
    assert not short.is_day(date(1919, 5, 21))
    assert short.in_calendar(2017) == date(1919, 5, 20)
    assert short.in_calendar(2019) == date(2019, 5, 20)
    (full,) = dates_written_in("20/05/1919")
    assert full.is_day(date(1919, 5, 20)) and not full.is_day(date(2019, 5, 20))
    (impossible,) = dates_written_in("31/02/1940")
    assert impossible.in_calendar(2017) is None


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("born 12 March 1940.", "12 March 1940"),
        ("Born on 12 March, in Leeds", "12 March"),
        ("DOB: 12/03", "12/03"),
        ("D.O.B. 1940", "1940"),
        ("date of birth March 1940", "March 1940"),
        ("born in 1940", "1940"),
    ],
)
def test_dates_after_birth_words(text: str, found: str) -> None:
    spans = dates_after_birth_words(text)
    assert [text[s:e] for s, e in spans] == [found]


@pytest.mark.parametrize(
    "text", ["born 2 weeks early", "reborn 1940", "stillborn at 28 weeks", "DOB not known"]
)
def test_no_date_after_birth_words(text: str) -> None:
    assert dates_after_birth_words(text) == []


OWN = "9434765919"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS 943 476 5919.", "943 476 5919"),
        ("NHS 943-476-5919.", "943-476-5919"),
        ("NHS 943\u2013476\u20135919.", "943\u2013476\u20135919"),
        ("NHS 943 / 476 / 5919.", "943 / 476 / 5919"),
        ("other 401.023.2137 too", "401.023.2137"),  # any valid NHS number, 3-3-4
        ("own 94347 65919 grouped oddly", "94347 65919"),  # the patient's own, any grouping
        ("on 12/03/2017 9434765919", "9434765919"),  # the date beside it is left alone
        ("x19434765919", "19434765919"),
    ],
)
def test_nhs_number_spans(text: str, found: str) -> None:
    assert [text[s:e] for s, e in nhs_number_spans(text, OWN)] == [found]


@pytest.mark.parametrize(
    "text",
    [
        "Phone 07700 900123.",
        "Reference 123.456.7890 is not valid.",
        "40102 32137 is valid digits in a 5-5 layout, not the patient's",
        "14011 23456 78",
    ],
)
def test_no_nhs_number_spans(text: str) -> None:
    assert nhs_number_spans(text, OWN) == []


def test_spaced_and_shape_patterns() -> None:
    spaced = spaced_pattern("RWE4236563", 4)
    assert spaced is not None
    for text in ("RWE4236563", "rwe 423 6563", "RWE-4236563", "R.W.E.4236563"):
        assert spaced.search(f"no. {text}."), text
    assert not spaced.search("RWE42365630")
    assert spaced_pattern("H12", 4) is None and spaced_pattern(None, 4) is None
    shape = shape_pattern("RWE4236563")
    assert shape is not None
    assert shape.search("RWE1234567") and shape.search("rwe 1234567")
    assert not shape.search("RWE123456") and not shape.search("RWX1234567")
    assert shape_pattern("4236563") is None and shape_pattern("RWE12") is None


def test_fold_accents_folds_each_letter_and_keeps_case() -> None:
    assert fold_accents("Zielińska ŁUKASZ Straße Øberg O\u2019Brien") == (
        "Zielinska LUKASZ Strasse Oberg O'Brien"
    )
    assert fold_accents(unicodedata.normalize("NFD", "Zoé")) == "Zoe"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("on 12 March the", [(12, 3, "12 March")]),
        ("on 12th of march", [(12, 3, "12th of march")]),
        ("on March 12th,", [(12, 3, "March 12th")]),
        ("Sept 3 and 4 Oct", [(3, 9, "Sept 3"), (4, 10, "4 Oct")]),
        ("12 March 2024", [(12, 3, "12 March")]),  # a full date gives its day and month too
    ],
)
def test_day_months_written_in(text: str, found: list[tuple[int, int, str]]) -> None:
    got = [(d, m, text[s:e]) for s, e, d, m in day_months_written_in(text)]
    assert got == found


@pytest.mark.parametrize(
    "text", ["12/03", "March 2024", "May 5mg", "she may 5 times", "12 marching", "Mar 12/3"]
)
def test_no_day_months_without_a_month_word_and_a_day(text: str) -> None:
    assert day_months_written_in(text) == []
