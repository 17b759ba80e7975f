"""CaseStore: upserts, typed reads, and the fast case-list summary."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reviewer_app.domain.case import Case, PlaceOfDeath, Sex, Tristate
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag
from reviewer_app.errors import DamagedFileError, NotFoundError
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.cases import CaseStore, CaseSummary
from reviewer_app.storage.workspace.reviews import ReviewStore

CLOCK = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_case(i: int, **changes: object) -> Case:
    data: dict[str, object] = {
        "case_ref": f"NSR-{i:05d}",
        "nhs_number": f"999{i:07d}",  # shape only; storage does not validate identifiers
        "family_name": "Zielińska" if i % 2 else "Ó Súilleabháin",
        "given_names": "Anna Maria",
        "date_of_birth": date(1930 + i % 60, 1 + i % 12, 1 + i % 28),
        "sex": Sex.FEMALE,
        "admission_date": date(2017, 5, 1),
        "date_of_death": date(2017, 6, 24),
        "place_of_death": PlaceOfDeath.ACUTE_HOSPITAL,
        "learning_disability": Tristate.UNKNOWN,
    }
    data.update(changes)
    return Case.model_validate(data)


@pytest.fixture
def store(workspace_db: Database) -> CaseStore:
    return CaseStore(workspace_db, clock=lambda: CLOCK)


def test_upsert_and_get_round_trip_every_field(store: CaseStore) -> None:
    full = make_case(
        1,
        hospital_number="RWE123",
        postcode="LE1 5WW",
        admission_method="emergency",
        discharge_date=date(2017, 6, 1),
        site="Leicester Royal Infirmary",
        specialty="renal",
        gp_practice_code="C82001",
        learning_disability=Tristate.YES,
    )
    assert store.upsert_many([full, make_case(2)]) == 2
    assert store.get(full.case_ref) == full
    assert store.get("NSR-00002") == make_case(2)
    record = store.get_record(full.case_ref)
    assert record.imported_at == CLOCK
    assert not record.withdrawn and not record.identifiers_corrected


def test_reimport_updates_fields_and_keeps_flags(store: CaseStore) -> None:
    store.upsert_many([make_case(1)])
    store.set_withdrawn("NSR-00001", True)
    store.upsert_many([make_case(1, specialty="cardiology")])
    record = store.get_record("NSR-00001")
    assert record.case.specialty == "cardiology"
    assert record.withdrawn
    assert store.count() == 1


def test_unknown_case_is_not_found(store: CaseStore) -> None:
    with pytest.raises(NotFoundError):
        store.get("NSR-404")
    with pytest.raises(NotFoundError):
        store.set_withdrawn("NSR-404", True)


def test_summary_fields_match_the_case_rules(store: CaseStore) -> None:
    cases = [make_case(i) for i in range(1, 30)]
    store.upsert_many(cases)
    summaries = {s.case_ref: s for s in store.list_summaries()}
    for case in cases:
        summary = summaries[case.case_ref]
        assert summary.display_name == case.display_name
        assert summary.nhs_number == case.nhs_number  # the case list searches by it
        assert summary.age_at_death == case.age_at_death
        assert summary.date_of_death == case.date_of_death
        assert summary.place_of_death is PlaceOfDeath.ACUTE_HOSPITAL
        assert summary.status is ReviewStatus.NOT_STARTED
        assert summary.answered == 0 and summary.progress == 0.0 and summary.flags == ()


def test_summary_reflects_latest_review(workspace_db: Database, store: CaseStore) -> None:
    store.upsert_many([make_case(1), make_case(2)])
    reviews = ReviewStore(workspace_db)
    review = reviews.open_review("NSR-00001", "sjr", "1", "R01")
    reviews.save_answers(review.id, {"q1": "yes", "q2": 3}, "R01")
    reviews.set_urgent(review.id, True, "R01", "immediate safety concern")
    store.set_withdrawn("NSR-00002", True)
    summaries = {s.case_ref: s for s in store.list_summaries(total_questions=8)}
    first = summaries["NSR-00001"]
    assert first.status is ReviewStatus.IN_PROGRESS
    assert first.answered == 2 and first.progress == pytest.approx(0.25)
    assert first.review_id == review.id and first.review_version == 1
    assert first.flags == (CaseFlag.URGENT,)
    assert all(type(flag) is CaseFlag for flag in first.flags)
    assert summaries["NSR-00002"].flags == (CaseFlag.WITHDRAWN,)
    reviews.set_status(review.id, ReviewStatus.SIGNED, "R01")
    reviews.start_amendment(review.id, "R01", "typo in q2")
    amended = {s.case_ref: s for s in store.list_summaries(total_questions=8)}["NSR-00001"]
    assert amended.review_version == 2
    assert amended.status is ReviewStatus.AMENDMENT_IN_PROGRESS
    assert amended.answered == 2
    assert CaseFlag.AMENDED in amended.flags


def test_ten_thousand_summaries_list_completely(workspace_db: Database, store: CaseStore) -> None:
    """Scale, for correctness only; speed: tests/benchmarks/test_bench_store.py."""
    store.upsert_many(make_case(i) for i in range(10_000))
    reviews = ReviewStore(workspace_db)
    for i in range(0, 10_000, 10):
        review = reviews.open_review(f"NSR-{i:05d}", "sjr", "1", "R01")
        reviews.save_answers(review.id, {"q1": "yes", "q2": "no"}, "R01")
    summaries = store.list_summaries(total_questions=40)
    assert len(summaries) == 10_000
    assert all(isinstance(s, CaseSummary) for s in summaries)
    assert [s.case_ref for s in summaries] == sorted(s.case_ref for s in summaries)
    by_ref = {s.case_ref: s for s in summaries}
    assert by_ref["NSR-00010"].answered == 2
    assert by_ref["NSR-00011"].answered == 0


def test_summary_shows_the_returned_version_and_an_amendment_as_not_returned(
    workspace_db: Database, store: CaseStore
) -> None:
    from reviewer_app.errors import ReadOnlyError
    from reviewer_app.storage.workspace.returns import ReturnStore

    store.upsert_many([make_case(1), make_case(2)])
    reviews = ReviewStore(workspace_db)
    review = reviews.open_review("NSR-00001", "sjr", "1", "R01")
    reviews.set_status(review.id, ReviewStatus.SIGNED, "R01")
    returns = ReturnStore(workspace_db, clock=lambda: CLOCK)
    assert returns.next_sequence() == 1
    assert (
        returns.record_bundle(1, "b" * 64, "return-R01-0001.p7m", [(review.id, "c" * 64)]) == CLOCK
    )
    assert returns.next_sequence() == 2 and returns.returned_review_ids() == {review.id}
    summaries = {s.case_ref: s for s in store.list_summaries()}
    first = summaries["NSR-00001"]
    assert (first.review_version, first.returned_version, first.returned_at) == (1, 1, CLOCK)
    assert first.returned
    second = summaries["NSR-00002"]
    assert (second.returned_version, second.returned_at, second.returned) == (None, None, False)
    reviews.start_amendment(review.id, "R01", "typo in q2")
    amended = {s.case_ref: s for s in store.list_summaries()}["NSR-00001"]
    assert (amended.review_version, amended.returned_version, amended.returned) == (2, 1, False)
    for sql in ("UPDATE returned_versions SET returned_at = 'x'", "DELETE FROM return_bundles"):
        with pytest.raises(ReadOnlyError), workspace_db.transaction():
            workspace_db.execute(sql)
    with pytest.raises(Exception, match="UNIQUE"):  # a version is marked returned once
        returns.record_bundle(2, "d" * 64, "return-R01-0002.p7m", [(review.id, "c" * 64)])
    assert [b.sequence for b in returns.bundles()] == [1]  # all or nothing


def test_the_collection_certificate_keeps_the_latest_pack_s(workspace_db: Database) -> None:
    from reviewer_app.storage.workspace.returns import ReturnStore

    returns = ReturnStore(workspace_db, clock=lambda: CLOCK)
    assert returns.collection_cert() is None
    assert returns.pin_collection_cert("PEM-1", "fp1", 3)
    assert not returns.pin_collection_cert("PEM-1", "fp1", 4)  # the same certificate
    assert not returns.pin_collection_cert("PEM-0", "fp0", 2)  # an older pack's
    assert returns.pin_collection_cert("PEM-2", "fp2", 5)
    pinned = returns.collection_cert()
    assert pinned is not None and (pinned.cert_pem, pinned.pack_sequence) == ("PEM-2", 5)


def test_one_case_summary_matches_the_list(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The case list refreshes one row after a change: the same row the whole list gives."""
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import TEST_KDF
    from reviewer_app.storage.workspace.cases import CaseStore
    from tests.support.review_fixtures import make_case

    ws = Workspace.create(tmp_path / "ws", "correct horse battery", kdf=TEST_KDF)
    try:
        store = CaseStore(ws.db)
        store.upsert_many([make_case(), make_case(case_ref="C-0002", nhs_number="9876543210")])
        listed = {s.case_ref: s for s in store.list_summaries(10)}
        assert store.summary("C-0002", 10) == listed["C-0002"]
        assert store.summary("C-9999", 10) is None
    finally:
        ws.close()


def test_escalated_follows_the_latest_answer_and_the_co_reviewer_is_listed(
    workspace_db: Database, store: CaseStore
) -> None:
    """Escalated is derived from the escalation decision, never set once and forgotten."""
    from reviewer_app.domain.vocabulary import ReviewMode
    from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore

    store.upsert_many([make_case(1), make_case(2), make_case(3)])
    AssignmentStore(workspace_db).set_assignments(
        [
            Assignment(
                case_ref="NSR-00001",
                review_mode=ReviewMode.JOINT,
                co_reviewer_ref="R02",
                co_reviewer_name="Dr Priya Shah",
                pack_sequence=1,
            ),
            Assignment(
                case_ref="NSR-00002",
                review_mode=ReviewMode.INDEPENDENT,
                co_reviewer_ref=None,
                co_reviewer_name=None,
                pack_sequence=1,
            ),
        ]
    )
    reviews = ReviewStore(workspace_db)
    first = reviews.open_review("NSR-00001", "sjr", "1", "R01")
    reviews.save_answers(first.id, {"escalation.decision": "escalate"}, "R01")
    second = reviews.open_review("NSR-00002", "sjr", "1", "R01")
    reviews.save_answers(second.id, {"escalation.decision": "not_escalating"}, "R01")
    third = reviews.open_review("NSR-00003", "sjr", "1", "R01")
    reviews.save_answers(third.id, {"other.question": "escalate"}, "R01")  # not the decision

    listed = {s.case_ref: s for s in store.list_summaries()}
    assert [listed[f"NSR-0000{i}"].escalated for i in (1, 2, 3)] == [True, False, False]
    assert listed["NSR-00001"].co_reviewer_name == "Dr Priya Shah"
    assert listed["NSR-00002"].co_reviewer_name is None
    assert listed["NSR-00003"].co_reviewer_name is None  # no assignment at all
    assert store.summary("NSR-00001") == listed["NSR-00001"]

    reviews.save_answers(first.id, {"escalation.decision": "not_escalating"}, "R01")
    assert store.summary("NSR-00001").escalated is False  # type: ignore[union-attr]
    reviews.save_answers(second.id, {"escalation.decision": "escalate"}, "R01")
    assert store.summary("NSR-00002").escalated is True  # type: ignore[union-attr]
    # another definition's question: the caller names it; without one nothing is escalated
    assert not store.summary("NSR-00002", escalation_question="esc.q").escalated  # type: ignore[union-attr]
    assert not any(s.escalated for s in store.list_summaries(escalation_question=None))
    reviews.save_answers(third.id, {"esc.q": "escalate"}, "R01")
    assert store.summary("NSR-00003", escalation_question="esc.q").escalated  # type: ignore[union-attr]


def test_every_flag_at_once_in_the_list_s_order(workspace_db: Database, store: CaseStore) -> None:
    store.upsert_many([make_case(1), make_case(2)])
    reviews = ReviewStore(workspace_db)
    review = reviews.open_review("NSR-00001", "sjr", "1", "R01")
    reviews.set_urgent(review.id, True, "R01", "immediate safety concern")
    reviews.set_status(review.id, ReviewStatus.SIGNED, "R01")
    amendment = reviews.start_amendment(review.id, "R01", "typo in q2")
    reviews.set_urgent(amendment.id, True, "R01", "still urgent")
    store.set_withdrawn("NSR-00001", True)
    store.set_identifiers_corrected("NSR-00001", True)
    first, second = store.list_summaries()
    assert first.flags == (
        CaseFlag.URGENT,
        CaseFlag.WITHDRAWN,
        CaseFlag.IDENTIFIERS_CORRECTED,
        CaseFlag.AMENDED,
    )
    assert second.flags == ()


def test_a_summary_cannot_be_changed_only_copied_with_changes(store: CaseStore) -> None:
    store.upsert_many([make_case(1)])
    (summary,) = store.list_summaries()
    with pytest.raises(AttributeError):
        summary.status = ReviewStatus.SIGNED  # type: ignore[misc]
    signed = summary.model_copy(update={"status": ReviewStatus.SIGNED})
    assert signed.status is ReviewStatus.SIGNED and signed.case_ref == summary.case_ref
    assert summary.status is ReviewStatus.NOT_STARTED
    with pytest.raises(ValueError):
        summary.model_copy(update={"no_such_field": 1})


@pytest.mark.parametrize(
    ("column", "value"),
    [("place_of_death", "on_the_moon"), ("date_of_death", "24/06/2017")],
)
def test_a_row_the_list_cannot_read_refuses_it_naming_no_patient(
    workspace_db: Database, store: CaseStore, column: str, value: str
) -> None:
    case = make_case(7)
    store.upsert_many([case, make_case(8)])
    workspace_db.execute("PRAGMA ignore_check_constraints = ON")  # as a damaged file would
    with workspace_db.transaction():
        workspace_db.execute(
            f"UPDATE cases SET {column} = ? WHERE case_ref = ?", (value, case.case_ref)
        )
    workspace_db.execute("PRAGMA ignore_check_constraints = OFF")
    with pytest.raises(DamagedFileError) as refused:
        store.list_summaries()
    message = str(refused.value)
    assert "cannot be listed" in message
    for identifier in (case.family_name, case.nhs_number, value):
        assert identifier not in message


def test_the_due_date_is_listed_and_a_later_pack_moves_it(
    workspace_db: Database, store: CaseStore
) -> None:
    from reviewer_app.domain.vocabulary import ReviewMode
    from reviewer_app.storage.workspace.assignments import Assignment, AssignmentStore

    store.upsert_many([make_case(1), make_case(2), make_case(3)])
    assignments = AssignmentStore(workspace_db)

    def assign(ref: str, due: date | None, sequence: int) -> Assignment:
        return Assignment(
            case_ref=ref,
            review_mode=ReviewMode.INDEPENDENT,
            co_reviewer_ref=None,
            co_reviewer_name=None,
            pack_sequence=sequence,
            due_date=due,
        )

    assignments.set_assignments(
        [assign("NSR-00001", date(2027, 1, 12), 1), assign("NSR-00002", None, 1)]
    )
    listed = {s.case_ref: s.due_date for s in store.list_summaries()}
    assert listed == {"NSR-00001": date(2027, 1, 12), "NSR-00002": None, "NSR-00003": None}
    assignments.set_assignments([assign("NSR-00001", date(2027, 2, 9), 2)])
    summary = store.summary("NSR-00001")
    assert summary is not None and summary.due_date == date(2027, 2, 9)
