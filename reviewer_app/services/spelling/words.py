"""Which parts of free text are words to check, and where they are.

Text is cut into words (letters, with apostrophes and hyphens inside a word); each comes with
its offsets so that a screen can underline it. Left alone, never checked:

- anything with a digit or an underscore in it (NEWS2, SpO2, 5mg, an NHS number or a date);
- abbreviations in capitals (AKI, COPD, DNACPR, GPs, the NHS's): case notes are full of them;
- web and e-mail addresses (anything with ``://``, starting ``www.``, or holding ``@``);
- single letters, and runs of more than ``MAX_WORD_CHARS`` characters.

A hyphenated word is checked whole first (co-amoxiclav) and, when the whole is unknown, part
by part (well-hydrated is fine if "well" and "hydrated" are), so only unknown parts are marked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from reviewer_app.storage.workspace.user_dictionary import MAX_WORD_CHARS

# A run of non-space characters; addresses are recognised on these before words are cut.
_CHUNK = re.compile(r"\S+")
_ADDRESS = re.compile(r"://|^\W*www\.|@", re.IGNORECASE)
# A word: letters (any script), digits or underscores joined by apostrophes or hyphens. Digits
# and underscores are taken in so that a word holding one is skipped whole, never cut.
_WORD = re.compile(r"\w+(?:['’-]\w+)*")
_UNCHECKED = re.compile(r"[\d_]")
_POSSESSIVE = re.compile(r"['’]s$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Span:
    """A word of the text at ``text[start:end]``."""

    start: int
    end: int
    word: str


def is_abbreviation(word: str) -> bool:
    """Capitals (with an optional plural or possessive s): AKI, GPs, NHS's, CURB-65's part."""
    core = _POSSESSIVE.sub("", word)
    if core.endswith("s") and len(core) > 2:
        core = core[:-1]
    letters = core.replace("-", "").replace("'", "").replace("’", "")
    return len(letters) >= 2 and letters.isupper()


def is_checkable(word: str) -> bool:
    """Whether ``word`` (one match of the word pattern) is one the checker judges."""
    return (
        1 < len(word) <= MAX_WORD_CHARS
        and _UNCHECKED.search(word) is None
        and not is_abbreviation(word)
    )


def is_one_word(text: str) -> bool:
    """Whether ``text`` is exactly one checkable word (what a dictionary may keep)."""
    return _WORD.fullmatch(text) is not None and is_checkable(text)


def words(text: str) -> Iterator[Span]:
    """Every checkable word of ``text``, in order, with its offsets."""
    for chunk in _CHUNK.finditer(text):
        if _ADDRESS.search(chunk.group()):
            continue
        for match in _WORD.finditer(chunk.group()):
            word = match.group()
            if is_checkable(word):
                yield Span(chunk.start() + match.start(), chunk.start() + match.end(), word)


def parts(span: Span) -> Iterator[Span]:
    """The checkable parts of a hyphenated word (the word itself if it has no hyphen)."""
    if "-" not in span.word:
        yield span
        return
    offset = span.start
    for piece in span.word.split("-"):
        if is_checkable(piece):
            yield Span(offset, offset + len(piece), piece)
        offset += len(piece) + 1


def without_possessive(word: str) -> str | None:
    """``word`` without its possessive 's (Hartmann's -> Hartmann), or None if it has none."""
    stripped = _POSSESSIVE.sub("", word)
    return stripped if stripped != word and len(stripped) > 1 else None
