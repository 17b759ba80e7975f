"""Unlocking on one thread, opening on another: ``Workspace.unlock(connect=False)`` and
``Workspace.open_with_key``, and the app's ``unlock_in_worker`` / ``adopt_workspace`` on them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from reviewer_app.app import adopt_workspace, unlock_in_worker
from reviewer_app.errors import DamagedFileError, NotFoundError, WrongPassphraseError
from reviewer_app.services.workspace import DB_FILE, Workspace
from reviewer_app.storage.keys import TEST_KDF

PASSPHRASE = "a long enough passphrase"
T = TypeVar("T")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "workspace"
    with (
        Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF) as workspace,
        workspace.db.transaction(),
    ):
        workspace.db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    return folder


def _in_thread(fn: Callable[[], T]) -> T:
    """Run ``fn`` on a new thread; return its result or raise its exception here."""
    results: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(fn())
        except BaseException as err:  # handed back to the test thread
            errors.append(err)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return results[0]


def test_unlock_without_a_connection_holds_only_the_key(folder: Path) -> None:
    workspace = Workspace.unlock(folder, PASSPHRASE, connect=False)
    assert not workspace.connected
    with pytest.raises(RuntimeError, match="without a connection"):
        _ = workspace.db
    key = workspace.key
    assert "hidden" in repr(key)
    workspace.close()
    with pytest.raises(RuntimeError, match="closed"):
        _ = workspace.key


def test_a_key_derived_on_a_worker_opens_the_workspace_on_this_thread(folder: Path) -> None:
    unlocked = _in_thread(lambda: Workspace.unlock(folder, PASSPHRASE, connect=False))
    with Workspace.open_with_key(folder, unlocked.key) as workspace:
        assert workspace.connected
        assert workspace.db.query_one("SELECT value FROM meta WHERE key = 'k'") == ("v",)
        with workspace.db.transaction():  # and writes work on this thread's connection
            workspace.db.execute("INSERT INTO meta (key, value) VALUES ('k2', 'v2')")
    with Workspace.unlock(folder, PASSPHRASE) as again:
        assert again.db.query_one("SELECT value FROM meta WHERE key = 'k2'") == ("v2",)


def test_another_workspaces_key_is_refused_like_a_wrong_passphrase(
    folder: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    Workspace.create(other, "another long passphrase", kdf=TEST_KDF).close()
    with (
        Workspace.unlock(other, "another long passphrase", connect=False) as foreign,
        pytest.raises(WrongPassphraseError),
    ):
        Workspace.open_with_key(folder, foreign.key)


def test_open_with_key_says_what_is_missing(folder: Path, tmp_path: Path) -> None:
    key = Workspace.unlock(folder, PASSPHRASE, connect=False).key
    with pytest.raises(NotFoundError):
        Workspace.open_with_key(tmp_path / "nowhere", key)
    (folder / DB_FILE).unlink()
    with pytest.raises(DamagedFileError):
        Workspace.open_with_key(folder, key)


def test_the_app_unlocks_in_a_worker_and_adopts_on_the_gui_thread(folder: Path) -> None:
    unlocked = _in_thread(lambda: unlock_in_worker(folder, PASSPHRASE))
    assert not unlocked.connected
    session = adopt_workspace(unlocked)
    try:
        assert session.workspace.connected
        assert session.list_cases() == []
        with pytest.raises(RuntimeError):  # the worker's object forgot its key
            _ = unlocked.key
    finally:
        session.close()


def test_a_wrong_passphrase_in_the_worker_is_reported(folder: Path) -> None:
    with pytest.raises(WrongPassphraseError):
        _in_thread(lambda: unlock_in_worker(folder, "not the passphrase at all"))
