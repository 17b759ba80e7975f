"""Workspace schema step v3: signatures and the stored signed PDF summaries.

(Filled in with sign-off; an empty step still moves the version on.)
"""

from __future__ import annotations

from reviewer_app.storage.database import Database


def migrate_to_v3(db: Database) -> None:
    del db
