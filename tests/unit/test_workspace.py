"""Workspace: create, unlock, connect, close; the messages people see when it goes wrong."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import reviewer_app.paths as paths_module
from reviewer_app.errors import (
    DamagedFileError,
    NetworkDriveError,
    NewerVersionError,
    NotFoundError,
    UserError,
    WrongPassphraseError,
)
from reviewer_app.paths import Mount
from reviewer_app.services.workspace import (
    DB_FILE,
    KEY_CHECK_FILE,
    PassphraseTooShortError,
    Workspace,
)
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.migrations import LATEST_VERSION

PASSPHRASE = "a long enough passphrase"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "workspace"


def _create(folder: Path) -> Workspace:
    return Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF)


def test_create_then_unlock_keeps_data(folder: Path) -> None:
    with _create(folder) as workspace:
        assert workspace.db.user_version == LATEST_VERSION
        with workspace.db.transaction():
            workspace.db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    assert {p.name for p in folder.iterdir()} >= {DB_FILE, KEY_CHECK_FILE}
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        assert workspace.db.query_one("SELECT value FROM meta WHERE key = 'k'") == ("v",)
        assert workspace.migration.backup is None


def test_short_passphrase_is_refused(folder: Path) -> None:
    with pytest.raises(PassphraseTooShortError) as caught:
        Workspace.create(folder, "short one", kdf=TEST_KDF)
    assert "at least 10 characters" in str(caught.value)
    assert not folder.exists() or not any(folder.iterdir())


def test_create_refuses_an_existing_workspace(folder: Path) -> None:
    _create(folder).close()
    with pytest.raises(UserError, match="already a workspace"):
        _create(folder)


def test_wrong_passphrase_and_damaged_file_say_different_things(folder: Path) -> None:
    _create(folder).close()
    with pytest.raises(WrongPassphraseError) as wrong:
        Workspace.unlock(folder, "not the passphrase at all")
    assert str(wrong.value) == "That passphrase does not open this workspace."

    (folder / DB_FILE).write_bytes(b"\0" * 4096)
    with pytest.raises(DamagedFileError) as damaged:
        Workspace.unlock(folder, PASSPHRASE)
    assert "damaged" in str(damaged.value)
    assert str(damaged.value) != str(wrong.value)


def test_truncated_database_is_damaged(folder: Path) -> None:
    with _create(folder) as workspace, workspace.db.transaction():
        workspace.db.execute("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    data = (folder / DB_FILE).read_bytes()
    (folder / DB_FILE).write_bytes(data[:100])
    with pytest.raises(DamagedFileError):
        Workspace.unlock(folder, PASSPHRASE)


def test_damaged_key_record_is_damaged_not_wrong_passphrase(folder: Path) -> None:
    _create(folder).close()
    (folder / KEY_CHECK_FILE).write_text("{", encoding="utf-8")
    with pytest.raises(DamagedFileError):
        Workspace.unlock(folder, PASSPHRASE)


def test_missing_workspace(folder: Path) -> None:
    with pytest.raises(NotFoundError):
        Workspace.unlock(folder, PASSPHRASE)


def test_newer_workspace_is_refused(folder: Path) -> None:
    with _create(folder) as workspace, workspace.db.transaction():
        workspace.db.set_user_version(LATEST_VERSION + 1)
    with pytest.raises(NewerVersionError):
        Workspace.unlock(folder, PASSPHRASE)


def test_network_folder_is_refused(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        paths_module,
        "read_mount_table",
        lambda: [Mount("/", "ext4"), Mount(str(tmp_path.resolve()), "cifs")],
    )
    with pytest.raises(NetworkDriveError):
        _create(folder)
    assert not folder.exists()


def test_connect_gives_a_connection_for_another_thread(folder: Path) -> None:
    with _create(folder) as workspace:
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                db = workspace.connect()
                try:
                    with db.transaction():
                        db.execute("INSERT INTO meta (key, value) VALUES ('from', 'thread')")
                finally:
                    db.close()
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        thread = threading.Thread(target=writer)
        thread.start()
        thread.join(timeout=30)
        assert not errors
        assert workspace.db.query_one("SELECT value FROM meta WHERE key = 'from'") == ("thread",)


def test_close_forgets_the_key(folder: Path) -> None:
    workspace = _create(folder)
    workspace.close()
    workspace.close()
    with pytest.raises(RuntimeError):
        workspace.connect()
    with pytest.raises(RuntimeError):
        _ = workspace.db


def test_unlocking_a_missing_folder_creates_nothing(folder: Path) -> None:
    with pytest.raises(NotFoundError):
        Workspace.unlock(folder, PASSPHRASE)
    assert not folder.exists()


def test_unlock_refuses_a_workspace_moved_to_a_network_drive(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _create(folder).close()
    monkeypatch.setattr(
        paths_module,
        "read_mount_table",
        lambda: [Mount("/", "ext4"), Mount(str(folder.resolve()), "nfs4")],
    )
    with pytest.raises(NetworkDriveError):
        Workspace.unlock(folder, PASSPHRASE)
