"""The study's cohort: one row per case, with the intake warnings as flags."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.study.changes import UpsertChanges, changed_fields
from reviewer_app.storage.study.repository import Repository

_CASE_FIELDS: tuple[str, ...] = tuple(Case.model_fields)


class CohortStore(Repository):
    def _rows(self) -> dict[str, dict[str, Any]]:
        columns = ", ".join(_CASE_FIELDS)
        found: dict[str, dict[str, Any]] = {}
        for row in self._db.query_all(
            f"SELECT {columns}, outside_cohort, outside_method FROM cohort_cases"
        ):
            values = dict(
                zip((*_CASE_FIELDS, "outside_cohort", "outside_method"), row, strict=True)
            )
            found[values["case_ref"]] = values
        return found

    def upsert(
        self, cases: Sequence[Case], flags: Mapping[str, tuple[bool, bool]]
    ) -> UpsertChanges:
        """Add new cases and update changed ones in one transaction; report field names.

        ``flags`` maps case_ref to (outside_cohort, outside_method) from the intake warnings.
        Unchanged rows are not written at all, so importing the same file changes nothing.
        """
        now = iso_utc(self._clock())
        added: list[str] = []
        updated: dict[str, tuple[str, ...]] = {}
        unchanged = 0
        writes: list[dict[str, Any]] = []
        with self._db.transaction():
            existing = self._rows()
            for case in cases:
                outside_cohort, outside_method = flags.get(case.case_ref, (False, False))
                new = {
                    **case.model_dump(mode="json"),
                    "outside_cohort": int(outside_cohort),
                    "outside_method": int(outside_method),
                }
                old = existing.get(case.case_ref)
                if old is None:
                    added.append(case.case_ref)
                    writes.append({**new, "added_at": now, "updated_at": now})
                    continue
                changed = changed_fields(old, new)
                if not changed:
                    unchanged += 1
                    continue
                updated[case.case_ref] = changed
                writes.append({**new, "updated_at": now})
            if writes:
                table = self._db.su.table("cohort_cases")
                inserts = [w for w in writes if "added_at" in w]
                updates = [w for w in writes if "added_at" not in w]
                if inserts:
                    table.insert_all(inserts)
                if updates:
                    columns = [k for k in updates[0] if k != "case_ref"]
                    assignments = ", ".join(f"{c} = ?" for c in columns)
                    self._db.executemany(
                        f"UPDATE cohort_cases SET {assignments} WHERE case_ref = ?",
                        [[u[c] for c in columns] + [u["case_ref"]] for u in updates],
                    )
        return UpsertChanges(added=tuple(added), updated=updated, unchanged=unchanged)

    def cases(self) -> list[Case]:
        columns = ", ".join(_CASE_FIELDS)
        return [
            Case.model_validate(
                {k: v for k, v in zip(_CASE_FIELDS, row, strict=True) if v is not None}
            )
            for row in self._db.query_all(f"SELECT {columns} FROM cohort_cases ORDER BY case_ref")
        ]

    def case_refs(self) -> list[str]:
        """Every case's reference, sorted (no patient detail read or validated)."""
        return [
            str(r[0])
            for r in self._db.query_all("SELECT case_ref FROM cohort_cases ORDER BY case_ref")
        ]

    def case_refs_by_nhs_number(self) -> dict[str, str]:
        """NHS number -> case_ref of every case in the cohort (one death is one case)."""
        return {
            r[0]: r[1] for r in self._db.query_all("SELECT nhs_number, case_ref FROM cohort_cases")
        }

    def count(self) -> int:
        row = self._db.query_one("SELECT count(*) FROM cohort_cases")
        return int(row[0]) if row else 0

    def exists(self, case_ref: str) -> bool:
        return (
            self._db.query_one("SELECT 1 FROM cohort_cases WHERE case_ref = ?", (case_ref,))
            is not None
        )

    def flagged(self) -> dict[str, tuple[bool, bool]]:
        """case_ref -> (outside_cohort, outside_method) for flagged cases only."""
        rows = self._db.query_all(
            "SELECT case_ref, outside_cohort, outside_method FROM cohort_cases "
            "WHERE outside_cohort = 1 OR outside_method = 1"
        )
        return {r[0]: (bool(r[1]), bool(r[2])) for r in rows}
