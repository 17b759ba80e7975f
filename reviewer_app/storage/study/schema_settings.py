"""Study schema step 6: study settings carried in packs, such as the avoidability scale (issue
10).

``study_settings`` holds one row (``id = 1``) once a setting has been chosen: the avoidability
scale the study's reviewers grade on (``rcp`` or ``hogan``) and when it was set. A study made
before this step has no row and reads as RCP SJR, which is what its packs implied.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

SETTINGS_DDL = """
CREATE TABLE study_settings (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    avoidability_scale TEXT NOT NULL CHECK (avoidability_scale IN ('rcp', 'hogan')),
    set_at             TEXT NOT NULL
) STRICT;
"""


def study_v6(db: Database) -> None:
    db.executescript(SETTINGS_DDL)
