"""Changing a workspace's or a study's passphrase: re-keyed atomically, nothing lost when killed.

The kill tests run the real change in a child process (``rekey_child.py``) that stops at a
named step; the test SIGKILLs it there, then checks the folder opens with exactly one of the
two passphrases (the old one before the commit, the new one from it on) with all its data,
including the backups made before migrations.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewer_app.commands import passphrase_cmds
from reviewer_app.commands.passphrase_cmds import (
    NEW_PASSPHRASE_ENV,
    cmd_change_passphrase,
    cmd_coordinator_change_passphrase,
)
from reviewer_app.errors import DamagedFileError, NotFoundError, UserError, WrongPassphraseError
from reviewer_app.paths import AppPaths
from reviewer_app.services.passphrases import WeakPassphraseError
from reviewer_app.services.study import (
    STUDY_DB_FILE,
    STUDY_KEY_FILE,
    Study,
    change_study_passphrase,
)
from reviewer_app.services.trust import authority
from reviewer_app.services.workspace import (
    DB_FILE,
    KEY_CHECK_FILE,
    Workspace,
    change_workspace_passphrase,
)
from reviewer_app.storage import keys
from reviewer_app.storage.database import Database, DatabaseLockedError
from reviewer_app.storage.keys import TEST_KDF, read_key_check, unlock_key
from reviewer_app.storage.migrations import backup_path_for, make_backup
from reviewer_app.storage.study.info import StudyInfoStore

OLD = "the old workspace passphrase"
NEW = "a brand new lantern by the river"
ROWS = [(f"k{i}", f"value {i}") for i in range(50)]
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


# --- helpers ----------------------------------------------------------------------------------


def make_workspace(folder: Path) -> Path:
    """A workspace with rows and one backup (as a migration would make); returns the backup."""
    with Workspace.create(folder, OLD, kdf=TEST_KDF) as ws:
        with ws.db.transaction():
            ws.db.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", ROWS)
        return make_backup(
            ws.db, ws.key, backup_path_for(ws.db_path, 1, datetime(2025, 1, 2, tzinfo=UTC))
        )


def rows(db: Database) -> list[tuple[str, str]]:
    return [
        (str(k), str(v))
        for k, v in db.query_all("SELECT key, value FROM meta WHERE key LIKE 'k%' ORDER BY key")
    ]


def opens_with(folder: Path, passphrase: str) -> bool:
    try:
        Workspace.unlock(folder, passphrase).close()
    except WrongPassphraseError:
        return False
    return True


def check_intact(folder: Path, passphrase: str, backup: Path) -> None:
    with Workspace.unlock(folder, passphrase) as ws:
        assert ws.db.integrity_check() == ["ok"]
        assert rows(ws.db) == sorted(ROWS)
        key = ws.key
    with Database(backup, key) as db:
        assert db.integrity_check() == ["ok"]
        assert rows(db) == sorted(ROWS)


def no_leftovers(folder: Path) -> None:
    names = [p.relative_to(folder).as_posix() for p in folder.rglob("*")]
    assert not [n for n in names if "rekey" in n or n.endswith(".tmp")], names


def fingerprints(folder: Path) -> dict[str, str]:
    """Every file's hash (the wrong-tries count aside), for 'nothing changed' assertions."""
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.endswith(".attempts.json")
    }


# --- the workspace ------------------------------------------------------------------------------


def test_change_keeps_every_row_and_backup_under_a_new_key_and_salt(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    old_record = read_key_check(folder / KEY_CHECK_FILE)
    old_key = unlock_key(folder / KEY_CHECK_FILE, OLD)
    steps: list[str] = []
    change_workspace_passphrase(folder, OLD, NEW, kdf=TEST_KDF, step=steps.append)
    assert steps[0] == "prepared" and steps[-1] == "done"
    assert steps.index("committed") < steps.index(f"replaced {DB_FILE}")
    new_record = read_key_check(folder / KEY_CHECK_FILE)
    assert new_record.salt != old_record.salt
    assert new_record.check != old_record.check
    check_intact(folder, NEW, backup)
    assert not opens_with(folder, OLD)
    with pytest.raises(DamagedFileError):  # the old raw key opens neither file any more
        Database(folder / DB_FILE, old_key)
    with pytest.raises(DamagedFileError):
        Database(backup, old_key)
    no_leftovers(folder)


def test_a_wrong_current_passphrase_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    before = fingerprints(folder)
    with pytest.raises(WrongPassphraseError):
        change_workspace_passphrase(folder, "not the old passphrase", NEW, kdf=TEST_KDF)
    assert fingerprints(folder) == before
    check_intact(folder, OLD, backup)


@pytest.mark.parametrize(
    ("new", "error", "says"),
    [
        ("aaaaaaaaaa", WeakPassphraseError, "too easy to guess"),
        ("short", WeakPassphraseError, "at least 10 characters"),
        (OLD, UserError, "same as the current one"),
    ],
)
def test_a_weak_or_unchanged_new_passphrase_changes_nothing(
    tmp_path: Path, new: str, error: type[Exception], says: str
) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    before = fingerprints(folder)
    with pytest.raises(error, match=says):
        change_workspace_passphrase(folder, OLD, new, kdf=TEST_KDF)
    assert fingerprints(folder) == before
    check_intact(folder, OLD, backup)


def test_a_workspace_open_elsewhere_is_refused_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    with Workspace.unlock(folder, OLD) as elsewhere:  # an idle connection, as the GUI holds
        with pytest.raises(DatabaseLockedError, match="open in another window"):
            change_workspace_passphrase(folder, OLD, NEW, kdf=TEST_KDF)
        assert rows(elsewhere.db) == sorted(ROWS)
    no_leftovers(folder)
    check_intact(folder, OLD, backup)


def test_an_unreadable_backup_stops_the_change(tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    damaged = folder / "backups" / "workspace.v2.20250103T000000000000Z.backup.db"
    damaged.write_bytes(os.urandom(8192))
    with pytest.raises(DamagedFileError, match=damaged.name):
        change_workspace_passphrase(folder, OLD, NEW, kdf=TEST_KDF)
    no_leftovers(folder)
    check_intact(folder, OLD, backup)
    assert damaged.stat().st_size == 8192


def test_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        change_workspace_passphrase(tmp_path / "nothing", OLD, NEW, kdf=TEST_KDF)


# --- the study -----------------------------------------------------------------------------------


def make_study(folder: Path) -> str:
    with Study.create(folder, OLD, name="Rekey study", kdf=TEST_KDF) as study:
        return study.fingerprint()


def authority_opens_with(folder: Path, passphrase: str) -> bool:
    with Study.open(folder, NEW if opens_study(folder, NEW) else OLD) as study:
        pem = StudyInfoStore(study.db).authority_key_pem()
    try:
        authority.load_private_key(pem, passphrase)
    except WrongPassphraseError:
        return False
    return True


def opens_study(folder: Path, passphrase: str) -> bool:
    try:
        Study.open(folder, passphrase).close()
    except WrongPassphraseError:
        return False
    return True


def test_a_study_change_also_reprotects_its_authority_key(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    fingerprint = make_study(folder)
    old_salt = read_key_check(folder / STUDY_KEY_FILE).salt
    change_study_passphrase(folder, OLD, NEW, kdf=TEST_KDF)
    assert read_key_check(folder / STUDY_KEY_FILE).salt != old_salt
    assert not opens_study(folder, OLD)
    with Study.open(folder, NEW) as study:
        assert study.fingerprint() == fingerprint
    assert authority_opens_with(folder, NEW)
    assert not authority_opens_with(folder, OLD)
    no_leftovers(folder)


def test_a_study_refuses_a_wrong_current_passphrase(tmp_path: Path) -> None:
    folder = tmp_path / "study"
    make_study(folder)
    with pytest.raises(WrongPassphraseError, match="study"):
        change_study_passphrase(folder, "not the old passphrase", NEW, kdf=TEST_KDF)
    assert opens_study(folder, OLD)
    assert authority_opens_with(folder, OLD)


# --- killed midway --------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env["PYTHONWARNINGS"] = "ignore"
    env["REKEY_OLD"], env["REKEY_NEW"] = OLD, NEW
    return env


def kill_at(kind: str, folder: Path, stop_at: str) -> list[str]:
    """Run the change in a child, SIGKILL it once it reaches ``stop_at``; the steps it printed."""
    child = subprocess.Popen(
        [sys.executable, str(HERE / "rekey_child.py"), kind, str(folder), stop_at],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    assert child.stdout is not None
    seen: list[str] = []
    try:
        for raw in child.stdout:
            seen.append(raw.decode().strip())
            if seen[-1].startswith(stop_at):
                child.send_signal(signal.SIGKILL)
                break
    finally:
        child.kill()
        _out, err = child.communicate(timeout=60)
    assert seen and seen[-1].startswith(stop_at), (seen, err.decode()[-2000:])
    assert child.returncode == -signal.SIGKILL
    return seen


BEFORE_COMMIT = ["prepared", "copied", "backups copied", "key written"]
FROM_COMMIT = [
    "committed",
    f"replaced {DB_FILE}",
    "replaced backups/",
    f"replaced {KEY_CHECK_FILE}",
]


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("stop_at", BEFORE_COMMIT + FROM_COMMIT)
def test_a_workspace_change_killed_midway_opens_with_exactly_one_passphrase(
    tmp_path: Path, stop_at: str
) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    kill_at("workspace", folder, stop_at)
    expected, other = (NEW, OLD) if stop_at in FROM_COMMIT else (OLD, NEW)
    assert not opens_with(folder, other)
    assert opens_with(folder, expected)
    no_leftovers(folder)  # the next unlock finished or discarded the change
    check_intact(folder, expected, backup)
    # and a change after the interrupted one still works
    change_workspace_passphrase(folder, expected, "third passphrase for the owl", kdf=TEST_KDF)
    check_intact(folder, "third passphrase for the owl", backup)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("stop_at", ["copied", "committed"])
def test_a_study_change_killed_midway_keeps_key_and_authority_together(
    tmp_path: Path, stop_at: str
) -> None:
    folder = tmp_path / "study"
    fingerprint = make_study(folder)
    kill_at("study", folder, stop_at)
    expected, other = (NEW, OLD) if stop_at == "committed" else (OLD, NEW)
    assert not opens_study(folder, other)
    with Study.open(folder, expected) as study:
        assert study.fingerprint() == fingerprint
    assert authority_opens_with(folder, expected)
    no_leftovers(folder)
    assert (folder / STUDY_DB_FILE).exists()


# --- the commands ---------------------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "PRODUCTION_KDF", TEST_KDF)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # no terminal: no prompts
    monkeypatch.delenv(NEW_PASSPHRASE_ENV, raising=False)


def test_change_passphrase_command(
    tmp_path: Path,
    cli_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    args = argparse.Namespace(workspace=str(folder))
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", OLD)
    with pytest.raises(UserError, match=NEW_PASSPHRASE_ENV):  # no new passphrase, no terminal
        cmd_change_passphrase(args, AppPaths.from_environment())
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, "aaaaaaaaaa")
    with pytest.raises(WeakPassphraseError):
        cmd_change_passphrase(args, AppPaths.from_environment())
    check_intact(folder, OLD, backup)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, NEW)
    assert cmd_change_passphrase(args, AppPaths.from_environment()) == 0
    assert "passphrase was changed" in capsys.readouterr().out
    check_intact(folder, NEW, backup)


def test_change_passphrase_command_asks_twice_at_a_terminal(
    tmp_path: Path, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ws"
    backup = make_workspace(folder)
    answers = iter([OLD, NEW, NEW + " typo"])
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda _prompt: next(answers))
    args = argparse.Namespace(workspace=str(folder))
    with pytest.raises(UserError, match="differ"):
        cmd_change_passphrase(args, AppPaths.from_environment())
    check_intact(folder, OLD, backup)


def test_coordinator_change_passphrase_command(
    tmp_path: Path, cli_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(NotFoundError, match="no study"):  # before any passphrase is asked
        cmd_coordinator_change_passphrase(
            argparse.Namespace(study=str(tmp_path / "none")), AppPaths.from_environment()
        )
    folder = tmp_path / "study"
    make_study(folder)
    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", OLD)
    monkeypatch.setenv(NEW_PASSPHRASE_ENV, NEW)
    args = argparse.Namespace(study=str(folder))
    assert cmd_coordinator_change_passphrase(args, AppPaths.from_environment()) == 0
    assert opens_study(folder, NEW)
    assert authority_opens_with(folder, NEW)


def test_the_commands_register_on_a_parser() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    passphrase_cmds.register(sub)
    args = parser.parse_args(["change-passphrase", "--workspace", "somewhere"])
    assert args.handler is cmd_change_passphrase and args.workspace == "somewhere"
    group = argparse.ArgumentParser()
    passphrase_cmds.register_coordinator(group.add_subparsers())
    args = group.parse_args(["change-passphrase", "my-study"])
    assert args.handler is cmd_coordinator_change_passphrase and args.study == "my-study"
