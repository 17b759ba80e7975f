"""The study's review panel: one row per reviewer, conflicts kept as JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from reviewer_app.domain.panel import Reviewer
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.changes import UpsertChanges, changed_fields
from reviewer_app.storage.study.repository import Repository

# Every field but the conflicts, which are kept as one JSON column.
_REVIEWER_FIELDS: tuple[str, ...] = tuple(f for f in Reviewer.model_fields if f != "conflicts")


class PanelStore(Repository):
    @staticmethod
    def _row(reviewer: Reviewer) -> dict[str, Any]:
        values = reviewer.model_dump(mode="json")
        row = {k: values[k] for k in _REVIEWER_FIELDS}
        row["conflicts_json"] = json.dumps(list(reviewer.conflicts), ensure_ascii=False)
        return row

    def _rows(self) -> dict[str, dict[str, Any]]:
        columns = ", ".join((*_REVIEWER_FIELDS, "conflicts_json"))
        return {
            row[0]: dict(zip((*_REVIEWER_FIELDS, "conflicts_json"), row, strict=True))
            for row in self._db.query_all(f"SELECT {columns} FROM reviewers")
        }

    def upsert(self, reviewers: Sequence[Reviewer]) -> UpsertChanges:
        now = iso_utc(self._clock())
        added: list[str] = []
        updated: dict[str, tuple[str, ...]] = {}
        unchanged = 0
        with self._db.transaction():
            existing = self._rows()
            table = self._db.su.table("reviewers")
            for reviewer in reviewers:
                new = self._row(reviewer)
                old = existing.get(reviewer.reviewer_ref)
                if old is None:
                    added.append(reviewer.reviewer_ref)
                    table.insert({**new, "added_at": now, "updated_at": now})
                    continue
                changed = tuple(
                    "conflicts" if f == "conflicts_json" else f for f in changed_fields(old, new)
                )
                if not changed:
                    unchanged += 1
                    continue
                updated[reviewer.reviewer_ref] = changed
                table.update(reviewer.reviewer_ref, {**new, "updated_at": now})
        return UpsertChanges(added=tuple(added), updated=updated, unchanged=unchanged)

    def all(self) -> list[Reviewer]:
        return [
            _reviewer(values)
            for _, values in sorted(self._rows().items(), key=lambda item: item[0])
        ]

    def get(self, reviewer_ref: str) -> Reviewer | None:
        values = self._rows().get(reviewer_ref)
        return None if values is None else _reviewer(values)

    def count(self) -> int:
        row = self._db.query_one("SELECT count(*) FROM reviewers")
        return int(row[0]) if row else 0


def _reviewer(values: Mapping[str, Any]) -> Reviewer:
    fields = {k: values[k] for k in _REVIEWER_FIELDS if values[k] is not None}
    fields["conflicts"] = tuple(json.loads(values["conflicts_json"]))
    return Reviewer.model_validate(fields)
