"""The cases table: the cohort, and the one-query summary the case list is drawn from.

``list_summaries`` must stay fast for a whole cohort (10,000 cases in well under 100 ms), so it
is a single SQL query (latest review version and answer count per case) whose rows are decoded
in one pass into ``CaseSummary`` named tuples, without re-validating values that the schema
already constrains.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.case import Case, PlaceOfDeath
from reviewer_app.domain.status import OUTCOMES, ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag, ReviewMode
from reviewer_app.errors import DamagedFileError, NotFoundError
from reviewer_app.storage.audit import canonical_json
from reviewer_app.storage.clock import iso_utc
from reviewer_app.storage.repository import Repository

CASE_FIELDS: tuple[str, ...] = tuple(Case.model_fields)  # the cases table's leading columns


def case_from_row(row: Sequence[Any]) -> Case:
    """The case in a row's first ``len(CASE_FIELDS)`` columns (NULL: the field's default)."""
    values = zip(CASE_FIELDS, row[: len(CASE_FIELDS)], strict=True)
    return Case.model_validate({k: v for k, v in values if v is not None})


class CaseRecord(BaseModel):
    """A stored case with the flags storage keeps about it."""

    model_config = ConfigDict(frozen=True)

    case: Case
    withdrawn: bool
    identifiers_corrected: bool
    imported_at: datetime


class CaseSummary(NamedTuple):
    """One row of the case list (fits gui.case_table_model.CaseRow).

    A typed, immutable named tuple rather than a pydantic model: the list is built for a
    whole cohort on every unlock and refresh, and 10,000 models cost more than the query.
    Its values come from columns the schema constrains; ``list_summaries`` decodes them
    (enums, dates) and refuses a row it cannot decode.
    """

    case_ref: str
    display_name: str
    nhs_number: str
    age_at_death: int
    date_of_death: date
    place_of_death: PlaceOfDeath
    status: ReviewStatus
    review_id: int | None
    review_version: int | None
    answered: int
    progress: float
    flags: tuple[CaseFlag, ...]
    returned_version: int | None = None
    """The newest version returned to the coordinator (None: nothing returned yet)."""
    returned_at: datetime | None = None
    escalated: bool = False
    """The latest version records the decision to escalate (from its answers, never set)."""
    co_reviewer_name: str | None = None
    """Who reviews the case jointly with this reviewer (None: an independent review)."""
    due_date: date | None = None
    """When the review is due back, as the latest assignment pack said (None: it did not)."""

    @property
    def returned(self) -> bool:
        """Whether the case's latest version is the one returned (an amendment is not)."""
        return self.returned_version is not None and self.returned_version == self.review_version

    def model_copy(self, *, update: Mapping[str, Any]) -> CaseSummary:
        """A copy with ``update`` applied, as pydantic models offer it (the case list model
        changes a row's status in place this way)."""
        return self._replace(**update)


def _display_name(family_name: str, given_names: str) -> str:
    # Same rule as Case.display_name (checked by a test); repeated here to avoid building
    # 10,000 full Case models just to list them. (SQLite's upper() is ASCII-only.)
    return f"{family_name.upper()}, {given_names}"


_SUMMARY_SQL = """
SELECT c.case_ref, c.family_name, c.given_names, c.nhs_number,
       -- age at death: whole years, as Case.age_at_death (dates are ISO text)
       (CAST(substr(c.date_of_death, 1, 4) AS INTEGER)
        - CAST(substr(c.date_of_birth, 1, 4) AS INTEGER)
        - (substr(c.date_of_death, 6, 5) < substr(c.date_of_birth, 6, 5))) AS age,
       c.date_of_death, c.place_of_death, c.withdrawn, c.identifiers_corrected,
       r.id, r.version, coalesce(r.status, 'not_started'), r.urgent,
       (SELECT count(*) FROM answers a WHERE a.review_id = r.id) AS answered,
       back.version, back.returned_at,
       -- a joint review's signatures: awaiting co-signature until there are two
       CASE WHEN ca.review_mode = 'joint'
            THEN (SELECT count(*) FROM signatures s WHERE s.review_id = r.id) END AS signatures,
       ca.review_mode, ca.co_reviewer_name, ca.due_date,
       -- escalated: the latest version's escalation decision is to escalate
       EXISTS (SELECT 1 FROM answers e
               WHERE e.review_id = r.id AND e.question_id = :escalation_question
                 AND e.value_json = :escalate) AS escalated
FROM cases c
LEFT JOIN case_assignments ca ON ca.case_ref = c.case_ref
LEFT JOIN reviews r
       ON r.case_ref = c.case_ref
      AND r.version = (SELECT max(r2.version) FROM reviews r2 WHERE r2.case_ref = c.case_ref)
LEFT JOIN (
    -- the newest returned version per case (SQLite takes returned_at from the max row)
    SELECT r3.case_ref, max(r3.version) AS version, v.returned_at
    FROM returned_versions v JOIN reviews r3 ON r3.id = v.review_id
    GROUP BY r3.case_ref
) back ON back.case_ref = c.case_ref
{where}ORDER BY c.case_ref
"""

# Shown as complete in the case list: nothing more is needed before (or after) signing.
_FINISHED_VALUES = frozenset(
    s.value
    for s in (
        ReviewStatus.READY_TO_SIGN,
        ReviewStatus.SIGNED,
        ReviewStatus.AWAITING_COSIGNATURE,
        *OUTCOMES,
    )
)
_STATUSES = {s.value: s for s in ReviewStatus}
_PLACES = {p.value: p for p in PlaceOfDeath}
_FLAGS = {
    (urgent, withdrawn, corrected, amended): tuple(
        flag
        for flag, on in (
            (CaseFlag.URGENT, urgent),
            (CaseFlag.WITHDRAWN, withdrawn),
            (CaseFlag.IDENTIFIERS_CORRECTED, corrected),
            (CaseFlag.AMENDED, amended),
        )
        if on
    )
    for urgent in (False, True)
    for withdrawn in (False, True)
    for corrected in (False, True)
    for amended in (False, True)
}
"""Every combination of the list's flags, made once (rows share the tuples)."""
_AWAITING = ReviewStatus.AWAITING_COSIGNATURE.value
_JOINT = ReviewMode.JOINT.value

ESCALATION_QUESTION = "escalation.decision"
"""The escalation decision in the shipped review definitions (v1 and v2); a caller whose
definition names another question passes it (``FormRoles.escalation_decision``)."""
ESCALATE = "escalate"
"""The decision's value that escalates the case."""


def shown_status(status: str, review_mode: str | None, signatures: int | None) -> str:
    """The status the case list shows: a joint review with only the reviewer's signature is
    awaiting co-signature (stored as signed, or as its outcome); anything else as stored."""
    if review_mode == _JOINT and signatures == 1:
        return _AWAITING
    return status


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while tens of thousands of objects are made.

    Every few hundred allocations the collector runs, and as the heap grows it rescans all of
    it (in the GUI, every Qt wrapper too): for a 10,000-row list that was a third of the time.
    Nothing built here forms cycles, so nothing is lost by collecting afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class CaseStore(Repository):
    def upsert_many(self, cases: Iterable[Case]) -> int:
        """Insert new cases and refresh existing ones, in one transaction; returns the count.

        Flags kept by storage (withdrawn, identifiers corrected) survive a re-import.
        """
        now = iso_utc(self._clock())
        rows = [{**case.model_dump(mode="json"), "imported_at": now} for case in cases]
        if rows:
            with self._db.transaction():
                self._db.su.table("cases").upsert_all(rows, pk="case_ref")
        return len(rows)

    def get(self, case_ref: str) -> Case:
        return self.get_record(case_ref).case

    def get_record(self, case_ref: str) -> CaseRecord:
        columns = ", ".join(CASE_FIELDS)
        row = self._db.query_one(
            f"SELECT {columns}, withdrawn, identifiers_corrected, imported_at "
            "FROM cases WHERE case_ref = ?",
            (case_ref,),
        )
        if row is None:
            raise NotFoundError(f"There is no case {case_ref} in this workspace.")
        n = len(CASE_FIELDS)
        return CaseRecord(
            case=case_from_row(row),
            withdrawn=bool(row[n]),
            identifiers_corrected=bool(row[n + 1]),
            imported_at=datetime.fromisoformat(row[n + 2]),
        )

    def exists(self, case_ref: str) -> bool:
        return self._db.query_one("SELECT 1 FROM cases WHERE case_ref = ?", (case_ref,)) is not None

    def count(self) -> int:
        row = self._db.query_one("SELECT count(*) FROM cases")
        return int(row[0]) if row else 0

    def set_withdrawn(self, case_ref: str, withdrawn: bool) -> None:
        self._set_flag(case_ref, "withdrawn", withdrawn)

    def set_identifiers_corrected(self, case_ref: str, corrected: bool) -> None:
        self._set_flag(case_ref, "identifiers_corrected", corrected)

    def _set_flag(self, case_ref: str, column: str, value: bool) -> None:
        with self._db.transaction():
            cursor = self._db.execute(
                f"UPDATE cases SET {column} = ? WHERE case_ref = ?", (int(value), case_ref)
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"There is no case {case_ref} in this workspace.")

    def list_summaries(
        self, total_questions: int = 0, *, escalation_question: str | None = ESCALATION_QUESTION
    ) -> list[CaseSummary]:
        """Every case for the case list, ordered by case reference.

        ``total_questions`` (from the review definition, which storage does not know) turns
        the answered count into a progress fraction; a signed or closed review counts as done.
        The rows are decoded in one pass into named tuples (no model validation: the schema
        constrains the columns; a row that cannot be decoded refuses the list with
        ``DamagedFileError``). ``escalation_question`` is the
        definition's escalation decision (None: no case shows as escalated).
        """
        with _collector_paused():
            return self._summaries(total_questions, escalation_question)

    def summary(
        self,
        case_ref: str,
        total_questions: int = 0,
        *,
        escalation_question: str | None = ESCALATION_QUESTION,
    ) -> CaseSummary | None:
        """One case's row of the case list, read afresh (None when the case is not there)."""
        found = self._summaries(total_questions, escalation_question, only=case_ref)
        return found[0] if found else None

    def _summary_rows(
        self, case_ref: str | None, escalation_question: str | None
    ) -> list[tuple[Any, ...]]:
        params: dict[str, object] = {
            "escalation_question": escalation_question,
            "escalate": canonical_json(ESCALATE),
        }
        if case_ref is None:
            return self._db.query_all(_SUMMARY_SQL.format(where=""), params)
        sql = _SUMMARY_SQL.format(where="WHERE c.case_ref = :case_ref\n")
        return self._db.query_all(sql, {**params, "case_ref": case_ref})

    def _summaries(
        self, total_questions: int, escalation_question: str | None, only: str | None = None
    ) -> list[CaseSummary]:
        found = self._summary_rows(only, escalation_question)
        try:
            return _decoded(found, total_questions)
        except (KeyError, ValueError, TypeError, AttributeError) as exc:
            raise DamagedFileError(
                "The workspace's case list holds a value this version cannot read, so the "
                "cases cannot be listed. Restore the workspace from a backup, or ask the "
                "study coordinator for help."
            ) from exc


def _decoded(rows: list[tuple[Any, ...]], total_questions: int) -> list[CaseSummary]:
    """The case list's rows decoded: one pass, lookups for the enums and flags."""
    finished, statuses, places, flags_of = _FINISHED_VALUES, _STATUSES, _PLACES, _FLAGS
    parse_date, parse_moment, make = date.fromisoformat, datetime.fromisoformat, tuple.__new__
    summaries: list[CaseSummary] = []
    append = summaries.append
    for (
        case_ref,
        family,
        given,
        nhs_number,
        age,
        died,
        place,
        withdrawn,
        corrected,
        review_id,
        version,
        stored_status,
        urgent,
        answered,
        returned_version,
        returned_at,
        signatures,
        mode,
        co_reviewer_name,
        due_date,
        escalated,
    ) in rows:
        status = _AWAITING if mode == _JOINT and signatures == 1 else stored_status
        if status in finished:
            progress = 1.0
        elif total_questions > 0:
            # An estimate: only "ready to sign" (validated) shows as complete.
            progress = min(answered / total_questions, 0.95)
        else:
            progress = 0.0
        amended = version is not None and version > 1
        values = (
            case_ref,
            _display_name(family, given),
            nhs_number,
            int(age),
            parse_date(died),
            places[place],
            statuses[status],
            review_id,
            version,
            answered,
            progress,
            flags_of[bool(urgent), bool(withdrawn), bool(corrected), amended],
            returned_version,
            None if returned_at is None else parse_moment(returned_at),
            bool(escalated),
            co_reviewer_name,
            None if due_date is None else parse_date(due_date),
        )
        append(make(CaseSummary, values))
    return summaries
