"""Schema versions: ordered migrations keyed on ``PRAGMA user_version``.

Rules (architecture.md, habit 3): migration N takes the schema from version N-1 to N and runs
in one transaction together with the version bump, so a crash leaves the old or the new schema,
never half; an existing database is copied (encrypted, same key) before it is migrated; a
database newer than this app is refused rather than guessed at.

Storage-level guarantees live in the schema as triggers, so they hold whatever code writes:
answers of a locked review (signed, or closed with another outcome) cannot be inserted,
changed or deleted; a signed review row cannot change; the audit trail is append-only with
gap-free sequence numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import NewerVersionError
from reviewer_app.storage.database import READ_ONLY_MARKER, Database
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.workspace import schema_packs, schema_signing

log = logging.getLogger(__name__)

# Statuses in which a review's answers are frozen. A signed review never changes again (an
# amendment is a new version); a review closed with another outcome must be reopened (status
# changed back) before its answers can change.
LOCKED_STATUSES: frozenset[ReviewStatus] = frozenset(
    {
        ReviewStatus.SIGNED,
        ReviewStatus.RECORDS_MISSING,
        ReviewStatus.HANDED_BACK,
        ReviewStatus.OUTSIDE_METHOD,
    }
)


def _sql_list(values: frozenset[ReviewStatus] | list[ReviewStatus]) -> str:
    return ", ".join(f"'{v.value}'" for v in sorted(values))


_ALL_STATUSES = _sql_list(list(ReviewStatus))
_LOCKED = _sql_list(LOCKED_STATUSES)
_RO = READ_ONLY_MARKER


def _answers_lock_trigger(event: str, row: str) -> str:
    return f"""
CREATE TRIGGER answers_locked_{event.lower()} BEFORE {event} ON answers
WHEN (SELECT status FROM reviews WHERE id = {row}.review_id) IN ({_LOCKED})
BEGIN
    SELECT RAISE(ABORT, '{_RO} the review is signed or closed');
END;
"""


# The columns that identify a case and its admission, shared by the workspace's ``cases`` table
# and the study's ``cohort_cases`` (storage/study/schema.py). Released schema steps are built
# from this list, so it must never change: a new column belongs in a new migration step.
CASE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("case_ref", "TEXT PRIMARY KEY"),
    ("nhs_number", "TEXT NOT NULL"),
    ("hospital_number", "TEXT"),
    ("family_name", "TEXT NOT NULL"),
    ("given_names", "TEXT NOT NULL"),
    ("date_of_birth", "TEXT NOT NULL"),
    ("sex", "TEXT NOT NULL"),
    ("postcode", "TEXT"),
    ("admission_date", "TEXT NOT NULL"),
    ("admission_method", "TEXT"),
    ("discharge_date", "TEXT"),
    ("date_of_death", "TEXT NOT NULL"),
    ("place_of_death", "TEXT NOT NULL"),
    ("site", "TEXT"),
    ("specialty", "TEXT"),
    ("gp_practice_code", "TEXT"),
    ("learning_disability", "TEXT NOT NULL"),
)


def case_columns_sql(width: int) -> str:
    """``CASE_COLUMNS`` as column definitions (each line ends in a comma), names padded to
    ``width`` so they line up with the table's other columns."""
    return "\n".join(f"    {name:<{width}} {decl}," for name, decl in CASE_COLUMNS)


SCHEMA_V1 = f"""
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE cases (
{case_columns_sql(21)}
    withdrawn             INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    identifiers_corrected INTEGER NOT NULL DEFAULT 0 CHECK (identifiers_corrected IN (0, 1)),
    imported_at           TEXT NOT NULL
) STRICT;

CREATE TABLE reviews (
    id                 INTEGER PRIMARY KEY,
    case_ref           TEXT NOT NULL REFERENCES cases (case_ref),
    version            INTEGER NOT NULL CHECK (version >= 1),
    status             TEXT NOT NULL CHECK (status IN ({_ALL_STATUSES})),
    definition_id      TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    outcome_reason     TEXT,
    urgent             INTEGER NOT NULL DEFAULT 0 CHECK (urgent IN (0, 1)),
    amends_review_id   INTEGER REFERENCES reviews (id),
    amendment_reason   TEXT,
    UNIQUE (case_ref, version)
) STRICT;

CREATE TABLE answers (
    review_id   INTEGER NOT NULL REFERENCES reviews (id),
    question_id TEXT NOT NULL,
    value_json  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (review_id, question_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE audit (
    seq       INTEGER PRIMARY KEY CHECK (seq >= 1),
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    review_id INTEGER,
    action    TEXT NOT NULL,
    field     TEXT,
    old_json  TEXT,
    new_json  TEXT,
    reason    TEXT,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
) STRICT;
CREATE INDEX audit_by_review ON audit (review_id, seq);

CREATE TABLE ui_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

{_answers_lock_trigger("INSERT", "NEW")}
{_answers_lock_trigger("UPDATE", "OLD")}
{_answers_lock_trigger("DELETE", "OLD")}

CREATE TRIGGER answers_no_move BEFORE UPDATE OF review_id ON answers
WHEN NEW.review_id != OLD.review_id
BEGIN
    SELECT RAISE(ABORT, '{_RO} an answer cannot move to another review');
END;

CREATE TRIGGER reviews_signed_frozen BEFORE UPDATE ON reviews
WHEN OLD.status = 'signed'
BEGIN
    SELECT RAISE(ABORT, '{_RO} the review is signed; amend it instead');
END;

CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN
    SELECT RAISE(ABORT, '{_RO} reviews are never deleted');
END;

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, '{_RO} the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, '{_RO} the audit trail is append-only');
END;

CREATE TRIGGER audit_next_seq BEFORE INSERT ON audit
WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit)
BEGIN
    SELECT RAISE(ABORT, '{_RO} audit entries must follow on without gaps');
END;
"""


def _migrate_to_v1(db: Database) -> None:
    db.executescript(SCHEMA_V1)


Migration = Callable[[Database], None]

# Index i holds the step from version i to i+1. Append only; never edit a released step.
# Ordered steps; step N (0-based) takes the database from version N to N+1. Features keep
# their own tables in their own schema module so that each step stays readable.
MIGRATIONS: tuple[Migration, ...] = (
    _migrate_to_v1,
    schema_packs.migrate_to_v2,
    schema_signing.migrate_to_v3,
)
LATEST_VERSION = len(MIGRATIONS)


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


def open_migrated(
    path: Path,
    key: DatabaseKey,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    what: str = "workspace",
) -> tuple[Database, MigrationResult]:
    """Open the database at ``path`` and ``migrate`` it; the connection is closed if that
    fails, else handed to the caller (who closes it)."""
    db = Database(path, key)
    try:
        result = migrate(db, key, migrations=migrations, what=what)
    except BaseException:
        db.close()
        raise
    return db, result
