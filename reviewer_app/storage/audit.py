"""The append-only, hash-chained audit trail of every change to a review.

Each entry carries ``prev_hash`` (the previous entry's hash, or 64 zeros for the first) and
``hash`` = SHA-256 over a canonical serialisation of the entry, sequence number and
``prev_hash`` included. Editing, deleting, inserting or reordering any entry therefore breaks
the chain at or after that entry, which ``verify`` reports by sequence number.

What a chain cannot show on its own is that entries were cut off the end, or that the whole
tail was rewritten and re-hashed by someone holding the key. For that, the head
``(seq, hash)`` is sealed into things that leave the workspace (signatures, exports); verifying
later against such an ``expected_head`` detects truncation and rewriting up to that point.

Triggers (storage/workspace/schema.py) also refuse UPDATE and DELETE, and INSERT out of
sequence, so honest code cannot damage the chain by accident; the hash chain is what catches
deliberate edits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from reviewer_app.storage.clock import iso_utc, utc_now
from reviewer_app.storage.database import Database

GENESIS_HASH = "0" * 64
_HASH_FORMAT = "reviewer-app/audit/v1"
_COLUMNS = "seq, at, actor, review_id, action, field, old_json, new_json, reason, prev_hash, hash"


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8 text, no NaN."""
    return json.dumps(
        value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


class AuditHead(NamedTuple):
    """The last entry's sequence number and hash; ``(0, GENESIS_HASH)`` for an empty trail."""

    seq: int
    hash: str


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    at: str
    actor: str
    review_id: int | None
    action: str
    field: str | None
    old_json: str | None
    new_json: str | None
    reason: str | None
    prev_hash: str
    hash: str

    @property
    def old_value(self) -> Any:
        return None if self.old_json is None else json.loads(self.old_json)

    @property
    def new_value(self) -> Any:
        return None if self.new_json is None else json.loads(self.new_json)


class AuditVerification(BaseModel):
    """The result of checking the chain. ``ok`` is False with the first bad seq named."""

    model_config = ConfigDict(frozen=True)

    ok: bool
    entries: int
    head: AuditHead
    first_bad_seq: int | None = None
    problem: str | None = None


def entry_hash(
    *,
    seq: int,
    prev_hash: str,
    at: str,
    actor: str,
    review_id: int | None,
    action: str,
    field: str | None,
    old_json: str | None,
    new_json: str | None,
    reason: str | None,
) -> str:
    """SHA-256 over a JSON array of every field in a fixed order (a format tag first)."""
    payload = [
        _HASH_FORMAT,
        seq,
        prev_hash,
        at,
        actor,
        review_id,
        action,
        field,
        old_json,
        new_json,
        reason,
    ]
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    return AuditEntry(**dict(zip(_COLUMNS.split(", "), row, strict=True)))


class AuditLog:
    """Appends to and checks the audit table of one database connection."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def append(
        self,
        *,
        actor: str,
        action: str,
        review_id: int | None = None,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> AuditEntry:
        """Add one entry. Must run inside the caller's transaction, with the change it records.

        ``old``/``new`` are JSON values; None means "no value" (unanswered, not set).
        """
        if not self._db.in_transaction:
            raise RuntimeError("audit entries are written in the same transaction as the change")
        if not actor.strip():
            raise ValueError("an audit entry needs an actor")
        head = self.head()
        fields: dict[str, Any] = {
            "seq": head.seq + 1,
            "prev_hash": head.hash,
            "at": iso_utc(at or self._clock()),
            "actor": actor,
            "review_id": review_id,
            "action": action,
            "field": field,
            "old_json": None if old is None else canonical_json(old),
            "new_json": None if new is None else canonical_json(new),
            "reason": reason,
        }
        fields["hash"] = entry_hash(**fields)
        entry = AuditEntry(**fields)
        self._db.execute(
            f"INSERT INTO audit ({_COLUMNS}) VALUES ({', '.join('?' * 11)})",
            [getattr(entry, name) for name in _COLUMNS.split(", ")],
        )
        return entry

    def head(self) -> AuditHead:
        row = self._db.query_one("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        return AuditHead(0, GENESIS_HASH) if row is None else AuditHead(int(row[0]), str(row[1]))

    def entries(self, review_id: int | None = None) -> list[AuditEntry]:
        if review_id is None:
            rows = self._db.query_all(f"SELECT {_COLUMNS} FROM audit ORDER BY seq")
        else:
            rows = self._db.query_all(
                f"SELECT {_COLUMNS} FROM audit WHERE review_id = ? ORDER BY seq", (review_id,)
            )
        return [_entry(row) for row in rows]

    def verify(self, expected_head: AuditHead | tuple[int, str] | None = None) -> AuditVerification:
        """Check every entry in order; with ``expected_head``, also that it is still there."""
        expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
        head = AuditHead(0, GENESIS_HASH)
        hash_at_expected: str | None = None
        want = None if expected_head is None else AuditHead(*expected_head)

        def bad(seq: int, problem: str) -> AuditVerification:
            return AuditVerification(
                ok=False, entries=count, head=head, first_bad_seq=seq, problem=problem
            )

        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq")
        for row in cursor:
            entry = _entry(tuple(row))
            count += 1
            if entry.seq != expected_seq:
                return bad(expected_seq, f"entry {expected_seq} is missing or out of order")
            if entry.prev_hash != prev_hash:
                return bad(entry.seq, f"entry {entry.seq} does not follow on from the one before")
            fields = entry.model_dump(exclude={"hash"})
            if entry_hash(**fields) != entry.hash:
                return bad(entry.seq, f"entry {entry.seq} has been altered")
            if want is not None and entry.seq == want.seq:
                hash_at_expected = entry.hash
            prev_hash, expected_seq = entry.hash, expected_seq + 1
            head = AuditHead(entry.seq, entry.hash)
        if want is not None and want.seq > 0:
            if head.seq < want.seq:
                return bad(
                    head.seq + 1,
                    f"the trail ends at entry {head.seq} but had reached {want.seq}",
                )
            if hash_at_expected != want.hash:
                return bad(want.seq, f"entry {want.seq} is not the one recorded earlier")
        return AuditVerification(ok=True, entries=count, head=head)


def audit_head(db: Database) -> AuditHead:
    return AuditLog(db).head()


def verify_audit(
    db: Database, expected_head: AuditHead | tuple[int, str] | None = None
) -> AuditVerification:
    return AuditLog(db).verify(expected_head)
