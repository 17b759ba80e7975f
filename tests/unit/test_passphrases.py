"""New passphrases are judged by zxcvbn: the weakest are refused everywhere one is chosen."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.demo.build import DEMO_PASSPHRASE, DEMO_STUDY_PASSPHRASE
from reviewer_app.services.demo.reviews import DEMO_CO_REVIEWER_PASSPHRASE
from reviewer_app.services.passphrases import (
    MIN_PASSPHRASE_LENGTH,
    PassphraseTooShortError,
    WeakPassphraseError,
    assess_passphrase,
    check_new_passphrase,
)
from reviewer_app.services.study import Study
from reviewer_app.services.workspace import Workspace
from reviewer_app.services.workspace import check_new_passphrase as workspace_check
from reviewer_app.storage.keys import TEST_KDF

WEAK = [
    "aaaaaaaaaa",  # ten characters: long enough, but nothing to guess
    "Password123!",
    "qwertyuiop12",
    "1234567890",
    "abcdefghijk",
    "letmein2024",
    "x" * 200,  # beyond zxcvbn's 72 characters: judged on the first 72, not a crash
]
STRONG = [
    DEMO_PASSPHRASE,
    DEMO_STUDY_PASSPHRASE,
    DEMO_CO_REVIEWER_PASSPHRASE,
    "correct horse battery staple",
    "Zielińska keeps bees in Leeds",
    "the owl ate my " + "tangerine " * 12,  # long: only its first 72 characters are judged
]


@pytest.mark.parametrize("passphrase", WEAK)
def test_guessable_passphrases_are_refused_with_plain_advice(passphrase: str) -> None:
    with pytest.raises(WeakPassphraseError) as caught:
        check_new_passphrase(passphrase)
    message = str(caught.value)
    assert message.startswith("This passphrase is too easy to guess.")
    assert message.endswith("Nothing was changed.")
    assert passphrase not in message  # the passphrase is never repeated back
    assert isinstance(caught.value, InvalidInputError)


def test_the_advice_comes_from_zxcvbn_feedback_as_sentences() -> None:
    with pytest.raises(WeakPassphraseError) as caught:
        check_new_passphrase("aaaaaaaaaa")
    assert 'Repeats like "aaa" are easy to guess.' in str(caught.value)
    strength = assess_passphrase("Password123!")
    assert strength.score < 3 and not strength.acceptable
    assert "commonly used password." in strength.advice


@pytest.mark.parametrize("passphrase", STRONG)
def test_ordinary_sentences_and_the_public_demo_passphrases_are_accepted(passphrase: str) -> None:
    check_new_passphrase(passphrase)
    assert assess_passphrase(passphrase).acceptable


@pytest.mark.parametrize("passphrase", ["", "   ", "short one", "a b c d e ", "\t\t\t\t\tabc"])
def test_the_minimum_length_still_applies(passphrase: str) -> None:
    with pytest.raises(PassphraseTooShortError) as caught:
        check_new_passphrase(passphrase)
    assert f"at least {MIN_PASSPHRASE_LENGTH} characters" in str(caught.value)
    assert not assess_passphrase(passphrase).acceptable


def test_the_workspace_module_uses_the_same_check() -> None:
    assert workspace_check is check_new_passphrase


def test_a_new_workspace_refuses_a_weak_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    with pytest.raises(WeakPassphraseError):
        Workspace.create(folder, "aaaaaaaaaa", kdf=TEST_KDF)
    assert not folder.exists() or not any(folder.iterdir())


def test_a_new_study_refuses_a_weak_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    with pytest.raises(WeakPassphraseError):
        Study.create(folder, "aaaaaaaaaa", name="Weak study", kdf=TEST_KDF)
    assert not folder.exists() or not any(folder.iterdir())
