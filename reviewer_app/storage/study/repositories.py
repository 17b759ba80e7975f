"""Repositories over the coordinator's study database; they return pydantic models.

Change reports name fields, never values: they are printed on the coordinator's screen and may
be pasted into emails, and the values are patient data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer
from reviewer_app.errors import NotFoundError
from reviewer_app.storage.audit import iso_utc, utc_now
from reviewer_app.storage.database import Database

_CASE_FIELDS: tuple[str, ...] = tuple(Case.model_fields)
_REVIEWER_FIELDS = (
    "reviewer_ref",
    "name",
    "profession",
    "sector",
    "organisation",
    "registration",
    "email",
)

Pair = tuple[str, str]


class StudyInfo(BaseModel):
    model_config = ConfigDict(frozen=True)

    study_id: str
    name: str
    review_mode: str
    created_at: datetime
    root_cert_pem: str
    root_fingerprint: str


class UpsertChanges(BaseModel):
    """What an intake changed: refs added, refs updated with the NAMES of changed fields."""

    model_config = ConfigDict(frozen=True)

    added: tuple[str, ...] = ()
    updated: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)


class Enrolment(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    reviewer_ref: str
    cert_pem: str
    fingerprint: str
    key_fingerprint: str
    issued_at: datetime
    replaced: bool


class IssuedPack(BaseModel):
    model_config = ConfigDict(frozen=True)

    pack_id: str
    reviewer_ref: str
    sequence: int
    created_at: datetime
    file_name: str
    case_refs: tuple[str, ...]
    withdrawn_case_refs: tuple[str, ...]
    content_digest: str | None = None  # None for packs made before study schema v2


class StoredAllocation(BaseModel):
    model_config = ConfigDict(frozen=True)

    pairs: dict[str, Pair]
    overridden: frozenset[str]
    problems: dict[str, str]


def _diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(k for k in new if old.get(k) != new[k])


# --- the study row -------------------------------------------------------------------------


class StudyInfoStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def create(
        self,
        *,
        study_id: str,
        name: str,
        review_mode: str,
        authority_key_pem: bytes,
        root_cert_pem: str,
        root_fingerprint: str,
    ) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO study (id, study_id, name, review_mode, created_at, "
                "authority_key_pem, root_cert_pem, root_fingerprint) "
                "VALUES (1, ?, ?, ?, ?, ?, ?, ?)",
                (
                    study_id,
                    name,
                    review_mode,
                    iso_utc(self._clock()),
                    authority_key_pem,
                    root_cert_pem,
                    root_fingerprint,
                ),
            )

    def get(self) -> StudyInfo:
        row = self._db.query_one(
            "SELECT study_id, name, review_mode, created_at, root_cert_pem, root_fingerprint "
            "FROM study WHERE id = 1"
        )
        if row is None:
            raise NotFoundError("This study folder has no study in it (was init interrupted?).")
        return StudyInfo(
            study_id=row[0],
            name=row[1],
            review_mode=row[2],
            created_at=datetime.fromisoformat(row[3]),
            root_cert_pem=row[4],
            root_fingerprint=row[5],
        )

    def authority_key_pem(self) -> bytes:
        row = self._db.query_one("SELECT authority_key_pem FROM study WHERE id = 1")
        if row is None:
            raise NotFoundError("This study folder has no study authority key.")
        return bytes(row[0])


# --- the cohort ----------------------------------------------------------------------------


class CohortStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

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
                changed = _diff(old, new)
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


# --- the panel -----------------------------------------------------------------------------


class PanelStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

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
                    "conflicts" if f == "conflicts_json" else f for f in _diff(old, new)
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


# --- enrolments ----------------------------------------------------------------------------

_ENROLMENT_COLUMNS = "id, reviewer_ref, cert_pem, fingerprint, key_fingerprint, issued_at, replaced"


def _enrolment(row: tuple[Any, ...]) -> Enrolment:
    return Enrolment(
        id=row[0],
        reviewer_ref=row[1],
        cert_pem=row[2],
        fingerprint=row[3],
        key_fingerprint=row[4],
        issued_at=datetime.fromisoformat(row[5]),
        replaced=bool(row[6]),
    )


class EnrolmentStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

    def active(self, reviewer_ref: str) -> Enrolment | None:
        row = self._db.query_one(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE reviewer_ref = ? AND replaced = 0",
            (reviewer_ref,),
        )
        return None if row is None else _enrolment(row)

    def all_active(self) -> dict[str, Enrolment]:
        rows = self._db.query_all(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE replaced = 0 ORDER BY reviewer_ref"
        )
        return {row[1]: _enrolment(row) for row in rows}

    def history(self, reviewer_ref: str) -> list[Enrolment]:
        rows = self._db.query_all(
            f"SELECT {_ENROLMENT_COLUMNS} FROM enrolments WHERE reviewer_ref = ? ORDER BY id",
            (reviewer_ref,),
        )
        return [_enrolment(r) for r in rows]

    def add(self, reviewer_ref: str, cert_pem: str, fingerprint: str, key_fingerprint: str) -> None:
        """Record a new certificate, retiring the reviewer's active one (if any) with it."""
        now = iso_utc(self._clock())
        with self._db.transaction():
            self._db.execute(
                "UPDATE enrolments SET replaced = 1, replaced_at = ? "
                "WHERE reviewer_ref = ? AND replaced = 0",
                (now, reviewer_ref),
            )
            self._db.execute(
                "INSERT INTO enrolments (reviewer_ref, cert_pem, fingerprint, key_fingerprint, "
                "issued_at) VALUES (?, ?, ?, ?, ?)",
                (reviewer_ref, cert_pem, fingerprint, key_fingerprint, now),
            )


# --- allocation ----------------------------------------------------------------------------


class AllocationStore:
    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock

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


# --- packs issued --------------------------------------------------------------------------


class PackLedger:
    def __init__(self, db: Database) -> None:
        self._db = db

    def next_sequence(self, reviewer_ref: str) -> int:
        row = self._db.query_one(
            "SELECT coalesce(max(sequence), 0) FROM packs WHERE reviewer_ref = ?", (reviewer_ref,)
        )
        return (int(row[0]) if row else 0) + 1

    def ever_sent(self, reviewer_ref: str) -> set[str]:
        """Every case ever sent to the reviewer (as a case, not as a withdrawal)."""
        rows = self._db.query_all(
            "SELECT DISTINCT pc.case_ref FROM pack_cases pc JOIN packs p ON p.pack_id = pc.pack_id "
            "WHERE p.reviewer_ref = ? AND pc.withdrawn = 0",
            (reviewer_ref,),
        )
        return {r[0] for r in rows}

    def last_pack(self, reviewer_ref: str) -> IssuedPack | None:
        row = self._db.query_one(
            "SELECT pack_id FROM packs WHERE reviewer_ref = ? ORDER BY sequence DESC LIMIT 1",
            (reviewer_ref,),
        )
        return None if row is None else self.get(row[0])

    def get(self, pack_id: str) -> IssuedPack:
        row = self._db.query_one(
            "SELECT pack_id, reviewer_ref, sequence, created_at, file_name, content_digest "
            "FROM packs WHERE pack_id = ?",
            (pack_id,),
        )
        if row is None:
            raise NotFoundError("There is no such pack in this study.")
        cases = self._db.query_all(
            "SELECT case_ref, withdrawn FROM pack_cases WHERE pack_id = ? ORDER BY case_ref",
            (pack_id,),
        )
        return IssuedPack(
            pack_id=row[0],
            reviewer_ref=row[1],
            sequence=row[2],
            created_at=datetime.fromisoformat(row[3]),
            file_name=row[4],
            case_refs=tuple(c[0] for c in cases if not c[1]),
            withdrawn_case_refs=tuple(c[0] for c in cases if c[1]),
            content_digest=row[5],
        )

    def all(self) -> list[IssuedPack]:
        rows = self._db.query_all("SELECT pack_id FROM packs ORDER BY reviewer_ref, sequence")
        return [self.get(r[0]) for r in rows]

    def record(
        self,
        *,
        pack_id: str,
        reviewer_ref: str,
        sequence: int,
        created_at: datetime,
        file_name: str,
        cert_fingerprint: str,
        case_refs: Sequence[str],
        withdrawn_case_refs: Sequence[str],
        content_digest: str | None = None,
    ) -> None:
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO packs (pack_id, reviewer_ref, sequence, created_at, file_name, "
                "cert_fingerprint, content_digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pack_id,
                    reviewer_ref,
                    sequence,
                    iso_utc(created_at),
                    file_name,
                    cert_fingerprint,
                    content_digest,
                ),
            )
            self._db.executemany(
                "INSERT INTO pack_cases (pack_id, case_ref, withdrawn) VALUES (?, ?, ?)",
                [(pack_id, r, 0) for r in case_refs]
                + [(pack_id, r, 1) for r in withdrawn_case_refs],
            )
