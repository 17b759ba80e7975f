"""The collection certificate and the record of what was returned (schema v4): rows in, out.

The returns service decides what to return and writes the bundle file; this module only
reads the signed versions still to return and, once a bundle file is durable, records it
and its review versions in ONE transaction (``record_bundle``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository
from reviewer_app.storage.rows import columns_of, iso_datetime, record_from_row


class PinnedCollectionCert(BaseModel):
    model_config = ConfigDict(frozen=True)

    cert_pem: str
    fingerprint: str
    pack_sequence: int
    pinned_at: datetime


class SignedVersion(BaseModel):
    """A signed review version (or signed outcome) not yet returned, as the writer sees it."""

    model_config = ConfigDict(frozen=True)

    review_id: int
    case_ref: str
    version: int
    withdrawn: bool
    review_mode: ReviewMode
    signature_count: int  # of its newest stored PDF: 2 once a joint review is co-signed
    identifiers_corrected: bool = False  # a later pack corrected the case's identifiers


class ReturnedBundle(BaseModel):
    model_config = ConfigDict(frozen=True)

    sequence: int
    bundle_id: str
    file_name: str
    item_count: int
    written_at: datetime


_UNRETURNED_SQL = """
SELECT r.id, r.case_ref, r.version, c.withdrawn, coalesce(a.review_mode, 'independent'),
       coalesce((SELECT max(d.signature_count) FROM signed_documents d
                 WHERE d.review_id = r.id), 0),
       c.identifiers_corrected
FROM reviews r
JOIN cases c ON c.case_ref = r.case_ref
LEFT JOIN case_assignments a ON a.case_ref = r.case_ref
WHERE EXISTS (SELECT 1 FROM signatures s WHERE s.review_id = r.id AND s.role = 'reviewer')
  AND NOT EXISTS (SELECT 1 FROM returned_versions v WHERE v.review_id = r.id)
ORDER BY r.case_ref, r.version
"""


class ReturnStore(Repository):
    # -- the collection certificate

    def collection_cert(self) -> PinnedCollectionCert | None:
        row = self._db.query_one(f"SELECT {columns_of(PinnedCollectionCert)} FROM collection_cert")
        if row is None:
            return None
        return record_from_row(PinnedCollectionCert, row, pinned_at=iso_datetime)

    def pin_collection_cert(self, cert_pem: str, fingerprint: str, pack_sequence: int) -> bool:
        """Keep the certificate of the latest pack carrying one; True when it changed."""
        with self._db.transaction():
            current = self.collection_cert()
            if current is not None and (
                current.fingerprint == fingerprint or current.pack_sequence > pack_sequence
            ):
                return False
            self._db.execute(
                "INSERT INTO collection_cert (id, cert_pem, fingerprint, pack_sequence, "
                "pinned_at) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "cert_pem = excluded.cert_pem, fingerprint = excluded.fingerprint, "
                "pack_sequence = excluded.pack_sequence, pinned_at = excluded.pinned_at",
                (cert_pem, fingerprint, pack_sequence, iso_utc(self._clock())),
            )
            return True

    # -- what there is to return

    def unreturned(self) -> list[SignedVersion]:
        """Every signed version not yet returned, by case reference and version."""
        return [
            record_from_row(SignedVersion, row, withdrawn=bool, identifiers_corrected=bool)
            for row in self._db.query_all(_UNRETURNED_SQL)
        ]

    def next_sequence(self) -> int:
        row = self._db.query_one("SELECT coalesce(max(sequence), 0) + 1 FROM return_bundles")
        return int(row[0]) if row else 1

    # -- what was returned

    def record_bundle(
        self,
        sequence: int,
        bundle_id: str,
        file_name: str,
        items: Sequence[tuple[int, str]],
    ) -> datetime:
        """Mark ``items`` ((review id, content SHA-256) each) returned in bundle ``sequence``.

        One transaction: the bundle's row and every item's, or none of them.
        """
        now = self._clock()
        stamp = iso_utc(now)
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO return_bundles (sequence, bundle_id, file_name, item_count, "
                "written_at) VALUES (?, ?, ?, ?, ?)",
                (sequence, bundle_id, file_name, len(items), stamp),
            )
            self._db.executemany(
                "INSERT INTO returned_versions (review_id, bundle_sequence, content_sha256, "
                "returned_at) VALUES (?, ?, ?, ?)",
                [(review_id, sequence, sha, stamp) for review_id, sha in items],
            )
        return now

    def bundles(self) -> list[ReturnedBundle]:
        rows = self._db.query_all(
            f"SELECT {columns_of(ReturnedBundle)} FROM return_bundles ORDER BY sequence"
        )
        return [record_from_row(ReturnedBundle, r, written_at=iso_datetime) for r in rows]

    def returned_review_ids(self) -> set[int]:
        return {int(r[0]) for r in self._db.query_all("SELECT review_id FROM returned_versions")}
