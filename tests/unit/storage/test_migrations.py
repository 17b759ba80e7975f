"""Schema versions, the backup before migrating, refusal of newer databases, storage triggers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import reviewer_app.storage.migrations as migrations
from reviewer_app.errors import NewerVersionError, ReadOnlyError
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.migrations import LATEST_VERSION, migrate


def test_new_database_migrates_without_backup(db: Database, key: DatabaseKey) -> None:
    result = migrate(db, key)
    assert (result.from_version, result.to_version, result.backup) == (0, LATEST_VERSION, None)
    assert db.user_version == LATEST_VERSION
    tables = set(db.su.table_names())
    assert {"meta", "cases", "reviews", "answers", "audit", "ui_state"} <= tables
    assert not (db.path.parent / "backups").exists()


def test_migrate_is_idempotent(db: Database, key: DatabaseKey) -> None:
    migrate(db, key)
    assert migrate(db, key).backup is None
    assert db.user_version == LATEST_VERSION


def test_existing_database_is_backed_up_encrypted_before_migrating(
    db: Database, key: DatabaseKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(db, key)
    with db.transaction():
        db.execute("INSERT INTO meta (key, value) VALUES ('marker', 'before v2')")

    def to_v2(database: Database) -> None:
        database.execute("ALTER TABLE meta ADD COLUMN note TEXT")

    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    result = migrations.migrate(
        db, key, now=lambda: stamp, migrations=(*migrations.MIGRATIONS, to_v2)
    )

    assert result.to_version == LATEST_VERSION + 1
    assert result.backup is not None and result.backup.exists()
    assert result.backup.parent == db.path.parent / "backups"
    assert not result.backup.read_bytes().startswith(b"SQLite format 3")
    with Database(result.backup, key) as backup:
        assert backup.user_version == LATEST_VERSION
        assert backup.query_all("SELECT value FROM meta WHERE key = 'marker'") == [("before v2",)]
        assert "note" not in backup.su.table("meta").columns_dict
    assert "note" in db.su.table("meta").columns_dict
    assert [p.name for p in result.backup.parent.iterdir()] == [result.backup.name]


def test_failed_migration_leaves_previous_version(
    db: Database, key: DatabaseKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrate(db, key)

    def broken(database: Database) -> None:
        database.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        migrations.migrate(db, key, migrations=(*migrations.MIGRATIONS, broken))
    assert db.user_version == LATEST_VERSION
    assert "half_done" not in db.su.table_names()


def test_newer_database_is_refused_and_untouched(db: Database, key: DatabaseKey) -> None:
    migrate(db, key)
    with db.transaction():
        db.set_user_version(LATEST_VERSION + 5)
    with pytest.raises(NewerVersionError) as caught:
        migrate(db, key)
    assert "newer version of reviewer-app" in str(caught.value)
    assert db.user_version == LATEST_VERSION + 5
    assert not (db.path.parent / "backups").exists()


def _seed_review(db: Database, status: str) -> None:
    with db.transaction():
        db.execute(
            "INSERT INTO cases (case_ref, nhs_number, family_name, given_names, date_of_birth, "
            "sex, admission_date, date_of_death, place_of_death, learning_disability, "
            "imported_at) VALUES ('C1', '9990000018', 'F', 'G', '1940-01-01', 'female', "
            "'2017-01-01', '2017-01-10', 'home', 'unknown', 'now')"
        )
        db.execute(
            "INSERT INTO reviews (id, case_ref, version, status, definition_id, "
            "definition_version, created_at, updated_at) "
            "VALUES (1, 'C1', 1, 'in_progress', 'd', '1', 'now', 'now')"
        )
        db.execute("INSERT INTO answers VALUES (1, 'q1', '\"yes\"', 'now')")
        db.execute("UPDATE reviews SET status = ? WHERE id = 1", (status,))


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO answers VALUES (1, 'q2', '\"no\"', 'now')",
        "UPDATE answers SET value_json = '\"no\"' WHERE review_id = 1",
        "DELETE FROM answers WHERE review_id = 1",
    ],
)
def test_signed_review_answers_cannot_change_in_storage(
    db: Database, key: DatabaseKey, statement: str
) -> None:
    migrate(db, key)
    _seed_review(db, "signed")
    with pytest.raises(ReadOnlyError), db.transaction():
        db.execute(statement)
    assert db.query_all("SELECT question_id, value_json FROM answers") == [("q1", '"yes"')]


def test_signed_review_row_cannot_change_or_be_deleted(db: Database, key: DatabaseKey) -> None:
    migrate(db, key)
    _seed_review(db, "signed")
    with pytest.raises(ReadOnlyError), db.transaction():
        db.execute("UPDATE reviews SET status = 'in_progress' WHERE id = 1")
    with pytest.raises(ReadOnlyError), db.transaction():
        db.execute("DELETE FROM reviews WHERE id = 1")
    assert db.query_one("SELECT status FROM reviews WHERE id = 1") == ("signed",)


def test_in_progress_review_answers_can_change(db: Database, key: DatabaseKey) -> None:
    migrate(db, key)
    _seed_review(db, "in_progress")
    with db.transaction():
        db.execute("UPDATE answers SET value_json = '\"no\"' WHERE review_id = 1")
    assert db.query_one("SELECT value_json FROM answers") == ('"no"',)


def test_audit_rows_are_append_only(db: Database, key: DatabaseKey) -> None:
    migrate(db, key)
    with db.transaction():
        db.execute(
            "INSERT INTO audit (seq, at, actor, action, prev_hash, hash) "
            "VALUES (1, 'now', 'a', 'x', 'p', 'h')"
        )
    for statement in ("UPDATE audit SET actor = 'b'", "DELETE FROM audit"):
        with pytest.raises(ReadOnlyError), db.transaction():
            db.execute(statement)
    with pytest.raises(ReadOnlyError), db.transaction():
        db.execute(
            "INSERT INTO audit (seq, at, actor, action, prev_hash, hash) "
            "VALUES (3, 'now', 'a', 'x', 'p', 'h')"
        )
    assert db.query_all("SELECT seq, actor FROM audit") == [(1, "a")]
