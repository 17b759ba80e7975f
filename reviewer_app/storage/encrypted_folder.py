"""The encrypted folder both databases live in: create, open, key check, migrate, close.

A reviewer's workspace and a coordinator's study are the same thing on disk: a local folder
holding a SQLCipher database, the key record that recognises its key (storage/keys.py) and
the encrypted backups made before each migration. Only their words and file names differ, so
they are passed in as a ``FolderKind`` and every message reads as it does for that folder.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewer_app.errors import DamagedFileError, NotFoundError, UserError, WrongPassphraseError
from reviewer_app.paths import ensure_local_folder
from reviewer_app.storage import rekey
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import (
    PRODUCTION_KDF,
    DatabaseKey,
    KdfParams,
    new_key,
    no_step,
    read_key_check,
    unlock_key,
    write_key_check,
)
from reviewer_app.storage.migrations import Migration, MigrationResult, migrate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FolderKind:
    """One kind of encrypted folder: its word in messages, its two files, its schema steps."""

    noun: str  # "workspace" or "study": the word every message uses
    db_file: str
    key_file: str
    migrations: Sequence[Migration]
    when_taken: str  # the advice when creating one where one already is
    # A study with either file missing is no study; a workspace with only its key record has
    # lost its database, which is worth saying (the reviewer's work was in it).
    needs_both_files: bool = False

    @property
    def described(self) -> str:
        return f"the {self.noun} folder"

    def db_path(self, folder: Path) -> Path:
        return folder / self.db_file

    def key_path(self, folder: Path) -> Path:
        return folder / self.key_file

    def exists_in(self, folder: Path) -> bool:
        return self.key_path(folder).exists() or self.db_path(folder).exists()


@dataclass(frozen=True)
class OpenedFolder:
    """A folder just created or unlocked: its resolved path, key, main connection, schema."""

    folder: Path
    key: DatabaseKey
    db: Database
    migration: MigrationResult


def existing_folder(folder: Path, kind: FolderKind) -> Path:
    """The folder, checked to hold one of ``kind`` and to be local (else a clear error)."""
    db_there, key_there = kind.db_path(folder).exists(), kind.key_path(folder).exists()
    if not folder.is_dir() or (kind.needs_both_files and not (db_there and key_there)):
        raise NotFoundError(f"There is no {kind.noun} in {folder}.")
    folder = ensure_local_folder(folder, kind.described)
    if not db_there:
        if not key_there:
            raise NotFoundError(f"There is no {kind.noun} in {folder}.")
        raise DamagedFileError(
            f"The {kind.noun} in {folder} has lost its database file ({kind.db_file}). "
            "Restore the folder from a backup, or ask the study coordinator."
        )
    return folder


def create_folder(
    folder: Path,
    passphrase: str,
    kind: FolderKind,
    *,
    kdf: KdfParams = PRODUCTION_KDF,
    initialise: Callable[[Database], None] | None = None,
) -> OpenedFolder:
    """Make a new folder of ``kind`` (a local folder; created if missing), migrated to the
    latest schema, ``initialise`` run on it; the passphrase was checked by the caller.

    The key record goes last: a folder without it is not yet one of ``kind``. If anything
    fails the half-made database is removed, so creating again can simply be retried.
    """
    folder = ensure_local_folder(folder, kind.described)
    if kind.exists_in(folder):
        raise UserError(f"There is already a {kind.noun} in {folder}. {kind.when_taken}")
    record, key = new_key(passphrase, kdf)
    db_path = kind.db_path(folder)
    db = Database(db_path, key)
    try:
        result = migrate(db, key, migrations=kind.migrations, what=kind.noun)
        if initialise is not None:
            initialise(db)
        write_key_check(kind.key_path(folder), record)
    except BaseException:
        db.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                db_path.with_name(db_path.name + suffix).unlink()
        raise
    log.info("created a %s (schema v%d)", kind.noun, result.to_version)
    return OpenedFolder(folder, key, db, result)


def unlock_folder(folder: Path, passphrase: str, kind: FolderKind) -> tuple[Path, DatabaseKey]:
    """The checked folder and the key its passphrase gives (a wrong one is refused)."""
    folder = existing_folder(folder, kind)
    return folder, unlock_key(kind.key_path(folder), passphrase, what=kind.noun)


def check_key(folder: Path, kind: FolderKind, key: DatabaseKey) -> None:
    """Refuse a key derived for another folder like a wrong passphrase, before the database
    is touched (it would otherwise look damaged)."""
    if not read_key_check(kind.key_path(folder), what=kind.noun).matches(key):
        raise WrongPassphraseError(f"That key does not open this {kind.noun}.")


def open_database(folder: Path, kind: FolderKind, key: DatabaseKey) -> OpenedFolder:
    """Open the folder's database and migrate it (after a backup) if it is older; the
    connection is closed if that fails, else handed to the caller (who closes it)."""
    db = Database(kind.db_path(folder), key)
    try:
        result = migrate(db, key, migrations=kind.migrations, what=kind.noun)
    except BaseException:
        db.close()
        raise
    return OpenedFolder(folder, key, db, result)


def close_database(db: Database, kind: FolderKind) -> None:
    """Fold the write-ahead log in (best effort: the data is safe either way), then close."""
    try:
        db.checkpoint()
    except UserError:
        log.warning("could not checkpoint the %s database on close", kind.noun)
    db.close()


def change_passphrase(
    folder: Path,
    kind: FolderKind,
    old_passphrase: str,
    new_passphrase: str,
    *,
    kdf: KdfParams = PRODUCTION_KDF,
    prepare: rekey.Prepare | None = None,
    step: rekey.Step = no_step,
) -> None:
    """Re-encrypt the folder's database and backups under a new passphrase, atomically
    (storage/rekey.py); the new passphrase was checked by the caller."""
    rekey.rekey_folder(
        existing_folder(folder, kind),
        db_file=kind.db_file,
        key_file=kind.key_file,
        old_passphrase=old_passphrase,
        new_passphrase=new_passphrase,
        kdf=kdf,
        what=kind.noun,
        prepare=prepare,
        step=step,
    )
