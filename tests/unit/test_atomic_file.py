"""Atomic writes: the old file or the new one, never a half; no temporary files left."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reviewer_app import atomic_file
from reviewer_app.atomic_file import atomic_write_bytes


def test_writes_a_new_file(tmp_path: Path) -> None:
    target = tmp_path / "pack.p7m"
    atomic_write_bytes(target, b"hello")
    assert target.read_bytes() == b"hello"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.p7m"]


def test_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "pack.p7m"
    target.write_bytes(b"old content that is longer")
    atomic_write_bytes(str(target), b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.p7m"]


def test_a_failed_rename_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "pack.p7m"
    target.write_bytes(b"old")

    def broken_replace(src: object, dst: object) -> None:
        raise OSError("drive went away")

    monkeypatch.setattr(atomic_file.os, "replace", broken_replace)
    with pytest.raises(OSError, match="drive went away"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pack.p7m"]


def test_a_failed_write_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_fsync(fd: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic_file.os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(tmp_path / "x", b"data")
    assert list(tmp_path.iterdir()) == []


def test_a_briefly_locked_target_is_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows: a reader holding the file open makes the rename fail for a moment."""
    real_replace = os.replace
    calls = []

    def flaky_replace(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) < 3:
            raise PermissionError("in use")
        real_replace(src, dst)

    monkeypatch.setattr(atomic_file.os, "replace", flaky_replace)
    monkeypatch.setattr(atomic_file, "_REPLACE_PAUSE_S", 0.0)
    atomic_write_bytes(tmp_path / "x", b"data")
    assert (tmp_path / "x").read_bytes() == b"data"
    assert len(calls) == 3


def test_a_missing_folder_is_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        atomic_write_bytes(tmp_path / "missing" / "x", b"data")


def test_the_folder_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(atomic_file.os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    atomic_write_bytes(tmp_path / "x", b"data")
    expected = 1 if sys.platform == "win32" else 2  # the file, then the folder
    assert len(synced) == expected


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_modes(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh"
    atomic_write_bytes(fresh, b"x")
    assert fresh.stat().st_mode & 0o777 == atomic_file.NEW_FILE_MODE
    existing = tmp_path / "existing"
    existing.write_bytes(b"x")
    existing.chmod(0o640)
    atomic_write_bytes(existing, b"y")
    assert existing.stat().st_mode & 0o777 == 0o640
    secret = tmp_path / "secret"
    atomic_write_bytes(secret, b"k", mode=0o600)
    assert secret.stat().st_mode & 0o777 == 0o600
