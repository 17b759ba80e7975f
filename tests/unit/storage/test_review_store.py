"""ReviewStore: answers with their audit entries, status, amendments, UI state."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from reviewer_app.domain.case import Case, PlaceOfDeath, Sex
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import NotFoundError, ReadOnlyError, UserError
from reviewer_app.storage.audit import AuditLog, verify_audit
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import Review, ReviewStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def db(workspace_db: Database) -> Database:
    """The shared workspace database holding one case (this file's ``db``)."""
    CaseStore(workspace_db).upsert_many(
        [
            Case(
                case_ref="NSR-0001",
                nhs_number="9990000018",
                family_name="Nguyễn",
                given_names="Thi",
                date_of_birth=date(1940, 2, 3),
                sex=Sex.FEMALE,
                admission_date=date(2017, 5, 1),
                date_of_death=date(2017, 5, 9),
                place_of_death=PlaceOfDeath.HOSPICE,
            )
        ]
    )
    return workspace_db


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db: Database, clock: Clock) -> ReviewStore:
    return ReviewStore(db, clock=clock)


@pytest.fixture
def review(store: ReviewStore) -> Review:
    return store.open_review("NSR-0001", "sjr-2026", "1.0", "R01")


def _answer_entries(db: Database) -> list[Any]:
    return [e for e in AuditLog(db).entries() if e.action == "answer"]


def test_open_review_creates_version_one_once(store: ReviewStore, review: Review) -> None:
    assert review.version == 1 and review.status is ReviewStatus.NOT_STARTED
    assert (review.definition_id, review.definition_version) == ("sjr-2026", "1.0")
    again = store.open_review("NSR-0001", "sjr-2026", "1.0", "R02")
    assert again.id == review.id
    assert len(store.versions("NSR-0001")) == 1


def test_open_review_for_unknown_case(store: ReviewStore) -> None:
    with pytest.raises(NotFoundError):
        store.open_review("NSR-404", "sjr-2026", "1.0", "R01")


def test_save_answer_writes_audits_and_moves_status(
    db: Database, store: ReviewStore, review: Review
) -> None:
    assert store.save_answer(review.id, "overall_score", 3, "R01") is True
    assert store.answers(review.id) == {"overall_score": 3}
    after = store.get(review.id)
    assert after.status is ReviewStatus.IN_PROGRESS
    assert after.updated_at > review.updated_at
    [entry] = _answer_entries(db)
    assert (entry.actor, entry.review_id, entry.field) == ("R01", review.id, "overall_score")
    assert (entry.old_value, entry.new_value) == (None, 3)
    status_entries = [e for e in AuditLog(db).entries() if e.action == "status"]
    assert [(e.old_value, e.new_value) for e in status_entries] == [("not_started", "in_progress")]


def test_unchanged_value_writes_nothing(db: Database, store: ReviewStore, review: Review) -> None:
    store.save_answer(review.id, "comment", {"text": "Seen by Nguyễn's GP"}, "R01")
    before = (AuditLog(db).head(), store.get(review.id).updated_at)
    assert store.save_answer(review.id, "comment", {"text": "Seen by Nguyễn's GP"}, "R01") is False
    assert (AuditLog(db).head(), store.get(review.id).updated_at) == before


def test_change_records_old_and_new_and_reason(
    db: Database, store: ReviewStore, review: Review
) -> None:
    store.save_answer(review.id, "q", "yes", "R01")
    store.save_answer(review.id, "q", "not_applicable", "R01", reason="misread the notes")
    last = _answer_entries(db)[-1]
    assert (last.old_value, last.new_value, last.reason) == (
        "yes",
        "not_applicable",
        "misread the notes",
    )


def test_none_clears_to_unanswered_not_to_a_value(
    db: Database, store: ReviewStore, review: Review
) -> None:
    store.save_answer(review.id, "q", "no", "R01")
    assert store.save_answer(review.id, "q", None, "R01") is True
    assert store.answers(review.id) == {}
    assert db.query_all("SELECT * FROM answers") == []
    last = _answer_entries(db)[-1]
    assert (last.old_value, last.new_value) == ("no", None)
    assert store.save_answer(review.id, "q", None, "R01") is False


def test_falsy_values_are_answers(store: ReviewStore, review: Review) -> None:
    store.save_answers(review.id, {"a": False, "b": 0, "c": "", "d": []}, "R01")
    assert store.answers(review.id) == {"a": False, "b": 0, "c": "", "d": []}


def test_save_answers_batch_is_one_transaction(
    db: Database, store: ReviewStore, review: Review
) -> None:
    store.save_answer(review.id, "keep", 1, "R01")
    head = AuditLog(db).head()
    with pytest.raises(ValueError):
        store.save_answers(review.id, {"a": 1, "b": float("nan")}, "R01")
    assert store.answers(review.id) == {"keep": 1}
    assert AuditLog(db).head() == head
    assert store.save_answers(review.id, {"a": 1, "b": 2, "keep": 1}, "R01") == 2
    assert store.answers(review.id) == {"a": 1, "b": 2, "keep": 1}


def test_signed_review_refuses_answers(db: Database, store: ReviewStore, review: Review) -> None:
    store.save_answer(review.id, "q", "yes", "R01")
    store.set_status(review.id, ReviewStatus.SIGNED, "R01")
    head = AuditLog(db).head()
    with pytest.raises(ReadOnlyError):
        store.save_answer(review.id, "q", "no", "R01")
    with pytest.raises(ReadOnlyError):
        store.set_status(review.id, ReviewStatus.IN_PROGRESS, "R01", "oops")
    assert store.answers(review.id) == {"q": "yes"}
    assert AuditLog(db).head() == head


def test_outcome_needs_reason_and_locks_until_reopened(store: ReviewStore, review: Review) -> None:
    with pytest.raises(UserError):
        store.set_status(review.id, ReviewStatus.RECORDS_MISSING, "R01")
    closed = store.set_status(review.id, ReviewStatus.RECORDS_MISSING, "R01", "notes not found")
    assert closed.outcome_reason == "notes not found" and closed.locked
    with pytest.raises(ReadOnlyError):
        store.save_answer(review.id, "q", "yes", "R01")
    reopened = store.set_status(review.id, ReviewStatus.IN_PROGRESS, "R01", "notes arrived")
    assert reopened.outcome_reason is None
    assert store.save_answer(review.id, "q", "yes", "R01")


def test_amendment_is_a_new_version_and_leaves_the_signed_one(
    db: Database, store: ReviewStore, review: Review
) -> None:
    store.save_answers(review.id, {"q1": "yes", "q2": 2}, "R01")
    store.set_status(review.id, ReviewStatus.SIGNED, "R01")
    with pytest.raises(UserError):
        store.start_amendment(review.id, "R01", "  ")
    amendment = store.start_amendment(review.id, "R01", "score entered wrongly")
    assert amendment.version == 2
    assert amendment.amends_review_id == review.id
    assert amendment.status is ReviewStatus.AMENDMENT_IN_PROGRESS
    assert store.answers(amendment.id) == {"q1": "yes", "q2": 2}
    store.save_answer(amendment.id, "q2", 3, "R01")
    assert store.answers(review.id) == {"q1": "yes", "q2": 2}
    assert store.latest("NSR-0001") == store.get(amendment.id)
    assert store.open_review("NSR-0001", "sjr-2026", "1.0", "R01").id == amendment.id
    with pytest.raises(ReadOnlyError):
        store.start_amendment(review.id, "R01", "again")
    assert verify_audit(db).ok


def test_urgent_flag_is_audited(db: Database, store: ReviewStore, review: Review) -> None:
    assert store.set_urgent(review.id, True, "R01", "telephoned safety team").urgent
    entry = AuditLog(db).entries()[-1]
    assert (entry.field, entry.old_value, entry.new_value) == ("urgent", False, True)


def test_ui_state(store: ReviewStore) -> None:
    assert store.get_ui_state("last_case") is None
    store.set_ui_state("last_case", "NSR-0001")
    store.set_ui_state("last_case", "NSR-0002")
    assert store.get_ui_state("last_case") == "NSR-0002"
    store.set_ui_state("last_case", None)
    assert store.get_ui_state("last_case") is None
