"""Key derivation and the key-check record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer_app.errors import DamagedFileError, NewerVersionError, WrongPassphraseError
from reviewer_app.storage.keys import (
    PRODUCTION_KDF,
    TEST_KDF,
    DatabaseKey,
    derive_key,
    new_key,
    read_key_check,
    unlock_key,
    write_key_check,
)

PASSPHRASE = "correct horse battery staple"


def test_production_profile_is_memory_hard() -> None:
    assert PRODUCTION_KDF.algorithm == "argon2id"
    assert PRODUCTION_KDF.memory_kib >= 64 * 1024
    assert PRODUCTION_KDF.time_cost >= 3


def test_same_passphrase_and_salt_give_same_key_nfc_normalised() -> None:
    salt = b"s" * 16
    composed = derive_key("Zielińska passphrase", salt, TEST_KDF)
    decomposed = derive_key("Zielin\u0301ska passphrase", salt, TEST_KDF)
    assert composed == decomposed
    assert derive_key("another passphrase", salt, TEST_KDF) != composed


def test_key_repr_hides_bytes() -> None:
    key = DatabaseKey(bytes(range(32)))
    assert bytes(range(32)).hex() not in repr(key)
    assert key.pragma_literal() == f"\"x'{bytes(range(32)).hex()}'\""


def test_round_trip_and_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    record, key = new_key(PASSPHRASE, TEST_KDF)
    write_key_check(path, record)
    assert unlock_key(path, PASSPHRASE) == key
    with pytest.raises(WrongPassphraseError) as caught:
        unlock_key(path, PASSPHRASE + "!")
    assert str(caught.value) == "That passphrase does not open this workspace."


def test_record_holds_params_and_salt_not_the_key(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    record, key = new_key(PASSPHRASE, TEST_KDF)
    write_key_check(path, record)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format_version"] == 1
    assert data["kdf"] == TEST_KDF.model_dump()
    assert key.raw.hex() not in path.read_text(encoding="utf-8")
    assert PASSPHRASE not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"format": "something else"}',
        b'{"format": "reviewer-app/key-check", "format_version": 1}',
    ],
)
def test_damaged_record_is_damaged_not_wrong_passphrase(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "k.json"
    path.write_bytes(content)
    with pytest.raises(DamagedFileError) as caught:
        unlock_key(path, PASSPHRASE)
    assert "damaged" in str(caught.value)
    assert not isinstance(caught.value, WrongPassphraseError)


def test_missing_record_is_damaged(tmp_path: Path) -> None:
    with pytest.raises(DamagedFileError):
        read_key_check(tmp_path / "absent.json")


def test_newer_record_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "k.json"
    record, _ = new_key(PASSPHRASE, TEST_KDF)
    data = record.model_dump()
    data["format_version"] = 2
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NewerVersionError):
        read_key_check(path)
