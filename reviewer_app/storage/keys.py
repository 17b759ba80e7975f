"""The workspace key: Argon2id from the passphrase, checked against a small record file.

Why a key-check file: SQLCipher answers both "wrong key" and "damaged file" with the same
"file is not a database". With an HMAC of a constant under the derived key kept beside the
database, a wrong passphrase is recognised before the database is touched, so the two get
different, honest messages. The record holds no secret: the salt and Argon2 parameters are
public by design, and the HMAC reveals nothing about the key.

The key is derived ONCE per unlock (Argon2id is deliberately slow and memory-hard) and then
handed raw to every SQLCipher connection, which then skips SQLCipher's own PBKDF2.

Two small files may sit beside the record, neither holding a secret:

* ``<name>.attempts.json``: how many wrong passphrases were given in a row, and when the last
  one was. After three, each further try first waits (1 s, 2 s, 4 s ... at most 30 s), so
  passphrases cannot be guessed quickly through the app. A right passphrase removes it.
* ``<name>.rekey.json``: the plan of a passphrase change in progress (which new files replace
  which). Written "preparing" before any new file exists and "committed" once all of them are
  complete; whoever next unlocks finishes a committed change (renames are idempotent) or
  discards a prepared one, so a change killed at any moment leaves the old passphrase or the
  new one working, never neither.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import math
import secrets
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from reviewer_app.atomic_file import atomic_write_bytes, fsync_folder
from reviewer_app.errors import DamagedFileError, NewerVersionError, WrongPassphraseError

log = logging.getLogger(__name__)

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


def derive_key(
    passphrase: str, salt: bytes, params: KdfParams, *, what: str = "workspace"
) -> DatabaseKey:
    """The key for ``passphrase``; ``what`` ("workspace", "study") names the folder in errors."""
    if params.algorithm != "argon2id":
        raise DamagedFileError(f"The {what} key record names an unknown key method.")
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


def _read_record(path: Path, file_format: str) -> dict[str, Any] | None:
    """One of our JSON records beside a database, or None if it is missing, unreadable, not
    JSON, or not of ``file_format``: each caller says what that means for it."""
    try:
        data: Any = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != file_format:
        return None
    return data


def read_key_check(path: Path, *, what: str = "workspace") -> KeyCheck:
    """Read the record; a damaged file and a newer format get their own clear errors, which
    name the folder as ``what`` ("workspace", "study")."""
    damaged = DamagedFileError(
        f"The {what} key record ({path.name}) is damaged or missing, so the {what} "
        f"cannot be opened. Restore the {what} folder from a backup, or ask the study "
        "coordinator for help."
    )
    data = _read_record(path, KEY_CHECK_FORMAT)
    if data is None:
        raise damaged
    version = data.get("format_version")
    if isinstance(version, int) and version > KEY_CHECK_VERSION:
        raise NewerVersionError(
            f"This {what} was made by a newer version of reviewer-app. Install the newer "
            "version to open it."
        )
    try:
        record = KeyCheck.model_validate(data)
        if len(record.salt_bytes) < SALT_BYTES:
            raise damaged
    except (ValidationError, ValueError):
        raise damaged from None
    return record


# --- slowing down repeated wrong passphrases ------------------------------------------------

ATTEMPTS_FORMAT = "reviewer-app/unlock-attempts"


@dataclass(frozen=True)
class UnlockThrottle:
    """How long a try waits after wrong passphrases in a row; sleep and clock injectable."""

    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.time
    free_attempts: int = 3
    first_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def delay_after(self, failures: int) -> float:
        """The wait before the next try, after ``failures`` wrong passphrases in a row."""
        if failures < self.free_attempts:
            return 0.0
        doublings = min(failures - self.free_attempts, 32)
        return float(min(self.max_delay_s, self.first_delay_s * 2**doublings))

    def wait_before_next(self, failures: int, last_failure: float | None) -> float:
        """What is left of that wait now (a clock set back counts as no time passed)."""
        delay = self.delay_after(failures)
        if delay <= 0 or last_failure is None:
            return delay
        elapsed = max(0.0, self.clock() - last_failure)
        return max(0.0, delay - elapsed)


unlock_throttle = UnlockThrottle()
"""The throttle ``unlock_key`` uses when given none (tests replace it: no real waiting)."""


def _base_name(key_check_path: Path) -> str:
    name = key_check_path.name
    return name[: -len(".key.json")] if name.endswith(".key.json") else key_check_path.stem


def attempts_path(key_check_path: Path) -> Path:
    """Where the count of wrong passphrases in a row is kept (``workspace.attempts.json``)."""
    return key_check_path.with_name(f"{_base_name(key_check_path)}.attempts.json")


def read_failed_attempts(key_check_path: Path) -> tuple[int, float | None]:
    """(wrong passphrases in a row, time of the last one); an unreadable file counts as none."""
    data = _read_record(attempts_path(key_check_path), ATTEMPTS_FORMAT)
    if data is None:
        return 0, None
    failures, last = data.get("failures"), data.get("last_failure")
    if type(failures) is not int or failures < 0:
        return 0, None
    if not isinstance(last, int | float) or isinstance(last, bool) or not math.isfinite(last):
        last = None
    return failures, None if last is None else float(last)


def _record_failure(key_check_path: Path, failures: int, when: float) -> None:
    doc = {"format": ATTEMPTS_FORMAT, "failures": failures, "last_failure": when}
    try:
        atomic_write_bytes(
            attempts_path(key_check_path), (json.dumps(doc) + "\n").encode("utf-8"), mode=0o600
        )
    except OSError:
        log.warning("could not record a wrong passphrase (the folder is not writable)")


def _clear_failures(key_check_path: Path) -> None:
    with contextlib.suppress(OSError):
        attempts_path(key_check_path).unlink(missing_ok=True)


def unlock_key(
    path: Path,
    passphrase: str,
    *,
    throttle: UnlockThrottle | None = None,
    what: str = "workspace",
) -> DatabaseKey:
    """Derive the key from ``passphrase`` and confirm it against the record at ``path``.

    Finishes (or discards) a passphrase change that was interrupted, first. After several
    wrong passphrases in a row, waits before trying (see :class:`UnlockThrottle`).
    """
    active = throttle if throttle is not None else unlock_throttle
    recover_interrupted_rekey(path)
    record = read_key_check(path, what=what)
    failures, last_failure = read_failed_attempts(path)
    wait = active.wait_before_next(failures, last_failure)
    if wait > 0:
        log.info("waiting %.0f s after %d wrong passphrases in a row", wait, failures)
        active.sleep(wait)
    key = derive_key(passphrase, record.salt_bytes, record.kdf, what=what)
    if not record.matches(key):
        failures += 1
        _record_failure(path, failures, active.clock())
        message = f"That passphrase does not open this {what}."
        if active.delay_after(failures) > 0:
            message += (
                f" After {failures} wrong passphrases in a row, each new try waits a little "
                f"longer (up to {active.max_delay_s:.0f} seconds)."
            )
        raise WrongPassphraseError(message)
    if failures:
        _clear_failures(path)
    return key


# --- an interrupted passphrase change ---------------------------------------------------------

REKEY_FORMAT = "reviewer-app/rekey"
REKEY_VERSION = 1
REKEY_SUFFIX = ".rekey-new"
PREPARING = "preparing"
COMMITTED = "committed"


def rekey_marker_path(key_check_path: Path) -> Path:
    return key_check_path.with_name(f"{_base_name(key_check_path)}.rekey.json")


def rekey_new_name(final: str) -> str:
    """The name a file's replacement has until the change is complete."""
    return final + REKEY_SUFFIX


def write_rekey_plan(key_check_path: Path, state: str, finals: Sequence[str]) -> None:
    """Record the plan: ``finals`` (paths relative to the folder, in renaming order, the key
    record last) each replaced by ``rekey_new_name(final)``."""
    doc = {
        "format": REKEY_FORMAT,
        "format_version": REKEY_VERSION,
        "state": state,
        "files": list(finals),
    }
    atomic_write_bytes(
        rekey_marker_path(key_check_path),
        (json.dumps(doc, indent=2) + "\n").encode("utf-8"),
        mode=0o600,
    )


def _read_rekey_plan(marker: Path) -> tuple[str, list[Path]]:
    damaged = DamagedFileError(
        f"An interrupted passphrase change left a record ({marker.name}) that cannot be read, "
        "so the folder cannot be opened safely. Restore the folder from a backup, or ask the "
        "study coordinator for help."
    )
    data = _read_record(marker, REKEY_FORMAT)
    if data is None:
        raise damaged
    if data.get("format_version") != REKEY_VERSION:
        raise NewerVersionError(
            "A passphrase change was started by a newer version of reviewer-app. Install the "
            "newer version to open this folder."
        )
    state, files = data.get("state"), data.get("files")
    if state not in (PREPARING, COMMITTED) or not isinstance(files, list) or not files:
        raise damaged
    folder = marker.parent
    finals: list[Path] = []
    for name in files:
        relative = PurePosixPath(name) if isinstance(name, str) else None
        if (
            relative is None
            or relative.is_absolute()
            or ".." in relative.parts
            or not relative.parts
            or "\\" in name
            or ":" in name
        ):
            raise damaged
        finals.append(folder.joinpath(*relative.parts))
    return state, finals


def remove_sidecars(db_path: Path) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)


def no_step(_name: str) -> None:
    return None


def finish_rekey_plan(key_check_path: Path, step: Callable[[str], None] = no_step) -> None:
    """Carry out a committed plan: rename each new file over its old one (idempotent)."""
    marker = rekey_marker_path(key_check_path)
    _state, finals = _read_rekey_plan(marker)
    for final in finals:
        new = final.with_name(rekey_new_name(final.name))
        if new.exists():
            # The old file's write-ahead log belongs to the old key: never let it meet the new.
            remove_sidecars(final)
            new.replace(final)
            fsync_folder(final.parent)
            step(f"replaced {final.relative_to(marker.parent).as_posix()}")
    marker.unlink(missing_ok=True)
    fsync_folder(marker.parent)


def discard_rekey_plan(key_check_path: Path) -> None:
    """Abandon a plan that was never committed: delete its new files, keep the old ones."""
    marker = rekey_marker_path(key_check_path)
    _state, finals = _read_rekey_plan(marker)
    for final in finals:
        new = final.with_name(rekey_new_name(final.name))
        new.unlink(missing_ok=True)
        remove_sidecars(new)
    marker.unlink(missing_ok=True)
    fsync_folder(marker.parent)


def recover_interrupted_rekey(key_check_path: Path) -> None:
    """If a passphrase change was interrupted, finish it (committed) or discard it (not)."""
    marker = rekey_marker_path(key_check_path)
    if not marker.exists():
        return
    state, _finals = _read_rekey_plan(marker)
    try:
        if state == COMMITTED:
            finish_rekey_plan(key_check_path)
            log.info("finished a passphrase change that had been interrupted")
        else:
            discard_rekey_plan(key_check_path)
            log.info("discarded a passphrase change that had been interrupted")
    except OSError as err:
        raise DamagedFileError(
            "A passphrase change was interrupted and could not be completed now "
            f"({err.strerror or 'a file could not be renamed'}). Check that you may write to "
            "the folder and that no other program has it open, then try again."
        ) from None
