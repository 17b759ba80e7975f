"""One encrypted SQLite connection (SQLCipher), wrapped in sqlite-utils, with typed errors.

Everything that speaks SQL goes through a ``Database``: it keys the connection, sets the
pragmas that make writes durable, offers the one transaction helper every write uses, and
turns driver errors into errors a person can act on. Messages never contain row values:
SQLite's own messages name tables and columns, not data, and we add only file names.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils
import sqlite_utils.db
import sqlite_utils.utils
from sqlcipher3 import dbapi2

from reviewer_app.errors import DamagedFileError, ReadOnlyError, UserError
from reviewer_app.storage import keys
from reviewer_app.storage.keys import DatabaseKey, KdfParams

log = logging.getLogger(__name__)

DEFAULT_BUSY_TIMEOUT_MS = 10_000
# Triggers that protect signed reviews and the audit trail raise messages with this prefix.
READ_ONLY_MARKER = "reviewer_app:read_only:"

Params = Sequence[Any] | Mapping[str, Any]


class DatabaseLockedError(UserError):
    """Another program (or another window of this one) holds the workspace for too long."""


class DiskFullError(UserError):
    """The disk holding the workspace is full."""


class StorageIOError(UserError):
    """The workspace file could not be read or written (drive removed, permissions...)."""


# --- sqlite-utils on SQLCipher --------------------------------------------------------------
#
# sqlite-utils binds, at import time, the module it believes is the driver: pysqlite3 if
# importable, else the standard library's sqlite3 (sqlite_utils/utils.py). It then *catches*
# that module's exception classes, e.g. ``except OperationalError`` when insert(alter=True)
# meets a missing column and must add it. Errors from a sqlcipher3 connection are instances of
# sqlcipher3.dbapi2's classes, which are unrelated, so those handlers never fire: alter=True,
# upserts with alter and bulk inserts fail with "table t has no column named x". This is the
# ONE place that points sqlite-utils at sqlcipher3's dbapi2 instead. It is safe because, by
# the layering test, storage/ is the only user of sqlite-utils and every connection it makes
# is a sqlcipher3 connection. tests/unit/storage/test_database.py exercises those calls.

_SQLITE_UTILS_DRIVER_NAMES: tuple[tuple[Any, str, Any], ...] = (
    (sqlite_utils.utils, "sqlite3", dbapi2),
    (sqlite_utils.utils, "dbapi2", dbapi2),
    (sqlite_utils.utils, "OperationalError", dbapi2.OperationalError),
    (sqlite_utils.db, "sqlite3", dbapi2),
    (sqlite_utils.db, "OperationalError", dbapi2.OperationalError),
)


def use_sqlcipher_in_sqlite_utils() -> None:
    """Make sqlite-utils use (and catch the errors of) sqlcipher3. Idempotent."""
    for module, name, replacement in _SQLITE_UTILS_DRIVER_NAMES:
        if getattr(module, name, None) is not replacement:
            setattr(module, name, replacement)


# --- error translation ----------------------------------------------------------------------

_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_CONSTRAINT = 19
_SQLITE_NOTADB = 26


def translate_error(error: Exception, file_name: str) -> Exception:
    """Our error for a driver error; the driver error itself when it is a bug."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    text = str(error)
    if READ_ONLY_MARKER in text:
        reason = text.split(READ_ONLY_MARKER, 1)[1].strip() or "it is locked"
        return ReadOnlyError(f"This cannot be changed: {reason}.")
    if primary in (_SQLITE_NOTADB, _SQLITE_CORRUPT):
        return DamagedFileError(
            f"The workspace database ({file_name}) cannot be read: it is damaged, or it is not "
            "a reviewer-app workspace. Restore it from a backup, or ask the study coordinator."
        )
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
        return DatabaseLockedError(
            "The workspace is busy in another window or program. Close other copies of "
            "reviewer-app and try again."
        )
    if primary == _SQLITE_FULL:
        return DiskFullError(
            "The disk is full, so the last change was not saved. Free some space and try again."
        )
    if primary in (_SQLITE_IOERR, _SQLITE_CANTOPEN, _SQLITE_READONLY):
        return StorageIOError(
            f"The workspace database ({file_name}) could not be read or written. Check that "
            "the drive is connected and that you may write to the folder, then try again."
        )
    return error


@contextlib.contextmanager
def translated_errors(file_name: str) -> Iterator[None]:
    try:
        yield
    except dbapi2.Error as error:
        translated = translate_error(error, file_name)
        if translated is error:
            raise
        raise translated from None


# --- the wrapper ----------------------------------------------------------------------------


def _fsync_file(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError as err:
        raise StorageIOError(
            f"The copy {path.name} could not be written: {err.strerror or 'unreadable'}."
        ) from None
    try:
        os.fsync(fd)
    except OSError:
        pass  # not possible on some file systems: the copy is still complete
    finally:
        os.close(fd)


class Database:
    """A keyed SQLCipher connection. One per thread: use ``Workspace.connect()`` for more."""

    def __init__(
        self,
        path: Path,
        key: DatabaseKey,
        *,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> None:
        use_sqlcipher_in_sqlite_utils()
        self.path = path
        self._file_name = path.name
        with translated_errors(self._file_name):
            conn = dbapi2.connect(str(path), timeout=busy_timeout_ms / 1000)
        try:
            self._configure(conn, key, busy_timeout_ms)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        self.su = sqlite_utils.Database(conn, execute_plugins=False)
        """The sqlite-utils view of this connection, for repositories in storage/."""

    def _configure(self, conn: dbapi2.Connection, key: DatabaseKey, busy_timeout_ms: int) -> None:
        # Logging off first: SQLCipher otherwise writes to stderr on a failed key.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"PRAGMA key = {key.pragma_literal()}")
        if not conn.execute("PRAGMA cipher_version").fetchone():
            raise RuntimeError("the SQLite driver has no SQLCipher codec: refusing to run")
        with translated_errors(self._file_name):
            # The first read decrypts page 1: a wrong key or a damaged file fails here.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                raise StorageIOError(
                    "The workspace database could not switch to safe-write mode. Check that "
                    "the folder is on this computer's own disk."
                )
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.execute("PRAGMA cache_size = -32000")  # 32 MiB of decrypted pages

    # -- lifecycle

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions

    @property
    def in_transaction(self) -> bool:
        return bool(self._conn.in_transaction)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """The one way to write: everything inside commits together or not at all.

        The outermost block takes the write lock up front (BEGIN IMMEDIATE), so two
        connections never deadlock upgrading a read lock; nested blocks are savepoints.
        Driver errors leave as our typed errors.
        """
        with translated_errors(self._file_name):
            if self._conn.in_transaction:
                name = f"sp_{secrets.token_hex(8)}"
                self._conn.execute(f"SAVEPOINT {name}")
                try:
                    yield self
                except BaseException:
                    if self._conn.in_transaction:
                        self._conn.execute(f"ROLLBACK TO {name}")
                        self._conn.execute(f"RELEASE {name}")
                    raise
                self._conn.execute(f"RELEASE {name}")
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
            try:
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise

    # -- statements

    def execute(self, sql: str, params: Params = ()) -> dbapi2.Cursor:
        """Run one statement. Writes must be inside ``transaction()``."""
        with translated_errors(self._file_name):
            return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        with translated_errors(self._file_name):
            self._conn.executemany(sql, rows)

    def query_one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        with translated_errors(self._file_name):
            row = self._conn.execute(sql, params).fetchone()
        return None if row is None else tuple(row)

    def query_all(self, sql: str, params: Params = ()) -> list[tuple[Any, ...]]:
        with translated_errors(self._file_name):
            rows: list[tuple[Any, ...]] = self._conn.execute(sql, params).fetchall()
        return rows

    def executescript(self, sql: str) -> None:
        """Run DDL inside the current transaction (used by migrations)."""
        with translated_errors(self._file_name):
            self.su.executescript(sql)

    # -- housekeeping

    @property
    def user_version(self) -> int:
        row = self.query_one("PRAGMA user_version")
        return int(row[0]) if row else 0

    def set_user_version(self, version: int) -> None:
        self.execute(f"PRAGMA user_version = {int(version)}")

    def integrity_check(self) -> list[str]:
        """``['ok']`` when SQLite finds nothing wrong; otherwise its findings (no row data)."""
        return [str(row[0]) for row in self.query_all("PRAGMA integrity_check")]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file (before copies and on close)."""
        self.query_one("PRAGMA wal_checkpoint(TRUNCATE)")

    def export_copy(self, target: Path, key: DatabaseKey) -> None:
        """Write an encrypted, consistent copy of this database to ``target`` (must not exist).

        Uses ``sqlcipher_export``, which copies schema, data and ``user_version`` through the
        codec, so the copy is encrypted with ``key`` and never exists in plaintext. The copy
        is written without a flush per statement (it is not in use until complete) and
        flushed to disk once at the end.
        """
        if self.in_transaction:
            raise RuntimeError("export_copy cannot run inside a transaction")
        alias = f"copy_{secrets.token_hex(4)}"
        with translated_errors(self._file_name):
            self._conn.execute(
                f"ATTACH DATABASE ? AS {alias} KEY {key.pragma_literal()}", (str(target),)
            )
            try:
                self._conn.execute(f"PRAGMA {alias}.synchronous = OFF")
                self._conn.execute(f"SELECT sqlcipher_export('{alias}')").fetchall()
                version = self.user_version
                self._conn.execute(f"PRAGMA {alias}.user_version = {version}")
            finally:
                self._conn.execute(f"DETACH DATABASE {alias}")
        _fsync_file(target)


# --- changing the passphrase ----------------------------------------------------------------

REKEY_BUSY_TIMEOUT_MS = 1_000
BACKUPS_FOLDER = "backups"

Prepare = Callable[[Database], None]
"""Run on each re-encrypted copy before the change is committed (e.g. to re-protect a key
that is itself encrypted under the passphrase)."""
Step = Callable[[str], None]


def _no_step(_name: str) -> None:
    return None


def _in_use_error(what: str) -> UserError:
    return DatabaseLockedError(
        f"The {what} is open in another window or program. Close it there, then change the "
        "passphrase again. Nothing was changed."
    )


def _not_written(what: str, err: OSError) -> UserError:
    return StorageIOError(
        f"Could not write in the {what} folder ({err.strerror or 'not writable'}), so the "
        "passphrase was not changed. Check the disk and the folder, then try again."
    )


def _open_exclusively(path: Path, key: DatabaseKey, what: str) -> Database:
    """Open ``path`` and lock it until closed; refuse if any other connection has it open.

    Leaving WAL mode needs every other connection closed, even idle ones: the one reliable
    test that nobody else has the database open. The exclusive lock then keeps them out.
    """
    try:
        db = Database(path, key, busy_timeout_ms=REKEY_BUSY_TIMEOUT_MS)
    except DatabaseLockedError:
        raise _in_use_error(what) from None
    try:
        mode = db.query_one("PRAGMA journal_mode = DELETE")
        if mode is None or str(mode[0]).lower() != "delete":
            raise _in_use_error(what)
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        db.execute("COMMIT")
    except DatabaseLockedError:
        db.close()
        raise _in_use_error(what) from None
    except BaseException:
        db.close()
        raise
    return db


def _check_copy(target: Path, key: DatabaseKey, version: int, prepare: Prepare | None) -> None:
    """Open the new copy under its new key, let ``prepare`` adjust it, and check it."""
    with Database(target, key) as copy:
        if prepare is not None:
            prepare(copy)
        if copy.user_version != version or copy.integrity_check() != ["ok"]:
            raise DamagedFileError(
                f"The re-encrypted copy of {target.name} did not check out, so the passphrase "
                "was not changed. Check the disk has free space, then try again."
            )
        copy.checkpoint()
    wal = target.with_name(target.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StorageIOError(f"The re-encrypted copy of {target.name} was not completed.")
    keys.remove_sidecars(target)


def _copy_backup(
    backup: Path, old: DatabaseKey, target: Path, new: DatabaseKey, prepare: Prepare | None
) -> None:
    try:
        with Database(backup, old, busy_timeout_ms=REKEY_BUSY_TIMEOUT_MS) as db:
            version = db.user_version
            db.export_copy(target, new)
        _check_copy(target, new, version, prepare)
    except DamagedFileError:
        raise DamagedFileError(
            f"The backup {backup.name} (in {BACKUPS_FOLDER}) cannot be read, so the "
            "passphrase was not changed. Move that file out of the folder, then try again."
        ) from None


def _backups(folder: Path, db_file: str) -> list[Path]:
    stem = Path(db_file).stem
    backups = folder / BACKUPS_FOLDER
    if not backups.is_dir():
        return []
    return sorted(p for p in backups.glob(f"{stem}.*.backup.db") if p.is_file())


def rekey_folder(
    folder: Path,
    *,
    db_file: str,
    key_file: str,
    old_passphrase: str,
    new_passphrase: str,
    kdf: KdfParams = keys.PRODUCTION_KDF,
    what: str = "workspace",
    prepare: Prepare | None = None,
    step: Step = _no_step,
) -> None:
    """Change the passphrase of the database ``folder/db_file`` (and of its backups in
    ``folder/backups``) whose key record is ``folder/key_file``.

    Each database is copied with ``sqlcipher_export`` into a new file under a key derived
    from the new passphrase with a fresh salt; ``prepare`` runs on each copy; then a new key
    record is written. Only then is the change committed (the plan file turns "committed"),
    and the new files are renamed over the old ones. Killed before the commit, the old
    passphrase still opens everything; after, the next unlock finishes the renames, and the
    new one does. The database is held exclusively throughout, so nobody writes to the old
    one meanwhile. ``step`` is told each stage (tests stop the process there).
    """
    key_path = folder / key_file
    keys.recover_interrupted_rekey(key_path)
    old_key = keys.unlock_key(key_path, old_passphrase, what=what)
    db_path = folder / db_file
    backups = _backups(folder, db_file)
    finals = [db_path, *backups, key_path]
    relative = [p.relative_to(folder).as_posix() for p in finals]
    news = [p.with_name(keys.rekey_new_name(p.name)) for p in finals]
    for new in news:  # left by a change killed before it wrote its plan
        new.unlink(missing_ok=True)
    record, new_key = keys.new_key(new_passphrase, kdf)
    held = _open_exclusively(db_path, old_key, what)
    try:
        try:
            keys.write_rekey_plan(key_path, keys.PREPARING, relative)
            step("prepared")
            version = held.user_version
            held.export_copy(news[0], new_key)
            _check_copy(news[0], new_key, version, prepare)
            step("copied")
            for backup, new in zip(backups, news[1:-1], strict=True):
                _copy_backup(backup, old_key, new, new_key, prepare)
            step("backups copied")
            keys.write_key_check(news[-1], record)
            step("key written")
            keys.write_rekey_plan(key_path, keys.COMMITTED, relative)
        except BaseException as err:
            with contextlib.suppress(OSError, UserError):
                keys.discard_rekey_plan(key_path)
            if isinstance(err, OSError):
                raise _not_written(what, err) from None
            raise
        step("committed")
    finally:
        held.close()  # before the renames: Windows cannot replace an open file
    try:
        keys.finish_rekey_plan(key_path, step=step)
    except OSError as err:
        raise StorageIOError(
            "The passphrase was changed, but the last step could not finish now "
            f"({err.strerror or 'a file could not be renamed'}). It finishes when the {what} "
            "is next opened, with the NEW passphrase."
        ) from None
    step("done")
    log.info("changed the %s passphrase (%d backups re-encrypted)", what, len(backups))
