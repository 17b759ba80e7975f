"""Free text judged by content: one repeated character or a word or two does not count."""

from __future__ import annotations

import pytest

from reviewer_app.domain.text_substance import (
    distinct_words,
    is_meaningful,
    lacks_substance,
    word_count,
)


@pytest.mark.parametrize("text", ["", "   ", "....", "xxxxxx", "XxXx", "1111", "- - -", "é"])
def test_punctuation_or_one_repeated_character_is_not_meaningful(text: str) -> None:
    assert not is_meaningful(text)
    assert distinct_words(text) == 0
    assert lacks_substance(text, 1)


@pytest.mark.parametrize("text", ["Ab", "LDR-48213", "12", "Déjà vu"])
def test_two_different_characters_are_meaningful(text: str) -> None:
    assert is_meaningful(text)


def test_words_are_counted_once_each() -> None:
    assert word_count("Poor, poor, poor care.") == 4
    assert distinct_words("Poor, poor, poor care.") == 2
    assert distinct_words("The patient's NEWS2 rose; the nurse didn't escalate.") == 7
    assert lacks_substance("poor care", 3)
    assert not lacks_substance("poor care overnight", 3)
