"""Spell checking of a reviewer's free text: misspelt words, suggestions, their own words.

``SpellChecker`` judges text against the British English dictionary with the clinical word
list (dictionary.py), the reviewer's own dictionary kept in the encrypted workspace
(storage/workspace/user_dictionary.py) and the words they chose to ignore until the workspace
is locked. What is a word, and what is never checked (abbreviations in capitals, anything with
a digit, addresses), is words.py's rule.

Words may be patient details (a surname added to the dictionary), so no word is ever logged
or quoted in an error message.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from datetime import datetime

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.spelling.dictionary import BritishDictionary, british_dictionary
from reviewer_app.services.spelling.words import (
    Span,
    is_one_word,
    parts,
    without_possessive,
    words,
)
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.user_dictionary import MAX_WORD_CHARS, UserDictionaryStore

__all__ = ["NotAWordError", "Span", "SpellChecker"]

MAX_SUGGESTIONS = 6
_VERDICTS_LIMIT = 50_000


class NotAWordError(InvalidInputError):
    """What was offered to the dictionary is not one word (said without quoting it)."""


def _variants(word: str) -> tuple[str, ...]:
    """``word`` and, for a capitalised word, its lower-case start (a sentence's first word)."""
    if word[:1].isupper() and not word[1:2].isupper():
        return (word, word[:1].lower() + word[1:])
    return (word,)


class SpellChecker:
    """The spell checker of one opened workspace (on the caller's connection)."""

    def __init__(
        self,
        db: Database,
        *,
        dictionary: BritishDictionary | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._store = UserDictionaryStore(db, clock=clock)
        self._dictionary = dictionary if dictionary is not None else british_dictionary()
        self._own: set[str] = set(self._store.words())
        self._ignored: set[str] = set()
        self._verdicts: dict[str, bool] = {}  # word -> known, forgotten on every change

    # -- judging -------------------------------------------------------------------------
    def is_known(self, word: str) -> bool:
        """Whether ``word`` is spelt right: in the dictionary, the reviewer's own, or ignored."""
        known = self._verdicts.get(word)
        if known is None:
            if len(self._verdicts) >= _VERDICTS_LIMIT:
                self._verdicts.clear()
            known = self._verdicts[word] = self._judge(word)
        return known

    def _judge(self, word: str) -> bool:
        for variant in _variants(word):
            if variant in self._own or variant in self._ignored:
                return True
        if self._dictionary.spell(word):
            return True
        stem = without_possessive(word)
        return stem is not None and self.is_known(stem)

    def misspelt(self, text: str) -> list[Span]:
        """The misspelt words of ``text`` with their offsets, in order (for hyphenated words,
        only the unknown parts)."""
        found: list[Span] = []
        for span in words(text):
            if self.is_known(span.word):
                continue
            found.extend(part for part in parts(span) if not self.is_known(part.word))
        return found

    def suggestions(self, word: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
        """Replacements for ``word``, best first: the dictionary's, then the reviewer's own
        words that are close. Splits of the same letters ("col or") are left out."""
        letters = word.casefold()
        found: list[str] = []
        for candidate in self._dictionary.suggest(word):
            split = candidate.replace(" ", "").replace("-", "").casefold() == letters
            if candidate != word and candidate not in found and not split:
                found.append(candidate)
        for own in difflib.get_close_matches(word, sorted(self._own), n=limit, cutoff=0.75):
            if own not in found:
                found.insert(min(len(found), 2), own)
        return found[:limit]

    # -- the reviewer's words --------------------------------------------------------------
    def own_words(self) -> list[str]:
        """The reviewer's dictionary, in the order people read it."""
        return self._store.words()

    def add_to_dictionary(self, word: str) -> bool:
        """Keep ``word`` in the workspace's dictionary (False: it was there already). Refuses,
        changing nothing, anything that is not one word."""
        word = word.strip()
        if not is_one_word(word):
            raise NotAWordError(
                "Only a single word can be added to your dictionary: letters, with apostrophes "
                f"or hyphens inside it, at most {MAX_WORD_CHARS} characters, no digits and not "
                "all in capitals (abbreviations in capitals are never checked)."
            )
        added = self._store.add(word)
        self._own.add(word)
        self._verdicts.clear()
        return added

    def remove_from_dictionary(self, word: str) -> bool:
        """Forget ``word`` from the workspace's dictionary (False: it was not there)."""
        removed = self._store.remove(word)
        self._own.discard(word)
        self._verdicts.clear()
        return removed

    def ignore(self, word: str) -> None:
        """Accept ``word`` everywhere until this workspace is locked (nothing is stored)."""
        self._ignored.add(word)
        self._verdicts.clear()

    def forget_ignored(self) -> None:
        """Judge the ignored words again (when the workspace locks: they may be names)."""
        self._ignored.clear()
        self._verdicts.clear()
