"""A reviewer's workspace: one local folder holding the encrypted database and its key record.

Layout::

    <folder>/workspace.db          SQLCipher database (plus -wal / -shm while open)
    <folder>/workspace.key.json    Argon2id parameters, salt and key check (no secret)
    <folder>/backups/              encrypted copies made before each migration

The passphrase is turned into the key once, at unlock; after that every connection (the main
one, a writer thread's) is given the raw key, so opening another connection costs nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType

from reviewer_app.errors import DamagedFileError, NotFoundError, UserError, WrongPassphraseError
from reviewer_app.paths import ensure_local_folder
from reviewer_app.services.passphrases import (
    MIN_PASSPHRASE_LENGTH,
    PassphraseTooShortError,
    WeakPassphraseError,
    check_new_passphrase,
)
from reviewer_app.storage.database import Database, Step, rekey_folder
from reviewer_app.storage.keys import (
    PRODUCTION_KDF,
    DatabaseKey,
    KdfParams,
    new_key,
    read_key_check,
    unlock_key,
    write_key_check,
)
from reviewer_app.storage.migrations import MigrationResult, open_migrated

log = logging.getLogger(__name__)

DB_FILE = "workspace.db"
KEY_CHECK_FILE = "workspace.key.json"
_WHAT = "the workspace folder"

__all__ = [
    "DB_FILE",
    "KEY_CHECK_FILE",
    "MIN_PASSPHRASE_LENGTH",
    "PassphraseTooShortError",
    "WeakPassphraseError",
    "Workspace",
    "change_workspace_passphrase",
    "check_new_passphrase",
]


def _no_step(_name: str) -> None:
    return None


def check_passphrase_change(old: str, new: str) -> None:
    """The new passphrase is strong enough and is not the old one (else a clear refusal)."""
    check_new_passphrase(new)
    if new == old:
        raise UserError(
            "The new passphrase is the same as the current one. Choose a different one; "
            "nothing was changed."
        )


def change_workspace_passphrase(
    folder: Path,
    old_passphrase: str,
    new_passphrase: str,
    *,
    kdf: KdfParams = PRODUCTION_KDF,
    step: Step = _no_step,
) -> None:
    """Re-encrypt the workspace (and its backups) under a new passphrase, atomically.

    The workspace must not be open elsewhere. Killed at any moment, the workspace opens
    afterwards with exactly one of the two passphrases, with all its data.
    """
    check_passphrase_change(old_passphrase, new_passphrase)
    folder = Workspace._existing(folder)
    rekey_folder(
        folder,
        db_file=DB_FILE,
        key_file=KEY_CHECK_FILE,
        old_passphrase=old_passphrase,
        new_passphrase=new_passphrase,
        kdf=kdf,
        what="workspace",
        step=step,
    )
    log.info("changed the workspace passphrase")


class Workspace:
    """An unlocked workspace. Build with ``create`` or ``unlock``; ``close`` when done."""

    def __init__(self, folder: Path, key: DatabaseKey, migration: MigrationResult) -> None:
        self.folder = folder
        self._key: DatabaseKey | None = key
        self.migration = migration
        self._db: Database | None = None

    # -- file names

    @staticmethod
    def db_path_in(folder: Path) -> Path:
        return folder / DB_FILE

    @staticmethod
    def key_check_path_in(folder: Path) -> Path:
        return folder / KEY_CHECK_FILE

    @property
    def db_path(self) -> Path:
        return self.db_path_in(self.folder)

    @staticmethod
    def exists_in(folder: Path) -> bool:
        return Workspace.key_check_path_in(folder).exists() or Workspace.db_path_in(folder).exists()

    # -- lifecycle

    @classmethod
    def create(cls, folder: Path, passphrase: str, *, kdf: KdfParams = PRODUCTION_KDF) -> Workspace:
        """Make a new workspace in ``folder`` (a local folder; created if missing)."""
        check_new_passphrase(passphrase)
        folder = ensure_local_folder(folder, _WHAT)
        if cls.exists_in(folder):
            raise UserError(
                f"There is already a workspace in {folder}. Open it, or choose an empty folder."
            )
        record, key = new_key(passphrase, kdf)
        result = cls._migrated(folder, key)
        # The key record goes last: a folder without it is not yet a workspace, so an
        # interrupted creation can be retried after removing the half-made database.
        write_key_check(cls.key_check_path_in(folder), record)
        log.info("created workspace (schema v%d)", result.to_version)
        return cls._opened_with(folder, key, result)

    @classmethod
    def unlock(cls, folder: Path, passphrase: str, *, connect: bool = True) -> Workspace:
        """Open an existing workspace; migrates it (after a backup) if it is older.

        With ``connect=False`` the workspace holds the key but no main connection: the slow
        part (key derivation, any migration) runs on a worker thread, and the GUI thread then
        opens its own with ``open_with_key(workspace.folder, workspace.key)``.
        """
        folder = cls._existing(folder)
        key = unlock_key(cls.key_check_path_in(folder), passphrase)
        result = cls._migrated(folder, key)
        log.info("unlocked workspace (schema v%d)", result.to_version)
        if not connect:
            return cls(folder, key, result)
        return cls._opened_with(folder, key, result)

    @classmethod
    def open_with_key(cls, folder: Path, key: DatabaseKey) -> Workspace:
        """Open a workspace with a key already derived (by ``unlock`` on another thread).

        The main connection belongs to the calling thread. The key is checked against the
        workspace's key record first, so a key for another workspace is refused like a wrong
        passphrase, never mistaken for a damaged database. Migrates if needed (normally the
        unlock that derived the key already did, and this is a quick check).
        """
        folder = cls._existing(folder)
        if not read_key_check(cls.key_check_path_in(folder)).matches(key):
            raise WrongPassphraseError("That key does not open this workspace.")
        return cls._opened_with(folder, key, cls._migrated(folder, key))

    @classmethod
    def _existing(cls, folder: Path) -> Path:
        """The folder, checked to be local and to hold a workspace (else a clear error)."""
        if not folder.is_dir():
            raise NotFoundError(f"There is no workspace in {folder}.")
        folder = ensure_local_folder(folder, _WHAT)
        key_path, db_path = cls.key_check_path_in(folder), cls.db_path_in(folder)
        if not db_path.exists():
            if key_path.exists():
                raise DamagedFileError(
                    f"The workspace in {folder} has lost its database file ({DB_FILE}). "
                    "Restore the folder from a backup, or ask the study coordinator."
                )
            raise NotFoundError(f"There is no workspace in {folder}.")
        return folder

    @classmethod
    def _migrated(cls, folder: Path, key: DatabaseKey) -> MigrationResult:
        db, result = open_migrated(cls.db_path_in(folder), key)
        db.close()
        return result

    @classmethod
    def _opened_with(cls, folder: Path, key: DatabaseKey, result: MigrationResult) -> Workspace:
        workspace = cls(folder, key, result)
        workspace._db = workspace.connect()
        return workspace

    @property
    def key(self) -> DatabaseKey:
        """The raw database key (its repr never shows it), to open the workspace on another
        thread with ``open_with_key``. Raises once the workspace is closed."""
        if self._key is None:
            raise RuntimeError("the workspace is closed")
        return self._key

    @property
    def connected(self) -> bool:
        """Whether this object holds a main connection (``unlock(..., connect=False)``: no)."""
        return self._db is not None

    @property
    def db(self) -> Database:
        """The main connection (GUI thread). Other threads use ``connect()``."""
        if self._db is None:
            raise RuntimeError("the workspace is closed (or was unlocked without a connection)")
        return self._db

    def connect(self) -> Database:
        """A new connection for one thread (e.g. a writer). The caller closes it, on that thread."""
        if self._key is None:
            raise RuntimeError("the workspace is closed")
        return Database(self.db_path, self._key)

    def close(self) -> None:
        """Close the main connection and forget the key. Idempotent.

        Connections from ``connect()`` belong to their threads and are closed there.
        """
        if self._db is not None:
            try:
                self._db.checkpoint()
            except UserError:
                log.warning("could not checkpoint the workspace database on close")
            self._db.close()
        self._db = None
        self._key = None

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
