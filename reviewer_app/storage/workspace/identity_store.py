"""The reviewer's identity inside the encrypted workspace (one row, schema v2).

The private key is stored as unencrypted PKCS#8 PEM: the SQLCipher database around it is the
encryption, keyed from the workspace passphrase, so the key exists on disk only encrypted.
Callers load it with ``cryptography`` (``serialization.load_pem_private_key(pem, None)``).
"""

from __future__ import annotations

import json
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from reviewer_app.errors import UserError
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository
from reviewer_app.storage.rows import iso_datetime, optional_datetime, record_from_row


class StoredIdentity(BaseModel):
    """The reviewer's key, certificate (None until enrolled via a pack) and details."""

    model_config = ConfigDict(frozen=True)

    private_key_pem: bytes
    cert_pem: bytes | None
    chain_pems: tuple[bytes, ...]
    reviewer_ref: str | None
    name: str
    profession: str
    registration: str
    email: str
    created_at: datetime
    enrolled_at: datetime | None


_COLUMNS = (
    "private_key_pem, cert_pem, chain_pems_json, reviewer_ref, name, profession, "
    "registration, email, created_at, enrolled_at"
)


class IdentityStore(Repository):
    def get(self) -> StoredIdentity | None:
        row = self._db.query_one(f"SELECT {_COLUMNS} FROM identity WHERE id = 1")
        if row is None:
            return None
        return record_from_row(
            StoredIdentity,
            row,
            private_key_pem=bytes,
            cert_pem=lambda pem: None if pem is None else bytes(pem),
            chain_pems=lambda text: tuple(str(p).encode("ascii") for p in json.loads(text)),
            created_at=iso_datetime,
            enrolled_at=optional_datetime,
        )

    def exists(self) -> bool:
        return self._db.query_one("SELECT 1 FROM identity WHERE id = 1") is not None

    def create(
        self, private_key_pem: bytes, *, name: str, profession: str, registration: str, email: str
    ) -> None:
        """Store a new identity; refused if the workspace already has one."""
        with self._db.transaction():
            if self.exists():
                raise UserError(
                    "This workspace already has a reviewer identity. Each workspace holds one; "
                    "use a new workspace for another person."
                )
            self._db.execute(
                "INSERT INTO identity (id, private_key_pem, name, profession, registration, "
                "email, created_at) VALUES (1, ?, ?, ?, ?, ?, ?)",
                (
                    private_key_pem,
                    name,
                    profession,
                    registration,
                    email,
                    iso_utc(self._clock()),
                ),
            )

    def set_certificate(
        self, cert_pem: bytes, chain_pems: tuple[bytes, ...], reviewer_ref: str
    ) -> bool:
        """Record the certificate a pack brought; True when something changed.

        Runs inside the caller's transaction when there is one (the pack import).
        """
        current = self.get()
        if current is None:
            raise UserError("This workspace has no reviewer identity yet.")
        if (
            current.cert_pem == cert_pem
            and current.chain_pems == chain_pems
            and current.reviewer_ref == reviewer_ref
        ):
            return False
        chain_json = json.dumps([p.decode("ascii") for p in chain_pems])
        with self._db.transaction():
            self._db.execute(
                "UPDATE identity SET cert_pem = ?, chain_pems_json = ?, reviewer_ref = ?, "
                "enrolled_at = ? WHERE id = 1",
                (cert_pem, chain_json, reviewer_ref, iso_utc(self._clock())),
            )
        return True
