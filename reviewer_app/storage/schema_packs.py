"""Workspace schema step v2: the reviewer's identity, the pinned study root, imported packs.

(Filled in with the assignment-pack import; an empty step still moves the version on.)
"""

from __future__ import annotations

from reviewer_app.storage.database import Database


def migrate_to_v2(db: Database) -> None:
    del db
