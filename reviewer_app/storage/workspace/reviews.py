"""Reviews and their answers; every change is written together with its audit entry.

Answer values are opaque JSON here (their shapes belong to domain/answers.py). ``None`` means
"unanswered" and is stored as the absence of a row, never as a value, so unanswered can never
be confused with "no" or "not applicable" (review-method.md, rule 10). A signed review is
never changed in place; ``start_amendment`` makes the next version (rule 9).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import NotFoundError, ReadOnlyError, UserError
from reviewer_app.storage.audit import AuditLog, canonical_json
from reviewer_app.storage.clock import iso_utc, utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.schema import LOCKED_STATUSES

log = logging.getLogger(__name__)

_REVIEW_COLUMNS = (
    "id, case_ref, version, status, definition_id, definition_version, created_at, "
    "updated_at, outcome_reason, urgent, amends_review_id, amendment_reason"
)


class Review(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    case_ref: str
    version: int
    status: ReviewStatus
    definition_id: str
    definition_version: str
    created_at: datetime
    updated_at: datetime
    outcome_reason: str | None
    urgent: bool
    amends_review_id: int | None
    amendment_reason: str | None

    @property
    def locked(self) -> bool:
        return self.status in LOCKED_STATUSES


def _review(row: tuple[Any, ...]) -> Review:
    return Review.model_validate(dict(zip(_REVIEW_COLUMNS.split(", "), row, strict=True)))


def _read_only(review: Review) -> ReadOnlyError:
    return ReadOnlyError(
        f"Review {review.case_ref} version {review.version} is {review.status.label.lower()}, "
        "so its answers cannot change. Start an amendment to correct it."
    )


class ReviewStore:
    def __init__(
        self,
        db: Database,
        *,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._clock = clock
        self._audit = AuditLog(db, clock=clock)
        self._ui_state = UiStateStore(db)

    # -- remembered UI state ("last case, last section")

    def get_ui_state(self, key: str) -> str | None:
        return self._ui_state.get(key)

    def set_ui_state(self, key: str, value: str | None) -> None:
        self._ui_state.set(key, value)

    # -- reviews

    def get(self, review_id: int) -> Review:
        row = self._db.query_one(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE id = ?", (review_id,)
        )
        if row is None:
            raise NotFoundError(f"There is no review {review_id} in this workspace.")
        return _review(row)

    def latest(self, case_ref: str) -> Review | None:
        row = self._db.query_one(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE case_ref = ? "
            "ORDER BY version DESC LIMIT 1",
            (case_ref,),
        )
        return None if row is None else _review(row)

    def began(self, review: Review) -> datetime:
        """When this review began: its own creation, or for an amendment the first version's
        (an amendment carries the answers, times included, of the review it corrects)."""
        if review.amends_review_id is None:
            return review.created_at
        return min(r.created_at for r in self.versions(review.case_ref))

    def versions(self, case_ref: str) -> list[Review]:
        rows = self._db.query_all(
            f"SELECT {_REVIEW_COLUMNS} FROM reviews WHERE case_ref = ? ORDER BY version",
            (case_ref,),
        )
        return [_review(row) for row in rows]

    def open_review(
        self, case_ref: str, definition_id: str, definition_version: str, actor: str
    ) -> Review:
        """The case's latest review version, creating version 1 if there is none."""
        with self._db.transaction():
            existing = self.latest(case_ref)
            if existing is not None:
                return existing
            if self._db.query_one("SELECT 1 FROM cases WHERE case_ref = ?", (case_ref,)) is None:
                raise NotFoundError(f"There is no case {case_ref} in this workspace.")
            now = iso_utc(self._clock())
            cursor = self._db.execute(
                "INSERT INTO reviews (case_ref, version, status, definition_id, "
                "definition_version, created_at, updated_at) VALUES (?, 1, ?, ?, ?, ?, ?)",
                (
                    case_ref,
                    ReviewStatus.NOT_STARTED.value,
                    definition_id,
                    definition_version,
                    now,
                    now,
                ),
            )
            review_id = int(cursor.lastrowid or 0)
            self._audit.append(
                actor=actor,
                action="review_created",
                review_id=review_id,
                new={
                    "case_ref": case_ref,
                    "version": 1,
                    "definition": definition_id,
                    "definition_version": definition_version,
                },
            )
            return self.get(review_id)

    def set_status(
        self, review_id: int, status: ReviewStatus, actor: str, reason: str | None = None
    ) -> Review:
        """Change the status; an outcome other than a full review needs a reason."""
        status = ReviewStatus(status)
        if status.is_outcome and not (reason and reason.strip()):
            raise UserError(f'Give a reason for "{status.label}".')
        with self._db.transaction():
            review = self.get(review_id)
            if review.status == ReviewStatus.SIGNED:
                raise _read_only(review)
            if review.status == status and (
                not status.is_outcome or reason == review.outcome_reason
            ):
                return review
            outcome_reason = reason if status.is_outcome else None
            self._db.execute(
                "UPDATE reviews SET status = ?, outcome_reason = ?, updated_at = ? WHERE id = ?",
                (status.value, outcome_reason, iso_utc(self._clock()), review_id),
            )
            self._audit_status(review, status, actor, reason)
            return self.get(review_id)

    def set_urgent(
        self, review_id: int, urgent: bool, actor: str, reason: str | None = None
    ) -> Review:
        with self._db.transaction():
            review = self.get(review_id)
            if review.urgent == urgent:
                return review
            if review.status == ReviewStatus.SIGNED:
                raise _read_only(review)
            self._db.execute(
                "UPDATE reviews SET urgent = ?, updated_at = ? WHERE id = ?",
                (int(urgent), iso_utc(self._clock()), review_id),
            )
            self._audit.append(
                actor=actor,
                action="flag",
                review_id=review_id,
                field="urgent",
                old=review.urgent,
                new=urgent,
                reason=reason,
            )
            return self.get(review_id)

    def is_signed(self, review_id: int) -> bool:
        """Whether the version carries a signature: a signed review, or a signed outcome
        (records missing, handed back, outside this method keep their status when signed)."""
        review = self.get(review_id)
        if review.status == ReviewStatus.SIGNED:
            return True
        row = self._db.query_one(
            "SELECT 1 FROM signatures WHERE review_id = ? LIMIT 1", (review_id,)
        )
        return row is not None

    def start_amendment(self, review_id: int, actor: str, reason: str) -> Review:
        """A new version of a signed review, carrying its answers, to be corrected and re-signed.

        A signed outcome is amended the same way (its status stays on the signed version;
        the new version's answers still record the outcome until the reviewer changes it).
        The signed version stays exactly as it was (and readable).
        """
        if not reason.strip():
            raise UserError("Give a reason for the amendment.")
        with self._db.transaction():
            signed = self.get(review_id)
            if not self.is_signed(review_id):
                raise ReadOnlyError("Only a signed review can be amended.")
            latest = self.latest(signed.case_ref)
            if latest is not None and latest.id != signed.id:
                raise ReadOnlyError(
                    f"Review {signed.case_ref} already has a later version ({latest.version})."
                )
            now = iso_utc(self._clock())
            cursor = self._db.execute(
                "INSERT INTO reviews (case_ref, version, status, definition_id, "
                "definition_version, created_at, updated_at, urgent, amends_review_id, "
                "amendment_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    signed.case_ref,
                    signed.version + 1,
                    ReviewStatus.AMENDMENT_IN_PROGRESS.value,
                    signed.definition_id,
                    signed.definition_version,
                    now,
                    now,
                    int(signed.urgent),
                    signed.id,
                    reason,
                ),
            )
            new_id = int(cursor.lastrowid or 0)
            self._db.execute(
                "INSERT INTO answers (review_id, question_id, value_json, updated_at) "
                "SELECT ?, question_id, value_json, updated_at FROM answers WHERE review_id = ?",
                (new_id, signed.id),
            )
            self._audit.append(
                actor=actor,
                action="amendment_started",
                review_id=new_id,
                old={
                    "review_id": signed.id,
                    "version": signed.version,
                    "status": signed.status.value,
                },
                new={"review_id": new_id, "version": signed.version + 1},
                reason=reason,
            )
            return self.get(new_id)

    # -- answers

    def answers(self, review_id: int) -> dict[str, Any]:
        rows = self._db.query_all(
            "SELECT question_id, value_json FROM answers WHERE review_id = ? ORDER BY question_id",
            (review_id,),
        )
        return {question_id: json.loads(value) for question_id, value in rows}

    def save_answer(
        self,
        review_id: int,
        question_id: str,
        value: Any,
        actor: str,
        reason: str | None = None,
    ) -> bool:
        """Set (or, with None, clear) one answer. Returns False when nothing changed."""
        return self.save_answers(review_id, {question_id: value}, actor, reason) > 0

    def save_answers(
        self,
        review_id: int,
        values: Mapping[str, Any],
        actor: str,
        reason: str | None = None,
    ) -> int:
        """Set or clear several answers in one transaction; returns how many changed.

        Each change is audited (old and new value); unchanged values write nothing. The review's
        ``updated_at`` moves, and a not-started review becomes in progress.
        """
        encoded = {qid: None if v is None else canonical_json(v) for qid, v in values.items()}
        with self._db.transaction():
            review = self.get(review_id)
            if review.locked:
                raise _read_only(review)
            current = dict(
                self._db.query_all(
                    "SELECT question_id, value_json FROM answers WHERE review_id = ?",
                    (review_id,),
                )
            )
            now = self._clock()
            changed = 0
            for question_id, new_json in encoded.items():
                old_json = current.get(question_id)
                if old_json == new_json:
                    continue
                self._write_answer(review_id, question_id, new_json, iso_utc(now))
                self._audit.append(
                    actor=actor,
                    action="answer",
                    review_id=review_id,
                    field=question_id,
                    old=None if old_json is None else json.loads(old_json),
                    new=None if new_json is None else json.loads(new_json),
                    reason=reason,
                    at=now,
                )
                changed += 1
            if changed:
                self._touch(review, actor, now)
            log.debug("saved %d answer change(s) for review %d", changed, review_id)
            return changed

    def _write_answer(
        self, review_id: int, question_id: str, value_json: str | None, stamp: str
    ) -> None:
        """One answer row set, or deleted for ``None`` (unanswered is no row, never a value)."""
        if value_json is None:
            self._db.execute(
                "DELETE FROM answers WHERE review_id = ? AND question_id = ?",
                (review_id, question_id),
            )
        else:
            self._db.execute(
                "INSERT INTO answers (review_id, question_id, value_json, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (review_id, question_id) DO UPDATE "
                "SET value_json = excluded.value_json, updated_at = excluded.updated_at",
                (review_id, question_id, value_json, stamp),
            )

    def _touch(self, review: Review, actor: str, now: datetime) -> None:
        """After answers changed: the review's ``updated_at`` moves, not started -> in progress."""
        status = (
            ReviewStatus.IN_PROGRESS if review.status == ReviewStatus.NOT_STARTED else review.status
        )
        self._db.execute(
            "UPDATE reviews SET updated_at = ?, status = ? WHERE id = ?",
            (iso_utc(now), status.value, review.id),
        )
        if status != review.status:
            self._audit_status(review, status, actor, at=now)

    def _audit_status(
        self,
        review: Review,
        status: ReviewStatus,
        actor: str,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> None:
        self._audit.append(
            actor=actor,
            action="status",
            review_id=review.id,
            field="status",
            old=review.status.value,
            new=status.value,
            reason=reason,
            at=at,
        )


class UiStateStore:
    """Small remembered UI facts (last case, last section), kept inside the encrypted store.

    Values may name a case, so they live in the database rather than in a settings file.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> str | None:
        row = self._db.query_one("SELECT value FROM ui_state WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def set(self, key: str, value: str | None) -> None:
        with self._db.transaction():
            if value is None:
                self._db.execute("DELETE FROM ui_state WHERE key = ?", (key,))
            else:
                self._db.execute(
                    "INSERT INTO ui_state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )
