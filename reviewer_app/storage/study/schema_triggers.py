"""Study schema step 8: the triggers each stored review fires, kept (issue 14).

Working out which second-review and escalation triggers a signed review fires means building
the rules' view of its answers: about 1 ms a version, most of what the coordinator's window
waited for when a study was unlocked. A stored version never changes, so what it fires is
worked out once (when it is collected) and kept here by the SHA-256 of its canonical content.
``rules`` names the trigger rules it was worked out with
(``services.collection.triggers.TRIGGER_RULES``): a row made by other rules is never read,
only worked out again. A cache: a missing row is worked out when next needed and kept then.
No patient data: trigger ids and their labels from the definition only.
"""

from __future__ import annotations

from reviewer_app.storage.database import Database

TRIGGERS_DDL = """
CREATE TABLE review_triggers (
    content_sha256     TEXT PRIMARY KEY,
    rules              TEXT NOT NULL,
    second_review_json TEXT NOT NULL,
    escalation_json    TEXT NOT NULL
) STRICT;
"""


def study_v8(db: Database) -> None:
    db.executescript(TRIGGERS_DDL)
