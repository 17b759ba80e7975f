"""The triggers each stored review fires, by its content's SHA-256 (study schema v8,
schema_triggers.py): a cache the collection fills and the reads use.

Rows are kept as the JSON text of ``[[id, label], ...]`` lists; turning them into the
domain's ``Trigger`` values is the service's (``services.collection.triggers``).
"""

from __future__ import annotations

from collections.abc import Iterable

from reviewer_app.storage.study.repository import Repository

StoredTriggers = tuple[str, str]  # (second_review_json, escalation_json)


class TriggerStore(Repository):
    def made_by(self, rules: str) -> dict[str, StoredTriggers]:
        """content SHA-256 -> the stored triggers, for the rows worked out by ``rules``."""
        rows = self._db.query_all(
            "SELECT content_sha256, second_review_json, escalation_json FROM review_triggers "
            "WHERE rules = ?",
            (rules,),
        )
        return {str(sha): (str(second), str(escalation)) for sha, second, escalation in rows}

    def keep(self, rules: str, rows: Iterable[tuple[str, StoredTriggers]]) -> int:
        """Keep each content's triggers (replacing a row made by other rules), in one
        transaction; how many rows were written."""
        params = [(sha, rules, second, escalation) for sha, (second, escalation) in rows]
        if params:
            with self._db.transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO review_triggers "
                    "(content_sha256, rules, second_review_json, escalation_json) "
                    "VALUES (?, ?, ?, ?)",
                    params,
                )
        return len(params)
