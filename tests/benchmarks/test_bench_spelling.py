"""Spell checking a long free-text answer once every word has been judged (the GUI thread
checks a paragraph on each keystroke). Moved out of the default run: a time is a benchmark."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.services.spelling.checker import SpellChecker
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import TEST_KDF

TARGET_S = 0.05
"""2,000 words, warm, well inside a keystroke's budget on the GUI thread."""


@pytest.fixture
def checker(tmp_path: Path) -> Iterator[SpellChecker]:
    with Workspace.create(tmp_path / "ws", "bench passphrase one two", kdf=TEST_KDF) as ws:
        yield SpellChecker(ws.db)


def test_two_thousand_words_checked_warm(benchmark, checker: SpellChecker) -> None:
    paragraph = (
        "The patient was admitted with haemorrhage from the oesophagus and reviewed by the "
        "anaesthetist, who noted diarrhoea, oedema and a NEWS2 of 7; co-amoxiclav was started. "
    )
    text = paragraph * (2000 // len(paragraph.split()) + 1)
    assert checker.misspelt(text) == []  # warm: every word judged once
    runs = []
    for _ in range(15):
        started = time.perf_counter()
        checker.misspelt(text)
        runs.append(time.perf_counter() - started)
    benchmark.pedantic(checker.misspelt, args=(text,), rounds=5, iterations=1)
    median = statistics.median(runs)
    print(f"\n2,000 words, warm: median {median * 1000:.1f} ms")
    assert median < TARGET_S, runs
