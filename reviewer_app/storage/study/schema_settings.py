"""Study schema step 6: study settings carried in packs, such as the avoidability scale (issue
10).
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

SETTINGS_DDL = """
"""


def study_v6(db: Database) -> None:
    db.executescript(SETTINGS_DDL)
