"""Second-stage allocations: a case given to a reviewer outside its pair (append-only).

The newest row of a case names its current second-stage reviewer; allocating the case again
(to someone else) adds a row, never changes one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository
from reviewer_app.storage.study.rows import iso_datetime, record_from_row


@dataclass(frozen=True)
class SecondStageAllocation:
    case_ref: str
    reviewer_ref: str
    triggers: tuple[str, ...]  # the trigger ids that put the case in the queue
    allocated_by: str
    allocated_at: datetime


def _triggers(triggers_json: str) -> tuple[str, ...]:
    return tuple(json.loads(triggers_json))


class SecondStageStore(Repository):
    def allocate(
        self, case_ref: str, reviewer_ref: str, triggers: Sequence[str], allocated_by: str
    ) -> SecondStageAllocation:
        now = self._clock()
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO second_stage (case_ref, reviewer_ref, triggers_json, "
                "allocated_by, allocated_at) VALUES (?, ?, ?, ?, ?)",
                (case_ref, reviewer_ref, json.dumps(list(triggers)), allocated_by, iso_utc(now)),
            )
        return SecondStageAllocation(case_ref, reviewer_ref, tuple(triggers), allocated_by, now)

    def history(self) -> list[SecondStageAllocation]:
        rows = self._db.query_all(
            "SELECT case_ref, reviewer_ref, triggers_json, allocated_by, allocated_at "
            "FROM second_stage ORDER BY id"
        )
        return [
            record_from_row(SecondStageAllocation, r, triggers=_triggers, allocated_at=iso_datetime)
            for r in rows
        ]

    def current(self) -> dict[str, SecondStageAllocation]:
        """case_ref -> its current second-stage allocation (the newest)."""
        found: dict[str, SecondStageAllocation] = {}
        for row in self.history():
            found[row.case_ref] = row
        return found
