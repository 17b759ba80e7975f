"""The SQLCipher connection: sqlite-utils on top of it, pragmas, encryption, typed errors."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils.db
import sqlite_utils.utils

from reviewer_app.errors import DamagedFileError
from reviewer_app.storage.database import (
    Database,
    DatabaseLockedError,
    DiskFullError,
    use_sqlcipher_in_sqlite_utils,
)
from reviewer_app.storage.keys import DatabaseKey


def test_insert_with_alter_through_sqlcipher(db: Database) -> None:
    with db.transaction():
        db.su.table("t").insert({"id": 1, "a": "x"}, pk="id")
        db.su.table("t").insert({"id": 2, "a": "y", "b": 3}, alter=True)
    assert db.su.table("t").columns_dict == {"id": int, "a": str, "b": int}
    assert db.query_all("SELECT id, a, b FROM t ORDER BY id") == [(1, "x", None), (2, "y", 3)]


def test_upsert_with_alter_through_sqlcipher(db: Database) -> None:
    table = db.su.table("t")
    with db.transaction():
        table.insert({"id": 1, "a": "x"}, pk="id")
        table.upsert({"id": 1, "a": "changed", "c": 4}, pk="id", alter=True)
        table.upsert({"id": 2, "a": "new"}, pk="id")
    assert db.query_all("SELECT id, a, c FROM t ORDER BY id") == [
        (1, "changed", 4),
        (2, "new", None),
    ]


def test_bulk_insert_and_upsert_all_through_sqlcipher(db: Database) -> None:
    table = db.su.table("t")
    with db.transaction():
        table.insert({"id": 0, "a": "first"}, pk="id")
        table.insert_all(
            ({"id": i, "a": f"row {i}", "d": i * 2} for i in range(1, 2001)),
            alter=True,
            batch_size=100,
        )
        table.upsert_all([{"id": i, "e": "up"} for i in range(1995, 2005)], pk="id", alter=True)
    assert table.count == 2005
    assert db.query_one("SELECT d, e FROM t WHERE id = 1999") == (3998, "up")


def test_without_the_driver_patch_alter_fails(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The patch is what makes alter=True work: undo it and the known failure returns."""
    monkeypatch.setattr(sqlite_utils.db, "sqlite3", sqlite3)
    monkeypatch.setattr(sqlite_utils.db, "OperationalError", sqlite3.OperationalError)
    monkeypatch.setattr(sqlite_utils.utils, "sqlite3", sqlite3)
    monkeypatch.setattr(sqlite_utils.utils, "OperationalError", sqlite3.OperationalError)
    db.su.table("t").insert({"id": 1, "a": "x"}, pk="id")
    with pytest.raises(Exception, match="no column named b"):
        db.su.table("t").insert({"id": 2, "b": 3}, alter=True)
    use_sqlcipher_in_sqlite_utils()
    db.su.table("t").insert({"id": 2, "b": 3}, alter=True)


def test_connection_pragmas(db: Database) -> None:
    assert db.query_one("PRAGMA journal_mode") == ("wal",)
    assert db.query_one("PRAGMA synchronous") == (2,)  # FULL
    assert db.query_one("PRAGMA foreign_keys") == (1,)
    assert db.query_one("PRAGMA temp_store") == (2,)  # MEMORY
    assert db.query_one("PRAGMA busy_timeout")[0] > 0  # type: ignore[index]
    assert db.query_one("PRAGMA cipher_version")


def test_file_and_wal_are_encrypted(tmp_path: Path, db: Database, key: DatabaseKey) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES ('Zielińska plaintext canary')")
    wal = tmp_path / "test.db-wal"
    assert wal.exists() and wal.stat().st_size > 0
    for path in (tmp_path / "test.db", wal):
        data = path.read_bytes()
        assert not data.startswith(b"SQLite format 3")
        assert "Zielińska".encode() not in data
    plain = sqlite3.connect(tmp_path / "test.db")
    try:
        with pytest.raises(sqlite3.DatabaseError):
            plain.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        plain.close()


def test_wrong_key_is_a_typed_error_and_silent(
    tmp_path: Path, db: Database, capfd: pytest.CaptureFixture[str]
) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v TEXT)")
    with pytest.raises(DamagedFileError):
        Database(tmp_path / "test.db", DatabaseKey(os.urandom(32)))
    captured = capfd.readouterr()
    assert captured.err == "", "SQLCipher must not log to stderr"


def test_not_a_database_is_damaged(tmp_path: Path, key: DatabaseKey) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(os.urandom(8192))
    with pytest.raises(DamagedFileError):
        Database(path, key)


def test_transaction_rolls_back_on_error(db: Database) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v INTEGER)")
    with pytest.raises(RuntimeError), db.transaction():
        db.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    assert db.query_all("SELECT v FROM t") == []
    assert not db.in_transaction


def test_nested_transaction_is_a_savepoint(db: Database) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v INTEGER)")
        db.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(RuntimeError), db.transaction():
            db.execute("INSERT INTO t VALUES (2)")
            raise RuntimeError("inner")
        db.execute("INSERT INTO t VALUES (3)")
    assert db.query_all("SELECT v FROM t ORDER BY v") == [(1,), (3,)]


def test_locked_database_is_a_typed_error(tmp_path: Path, db: Database, key: DatabaseKey) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v INTEGER)")
    other = Database(tmp_path / "test.db", key, busy_timeout_ms=50)
    try:
        with db.transaction():
            db.execute("INSERT INTO t VALUES (1)")
            with pytest.raises(DatabaseLockedError), other.transaction():
                other.execute("INSERT INTO t VALUES (2)")
    finally:
        other.close()


def test_disk_full_is_a_typed_error(db: Database) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v TEXT)")
    pages = db.query_one("PRAGMA page_count")[0]  # type: ignore[index]
    db.execute(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskFullError) as caught, db.transaction():
        db.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 50)
    assert "disk is full" in str(caught.value)


def test_export_copy_is_encrypted_with_same_key(
    tmp_path: Path, db: Database, key: DatabaseKey
) -> None:
    with db.transaction():
        db.execute("CREATE TABLE t (v TEXT)")
        db.execute("INSERT INTO t VALUES ('kept')")
        db.set_user_version(7)
    copy = tmp_path / "copy.db"
    db.export_copy(copy, key)
    assert not copy.read_bytes().startswith(b"SQLite format 3")
    with Database(copy, key) as reopened:
        assert reopened.user_version == 7
        assert reopened.query_all("SELECT v FROM t") == [("kept",)]
