"""Changing the passphrase of an encrypted folder (workspace or study), atomically.

Each database is copied with ``sqlcipher_export`` into a new file under a key derived from the
new passphrase with a fresh salt; ``prepare`` runs on each copy; then a new key record is
written. Only then is the change committed (the plan file turns "committed", storage/keys.py),
and the new files are renamed over the old ones. Killed before the commit, the old passphrase
still opens everything; after, the next unlock finishes the renames, and the new one does.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from reviewer_app.errors import DamagedFileError, UserError
from reviewer_app.storage import keys
from reviewer_app.storage.database import Database, DatabaseLockedError, StorageIOError
from reviewer_app.storage.keys import DatabaseKey, KdfParams, no_step

log = logging.getLogger(__name__)

REKEY_BUSY_TIMEOUT_MS = 1_000
BACKUPS_FOLDER = "backups"

Prepare = Callable[[Database], None]
"""Run on each re-encrypted copy before the change is committed (e.g. to re-protect a key
that is itself encrypted under the passphrase)."""
Step = Callable[[str], None]


def _in_use_error(what: str) -> UserError:
    return DatabaseLockedError(
        f"The {what} is open in another window or program. Close it there, then change the "
        "passphrase again. Nothing was changed."
    )


def _not_written(what: str, err: OSError) -> UserError:
    return StorageIOError(
        f"Could not write in the {what} folder ({err.strerror or 'not writable'}), so the "
        "passphrase was not changed. Check the disk and the folder, then try again."
    )


def _open_exclusively(path: Path, key: DatabaseKey, what: str) -> Database:
    """Open ``path`` and lock it until closed; refuse if any other connection has it open.

    Leaving WAL mode needs every other connection closed, even idle ones: the one reliable
    test that nobody else has the database open. The exclusive lock then keeps them out.
    """
    try:
        db = Database(path, key, busy_timeout_ms=REKEY_BUSY_TIMEOUT_MS)
    except DatabaseLockedError:
        raise _in_use_error(what) from None
    try:
        mode = db.query_one("PRAGMA journal_mode = DELETE")
        if mode is None or str(mode[0]).lower() != "delete":
            raise _in_use_error(what)
        db.execute("PRAGMA locking_mode = EXCLUSIVE")
        db.execute("BEGIN EXCLUSIVE")
        db.execute("COMMIT")
    except DatabaseLockedError:
        db.close()
        raise _in_use_error(what) from None
    except BaseException:
        db.close()
        raise
    return db


def _check_copy(target: Path, key: DatabaseKey, version: int, prepare: Prepare | None) -> None:
    """Open the new copy under its new key, let ``prepare`` adjust it, and check it."""
    with Database(target, key) as copy:
        if prepare is not None:
            prepare(copy)
        if copy.user_version != version or copy.integrity_check() != ["ok"]:
            raise DamagedFileError(
                f"The re-encrypted copy of {target.name} did not check out, so the passphrase "
                "was not changed. Check the disk has free space, then try again."
            )
        copy.checkpoint()
    wal = target.with_name(target.name + "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StorageIOError(f"The re-encrypted copy of {target.name} was not completed.")
    keys.remove_sidecars(target)


def _copy_backup(
    backup: Path, old: DatabaseKey, target: Path, new: DatabaseKey, prepare: Prepare | None
) -> None:
    try:
        with Database(backup, old, busy_timeout_ms=REKEY_BUSY_TIMEOUT_MS) as db:
            version = db.user_version
            db.export_copy(target, new)
        _check_copy(target, new, version, prepare)
    except DamagedFileError:
        raise DamagedFileError(
            f"The backup {backup.name} (in {BACKUPS_FOLDER}) cannot be read, so the "
            "passphrase was not changed. Move that file out of the folder, then try again."
        ) from None


def _backups(folder: Path, db_file: str) -> list[Path]:
    stem = Path(db_file).stem
    backups = folder / BACKUPS_FOLDER
    if not backups.is_dir():
        return []
    return sorted(p for p in backups.glob(f"{stem}.*.backup.db") if p.is_file())


def _write_and_commit(
    held: Database,
    key_path: Path,
    finals: list[Path],
    old_key: DatabaseKey,
    new: tuple[keys.KeyCheck, DatabaseKey],
    *,
    what: str,
    prepare: Prepare | None,
    step: Step,
) -> None:
    """Write every new file beside its old one, then commit the plan (or discard it all)."""
    folder = key_path.parent
    relative = [p.relative_to(folder).as_posix() for p in finals]
    news = [p.with_name(keys.rekey_new_name(p.name)) for p in finals]
    record, new_key = new
    try:
        keys.write_rekey_plan(key_path, keys.PREPARING, relative)
        step("prepared")
        version = held.user_version
        held.export_copy(news[0], new_key)
        _check_copy(news[0], new_key, version, prepare)
        step("copied")
        for backup, copy in zip(finals[1:-1], news[1:-1], strict=True):
            _copy_backup(backup, old_key, copy, new_key, prepare)
        step("backups copied")
        keys.write_key_check(news[-1], record)
        step("key written")
        keys.write_rekey_plan(key_path, keys.COMMITTED, relative)
    except BaseException as err:
        with contextlib.suppress(OSError, UserError):
            keys.discard_rekey_plan(key_path)
        if isinstance(err, OSError):
            raise _not_written(what, err) from None
        raise


def rekey_folder(
    folder: Path,
    *,
    db_file: str,
    key_file: str,
    old_passphrase: str,
    new_passphrase: str,
    kdf: KdfParams = keys.PRODUCTION_KDF,
    what: str = "workspace",
    prepare: Prepare | None = None,
    step: Step = no_step,
) -> None:
    """Change the passphrase of the database ``folder/db_file`` (and of its backups in
    ``folder/backups``) whose key record is ``folder/key_file``.

    The database is held exclusively throughout, so nobody writes to the old one meanwhile.
    ``step`` is told each stage (tests stop the process there).
    """
    key_path = folder / key_file
    keys.recover_interrupted_rekey(key_path)
    old_key = keys.unlock_key(key_path, old_passphrase, what=what)
    db_path = folder / db_file
    backups = _backups(folder, db_file)
    finals = [db_path, *backups, key_path]
    for final in finals:  # new files left by a change killed before it wrote its plan
        final.with_name(keys.rekey_new_name(final.name)).unlink(missing_ok=True)
    new = keys.new_key(new_passphrase, kdf)
    held = _open_exclusively(db_path, old_key, what)
    try:
        _write_and_commit(
            held, key_path, finals, old_key, new, what=what, prepare=prepare, step=step
        )
        step("committed")
    finally:
        held.close()  # before the renames: Windows cannot replace an open file
    try:
        keys.finish_rekey_plan(key_path, step=step)
    except OSError as err:
        raise StorageIOError(
            "The passphrase was changed, but the last step could not finish now "
            f"({err.strerror or 'a file could not be renamed'}). It finishes when the {what} "
            "is next opened, with the NEW passphrase."
        ) from None
    step("done")
    log.info("changed the %s passphrase (%d backups re-encrypted)", what, len(backups))
