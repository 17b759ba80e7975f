"""Workspace schema step v7: the reviewer's own spelling dictionary.

- ``user_dictionary``: one row per word the reviewer added with "Add to dictionary" (a drug's
  brand name, a ward's name, a colleague's surname). It lives only in the encrypted workspace:
  nothing signed, printed, exported or returned reads it, and it has no audit entries. A word
  is kept as it was spelt (case matters, as it does in the dictionary) and may be removed again
  in Settings.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

MAX_WORD_CHARS = 64
"""The longest word the dictionary keeps (the service refuses longer ones in words first)."""

SCHEMA_V7 = f"""
CREATE TABLE user_dictionary (
    word     TEXT PRIMARY KEY CHECK (length(word) BETWEEN 1 AND {MAX_WORD_CHARS}),
    added_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
"""


def migrate_to_v7(db: Database) -> None:
    db.executescript(SCHEMA_V7)
