"""Study schema step 5: the escalation log and the taskforce action plan (issue 13).

- ``escalation_updates``: the coordinator's log of each returned escalation, kept outside the
  signed reviews. An escalation is named by ``esc_id`` (case, reviewer, item id in the review);
  each update is one appended row holding the whole state after it (status and its date, the
  receiving system's reference, the Duty of Candour follow-up, the lead organisation, a note)
  with who recorded it and when. Rows are never changed or deleted (triggers refuse), so the
  history is the table.
- ``actions``: the action plan, one row per action reference (theme, work-stream, monitoring
  committee, action, lead role, organisation, due date).
- ``action_progress``: dated progress updates with the 0-5 status, appended, never changed.
- ``action_edits``: every change to an action's own fields (old and new value), appended,
  never changed: an action is edited in place only with its audit row beside it.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

_ESCALATION_STATUSES = (
    "'to_send', 'sent', 'acknowledged', 'under_investigation', 'other_learning_response', 'closed'"
)
_ACTION_STATUSES = "'0', '1', '2', '3', '4', '5'"


def _append_only(table: str, what: str) -> str:
    return f"""
CREATE TRIGGER {table}_never_updated BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{what} are appended, never changed'); END;
CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{what} are appended, never deleted'); END;
"""


RECORDS_DDL = f"""
CREATE TABLE escalation_updates (
    id             INTEGER PRIMARY KEY,
    esc_id         TEXT NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    status         TEXT NOT NULL CHECK (status IN ({_ESCALATION_STATUSES})),
    status_date    TEXT,
    reference      TEXT,
    doc_notified   TEXT CHECK (doc_notified IN ('yes', 'no')),
    doc_date       TEXT,
    doc_by         TEXT,
    doc_in_writing TEXT CHECK (doc_in_writing IN ('yes', 'no')),
    lead_org       TEXT,
    note           TEXT,
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    UNIQUE (esc_id, seq)
) STRICT;
{_append_only("escalation_updates", "escalation log updates")}

CREATE TABLE actions (
    reference    TEXT PRIMARY KEY,
    theme        TEXT NOT NULL,
    work_stream  TEXT NOT NULL DEFAULT '',
    committee    TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    lead         TEXT NOT NULL,
    organisation TEXT NOT NULL,
    due_date     TEXT NOT NULL,
    added_at     TEXT NOT NULL,
    updated_at   TEXT NOT NULL
) STRICT;

CREATE TABLE action_progress (
    id            INTEGER PRIMARY KEY,
    reference     TEXT NOT NULL REFERENCES actions (reference),
    status        TEXT NOT NULL CHECK (status IN ({_ACTION_STATUSES})),
    progress_date TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    recorded_by   TEXT NOT NULL,
    recorded_at   TEXT NOT NULL
) STRICT;
CREATE INDEX action_progress_by_action ON action_progress (reference, progress_date, id);
{_append_only("action_progress", "action progress updates")}

CREATE TABLE action_edits (
    id          INTEGER PRIMARY KEY,
    reference   TEXT NOT NULL REFERENCES actions (reference),
    field       TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
{_append_only("action_edits", "action edits")}
"""


def study_v5(db: Database) -> None:
    db.executescript(RECORDS_DDL)
