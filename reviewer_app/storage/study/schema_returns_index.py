"""Study schema step 7: the returned versions' summaries read without their PDFs (issue 14).

A row of ``returned_versions`` holds the canonical content and both signed PDFs (about 190 KB
a version), and ``bundle_id``, ``returned_at`` and ``collected_at`` are stored after them, so
reading a version's summary from the table walks (and, SQLCipher, decrypts) every page of its
PDFs. ``returned_versions_summary`` holds every column of ``ReturnsStore.versions()`` (a
covering index, in its order), so the summaries, the newest version per case and reviewer and
the hand-backs are read from the index alone.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

RETURNS_INDEX_DDL = """
CREATE INDEX returned_versions_summary ON returned_versions (
    case_ref, reviewer_ref, version, outcome, supersedes_version, signed_at, content_sha256,
    bundle_id, returned_at, collected_at
);
"""


def study_v7(db: Database) -> None:
    db.executescript(RETURNS_INDEX_DDL)
