"""Workspace schema step v2: the reviewer's identity, the pinned study root, imported packs.

- ``identity``: one row. The reviewer's private key is kept as unencrypted PKCS#8 PEM here
  because the whole database is encrypted (SQLCipher, key from the workspace passphrase):
  the key never exists on disk outside it. ``cert_pem`` stays NULL until the first pack
  brings the certificate the study authority issued.
- ``study_root``: one row, written once at the first (confirmed) import and never changed:
  triggers refuse UPDATE and DELETE, so no code path can swap the trusted root.
- ``imported_packs``: one row per pack applied, so a re-import changes nothing and an older
  pack is recognised.
- ``case_assignments``: what the latest pack said about each case (mode, co-reviewer).
- ``pack_definitions``: the review definitions the packs carried (id, version, content).
- Triggers make the answers and reviews of a withdrawn case read-only: a case reallocated
  away from a reviewer is kept for the record if started, but cannot be changed.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.triggers import append_only, refusing_trigger

_WITHDRAWN_REVIEW = (
    "(SELECT c.withdrawn FROM reviews r JOIN cases c ON c.case_ref = r.case_ref "
    "WHERE r.id = {row}.review_id) = 1"
)


_WITHDRAWN = "the case was withdrawn from you by the coordinator"


def _answers_withdrawn_trigger(event: str, row: str) -> str:
    name = f"answers_withdrawn_{event.lower()}"
    when = _WITHDRAWN_REVIEW.format(row=row)
    return f"\n{refusing_trigger(name, event, 'answers', _WITHDRAWN, when)}\n"


def _reviews_withdrawn_trigger(event: str, row: str) -> str:
    name = f"reviews_withdrawn_{event.lower()}"
    when = f"(SELECT withdrawn FROM cases WHERE case_ref = {row}.case_ref) = 1"
    return refusing_trigger(name, event, "reviews", _WITHDRAWN, when)


SCHEMA_V2 = f"""
CREATE TABLE identity (
    id              INTEGER PRIMARY KEY CHECK (id = 1),
    private_key_pem BLOB NOT NULL,
    cert_pem        BLOB,
    chain_pems_json TEXT NOT NULL DEFAULT '[]',
    reviewer_ref    TEXT,
    name            TEXT NOT NULL,
    profession      TEXT NOT NULL,
    registration    TEXT NOT NULL,
    email           TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    enrolled_at     TEXT
) STRICT;

CREATE TABLE study_root (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cert_pem    TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    study_id    TEXT NOT NULL,
    study_name  TEXT NOT NULL,
    pinned_at   TEXT NOT NULL
) STRICT;

{append_only("study_root", "the trusted study authority never changes")}

CREATE TABLE imported_packs (
    pack_id         TEXT PRIMARY KEY,
    sequence        INTEGER NOT NULL UNIQUE CHECK (sequence >= 1),
    imported_at     TEXT NOT NULL,
    digest          TEXT NOT NULL,
    case_count      INTEGER NOT NULL,
    withdrawn_count INTEGER NOT NULL
) STRICT;

CREATE TABLE case_assignments (
    case_ref         TEXT PRIMARY KEY REFERENCES cases (case_ref),
    review_mode      TEXT NOT NULL CHECK (review_mode IN ('independent', 'joint')),
    co_reviewer_ref  TEXT,
    co_reviewer_name TEXT,
    pack_sequence    INTEGER NOT NULL
) STRICT;

CREATE TABLE pack_definitions (
    definition_id      TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    content_json       TEXT NOT NULL,
    received_at        TEXT NOT NULL,
    PRIMARY KEY (definition_id, definition_version)
) STRICT;

{_answers_withdrawn_trigger("INSERT", "NEW")}
{_answers_withdrawn_trigger("UPDATE", "OLD")}
{_answers_withdrawn_trigger("DELETE", "OLD")}

{_reviews_withdrawn_trigger("INSERT", "NEW")}

{_reviews_withdrawn_trigger("UPDATE", "OLD")}
"""


def migrate_to_v2(db: Database) -> None:
    db.executescript(SCHEMA_V2)
