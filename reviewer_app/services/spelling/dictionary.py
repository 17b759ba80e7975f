"""The British English dictionary with the clinical word list: Hunspell, loaded once.

Hunspell (through the ``chunspell`` binding, whose wheels carry the native library) reads
LibreOffice's en_GB dictionary from ``resources/spelling/``; the project's clinical word list
(``clinical-en-GB.txt``) is added to it at load. One instance serves the whole process and is
never changed after loading: a reviewer's own words are the checker's (checker.py), so locking
one workspace and opening another never carries words across.

Loading takes a few tenths of a second, so ``british_dictionary()`` may be called first on a
worker thread (the result is cached and the load is guarded by a lock).
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import hunspell  # type: ignore[import-untyped]

from reviewer_app.resources import resource

DICTIONARY = "en_GB"
CLINICAL_WORDS = "spelling/clinical-en-GB.txt"

_SUGGESTED_LIMIT = 1_000
_lock = threading.Lock()


def read_word_list(path: Path) -> list[str]:
    """The words of a list file: one per line, blank lines and ``#`` comments left out."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


class BritishDictionary:
    """Hunspell's en_GB dictionary plus the clinical words: is a word right, and what else."""

    def __init__(self, folder: Path, extra_words: list[str]) -> None:
        self._hunspell = hunspell.Hunspell(DICTIONARY, hunspell_data_dir=str(folder))
        for word in extra_words:
            self._hunspell.add(word)
        self._suggested: dict[str, list[str]] = {}  # Hunspell takes ~0.2 s; asked once a word

    def spell(self, word: str) -> bool:
        """Whether the dictionary knows ``word`` as it is written (Colour, COLOUR: yes)."""
        try:
            return bool(self._hunspell.spell(word))
        except UnicodeError:  # text no dictionary can hold (a lone surrogate): not judged
            return True

    def suggest(self, word: str) -> list[str]:
        """Hunspell's suggestions for ``word``, best first (remembered for the next time)."""
        found = self._suggested.get(word)
        if found is None:
            if len(self._suggested) >= _SUGGESTED_LIMIT:
                self._suggested.clear()
            try:
                found = [str(s) for s in self._hunspell.suggest(word)]
            except UnicodeError:
                found = []
            self._suggested[word] = found
        return list(found)


@functools.cache
def _load() -> BritishDictionary:
    aff = resource(f"spelling/{DICTIONARY}.aff")
    resource(f"spelling/{DICTIONARY}.dic")  # both files, or a clear "missing"
    return BritishDictionary(aff.parent, read_word_list(resource(CLINICAL_WORDS)))


def british_dictionary() -> BritishDictionary:
    """The process's dictionary, loaded on first use from the bundled resources."""
    with _lock:
        return _load()
