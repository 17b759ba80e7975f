"""Consensus records on discordant items of double-reviewed cases: append-only, versioned.

A consensus on an item of a case is never changed: recording another on the same item adds
version n + 1, which ``supersedes`` version n. Each row carries the SHA-256 of its own
content chained to the previous row's (``prev_sha256``), so ``verify`` finds a row changed
outside the app. Values are stored as JSON (the canonical answer states,
``{"state": "answered", "value": ...}`` or another state).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import columns_of, iso_datetime, record_from_row

GENESIS = "0" * 64


@dataclass(frozen=True)
class StoredConsensus:
    id: int
    case_ref: str
    item: str
    version: int
    supersedes: int | None
    first_reviewer: str
    first_value: Any
    second_reviewer: str
    second_value: Any
    agreed_value: Any
    method: str
    reason: str
    recorded_by: str
    recorded_at: datetime
    prev_sha256: str
    record_sha256: str


def _dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def record_hash(fields: dict[str, Any], prev_sha256: str) -> str:
    """SHA-256 over the record's content (every column but the id and the hash) and the
    previous record's hash."""
    body = _dumps({**fields, "prev_sha256": prev_sha256})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


_COLUMNS = columns_of(StoredConsensus)
_JSON = ("first_value", "second_value", "agreed_value")


def _row(row: tuple[Any, ...]) -> StoredConsensus:
    return record_from_row(
        StoredConsensus,
        row,
        first_value=json.loads,
        second_value=json.loads,
        agreed_value=json.loads,
        recorded_at=iso_datetime,
    )


def _hashed_fields(r: StoredConsensus) -> dict[str, Any]:
    return {
        "case_ref": r.case_ref,
        "item": r.item,
        "version": r.version,
        "supersedes": r.supersedes,
        "first_reviewer": r.first_reviewer,
        "first_value": r.first_value,
        "second_reviewer": r.second_reviewer,
        "second_value": r.second_value,
        "agreed_value": r.agreed_value,
        "method": r.method,
        "reason": r.reason,
        "recorded_by": r.recorded_by,
        "recorded_at": iso_utc(r.recorded_at),
    }


class ConsensusStore(Repository):
    def record(
        self,
        *,
        case_ref: str,
        item: str,
        first_reviewer: str,
        first_value: Any,
        second_reviewer: str,
        second_value: Any,
        agreed_value: Any,
        method: str,
        reason: str,
        recorded_by: str,
    ) -> StoredConsensus:
        """Append a consensus on one item (the next version of that item), in one
        transaction."""
        with self._db.transaction():
            last = self._db.query_one(
                "SELECT id, version FROM consensus_records WHERE case_ref = ? AND item = ? "
                "ORDER BY version DESC LIMIT 1",
                (case_ref, item),
            )
            head = self._db.query_one(
                "SELECT record_sha256 FROM consensus_records ORDER BY id DESC LIMIT 1"
            )
            prev = head[0] if head else GENESIS
            fields = {
                "case_ref": case_ref,
                "item": item,
                "version": (last[1] if last else 0) + 1,
                "supersedes": last[0] if last else None,
                "first_reviewer": first_reviewer,
                "first_value": first_value,
                "second_reviewer": second_reviewer,
                "second_value": second_value,
                "agreed_value": agreed_value,
                "method": method,
                "reason": reason,
                "recorded_by": recorded_by,
                "recorded_at": iso_utc(self._clock()),
            }
            digest = record_hash(fields, prev)
            cursor = self._db.execute(
                f"INSERT INTO consensus_records ({_COLUMNS.removeprefix('id, ')}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*[_dumps(v) if k in _JSON else v for k, v in fields.items()], prev, digest),
            )
            row_id = cursor.lastrowid
        stored = self._db.query_one(
            f"SELECT {_COLUMNS} FROM consensus_records WHERE id = ?", (row_id,)
        )
        assert stored is not None
        return _row(stored)

    def history(self) -> list[StoredConsensus]:
        """Every record, every version, in the order recorded."""
        rows = self._db.query_all(f"SELECT {_COLUMNS} FROM consensus_records ORDER BY id")
        return [_row(r) for r in rows]

    def current(self) -> dict[tuple[str, str], StoredConsensus]:
        """(case_ref, item) -> the newest version of its consensus."""
        found: dict[tuple[str, str], StoredConsensus] = {}
        for record in self.history():
            found[(record.case_ref, record.item)] = record
        return found

    def verify(self) -> int | None:
        """The id of the first record whose hash chain is broken, or None when intact."""
        prev = GENESIS
        for record in self.history():
            if record.prev_sha256 != prev or record_hash(_hashed_fields(record), prev) != (
                record.record_sha256
            ):
                return record.id
            prev = record.record_sha256
        return None
