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
from reviewer_app.storage.keys import DatabaseKey

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


Migration = Callable[[Database], None]
"""One schema step: takes a database from one ``user_version`` to the next (inside the
runner's transaction, storage/migrations.py)."""
