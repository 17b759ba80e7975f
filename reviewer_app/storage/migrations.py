"""The migration runner: ordered schema steps keyed on ``PRAGMA user_version``.

Rules (architecture.md, habit 3): migration N takes the schema from version N-1 to N and runs
in one transaction together with the version bump, so a crash leaves the old or the new schema,
never half; an existing database is copied (encrypted, same key) before it is migrated; a
database newer than this app is refused rather than guessed at.

Each database brings its own steps: the workspace's in storage/workspace/schema.py (the
default here, as most callers are the workspace's), the study's in storage/study/schema.py.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reviewer_app.errors import NewerVersionError
from reviewer_app.storage.database import Database, Migration
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.workspace.schema import LATEST_VERSION, MIGRATIONS

log = logging.getLogger(__name__)

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "Migration",
    "MigrationResult",
    "backup_path_for",
    "make_backup",
    "migrate",
]


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    backup: Path | None


def backup_path_for(db_path: Path, version: int, now: datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    return db_path.parent / "backups" / f"{db_path.stem}.v{version}.{stamp}.backup.db"


def make_backup(db: Database, key: DatabaseKey, target: Path) -> Path:
    """An encrypted copy of ``db`` at ``target``, written under a temporary name first."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.name}.tmp")
    temp.unlink(missing_ok=True)
    try:
        db.export_copy(temp, key)
        temp.replace(target)
    finally:
        temp.unlink(missing_ok=True)
    return target


def migrate(
    db: Database,
    key: DatabaseKey,
    *,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    migrations: Sequence[Migration] = MIGRATIONS,
    what: str = "workspace",
) -> MigrationResult:
    """Bring ``db`` to the last version of ``migrations``, backing up an existing database
    first. The study database passes its own list."""
    latest = len(migrations)
    current = db.user_version
    if current > latest:
        raise NewerVersionError(
            f"This {what} was saved by a newer version of reviewer-app (data format "
            f"{current}; this version reads up to {latest}). Install the newer "
            "version to open it; nothing has been changed."
        )
    if current == latest:
        return MigrationResult(current, current, None)
    backup: Path | None = None
    if current > 0:
        backup = make_backup(db, key, backup_path_for(db.path, current, now()))
        log.info("backed up %s database before migrating from v%d", what, current)
    for version in range(current, latest):
        with db.transaction():
            migrations[version](db)
            db.set_user_version(version + 1)
        log.info("migrated %s database to v%d", what, version + 1)
    return MigrationResult(current, latest, backup)
