"""The coordinator's study database: its own SQLCipher file in the study folder.

Opened with ``storage.database.Database`` and migrated with
``migrations.migrate(db, key, migrations=STUDY_MIGRATIONS, what="study")``; the key comes
from the coordinator's study passphrase through the same Argon2id scheme as a workspace
(``storage.keys``). Tables:

- ``study``: one row: id, name, default review mode, the study authority's root
  certificate and its private key (PKCS#8 PEM encrypted under the study passphrase, so the
  key is protected twice: by SQLCipher and by its own encryption).
- ``cohort_cases``: the cohort, one row per case, with the intake warnings as flags.
- ``reviewers``: the panel.
- ``enrolments``: every certificate issued; at most one active (not replaced) per reviewer.
- ``allocation`` (+ ``allocation_problems``): the last allocation, and the cases it could not
  allocate safely; ``allocation_overrides``: hand-made pairs, kept across re-allocation.
- ``case_modes``: per-case review-mode overrides.
- ``packs`` / ``pack_cases``: every pack made, with the cases it sent and withdrew; from
  version 2 each pack also keeps ``content_digest``, the SHA-256 of what it said (all but its
  id, number and time), so making packs again with nothing changed writes no new pack.
- from version 3, the collection of returned reviews: see schema_collection.py; version 4
  reconciliation (schema_reconciliation.py), 5 the escalation log and action plan
  (schema_records.py), 6 study settings (schema_settings.py), 7 a covering index of the
  returned versions' summaries (schema_returns_index.py), 8 the triggers each stored
  review fires (schema_triggers.py).
"""

from __future__ import annotations

from reviewer_app.storage.case_columns import case_columns_sql
from reviewer_app.storage.database import Database, Migration
from reviewer_app.storage.study.schema_collection import study_v3
from reviewer_app.storage.study.schema_reconciliation import study_v4
from reviewer_app.storage.study.schema_records import study_v5
from reviewer_app.storage.study.schema_returns_index import study_v7
from reviewer_app.storage.study.schema_settings import study_v6
from reviewer_app.storage.study.schema_triggers import study_v8

_MODES = "'independent', 'joint'"

STUDY_SCHEMA_V1 = f"""
CREATE TABLE study (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    study_id          TEXT NOT NULL,
    name              TEXT NOT NULL,
    review_mode       TEXT NOT NULL CHECK (review_mode IN ({_MODES})),
    created_at        TEXT NOT NULL,
    authority_key_pem BLOB NOT NULL,
    root_cert_pem     TEXT NOT NULL,
    root_fingerprint  TEXT NOT NULL
) STRICT;

CREATE TABLE cohort_cases (
{case_columns_sql(19)}
    outside_cohort      INTEGER NOT NULL DEFAULT 0 CHECK (outside_cohort IN (0, 1)),
    outside_method      INTEGER NOT NULL DEFAULT 0 CHECK (outside_method IN (0, 1)),
    added_at            TEXT NOT NULL,
    updated_at          TEXT NOT NULL
) STRICT;

CREATE TABLE reviewers (
    reviewer_ref   TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    profession     TEXT NOT NULL,
    sector         TEXT NOT NULL,
    organisation   TEXT,
    registration   TEXT,
    email          TEXT,
    conflicts_json TEXT NOT NULL DEFAULT '[]',
    added_at       TEXT NOT NULL,
    updated_at     TEXT NOT NULL
) STRICT;

CREATE TABLE enrolments (
    id              INTEGER PRIMARY KEY,
    reviewer_ref    TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    cert_pem        TEXT NOT NULL,
    fingerprint     TEXT NOT NULL UNIQUE,
    key_fingerprint TEXT NOT NULL,
    issued_at       TEXT NOT NULL,
    replaced        INTEGER NOT NULL DEFAULT 0 CHECK (replaced IN (0, 1)),
    replaced_at     TEXT
) STRICT;
CREATE UNIQUE INDEX enrolments_one_active ON enrolments (reviewer_ref) WHERE replaced = 0;

CREATE TABLE allocation (
    case_ref     TEXT PRIMARY KEY REFERENCES cohort_cases (case_ref),
    reviewer_1   TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    reviewer_2   TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    overridden   INTEGER NOT NULL DEFAULT 0 CHECK (overridden IN (0, 1)),
    allocated_at TEXT NOT NULL,
    CHECK (reviewer_1 != reviewer_2)
) STRICT;

CREATE TABLE allocation_problems (
    case_ref TEXT PRIMARY KEY REFERENCES cohort_cases (case_ref),
    reason   TEXT NOT NULL
) STRICT;

CREATE TABLE allocation_overrides (
    case_ref   TEXT PRIMARY KEY REFERENCES cohort_cases (case_ref),
    reviewer_1 TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    reviewer_2 TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    set_at     TEXT NOT NULL,
    CHECK (reviewer_1 != reviewer_2)
) STRICT;

CREATE TABLE case_modes (
    case_ref    TEXT PRIMARY KEY REFERENCES cohort_cases (case_ref),
    review_mode TEXT NOT NULL CHECK (review_mode IN ({_MODES})),
    set_at      TEXT NOT NULL
) STRICT;

CREATE TABLE packs (
    pack_id          TEXT PRIMARY KEY,
    reviewer_ref     TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    sequence         INTEGER NOT NULL CHECK (sequence >= 1),
    created_at       TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    cert_fingerprint TEXT NOT NULL,
    UNIQUE (reviewer_ref, sequence)
) STRICT;

CREATE TABLE pack_cases (
    pack_id   TEXT NOT NULL REFERENCES packs (pack_id),
    case_ref  TEXT NOT NULL,
    withdrawn INTEGER NOT NULL DEFAULT 0 CHECK (withdrawn IN (0, 1)),
    PRIMARY KEY (pack_id, case_ref)
) STRICT, WITHOUT ROWID;
CREATE INDEX pack_cases_by_case ON pack_cases (case_ref);
"""


def _study_v1(db: Database) -> None:
    db.executescript(STUDY_SCHEMA_V1)


def _study_v2(db: Database) -> None:
    """Packs remember a digest of their content; packs made before have none (NULL)."""
    db.execute("ALTER TABLE packs ADD COLUMN content_digest TEXT")


# Append only; never edit a released step (same rule as the workspace's MIGRATIONS).
STUDY_MIGRATIONS: tuple[Migration, ...] = (
    _study_v1,
    _study_v2,
    study_v3,
    study_v4,
    study_v5,
    study_v6,
    study_v7,
    study_v8,
)
