"""The last allocation (pairs, hand-made pairs, cases it could not allocate) and the
per-case review modes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from pydantic import BaseModel, ConfigDict

from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.repository import Repository

Pair = tuple[str, str]


class StoredAllocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    pairs: dict[str, Pair]
    overridden: frozenset[str]
    problems: dict[str, str]


class AllocationStore(Repository):
    def get(self) -> StoredAllocation:
        pairs: dict[str, Pair] = {}
        overridden: set[str] = set()
        for ref, first, second, by_hand in self._db.query_all(
            "SELECT case_ref, reviewer_1, reviewer_2, overridden FROM allocation ORDER BY case_ref"
        ):
            pairs[ref] = (first, second)
            if by_hand:
                overridden.add(ref)
        problems = {
            r[0]: r[1]
            for r in self._db.query_all(
                "SELECT case_ref, reason FROM allocation_problems ORDER BY case_ref"
            )
        }
        return StoredAllocation(pairs=pairs, overridden=frozenset(overridden), problems=problems)

    def replace(
        self,
        pairs: Mapping[str, Pair],
        overridden: Iterable[str],
        problems: Sequence[tuple[str, str]],
    ) -> None:
        """Store a new allocation in place of the old one (one transaction)."""
        now = iso_utc(self._clock())
        by_hand = set(overridden)
        with self._db.transaction():
            self._db.execute("DELETE FROM allocation")
            self._db.execute("DELETE FROM allocation_problems")
            self._db.executemany(
                "INSERT INTO allocation (case_ref, reviewer_1, reviewer_2, overridden, "
                "allocated_at) VALUES (?, ?, ?, ?, ?)",
                [(ref, a, b, int(ref in by_hand), now) for ref, (a, b) in pairs.items()],
            )
            self._db.executemany(
                "INSERT INTO allocation_problems (case_ref, reason) VALUES (?, ?)",
                list(problems),
            )

    def overrides(self) -> dict[str, Pair]:
        return {
            r[0]: (r[1], r[2])
            for r in self._db.query_all(
                "SELECT case_ref, reviewer_1, reviewer_2 FROM allocation_overrides"
            )
        }

    def set_override(self, case_ref: str, pair: Pair | None) -> None:
        with self._db.transaction():
            if pair is None:
                self._db.execute("DELETE FROM allocation_overrides WHERE case_ref = ?", (case_ref,))
                return
            self._db.execute(
                "INSERT INTO allocation_overrides (case_ref, reviewer_1, reviewer_2, set_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (case_ref) DO UPDATE SET "
                "reviewer_1 = excluded.reviewer_1, reviewer_2 = excluded.reviewer_2, "
                "set_at = excluded.set_at",
                (case_ref, pair[0], pair[1], iso_utc(self._clock())),
            )

    def case_modes(self) -> dict[str, str]:
        return {
            r[0]: r[1] for r in self._db.query_all("SELECT case_ref, review_mode FROM case_modes")
        }

    def set_case_mode(self, case_ref: str, mode: str | None) -> None:
        with self._db.transaction():
            if mode is None:
                self._db.execute("DELETE FROM case_modes WHERE case_ref = ?", (case_ref,))
                return
            self._db.execute(
                "INSERT INTO case_modes (case_ref, review_mode, set_at) VALUES (?, ?, ?) "
                "ON CONFLICT (case_ref) DO UPDATE SET review_mode = excluded.review_mode, "
                "set_at = excluded.set_at",
                (case_ref, mode, iso_utc(self._clock())),
            )
