"""Workspace schema step v4: the study's collection certificate and what has been returned.

- ``collection_cert``: one row, the study's collection certificate (a decryption-only key of
  the study authority) as the latest pack that carried one brought it; returns are encrypted
  to it. Replaced by a later pack's, never deleted.
- ``return_bundles``: one row per return bundle written to the shared folder: its sequence
  (``return-R01-0003.p7m``), bundle id, file name, how many review versions it holds, when.
- ``returned_versions``: one row per signed review version (or signed outcome) returned:
  which bundle, the SHA-256 of the canonical content returned, when.

A row is written only after the bundle file is durable on the shared folder, in one
transaction per bundle. Both return tables are append-only (triggers): what was returned
stays returned; a case amended after its return is a new version, returned again.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.triggers import never_changed_records, refusing_trigger

_CERT_NO_DELETE = refusing_trigger(
    "collection_cert_no_delete",
    "DELETE",
    "collection_cert",
    "the collection certificate is only ever replaced",
)


SCHEMA_V4 = f"""
CREATE TABLE collection_cert (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    cert_pem      TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    pack_sequence INTEGER NOT NULL CHECK (pack_sequence >= 1),
    pinned_at     TEXT NOT NULL
) STRICT;

{_CERT_NO_DELETE}

CREATE TABLE return_bundles (
    sequence   INTEGER PRIMARY KEY CHECK (sequence >= 1),
    bundle_id  TEXT NOT NULL UNIQUE CHECK (length(bundle_id) = 64),
    file_name  TEXT NOT NULL,
    item_count INTEGER NOT NULL CHECK (item_count >= 1),
    written_at TEXT NOT NULL
) STRICT;

CREATE TABLE returned_versions (
    review_id       INTEGER PRIMARY KEY REFERENCES reviews (id),
    bundle_sequence INTEGER NOT NULL REFERENCES return_bundles (sequence),
    content_sha256  TEXT NOT NULL CHECK (length(content_sha256) = 64),
    returned_at     TEXT NOT NULL
) STRICT;
CREATE INDEX returned_versions_by_bundle ON returned_versions (bundle_sequence);

{never_changed_records("return_bundles", "return records")}
{never_changed_records("returned_versions", "return records")}
"""


def migrate_to_v4(db: Database) -> None:
    db.executescript(SCHEMA_V4)
