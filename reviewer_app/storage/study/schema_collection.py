"""Study schema step 3: the collection of returned reviews (issue 12).

- ``study`` gains the collection key (PKCS#8 PEM encrypted under the study passphrase, like
  the authority's), its certificate, and the shared folder packs were last written to.
- ``enrolments`` gain ``revoked_at`` / ``revoke_reason``: a revoked certificate gets no pack,
  and what it signs after ``revoked_at`` is quarantined.
- ``bundle_files``: every bundle file ever read, keyed by the file's SHA-256, with its verdict
  (accepted or quarantined), so an unchanged file is never verified twice.
- ``returned_versions``: each review version (or signed outcome) accepted, per case and
  reviewer: canonical content, both signed PDFs, audit entries, verification verdicts, and the
  bundle it came in. The newest version per case and reviewer is the one in force.
- ``return_conflicts``: a version that arrived again with a different hash (never stored over
  the first).
- ``quarantine``: each refused file, with where it was kept, its reason code and message.
- ``collection_runs``: each ``collect``, with its counts.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

STUDY_SCHEMA_V3 = """
ALTER TABLE study ADD COLUMN collection_key_pem BLOB;
ALTER TABLE study ADD COLUMN collection_cert_pem TEXT;
ALTER TABLE study ADD COLUMN shared_folder TEXT;
ALTER TABLE enrolments ADD COLUMN revoked_at TEXT;
ALTER TABLE enrolments ADD COLUMN revoke_reason TEXT;

CREATE TABLE collection_runs (
    run_id      INTEGER PRIMARY KEY,
    folder      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    counts_json TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE bundle_files (
    file_sha256  TEXT PRIMARY KEY,
    file_name    TEXT NOT NULL,
    run_id       INTEGER REFERENCES collection_runs (run_id),
    read_at      TEXT NOT NULL,
    verdict      TEXT NOT NULL CHECK (verdict IN ('accepted', 'quarantined')),
    bundle_id    TEXT,
    reviewer_ref TEXT,
    sequence     INTEGER,
    signed_at    TEXT
) STRICT;

CREATE TABLE returned_versions (
    id                   INTEGER PRIMARY KEY,
    case_ref             TEXT NOT NULL,
    reviewer_ref         TEXT NOT NULL,
    version              INTEGER NOT NULL CHECK (version >= 1),
    outcome              TEXT NOT NULL,
    definition_id        TEXT NOT NULL,
    definition_version   TEXT NOT NULL,
    supersedes_version   INTEGER,
    signed_at            TEXT NOT NULL,
    content              TEXT NOT NULL,
    content_sha256       TEXT NOT NULL,
    audit_head_seq       INTEGER NOT NULL,
    audit_head_hash      TEXT NOT NULL,
    pdf_full             BLOB NOT NULL,
    pdf_full_sha256      TEXT NOT NULL,
    pdf_taskforce        BLOB NOT NULL,
    pdf_taskforce_sha256 TEXT NOT NULL,
    audit_entries_json   TEXT NOT NULL,
    verdicts_json        TEXT NOT NULL,
    bundle_id            TEXT NOT NULL,
    bundle_file_sha256   TEXT NOT NULL REFERENCES bundle_files (file_sha256),
    returned_at          TEXT NOT NULL,
    collected_at         TEXT NOT NULL,
    UNIQUE (case_ref, reviewer_ref, version)
) STRICT;
CREATE INDEX returned_versions_by_reviewer ON returned_versions (reviewer_ref, case_ref);

CREATE TABLE return_conflicts (
    id                 INTEGER PRIMARY KEY,
    case_ref           TEXT NOT NULL,
    reviewer_ref       TEXT NOT NULL,
    version            INTEGER NOT NULL,
    stored_sha256      TEXT NOT NULL,
    arrived_sha256     TEXT NOT NULL,
    bundle_file_sha256 TEXT NOT NULL REFERENCES bundle_files (file_sha256),
    found_at           TEXT NOT NULL,
    UNIQUE (case_ref, reviewer_ref, version, arrived_sha256)
) STRICT;

CREATE TABLE quarantine (
    file_sha256    TEXT PRIMARY KEY REFERENCES bundle_files (file_sha256),
    file_name      TEXT NOT NULL,
    kept_as        TEXT NOT NULL,
    reason         TEXT NOT NULL,
    message        TEXT NOT NULL,
    reviewer_ref   TEXT,
    quarantined_at TEXT NOT NULL
) STRICT;
"""


def study_v3(db: Database) -> None:
    db.executescript(STUDY_SCHEMA_V3)
