"""Tampering with a workspace's audit trail as someone holding the key would: drop the
append-only triggers, then edit, delete or reorder rows (for the integrity tests)."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.storage.audit import AuditLog, entry_hash
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey

AUDIT_TRIGGERS = ("audit_no_update", "audit_no_delete", "audit_next_seq")


def untrigger(db: Database) -> None:
    with db.transaction():
        for name in AUDIT_TRIGGERS:
            db.execute(f"DROP TRIGGER IF EXISTS {name}")


def edit(db: Database, seq: int) -> None:
    """Change one entry's recorded value (its hash left as it was)."""
    untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET new_json = '\"forged\"' WHERE seq = ?", (seq,))


def delete(db: Database, seq: int) -> None:
    untrigger(db)
    with db.transaction():
        db.execute("DELETE FROM audit WHERE seq = ?", (seq,))


def truncate(db: Database, from_seq: int) -> None:
    """Cut the trail short: delete entry ``from_seq`` and every one after it (the chain
    that is left holds on its own)."""
    untrigger(db)
    with db.transaction():
        db.execute("DELETE FROM audit WHERE seq >= ?", (from_seq,))


def reorder(db: Database, first: int, second: int) -> None:
    """Swap two entries' places in the sequence."""
    untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET seq = 999999 WHERE seq = ?", (first,))
        db.execute("UPDATE audit SET seq = ? WHERE seq = ?", (first, second))
        db.execute("UPDATE audit SET seq = ? WHERE seq = 999999", (second,))


def rewrite_history(db: Database) -> None:
    """Rebuild the whole chain with one value changed and every hash recomputed: a valid
    chain on its own, which only the heads sealed by signatures can catch."""
    untrigger(db)
    entries = AuditLog(db).entries()
    with db.transaction():
        db.execute("DELETE FROM audit")
        prev = "0" * 64
        for entry in entries:
            fields = entry.model_dump(exclude={"hash"})
            fields["prev_hash"] = prev
            if entry.seq == 1:
                fields["actor"] = "someone else"
            digest = entry_hash(**fields)
            db.execute(
                "INSERT INTO audit (seq, at, actor, review_id, action, field, old_json, "
                "new_json, reason, prev_hash, hash) VALUES (:seq, :at, :actor, :review_id, "
                ":action, :field, :old_json, :new_json, :reason, :prev_hash, :hash)",
                {**fields, "hash": digest},
            )
            prev = digest


def tamper_file(db_path: Path, key: DatabaseKey, how: str, *args: int) -> None:
    """Open the workspace database with its key and tamper with it (``how``: edit, delete,
    truncate, reorder, rewrite_history)."""
    operations = {
        "edit": edit,
        "delete": delete,
        "truncate": truncate,
        "reorder": reorder,
        "rewrite_history": rewrite_history,
    }
    with Database(db_path, key) as db:
        operations[how](db, *args)  # type: ignore[operator]
