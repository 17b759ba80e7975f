"""The workspace key: Argon2id from the passphrase, checked against a small record file.

Why a key-check file: SQLCipher answers both "wrong key" and "damaged file" with the same
"file is not a database". With an HMAC of a constant under the derived key kept beside the
database, a wrong passphrase is recognised before the database is touched, so the two get
different, honest messages. The record holds no secret: the salt and Argon2 parameters are
public by design, and the HMAC reveals nothing about the key.

The key is derived ONCE per unlock (Argon2id is deliberately slow and memory-hard) and then
handed raw to every SQLCipher connection, which then skips SQLCipher's own PBKDF2.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.errors import DamagedFileError, NewerVersionError, WrongPassphraseError

KEY_CHECK_FORMAT = "reviewer-app/key-check"
KEY_CHECK_VERSION = 1
KEY_BYTES = 32
SALT_BYTES = 16
_CHECK_CONSTANT = b"reviewer-app workspace key check v1"


class KdfParams(BaseModel):
    """Argon2id cost parameters; stored with the salt so old workspaces keep opening."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    algorithm: str = "argon2id"
    time_cost: int = Field(ge=1)
    memory_kib: int = Field(ge=8)
    parallelism: int = Field(ge=1)


# About 0.15-0.5 s and 64 MiB on a reviewer's laptop: memory-hard enough that a stolen
# workspace cannot be guessed quickly on GPUs, quick enough not to annoy at unlock.
PRODUCTION_KDF = KdfParams(time_cost=6, memory_kib=64 * 1024, parallelism=4)
# Tests only: the same code path, trivially cheap. Never use for real data.
TEST_KDF = KdfParams(time_cost=1, memory_kib=8, parallelism=1)


@dataclass(frozen=True, repr=False)
class DatabaseKey:
    """A raw 32-byte SQLCipher key. Its repr never shows the bytes (tracebacks, logs)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != KEY_BYTES:
            raise ValueError("a database key is 32 bytes")

    def pragma_literal(self) -> str:
        """The blob literal SQLCipher takes for a raw key: ``"x'<64 hex>'"``."""
        return f"\"x'{self.raw.hex()}'\""

    def __repr__(self) -> str:
        return "DatabaseKey(<hidden>)"


def normalise_passphrase(passphrase: str) -> bytes:
    """NFC, so the same passphrase typed on another keyboard or OS gives the same key."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> DatabaseKey:
    if params.algorithm != "argon2id":
        raise DamagedFileError("The workspace key record names an unknown key method.")
    raw = hash_secret_raw(
        secret=normalise_passphrase(passphrase),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )
    return DatabaseKey(raw)


def _check_value(key: DatabaseKey) -> str:
    return hmac.new(key.raw, _CHECK_CONSTANT, hashlib.sha256).hexdigest()


class KeyCheck(BaseModel):
    """The record file's content (format version 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: str = KEY_CHECK_FORMAT
    format_version: int = KEY_CHECK_VERSION
    kdf: KdfParams
    salt: str  # base64
    check: str  # hex HMAC-SHA256(key, constant)

    @property
    def salt_bytes(self) -> bytes:
        return base64.b64decode(self.salt, validate=True)

    def matches(self, key: DatabaseKey) -> bool:
        return hmac.compare_digest(self.check, _check_value(key))

    def to_json_bytes(self) -> bytes:
        return (json.dumps(self.model_dump(), indent=2, sort_keys=True) + "\n").encode("utf-8")


def new_key(passphrase: str, params: KdfParams = PRODUCTION_KDF) -> tuple[KeyCheck, DatabaseKey]:
    """A fresh salt, the key derived from it, and the record that recognises that key."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = derive_key(passphrase, salt, params)
    record = KeyCheck(
        kdf=params, salt=base64.b64encode(salt).decode("ascii"), check=_check_value(key)
    )
    return record, key


def write_key_check(path: Path, record: KeyCheck) -> None:
    atomic_write_bytes(path, record.to_json_bytes(), mode=0o600)


def read_key_check(path: Path) -> KeyCheck:
    """Read the record; a damaged file and a newer format get their own clear errors."""
    damaged = DamagedFileError(
        f"The workspace key record ({path.name}) is damaged or missing, so the workspace "
        "cannot be opened. Restore the workspace folder from a backup, or ask the study "
        "coordinator for help."
    )
    try:
        data: Any = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise damaged from None
    if not isinstance(data, dict) or data.get("format") != KEY_CHECK_FORMAT:
        raise damaged
    version = data.get("format_version")
    if isinstance(version, int) and version > KEY_CHECK_VERSION:
        raise NewerVersionError(
            "This workspace was made by a newer version of reviewer-app. Install the newer "
            "version to open it."
        )
    try:
        record = KeyCheck.model_validate(data)
        if len(record.salt_bytes) < SALT_BYTES:
            raise damaged
    except (ValidationError, ValueError):
        raise damaged from None
    return record


def unlock_key(path: Path, passphrase: str) -> DatabaseKey:
    """Derive the key from ``passphrase`` and confirm it against the record at ``path``."""
    record = read_key_check(path)
    key = derive_key(passphrase, record.salt_bytes, record.kdf)
    if not record.matches(key):
        raise WrongPassphraseError("That passphrase does not open this workspace.")
    return key
