"""The one study row that a passphrase change rewrites: the authority key, itself encrypted
under the study passphrase (belt and braces), is re-protected under the new one."""

from __future__ import annotations

from reviewer_app.storage.database import Database


def authority_key_pem(db: Database) -> bytes | None:
    """The encrypted authority key, or None in a database that has no study row yet."""
    row = db.query_one("SELECT authority_key_pem FROM study WHERE id = 1")
    return None if row is None else bytes(row[0])


def replace_authority_key_pem(db: Database, pem: bytes) -> None:
    with db.transaction():
        db.execute("UPDATE study SET authority_key_pem = ? WHERE id = 1", (pem,))
