"""Which parts of free text are checked, and their offsets."""

from __future__ import annotations

import pytest

from reviewer_app.services.spelling.words import Span, is_one_word, parts, words


def _words(text: str) -> list[str]:
    return [span.word for span in words(text)]


def test_words_come_with_the_offsets_of_the_text() -> None:
    text = "Seen by the  registar, who wrote: patient’s fluids..."
    spans = list(words(text))
    assert [s.word for s in spans] == [
        "Seen",
        "by",
        "the",
        "registar",
        "who",
        "wrote",
        "patient’s",
        "fluids",
    ]
    assert all(text[s.start : s.end] == s.word for s in spans)


@pytest.mark.parametrize(
    "text",
    [
        "NEWS2 SpO2 5mg 2/52 HbA1c",  # digits
        "943 476 5919 9434765919 01/06/2017",  # an NHS number, dates
        "AKI COPD DNACPR GPs NHS's MDT",  # abbreviations in capitals
        "https://example.nhs.uk/page www.nhs.uk someone@nhs.net",  # addresses
        "a I x",  # single letters
        "snake_case_name",  # underscores
    ],
)
def test_what_is_never_checked(text: str) -> None:
    assert _words(text) == []


def test_hyphenated_words_are_whole_and_then_in_parts() -> None:
    (span,) = words("on co-amoxiclav"[3:])
    assert span == Span(0, 12, "co-amoxiclav")
    assert list(parts(Span(10, 22, "well-hydratd"))) == [
        Span(10, 14, "well"),
        Span(15, 22, "hydratd"),
    ]
    assert list(parts(Span(0, 6, "colour"))) == [Span(0, 6, "colour")]


@pytest.mark.parametrize(
    ("text", "one_word"),
    [
        ("Tazocin", True),
        ("co-amoxiclav", True),
        ("Hartmann's", True),
        ("two words", False),
        ("", False),
        ("NEWS2", False),
        ("COPD", False),
        ("x" * 65, False),
        ("-dash", False),
        ("x", False),
    ],
)
def test_what_a_dictionary_may_keep(text: str, one_word: bool) -> None:
    assert is_one_word(text) is one_word
