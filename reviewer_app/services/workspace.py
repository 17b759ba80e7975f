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

from reviewer_app.closing import ClosesOnExit
from reviewer_app.errors import UserError
from reviewer_app.services.passphrases import (
    MIN_PASSPHRASE_LENGTH,
    PassphraseTooShortError,
    WeakPassphraseError,
    check_new_passphrase,
)
from reviewer_app.storage import encrypted_folder
from reviewer_app.storage.database import Database
from reviewer_app.storage.encrypted_folder import FolderKind, OpenedFolder
from reviewer_app.storage.keys import PRODUCTION_KDF, DatabaseKey, KdfParams, no_step
from reviewer_app.storage.migrations import MIGRATIONS, MigrationResult
from reviewer_app.storage.rekey import Step

log = logging.getLogger(__name__)

DB_FILE = "workspace.db"
KEY_CHECK_FILE = "workspace.key.json"
WORKSPACE_FOLDER = FolderKind(
    noun="workspace",
    db_file=DB_FILE,
    key_file=KEY_CHECK_FILE,
    migrations=MIGRATIONS,
    when_taken="Open it, or choose an empty folder.",
)

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
    step: Step = no_step,
) -> None:
    """Re-encrypt the workspace (and its backups) under a new passphrase, atomically.

    The workspace must not be open elsewhere. Killed at any moment, the workspace opens
    afterwards with exactly one of the two passphrases, with all its data.
    """
    check_passphrase_change(old_passphrase, new_passphrase)
    encrypted_folder.change_passphrase(
        folder, WORKSPACE_FOLDER, old_passphrase, new_passphrase, kdf=kdf, step=step
    )
    log.info("changed the workspace passphrase")


class Workspace(ClosesOnExit):
    """An unlocked workspace. Build with ``create`` or ``unlock``; ``close`` when done."""

    def __init__(self, folder: Path, key: DatabaseKey, migration: MigrationResult) -> None:
        self.folder = folder
        self._key: DatabaseKey | None = key
        self.migration = migration
        self._db: Database | None = None

    # -- file names

    @staticmethod
    def db_path_in(folder: Path) -> Path:
        return WORKSPACE_FOLDER.db_path(folder)

    @staticmethod
    def key_check_path_in(folder: Path) -> Path:
        return WORKSPACE_FOLDER.key_path(folder)

    @property
    def db_path(self) -> Path:
        return self.db_path_in(self.folder)

    @staticmethod
    def exists_in(folder: Path) -> bool:
        return WORKSPACE_FOLDER.exists_in(folder)

    # -- lifecycle

    @classmethod
    def create(cls, folder: Path, passphrase: str, *, kdf: KdfParams = PRODUCTION_KDF) -> Workspace:
        """Make a new workspace in ``folder`` (a local folder; created if missing)."""
        check_new_passphrase(passphrase)
        return cls._opened(
            encrypted_folder.create_folder(folder, passphrase, WORKSPACE_FOLDER, kdf=kdf)
        )

    @classmethod
    def unlock(
        cls,
        folder: Path,
        passphrase: str,
        *,
        connect: bool = True,
        check_integrity: bool = True,
    ) -> Workspace:
        """Open an existing workspace; migrates it (after a backup) if it is older.

        Then checks its integrity (``services.integrity.checks``: the audit chain, the
        database file, every signature's sealed audit head) and refuses to open a workspace
        that fails, with ``WorkspaceIntegrityError`` saying what to do (restore from backup,
        tell the coordinator). Only ``reviewer-app check`` passes ``check_integrity=False``,
        to report what is wrong without changing anything.

        With ``connect=False`` the workspace holds the key but no main connection: the slow
        part (key derivation, any migration, the integrity check) runs on a worker thread,
        and the GUI thread then opens its own with ``open_with_key(workspace.folder,
        workspace.key)``.
        """
        from reviewer_app.services.integrity.checks import require_intact

        folder, key = encrypted_folder.unlock_folder(folder, passphrase, WORKSPACE_FOLDER)
        opened = encrypted_folder.open_database(folder, WORKSPACE_FOLDER, key)
        if check_integrity:
            try:
                require_intact(opened.db, "opening the workspace")
            except BaseException:
                encrypted_folder.close_database(opened.db, WORKSPACE_FOLDER)
                raise
        log.info("unlocked workspace (schema v%d)", opened.migration.to_version)
        if not connect:
            opened.db.close()
            return cls(folder, key, opened.migration)
        return cls._opened(opened)

    @classmethod
    def open_with_key(cls, folder: Path, key: DatabaseKey) -> Workspace:
        """Open a workspace with a key already derived (by ``unlock`` on another thread).

        The main connection belongs to the calling thread. The key is checked against the
        workspace's key record first, so a key for another workspace is refused like a wrong
        passphrase, never mistaken for a damaged database. Migrates if needed (normally the
        unlock that derived the key already did, and this is a quick check).
        """
        folder = encrypted_folder.existing_folder(folder, WORKSPACE_FOLDER)
        encrypted_folder.check_key(folder, WORKSPACE_FOLDER, key)
        return cls._opened(encrypted_folder.open_database(folder, WORKSPACE_FOLDER, key))

    @classmethod
    def _opened(cls, opened: OpenedFolder) -> Workspace:
        workspace = cls(opened.folder, opened.key, opened.migration)
        workspace._db = opened.db
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
            encrypted_folder.close_database(self._db, WORKSPACE_FOLDER)
        self._db = None
        self._key = None
