"""The spell checker: British spelling, the clinical words, suggestions, the reviewer's own
dictionary (kept in the encrypted workspace, across lock and unlock) and ignored words."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.errors import InvalidInputError
from reviewer_app.resources import resource
from reviewer_app.services.spelling.checker import NotAWordError, SpellChecker
from reviewer_app.services.spelling.dictionary import CLINICAL_WORDS, read_word_list
from reviewer_app.services.spelling.words import is_one_word
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import TEST_KDF, DatabaseKey
from reviewer_app.storage.migrations import migrate


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SpellChecker]:
    """One checker for the tests that only read (its dictionary of own words stays empty)."""
    key = DatabaseKey(os.urandom(32))
    database = Database(tmp_path_factory.mktemp("spelling") / "w.db", key)
    migrate(database, key)
    yield SpellChecker(database)
    database.close()


@pytest.fixture
def checker(workspace_db: Database) -> SpellChecker:
    """A checker of its own, for the tests that add, remove or ignore words."""
    return SpellChecker(workspace_db)


def _misspelt(checker: SpellChecker, text: str) -> list[str]:
    return [span.word for span in checker.misspelt(text)]


def test_british_spelling_is_right_and_american_spelling_is_not(reader: SpellChecker) -> None:
    british = "Haemorrhage of the oesophagus; the anaesthetist will organise it. Colour, COLOUR."
    assert _misspelt(reader, british) == []
    assert _misspelt(reader, "color hemorrhage esophagus anesthetist") == [
        "color",
        "hemorrhage",
        "esophagus",
        "anesthetist",
    ]


def test_clinical_words_are_known(reader: SpellChecker) -> None:
    text = (
        "Started co-amoxiclav and furosemide, then Tazocin; ReSPECT form signed, eGFR falling, "
        "hyperkalaemia and urosepsis. Given paracetamol prn, Oramorph nocte. Hartmann's up."
    )
    assert _misspelt(reader, text) == []


def test_every_clinical_entry_is_a_word_the_checker_judges_and_knows(
    reader: SpellChecker,
) -> None:
    entries = read_word_list(resource(CLINICAL_WORDS))
    assert 300 <= len(entries) <= 2000
    assert len(set(entries)) == len(entries)
    assert [e for e in entries if not is_one_word(e)] == []  # none would be skipped unread
    assert [e for e in entries if not reader.is_known(e)] == []


def test_misspelt_words_come_with_their_offsets(reader: SpellChecker) -> None:
    text = "Patinet seen by registar; well-hydratd."
    found = reader.misspelt(text)
    assert [(s.word, text[s.start : s.end]) for s in found] == [
        ("Patinet", "Patinet"),
        ("registar", "registar"),
        ("hydratd", "hydratd"),
    ]


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("registar", "registrar"),
        ("color", "colour"),
        ("anesthetist", "anaesthetist"),
        ("furosemid", "furosemide"),  # from the clinical list
    ],
)
def test_suggestions_offer_the_british_word(reader: SpellChecker, wrong: str, right: str) -> None:
    suggestions = reader.suggestions(wrong)
    assert right in suggestions[:3]
    assert wrong not in suggestions
    assert all(s.replace(" ", "").replace("-", "") != wrong for s in suggestions)


def test_own_words_are_known_suggested_and_removed(checker: SpellChecker) -> None:
    assert _misspelt(checker, "Seen by Dr Quenby on Ashdown ward") == ["Quenby", "Ashdown"]
    assert checker.add_to_dictionary(" Quenby ") is True
    assert checker.add_to_dictionary("Quenby") is False
    assert checker.add_to_dictionary("ashdown") is True
    # a lower-case word is right at the start of a sentence too; a capitalised one is not
    # right in lower case
    assert _misspelt(checker, "Seen by Dr Quenby on Ashdown ward, quenby") == ["quenby"]
    assert "Quenby" in checker.suggestions("Quenbey")
    assert checker.own_words() == ["ashdown", "Quenby"]
    assert checker.remove_from_dictionary("Quenby") is True
    assert checker.remove_from_dictionary("Quenby") is False
    assert _misspelt(checker, "Dr Quenby") == ["Quenby"]


@pytest.mark.parametrize("bad", ["two words", "", "NEWS2", "COPD", "x" * 65, "don't!"])
def test_what_is_not_one_word_is_refused_unquoted_and_changes_nothing(
    reader: SpellChecker, bad: str
) -> None:
    with pytest.raises(NotAWordError) as refused:
        reader.add_to_dictionary(bad)
    assert isinstance(refused.value, InvalidInputError)
    assert "single word" in str(refused.value)
    if bad.strip():
        assert bad not in str(refused.value)  # the word may be a patient's name: never quoted
    assert reader.own_words() == []


def test_ignored_words_are_right_until_the_checker_goes(workspace_db: Database) -> None:
    checker = SpellChecker(workspace_db)
    checker.ignore("Featherstonehaugh")
    assert _misspelt(checker, "Featherstonehaugh") == []
    assert checker.own_words() == []  # nothing stored
    assert _misspelt(SpellChecker(workspace_db), "Featherstonehaugh") == ["Featherstonehaugh"]
    checker.forget_ignored()  # at lock
    assert _misspelt(checker, "Featherstonehaugh") == ["Featherstonehaugh"]


def test_own_words_persist_encrypted_across_lock_and_unlock(tmp_path: Path) -> None:
    folder = tmp_path / "workspace"
    passphrase = "a long enough passphrase"
    with Workspace.create(folder, passphrase, kdf=TEST_KDF) as workspace:
        SpellChecker(workspace.db).add_to_dictionary("Quixotrane")
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert b"Quixotrane" not in raw  # kept encrypted, like everything in the workspace
    with Workspace.unlock(folder, passphrase) as workspace:
        checker = SpellChecker(workspace.db)
        assert checker.own_words() == ["Quixotrane"]
        assert _misspelt(checker, "Quixotrane given") == []


def test_a_long_clinical_text_is_all_known(reader: SpellChecker) -> None:
    paragraph = (
        "The patient was admitted with haemorrhage from the oesophagus and reviewed by the "
        "anaesthetist, who noted diarrhoea, oedema and a NEWS2 of 7; co-amoxiclav was started. "
    )
    text = paragraph * (2000 // len(paragraph.split()) + 1)
    assert len(text.split()) >= 2000
    assert reader.misspelt(text) == []  # the time it takes: tests/benchmarks/test_bench_spelling.py
