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
from collections.abc import Collection
from datetime import datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from reviewer_app.errors import DamagedFileError
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.database import Database
from reviewer_app.storage.repository import Repository

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


class SealedVerification(NamedTuple):
    """The chain, the sealed heads it no longer holds, and the entries asked for."""

    chain: AuditVerification
    lost: tuple[AuditHead, ...]
    entries: tuple[AuditEntry, ...]


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


class AuditLog(Repository):
    """Appends to and checks the audit table of one database connection."""

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
        want = None if expected_head is None else AuditHead(*expected_head)
        result, found, _ = self._scan({want.seq} if want is not None and want.seq > 0 else set())
        if not result.ok or want is None or want.seq == 0:
            return result
        head = result.head
        if head.seq < want.seq:
            return result.model_copy(
                update={
                    "ok": False,
                    "first_bad_seq": head.seq + 1,
                    "problem": f"the trail ends at entry {head.seq} but had reached {want.seq}",
                }
            )
        if found.get(want.seq) != want.hash:
            return result.model_copy(
                update={
                    "ok": False,
                    "first_bad_seq": want.seq,
                    "problem": f"entry {want.seq} is not the one recorded earlier",
                }
            )
        return result

    def verify_sealed(
        self, sealed: Collection[AuditHead | tuple[int, str]]
    ) -> tuple[AuditVerification, tuple[AuditHead, ...]]:
        """The chain, and which of the ``sealed`` heads (signatures, exports) it no longer
        holds: each ``(seq, hash)`` must be an entry of the chain up to any break (a head
        beyond a break is lost with it), one pass for all."""
        checked = self.verify_signed(sealed, ())
        return checked.chain, checked.lost

    def verify_signed(
        self, sealed: Collection[AuditHead | tuple[int, str]], actions: Collection[str]
    ) -> SealedVerification:
        """As :meth:`verify_sealed`, and, from the same pass, every entry whose action is
        one of ``actions`` (the signatures' own entries) among those that passed the chain
        (none past a break), in ``seq`` order."""
        wanted = [AuditHead(*h) for h in sealed]
        result, found, entries = self._scan(
            {h.seq for h in wanted if h.seq > 0}, frozenset(actions)
        )
        lost = tuple(h for h in wanted if h.seq > 0 and found.get(h.seq) != h.hash)
        return SealedVerification(result, lost, tuple(entries))

    def _scan(
        self, keep: set[int], actions: frozenset[str] = frozenset()
    ) -> tuple[AuditVerification, dict[int, str], list[AuditEntry]]:
        """One pass over the trail in ``seq`` order; the hashes at the ``keep`` sequence
        numbers and the entries whose action is in ``actions`` (of the entries that passed)
        beside the verdict."""
        expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
        head = AuditHead(0, GENESIS_HASH)
        found: dict[int, str] = {}
        collected: list[AuditEntry] = []

        def bad(
            seq: int, problem: str
        ) -> tuple[AuditVerification, dict[int, str], list[AuditEntry]]:
            verdict = AuditVerification(
                ok=False, entries=count, head=head, first_bad_seq=seq, problem=problem
            )
            return verdict, found, collected

        cursor = self._db.execute(f"SELECT {_COLUMNS} FROM audit ORDER BY seq")
        for row in cursor:
            seq, at, actor, review_id, action, field, old_json, new_json, reason, prev, digest = (
                tuple(row)
            )
            count += 1
            if seq != expected_seq:
                return bad(expected_seq, f"entry {expected_seq} is missing or out of order")
            if prev != prev_hash:
                return bad(seq, f"entry {seq} does not follow on from the one before")
            recomputed = entry_hash(
                seq=seq,
                prev_hash=prev,
                at=at,
                actor=actor,
                review_id=review_id,
                action=action,
                field=field,
                old_json=old_json,
                new_json=new_json,
                reason=reason,
            )
            if recomputed != digest:
                return bad(seq, f"entry {seq} has been altered")
            if seq in keep:
                found[seq] = digest
            if action in actions:
                collected.append(_entry(tuple(row)))
            prev_hash, expected_seq = digest, expected_seq + 1
            head = AuditHead(seq, digest)
        return AuditVerification(ok=True, entries=count, head=head), found, collected


UNREADABLE_FILE = "parts of the database file cannot be read (damaged)"


def database_problems(db: Database) -> tuple[str, ...]:
    """What SQLCipher and SQLite find wrong with the database file; empty when sound.

    ``PRAGMA cipher_integrity_check`` checks every page's HMAC (a page changed outside
    SQLCipher, or damaged on disk); ``PRAGMA integrity_check`` the structure (b-trees,
    indexes, constraints). Their findings name pages, tables and indexes, never row values;
    they are summarised, not passed on, so nothing of the file's content reaches a message.
    """
    cipher = [str(row[0]) for row in db.query_all("PRAGMA cipher_integrity_check")]
    found = []
    try:
        structure = [line for line in db.integrity_check() if line != "ok"]
    except DamagedFileError:  # a damaged page stops SQLite's own walk of the file
        structure = []
        found.append(UNREADABLE_FILE)
    if cipher:
        found.append(
            f"{len(cipher)} page(s) of the database file fail their encryption check "
            "(changed outside the app, or damaged on disk)"
        )
    if structure:
        found.append(f"the database's structure check found {len(structure)} problem(s)")
    return tuple(found)


def audit_head(db: Database) -> AuditHead:
    return AuditLog(db).head()


def verify_audit(
    db: Database, expected_head: AuditHead | tuple[int, str] | None = None
) -> AuditVerification:
    return AuditLog(db).verify(expected_head)
