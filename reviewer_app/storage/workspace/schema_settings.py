"""Workspace schema step v5: the study's settings as its packs carry them.

- ``study_settings``: one row once a pack has carried a setting: the avoidability scale the
  study grades on (``rcp`` or ``hogan``) and the number of the pack that brought it (a later
  pack's setting replaces an earlier one's; an older pack imported late never does). A
  workspace whose packs never carried a scale has no row: the review definition's default
  scale applies, as before.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.triggers import refusing_trigger

_NO_DELETE = refusing_trigger(
    "study_settings_no_delete",
    "DELETE",
    "study_settings",
    "study settings are only ever replaced by a later pack",
)

SCHEMA_V5 = f"""
CREATE TABLE study_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    avoidability_scale TEXT NOT NULL CHECK (avoidability_scale IN ('rcp', 'hogan')),
    pack_sequence      INTEGER NOT NULL CHECK (pack_sequence >= 1),
    stored_at          TEXT NOT NULL
) STRICT;

{_NO_DELETE}
"""


def migrate_to_v5(db: Database) -> None:
    db.executescript(SCHEMA_V5)
