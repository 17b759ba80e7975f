from __future__ import annotations

import unicodedata

import pytest

from reviewer_app.domain.identifiers import (
    format_nhs_number,
    nfc,
    nhs_number_digits,
    normalise_postcode,
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
