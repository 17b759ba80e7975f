"""Workspace schema step v8: the date each case's review is due back.

- ``case_assignments.due_date``: the ISO date (``YYYY-MM-DD``) the latest assignment pack says
  the review is due back to the coordinator (the day the case was first sent to this reviewer
  plus the study's return window). NULL when the pack did not say: a pack made before packs
  carried due dates (format 2.0 or older), so the case list shows no due date rather than a
  guessed one. A later pack may move it (a reallocated case), and then it is replaced.
  Only a real calendar date in ISO form is kept (``date(x) IS x``: never NULL, so text
  SQLite cannot read as a date is refused rather than let through).
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

SCHEMA_V8 = """
ALTER TABLE case_assignments ADD COLUMN due_date TEXT
    CHECK (due_date IS NULL OR date(due_date) IS due_date);
"""


def migrate_to_v8(db: Database) -> None:
    db.executescript(SCHEMA_V8)
