"""Key derivation and the key-check record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer_app.errors import DamagedFileError, NewerVersionError, WrongPassphraseError
from reviewer_app.services.study import STUDY_KEY_FILE, Study
from reviewer_app.services.workspace import KEY_CHECK_FILE, Workspace
from reviewer_app.storage import keys
from reviewer_app.storage.keys import (
    PRODUCTION_KDF,
    TEST_KDF,
    DatabaseKey,
    UnlockThrottle,
    attempts_path,
    derive_key,
    new_key,
    read_failed_attempts,
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


# --- repeated wrong passphrases slow the next try --------------------------------------------


class FakeTime:
    """A clock that moves only when told, and a sleep that records instead of waiting."""

    def __init__(self) -> None:
        self.now = 1_000_000.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def throttle(self) -> UnlockThrottle:
        return UnlockThrottle(sleep=self.sleep, clock=self.clock)


def _record(tmp_path: Path) -> Path:
    path = tmp_path / "workspace.key.json"
    record, _ = new_key(PASSPHRASE, TEST_KDF)
    write_key_check(path, record)
    return path


def _wrong(path: Path, throttle: UnlockThrottle) -> WrongPassphraseError:
    with pytest.raises(WrongPassphraseError) as caught:
        unlock_key(path, "not the passphrase at all", throttle=throttle)
    return caught.value


def test_three_wrong_tries_are_free_then_each_waits_twice_as_long_capped(tmp_path: Path) -> None:
    path, fake = _record(tmp_path), FakeTime()
    for _ in range(3):
        _wrong(path, fake.throttle())
    assert fake.slept == []
    for _ in range(7):
        _wrong(path, fake.throttle())
    assert fake.slept == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert read_failed_attempts(path)[0] == 10


def test_the_wait_counts_time_already_passed_and_a_clock_set_back(tmp_path: Path) -> None:
    path, fake = _record(tmp_path), FakeTime()
    for _ in range(4):
        _wrong(path, fake.throttle())
    assert fake.slept == [1.0]
    fake.now += 1.5  # 4 failures: a 2 s wait, 1.5 s of it already gone
    _wrong(path, fake.throttle())
    assert fake.slept == [1.0, 0.5]
    fake.now -= 3600  # the clock set back: no time counts as passed, the wait is not longer
    unlock_key(path, PASSPHRASE, throttle=fake.throttle())
    assert fake.slept == [1.0, 0.5, 4.0]


def test_the_right_passphrase_resets_the_count(tmp_path: Path) -> None:
    path, fake = _record(tmp_path), FakeTime()
    for _ in range(4):
        _wrong(path, fake.throttle())
    unlock_key(path, PASSPHRASE, throttle=fake.throttle())
    assert not attempts_path(path).exists()
    assert read_failed_attempts(path) == (0, None)
    slept = len(fake.slept)
    for _ in range(3):
        _wrong(path, fake.throttle())
    assert len(fake.slept) == slept


def test_the_count_is_kept_beside_the_record_without_secrets(tmp_path: Path) -> None:
    path, fake = _record(tmp_path), FakeTime()
    for _ in range(3):
        message = str(_wrong(path, fake.throttle()))
    assert attempts_path(path) == tmp_path / "workspace.attempts.json"
    text = attempts_path(path).read_text(encoding="utf-8")
    assert json.loads(text)["failures"] == 3
    assert "not the passphrase" not in text and PASSPHRASE not in text
    assert read_key_check(path).check not in text
    assert "each new try waits" in message
    # another process (a fresh throttle, a new clock) sees the same count
    later = FakeTime()
    later.now = fake.now + 0.25
    _wrong(path, later.throttle())
    assert later.slept == [0.75]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{oops",
        b"[]",
        b'{"format": "x"}',
        b'{"format": "reviewer-app/unlock-attempts", "failures": -4}',
    ],
)
def test_an_unreadable_count_counts_as_none(tmp_path: Path, content: bytes) -> None:
    path, fake = _record(tmp_path), FakeTime()
    attempts_path(path).write_bytes(content)
    assert read_failed_attempts(path) == (0, None)
    _wrong(path, fake.throttle())
    assert fake.slept == []
    assert read_failed_attempts(path)[0] == 1


def test_workspace_and_study_unlocks_share_the_throttle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime()
    monkeypatch.setattr(keys, "unlock_throttle", fake.throttle())
    Workspace.create(tmp_path / "ws", PASSPHRASE, kdf=TEST_KDF).close()
    Study.create(tmp_path / "st", PASSPHRASE, name="Throttled", kdf=TEST_KDF).close()
    for _ in range(4):
        with pytest.raises(WrongPassphraseError):
            Workspace.unlock(tmp_path / "ws", "not the passphrase at all")
    assert fake.slept == [1.0]
    for _ in range(4):
        with pytest.raises(WrongPassphraseError, match="study"):
            Study.open(tmp_path / "st", "not the passphrase at all")
    assert fake.slept == [1.0, 1.0]
    assert read_failed_attempts(tmp_path / "ws" / KEY_CHECK_FILE)[0] == 4
    assert read_failed_attempts(tmp_path / "st" / STUDY_KEY_FILE)[0] == 4
    Workspace.unlock(tmp_path / "ws", PASSPHRASE).close()
    Study.open(tmp_path / "st", PASSPHRASE).close()
    # each now waits 2 s after its 4th failure, less the 1 s the other's wait took
    assert fake.slept == [1.0, 1.0, 1.0, 1.0]
    assert read_failed_attempts(tmp_path / "ws" / KEY_CHECK_FILE)[0] == 0
    assert read_failed_attempts(tmp_path / "st" / STUDY_KEY_FILE)[0] == 0
