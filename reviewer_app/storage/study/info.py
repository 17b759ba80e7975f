"""The study row: its id, name, review mode, and the study authority (certificate and
encrypted private key); and the study's settings (its avoidability scale)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.errors import NotFoundError
from reviewer_app.storage.clock import iso_utc, utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import columns_of, iso_datetime, record_from_row


class StudyInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    study_id: str
    name: str
    review_mode: str
    created_at: datetime
    root_cert_pem: str
    root_fingerprint: str


class StudyInfoStore(Repository):
    def create(
        self,
        *,
        study_id: str,
        name: str,
        review_mode: str,
        authority_key_pem: bytes,
        root_cert_pem: str,
        root_fingerprint: str,
    ) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO study (id, study_id, name, review_mode, created_at, "
                "authority_key_pem, root_cert_pem, root_fingerprint) "
                "VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                (
                    study_id,
                    name,
                    review_mode,
                    iso_utc(self._clock()),
                    authority_key_pem,
                    root_cert_pem,
                    root_fingerprint,
                ),
            )

    def get(self) -> StudyInfo:
        row = self._db.query_one(f"SELECT {columns_of(StudyInfo)} FROM study WHERE id = 1")
        if row is None:
            raise NotFoundError("This study folder has no study in it (was init interrupted?).")
        return record_from_row(StudyInfo, row, created_at=iso_datetime)

    def authority_key_pem(self) -> bytes:
        row = self._db.query_one("SELECT authority_key_pem FROM study WHERE id = 1")
        if row is None:
            raise NotFoundError("This study folder has no study authority key.")
        return bytes(row[0])


# --- what a passphrase change rewrites (on each re-encrypted copy, backups included) --------


def authority_key_pem(db: Database) -> bytes | None:
    """The encrypted authority key, or None in a database that has no study row yet."""
    row = db.query_one("SELECT authority_key_pem FROM study WHERE id = 1")
    return None if row is None else bytes(row[0])


def replace_authority_key_pem(db: Database, pem: bytes) -> None:
    with db.transaction():
        db.execute("UPDATE study SET authority_key_pem = ? WHERE id = 1", (pem,))


# --- the collection key and the shared folder (study schema v3) ------------------------------


def collection_key(db: Database) -> tuple[bytes, str] | None:
    """The encrypted collection key and its certificate PEM, or None before it is made."""
    row = db.query_one("SELECT collection_key_pem, collection_cert_pem FROM study WHERE id = 1")
    if row is None or row[0] is None or row[1] is None:
        return None
    return bytes(row[0]), str(row[1])


def set_collection_key(db: Database, key_pem: bytes, cert_pem: str) -> None:
    """Store the collection key once; a key already there is kept (returns go to it)."""
    with db.transaction():
        db.execute(
            "UPDATE study SET collection_key_pem = ?, collection_cert_pem = ? "
            "WHERE id = 1 AND collection_key_pem IS NULL",
            (key_pem, cert_pem),
        )


def replace_collection_key_pem(db: Database, key_pem: bytes) -> None:
    """Re-protect the same collection key (a passphrase change)."""
    with db.transaction():
        db.execute("UPDATE study SET collection_key_pem = ? WHERE id = 1", (key_pem,))


def shared_folder(db: Database) -> str | None:
    row = db.query_one("SELECT shared_folder FROM study WHERE id = 1")
    return None if row is None or row[0] is None else str(row[0])


def set_shared_folder(db: Database, folder: str) -> None:
    with db.transaction():
        db.execute("UPDATE study SET shared_folder = ? WHERE id = 1", (folder,))


def stored_collection_key_pem(db: Database) -> bytes | None:
    """The encrypted collection key in any copy (a backup may predate schema v3): or None."""
    columns = {row[1] for row in db.query_all("PRAGMA table_info(study)")}
    if "collection_key_pem" not in columns:
        return None
    row = db.query_one("SELECT collection_key_pem FROM study WHERE id = 1")
    return None if row is None or row[0] is None else bytes(row[0])


# --- study settings (study schema v6) -------------------------------------------------------


def avoidability_scale(db: Database) -> AvoidabilityScale:
    """The study's avoidability scale; RCP SJR for a study that never chose one."""
    row = db.query_one("SELECT avoidability_scale FROM study_settings WHERE id = 1")
    return AvoidabilityScale.RCP if row is None else AvoidabilityScale(str(row[0]))


def set_avoidability_scale(
    db: Database, scale: AvoidabilityScale, *, clock: Callable[[], datetime] = utc_now
) -> None:
    """Store the study's scale (whether it may still change is the caller's rule)."""
    with db.transaction():
        db.execute(
            "INSERT INTO study_settings (id, avoidability_scale, set_at) VALUES (1, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET avoidability_scale = excluded.avoidability_scale, "
            "set_at = excluded.set_at",
            (scale.value, iso_utc(clock())),
        )


def packs_made(db: Database) -> int:
    """How many packs the study has made (a setting packs carry is fixed once one is)."""
    row = db.query_one("SELECT count(*) FROM packs")
    return 0 if row is None else int(row[0])
