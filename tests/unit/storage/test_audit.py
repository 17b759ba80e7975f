"""The hash-chained audit trail: each kind of tampering is caught and located.

Tampering is done as someone holding the key would: drop the append-only triggers, then edit.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.storage.audit import (
    GENESIS_HASH,
    AuditHead,
    AuditLog,
    audit_head,
    entry_hash,
    verify_audit,
)
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.migrations import migrate

ENTRIES = 6


@pytest.fixture
def db(workspace_db: Database) -> Database:
    """The shared workspace database with ENTRIES audit entries (this file's ``db``)."""
    log = AuditLog(workspace_db)
    with workspace_db.transaction():
        for i in range(1, ENTRIES + 1):
            log.append(
                actor="R01 Dr Test",
                action="answer",
                review_id=1,
                field=f"q{i}",
                old=None if i == 1 else {"v": i - 1},
                new={"v": i, "text": "Nguyễn"},
                reason="because" if i % 2 else None,
            )
    return workspace_db


def _untrigger(db: Database) -> None:
    with db.transaction():
        for name in ("audit_no_update", "audit_no_delete", "audit_next_seq"):
            db.execute(f"DROP TRIGGER {name}")


def test_clean_trail_verifies(db: Database) -> None:
    head = audit_head(db)
    assert head.seq == ENTRIES
    result = verify_audit(db, expected_head=head)
    assert result.ok and result.entries == ENTRIES and result.head == head
    assert result.first_bad_seq is None


def test_empty_trail(tmp_path: Path) -> None:
    key = DatabaseKey(os.urandom(32))
    with Database(tmp_path / "e.db", key) as database:
        migrate(database, key)
        assert audit_head(database) == AuditHead(0, GENESIS_HASH)
        assert verify_audit(database, expected_head=(0, GENESIS_HASH)).ok


def test_entries_chain_and_read_back(db: Database) -> None:
    entries = AuditLog(db).entries(review_id=1)
    assert [e.seq for e in entries] == list(range(1, ENTRIES + 1))
    assert entries[0].prev_hash == GENESIS_HASH
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    assert entries[2].old_value == {"v": 2} and entries[2].new_value == {"v": 3, "text": "Nguyễn"}
    assert entries[0].old_value is None


def test_append_outside_a_transaction_is_refused(db: Database) -> None:
    with pytest.raises(RuntimeError):
        AuditLog(db).append(actor="a", action="x")


def test_edited_entry_is_caught(db: Database) -> None:
    _untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET new_json = '{\"v\":99}' WHERE seq = 3")
    result = verify_audit(db)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "altered" in (result.problem or "")


def test_edited_and_rehashed_entry_is_caught_at_the_next(db: Database) -> None:
    _untrigger(db)
    row = db.query_one(
        "SELECT seq, prev_hash, at, actor, review_id, action, field, old_json, new_json, reason "
        "FROM audit WHERE seq = 3"
    )
    assert row is not None
    fields = dict(
        zip(
            (
                "seq",
                "prev_hash",
                "at",
                "actor",
                "review_id",
                "action",
                "field",
                "old_json",
                "new_json",
                "reason",
            ),
            row,
            strict=True,
        )
    )
    fields["actor"] = "someone else"
    with db.transaction():
        db.execute(
            "UPDATE audit SET actor = ?, hash = ? WHERE seq = 3",
            (fields["actor"], entry_hash(**fields)),
        )
    result = verify_audit(db)
    assert not result.ok and result.first_bad_seq == 4


def test_deleted_entry_is_caught(db: Database) -> None:
    _untrigger(db)
    with db.transaction():
        db.execute("DELETE FROM audit WHERE seq = 3")
    result = verify_audit(db)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert "missing" in (result.problem or "")


def test_reordered_entries_are_caught(db: Database) -> None:
    _untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET seq = 100 WHERE seq = 2")
        db.execute("UPDATE audit SET seq = 2 WHERE seq = 3")
        db.execute("UPDATE audit SET seq = 3 WHERE seq = 100")
    result = verify_audit(db)
    assert not result.ok
    assert result.first_bad_seq == 2


def test_inserted_entry_is_caught(db: Database) -> None:
    _untrigger(db)
    log = AuditLog(db)
    second = log.entries()[1]
    with db.transaction():
        for seq in range(ENTRIES, 2, -1):
            db.execute("UPDATE audit SET seq = seq + 1 WHERE seq = ?", (seq,))
        fields: dict[str, Any] = {
            "seq": 3,
            "prev_hash": second.hash,
            "at": second.at,
            "actor": "intruder",
            "review_id": 1,
            "action": "answer",
            "field": "q9",
            "old_json": None,
            "new_json": '"forged"',
            "reason": None,
        }
        db.execute(
            "INSERT INTO audit (seq, prev_hash, at, actor, review_id, action, field, old_json, "
            "new_json, reason, hash) VALUES (:seq, :prev_hash, :at, :actor, :review_id, "
            ":action, :field, :old_json, :new_json, :reason, :hash)",
            {**fields, "hash": entry_hash(**fields)},
        )
    result = verify_audit(db)
    assert not result.ok
    assert result.first_bad_seq == 4  # the forged entry chains; the one after it does not


def test_truncation_is_caught_with_expected_head(db: Database) -> None:
    sealed = audit_head(db)
    _untrigger(db)
    with db.transaction():
        db.execute("DELETE FROM audit WHERE seq > 4")
    assert verify_audit(db).ok, "a cut-off trail is a valid chain on its own"
    result = verify_audit(db, expected_head=sealed)
    assert not result.ok
    assert result.first_bad_seq == 5
    assert "ends at entry 4" in (result.problem or "")


def test_rewritten_history_is_caught_with_expected_head(db: Database) -> None:
    """Someone with the key rebuilds the whole chain: the sealed head no longer matches."""
    sealed = audit_head(db)
    _untrigger(db)
    log = AuditLog(db)
    originals = log.entries()
    with db.transaction():
        db.execute("DELETE FROM audit")
        for entry in originals:
            log.append(
                actor=entry.actor,
                action=entry.action,
                review_id=entry.review_id,
                field=entry.field,
                old=entry.old_value,
                new={"v": "rewritten"},
                reason=entry.reason,
            )
    assert verify_audit(db).ok
    result = verify_audit(db, expected_head=sealed)
    assert not result.ok and result.first_bad_seq == sealed.seq


def test_later_entries_keep_an_old_head_valid(db: Database) -> None:
    sealed = audit_head(db)
    with db.transaction():
        AuditLog(db).append(actor="a", action="answer", review_id=1, field="q", new=1)
    assert verify_audit(db, expected_head=sealed).ok


def test_sealed_heads_are_checked_in_one_pass(db: Database) -> None:
    from reviewer_app.storage.audit import database_problems

    log = AuditLog(db)
    entries = log.entries()
    real = [AuditHead(e.seq, e.hash) for e in entries[1:4:2]]
    wrong = AuditHead(3, "f" * 64)
    beyond = AuditHead(ENTRIES + 5, "a" * 64)
    result, lost = log.verify_sealed([*real, wrong, beyond, AuditHead(0, GENESIS_HASH)])
    assert result.ok and result.entries == ENTRIES
    assert lost == (wrong, beyond)
    assert database_problems(db) == ()
    _untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET reason = 'x' WHERE seq = 3")
    result, lost = log.verify_sealed(real)
    assert not result.ok and result.first_bad_seq == 3
    assert lost == (real[1],), "a head before the break still matches; one after it is lost"


def test_the_signatures_entries_come_from_the_same_pass_and_stop_at_a_break(db: Database) -> None:
    log = AuditLog(db)
    with db.transaction():
        log.append(actor="R01 Dr Test", action="signed", review_id=1, new={"role": "reviewer"})
        log.append(actor="R01 Dr Test", action="answer", review_id=2, field="q", new=1)
        log.append(actor="R02", action="co_signed", review_id=1, new={"role": "co_reviewer"})
    checked = log.verify_signed([audit_head(db)], ("signed", "co_signed"))
    assert checked.chain.ok and checked.lost == ()
    assert [(e.seq, e.action) for e in checked.entries] == [
        (ENTRIES + 1, "signed"),
        (ENTRIES + 3, "co_signed"),
    ]
    assert log.verify_signed([], ()).entries == ()
    _untrigger(db)
    with db.transaction():
        db.execute("UPDATE audit SET reason = 'x' WHERE seq = ?", (ENTRIES + 2,))
    checked = log.verify_signed([], ("signed", "co_signed"))
    assert not checked.chain.ok and checked.chain.first_bad_seq == ENTRIES + 2
    assert [e.seq for e in checked.entries] == [ENTRIES + 1], "none past the break"
