"""The ledger of packs made: every pack, the cases it sent and withdrew, and the digest of
what it said (so a pack that would say nothing new is not made again)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from reviewer_app.errors import NotFoundError
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.database import Database


class IssuedPack(BaseModel):
    model_config = ConfigDict(frozen=True)

    pack_id: str
    reviewer_ref: str
    sequence: int
    created_at: datetime
    file_name: str
    case_refs: tuple[str, ...]
    withdrawn_case_refs: tuple[str, ...]
    content_digest: str | None = None  # None for packs made before study schema v2


class PackLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    def next_sequence(self, reviewer_ref: str) -> int:
        row = self._db.query_one(
            "SELECT coalesce(max(sequence), 0) FROM packs WHERE reviewer_ref = ?", (reviewer_ref,)
        )
        return (int(row[0]) if row else 0) + 1

    def ever_sent(self, reviewer_ref: str) -> set[str]:
        """Every case ever sent to the reviewer (as a case, not as a withdrawal)."""
        rows = self._db.query_all(
            "SELECT DISTINCT pc.case_ref FROM pack_cases pc JOIN packs p ON p.pack_id = pc.pack_id "
            "WHERE p.reviewer_ref = ? AND pc.withdrawn = 0",
            (reviewer_ref,),
        )
        return {r[0] for r in rows}

    def last_pack(self, reviewer_ref: str) -> IssuedPack | None:
        row = self._db.query_one(
            "SELECT pack_id FROM packs WHERE reviewer_ref = ? ORDER BY sequence DESC LIMIT 1",
            (reviewer_ref,),
        )
        return None if row is None else self.get(row[0])

    def get(self, pack_id: str) -> IssuedPack:
        row = self._db.query_one(
            "SELECT pack_id, reviewer_ref, sequence, created_at, file_name, content_digest "
            "FROM packs WHERE pack_id = ?",
            (pack_id,),
        )
        if row is None:
            raise NotFoundError("There is no such pack in this study.")
        cases = self._db.query_all(
            "SELECT case_ref, withdrawn FROM pack_cases WHERE pack_id = ? ORDER BY case_ref",
            (pack_id,),
        )
        return IssuedPack(
            pack_id=row[0],
            reviewer_ref=row[1],
            sequence=row[2],
            created_at=datetime.fromisoformat(row[3]),
            file_name=row[4],
            case_refs=tuple(c[0] for c in cases if not c[1]),
            withdrawn_case_refs=tuple(c[0] for c in cases if c[1]),
            content_digest=row[5],
        )

    def all(self) -> list[IssuedPack]:
        rows = self._db.query_all("SELECT pack_id FROM packs ORDER BY reviewer_ref, sequence")
        return [self.get(r[0]) for r in rows]

    def first_sent(self) -> dict[tuple[str, str], datetime]:
        """(reviewer ref, case ref) -> when a pack first sent that case to that reviewer: the
        start of the return window, for the pack's due date and the coordinator's overdue."""
        sent: dict[tuple[str, str], datetime] = {}
        for pack in self.all():
            for case_ref in pack.case_refs:
                key = (pack.reviewer_ref, case_ref)
                if key not in sent or pack.created_at < sent[key]:
                    sent[key] = pack.created_at
        return sent

    def record(
        self,
        *,
        pack_id: str,
        reviewer_ref: str,
        sequence: int,
        created_at: datetime,
        file_name: str,
        cert_fingerprint: str,
        case_refs: Sequence[str],
        withdrawn_case_refs: Sequence[str],
        content_digest: str | None = None,
    ) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO packs (pack_id, reviewer_ref, sequence, created_at, file_name, "
                "cert_fingerprint, content_digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pack_id,
                    reviewer_ref,
                    sequence,
                    iso_utc(created_at),
                    file_name,
                    cert_fingerprint,
                    content_digest,
                ),
            )
            self._db.executemany(
                "INSERT INTO pack_cases (pack_id, case_ref, withdrawn) VALUES (?, ?, ?)",
                [(pack_id, r, 0) for r in case_refs]
                + [(pack_id, r, 1) for r in withdrawn_case_refs],
            )
