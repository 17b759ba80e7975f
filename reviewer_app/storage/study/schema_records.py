"""Study schema step 5: the escalation log and the taskforce action plan (issue 13)."""

from __future__ import annotations

from reviewer_app.storage.database import Database

RECORDS_DDL = """
"""


def study_v5(db: Database) -> None:
    db.executescript(RECORDS_DDL)
