"""Study schema step 4: reconciliation of double reviews, consensus records and second-stage
reviews (issue 13).
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

RECONCILIATION_DDL = """
"""


def study_v4(db: Database) -> None:
    db.executescript(RECONCILIATION_DDL)
