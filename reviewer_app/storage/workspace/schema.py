"""The workspace database's schema: its first version and the ordered list of its steps.

Storage-level guarantees live in the schema as triggers, so they hold whatever code writes:
answers of a locked review (signed, or closed with another outcome) cannot be inserted,
changed or deleted; a signed review row cannot change; the audit trail is append-only with
gap-free sequence numbers. Later steps live beside this file, one module per feature
(schema_packs.py, schema_signing.py, schema_returns.py, schema_settings.py);
storage/migrations.py runs them.
"""

from __future__ import annotations

from reviewer_app.domain.status import STORED_STATUSES, ReviewStatus
from reviewer_app.storage.case_columns import case_columns_sql
from reviewer_app.storage.database import Database, Migration
from reviewer_app.storage.workspace import (
    schema_due_dates,
    schema_packs,
    schema_returns,
    schema_settings,
    schema_signing,
    schema_user_dictionary,
    scratch_notes,
)
from reviewer_app.storage.workspace.triggers import append_only, refusing_trigger

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


_ALL_STATUSES = _sql_list(list(STORED_STATUSES))
_LOCKED = _sql_list(LOCKED_STATUSES)


def _answers_lock_trigger(event: str, row: str) -> str:
    locked = f"(SELECT status FROM reviews WHERE id = {row}.review_id) IN ({_LOCKED})"
    refusal = "the review is signed or closed"
    name = f"answers_locked_{event.lower()}"
    return f"\n{refusing_trigger(name, event, 'answers', refusal, locked)}\n"


_NO_MOVE = refusing_trigger(
    "answers_no_move",
    "UPDATE OF review_id",
    "answers",
    "an answer cannot move to another review",
    when="NEW.review_id != OLD.review_id",
)
_SIGNED_FROZEN = refusing_trigger(
    "reviews_signed_frozen",
    "UPDATE",
    "reviews",
    "the review is signed; amend it instead",
    when="OLD.status = 'signed'",
)
_NEXT_SEQ = refusing_trigger(
    "audit_next_seq",
    "INSERT",
    "audit",
    "audit entries must follow on without gaps",
    when="NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit)",
)

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

{_NO_MOVE}

{_SIGNED_FROZEN}

{refusing_trigger("reviews_no_delete", "DELETE", "reviews", "reviews are never deleted")}

{append_only("audit", "the audit trail is append-only")}

{_NEXT_SEQ}
"""


def _migrate_to_v1(db: Database) -> None:
    db.executescript(SCHEMA_V1)


# Index i holds the step from version i to i+1. Append only; never edit a released step.
# Ordered steps; step N (0-based) takes the database from version N to N+1. Features keep
# their own tables in their own schema module so that each step stays readable.
MIGRATIONS: tuple[Migration, ...] = (
    _migrate_to_v1,
    schema_packs.migrate_to_v2,
    schema_signing.migrate_to_v3,
    schema_returns.migrate_to_v4,
    schema_settings.migrate_to_v5,
    scratch_notes.migrate_to_v6,  # the reviewer's private scratch notes (never returned)
    schema_user_dictionary.migrate_to_v7,  # the reviewer's own spelling dictionary
    schema_due_dates.migrate_to_v8,  # the date each case's review is due back
)
LATEST_VERSION = len(MIGRATIONS)
