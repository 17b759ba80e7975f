"""Whether free text says something: judged by content, not by length alone.

A judgement comment of "..........", "aaaaaaaa" or "ok" fills the box without saying what was
good or poor and why. The method rests on the written judgement, so a comment counts only when
it has enough words, and a reference (LeDeR, an amendment reason) only when it is more than
punctuation or one repeated character.
"""

from __future__ import annotations

import re

__all__ = ["distinct_words", "is_meaningful", "lacks_substance", "word_count"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d+", re.UNICODE)


def word_count(text: str) -> int:
    """Words in ``text``: runs of letters (with inner apostrophes or hyphens) or of digits."""
    return len(_WORD.findall(text))


def is_meaningful(text: str) -> bool:
    """False for blank text, punctuation only, or one character repeated ("xxxx", "1111")."""
    letters = [c for c in text if c.isalnum()]
    return len({c.casefold() for c in letters}) > 1


def lacks_substance(text: str, min_words: int) -> bool:
    """True when ``text`` cannot count as a written judgement of at least ``min_words`` words.

    One repeated character, punctuation only, or fewer than ``min_words`` words (a word
    repeated over and over counts once per distinct word, so "poor poor poor" is one word).
    """
    return distinct_words(text) < min_words


def distinct_words(text: str) -> int:
    """Different words in ``text`` (case folded); 0 when it is one repeated character."""
    if not is_meaningful(text):
        return 0
    return len({w.casefold() for w in _WORD.findall(text)})
