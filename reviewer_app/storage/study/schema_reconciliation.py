"""Study schema step 4: reconciliation of double reviews, consensus records and second-stage
reviews (issue 13).

- ``consensus_records``: one row per recorded consensus on one discordant item of one case,
  append-only and versioned: a new consensus on the same item is a new row with the next
  ``version`` and ``supersedes`` naming the row it replaces; rows are never updated or
  deleted (triggers refuse both). Each row keeps both reviewers' values as they were when
  the consensus was made, the agreed value, the method, the reason, who recorded it and
  when, and ``record_sha256`` chained to the previous row's (``prev_sha256``), so an edit
  made behind the app's back shows.
- ``second_stage``: each second-stage allocation of a case to a reviewer outside its pair,
  append-only; the newest row of a case is its current second-stage reviewer.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

RECONCILIATION_DDL = """
CREATE TABLE consensus_records (
    id              INTEGER PRIMARY KEY,
    case_ref        TEXT NOT NULL REFERENCES cohort_cases (case_ref),
    item            TEXT NOT NULL,
    version         INTEGER NOT NULL CHECK (version >= 1),
    supersedes      INTEGER REFERENCES consensus_records (id),
    first_reviewer  TEXT NOT NULL,
    first_value     TEXT NOT NULL,
    second_reviewer TEXT NOT NULL,
    second_value    TEXT NOT NULL,
    agreed_value    TEXT NOT NULL,
    method          TEXT NOT NULL
                    CHECK (method IN ('pair_discussion', 'third_reviewer', 'panel')),
    reason          TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    recorded_by     TEXT NOT NULL CHECK (length(trim(recorded_by)) > 0),
    recorded_at     TEXT NOT NULL,
    prev_sha256     TEXT NOT NULL,
    record_sha256   TEXT NOT NULL,
    UNIQUE (case_ref, item, version)
) STRICT;

CREATE TRIGGER consensus_records_no_update BEFORE UPDATE ON consensus_records
BEGIN
    SELECT RAISE(ABORT, 'consensus records are append-only: record a new consensus instead');
END;

CREATE TRIGGER consensus_records_no_delete BEFORE DELETE ON consensus_records
BEGIN
    SELECT RAISE(ABORT, 'consensus records are append-only: they are never deleted');
END;

CREATE TABLE second_stage (
    id            INTEGER PRIMARY KEY,
    case_ref      TEXT NOT NULL REFERENCES cohort_cases (case_ref),
    reviewer_ref  TEXT NOT NULL REFERENCES reviewers (reviewer_ref),
    triggers_json TEXT NOT NULL,
    allocated_by  TEXT NOT NULL,
    allocated_at  TEXT NOT NULL
) STRICT;
CREATE INDEX second_stage_by_case ON second_stage (case_ref);

CREATE TRIGGER second_stage_no_update BEFORE UPDATE ON second_stage
BEGIN
    SELECT RAISE(ABORT, 'second-stage allocations are append-only');
END;

CREATE TRIGGER second_stage_no_delete BEFORE DELETE ON second_stage
BEGIN
    SELECT RAISE(ABORT, 'second-stage allocations are append-only');
END;
"""


def study_v4(db: Database) -> None:
    db.executescript(RECONCILIATION_DDL)
