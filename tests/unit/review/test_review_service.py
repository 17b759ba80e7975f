"""ReviewService: opening, saving with shape checks, automatic status, outcomes, concerns."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reviewer_app.domain.answers import InvalidAnswerError
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.progress import SectionState
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import ReadOnlyError, UserError
from reviewer_app.services.review.service import (
    FormRoles,
    OutcomeIncompleteError,
    OutcomeRefusedError,
    ReasonTooShortError,
    ReviewService,
    UiPosition,
    evaluate,
    review_sink,
)
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.review_fixtures import complete_answers, make_case, outcome_only

PASSPHRASE = "correct horse battery"
ACTOR = "reviewer-1"


def records_missing() -> dict[str, object]:
    """The outcome "records missing" with the missing records named (definition v2)."""
    return outcome_only("records_missing") | {"records.missing": ["acute"]}


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.create(tmp_path / "ws", PASSPHRASE, kdf=TEST_KDF)
    CaseStore(ws.db).upsert_many(
        [make_case(), make_case(case_ref="C-0002", nhs_number="9876543210")]
    )
    yield ws
    ws.close()


@pytest.fixture
def service(workspace: Workspace) -> ReviewService:
    return ReviewService(workspace.db)


def test_open_creates_review_under_current_definition(service: ReviewService) -> None:
    opened = service.open("C-0001", ACTOR)
    definition = default_definition()
    assert opened.review.version == 1
    assert opened.status is ReviewStatus.NOT_STARTED
    assert opened.definition.id == definition.id
    assert opened.definition.version == definition.version
    assert opened.answers == {}
    assert opened.case.case_ref == "C-0001"
    assert not opened.read_only
    assert not opened.urgent
    assert opened.state.readiness, "an empty review has things missing"
    assert set(opened.state.sections) == {s.id for s in definition.sections}
    assert opened.state.sections["screening"] is SectionState.NOT_STARTED
    # opening again returns the same review
    assert service.open("C-0001", ACTOR).review_id == opened.review_id


def test_open_uses_the_review_definition_version(workspace: Workspace) -> None:
    asked: list[tuple[str, int]] = []

    def loader(definition_id: str, version: int):  # type: ignore[no-untyped-def]
        asked.append((definition_id, version))
        return default_definition()

    ReviewStore(workspace.db).open_review("C-0001", "nhs-mortality-review", "1", ACTOR)
    ReviewService(workspace.db, definition_loader=loader).open("C-0001", ACTOR)
    assert asked == [("nhs-mortality-review", 1)]


def test_save_checks_shape_before_storage(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    with pytest.raises(InvalidAnswerError) as err:
        service.save(review_id, {"phase.overall.score": 7}, ACTOR)
    assert "phase.overall.score" in str(err.value)
    with pytest.raises(InvalidAnswerError):
        service.save(review_id, {"no.such.question": "yes"}, ACTOR)
    with pytest.raises(InvalidAnswerError):  # blank text is refused: clear with None instead
        service.save(review_id, {"avoidability.comment": "   "}, ACTOR)
    # one bad value refuses the whole save
    with pytest.raises(InvalidAnswerError):
        service.save(
            review_id, {"screening.learning_disability": "no", "phase.overall.score": 0}, ACTOR
        )
    assert ReviewStore(workspace.db).answers(review_id) == {}


def test_save_clear_and_audit(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    result = service.save(review_id, {"screening.learning_disability": "unknown"}, ACTOR)
    assert result.changed == 1
    assert result.status is ReviewStatus.IN_PROGRESS
    assert service.save(review_id, {"screening.learning_disability": "unknown"}, ACTOR).changed == 0
    service.save(review_id, {"screening.learning_disability": None}, ACTOR)
    assert "screening.learning_disability" not in ReviewStore(workspace.db).answers(review_id)
    audit = AuditLog(workspace.db)
    assert audit.verify().ok
    answers = [e for e in audit.entries(review_id) if e.action == "answer"]
    assert [(e.old_value, e.new_value) for e in answers] == [(None, "unknown"), ("unknown", None)]


def test_text_is_nfc_normalised(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, {"avoidability.comment": "Cafe\u0301 visit noted"}, ACTOR)
    stored = ReviewStore(workspace.db).answers(review_id)["avoidability.comment"]
    assert stored == "Caf\u00e9 visit noted"


def test_status_follows_validation(service: ReviewService) -> None:
    definition = default_definition()
    review_id = service.open("C-0001", ACTOR).review_id
    answers = complete_answers(definition)
    result = service.save(review_id, answers, ACTOR)
    assert result.status is ReviewStatus.READY_TO_SIGN
    assert service.reload(review_id).state.can_sign
    # an error (a phase score cleared) moves it back
    result = service.save(review_id, {"phase.overall.score": None}, ACTOR)
    assert result.status is ReviewStatus.IN_PROGRESS
    result = service.save(review_id, {"phase.overall.score": 3}, ACTOR)
    assert result.status is ReviewStatus.READY_TO_SIGN


def test_save_records_its_reason_in_every_audit_entry(
    service: ReviewService, workspace: Workspace
) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, {"screening.autism": "no"}, ACTOR)
    changes = {"screening.autism": "unknown", "screening.learning_disability": "no"}
    service.save(review_id, changes, ACTOR, reason="entered from fix.json")
    entries = [e for e in AuditLog(workspace.db).entries(review_id) if e.action == "answer"]
    assert [e.reason for e in entries] == [None, "entered from fix.json", "entered from fix.json"]
    assert AuditLog(workspace.db).verify().ok


def test_warnings_do_not_block_ready(service: ReviewService) -> None:
    definition = default_definition()
    review_id = service.open("C-0001", ACTOR).review_id
    answers = complete_answers(definition)
    answers["avoidability.comment"] = "Patient Featherstonehaugh was frail and elderly."
    result = service.save(review_id, answers, ACTOR)
    state = service.reload(review_id).state
    assert state.report.warnings, "the name in free text is a warning"
    assert not state.report.errors
    assert result.status is ReviewStatus.READY_TO_SIGN


def test_outcome_chosen_in_form_waits_for_explicit_action(service: ReviewService) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    result = service.save(review_id, records_missing(), ACTOR)
    assert result.status is ReviewStatus.IN_PROGRESS
    state = service.reload(review_id).state
    assert state.pending_outcome is ReviewStatus.RECORDS_MISSING
    assert [i.code for i in state.readiness] == ["outcome.not_recorded"]


def test_set_outcome_needs_reason_and_screening(service: ReviewService) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    with pytest.raises(ReasonTooShortError):
        service.set_outcome(review_id, ReviewStatus.RECORDS_MISSING, "  short ", ACTOR)
    with pytest.raises(OutcomeIncompleteError) as err:
        service.set_outcome(
            review_id, ReviewStatus.RECORDS_MISSING, "GP record was not available.", ACTOR
        )
    assert "Not answered" in str(err.value)
    # nothing was saved by the refused outcome
    assert service.reload(review_id).answers == {}
    screening = {
        k: v for k, v in outcome_only("records_missing").items() if k.startswith("screening.")
    }
    service.save(review_id, screening, ACTOR)
    with pytest.raises(OutcomeIncompleteError) as err:  # v2: the missing records are named
        service.set_outcome(
            review_id, ReviewStatus.RECORDS_MISSING, "GP record was not available.", ACTOR
        )
    assert "Records missing" in str(err.value)
    service.save(review_id, {"records.missing": ["gp"]}, ACTOR)
    opened = service.set_outcome(
        review_id, ReviewStatus.RECORDS_MISSING, "GP record was not available.", ACTOR
    )
    assert opened.status is ReviewStatus.RECORDS_MISSING
    assert opened.review.outcome_reason == "GP record was not available."
    roles = FormRoles.of(opened.definition)
    assert roles.outcome is not None and roles.outcome_reason is not None
    assert opened.answers[roles.outcome] == "records_missing"
    assert opened.answers[roles.outcome_reason] == "GP record was not available."
    assert opened.read_only


def test_outcome_is_read_only_until_reopened(service: ReviewService) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, outcome_only("handed_back", "I worked on that ward in 2023."), ACTOR)
    service.set_outcome(review_id, "handed_back", "I worked on that ward in 2023.", ACTOR)
    with pytest.raises(ReadOnlyError) as err:
        service.save(review_id, {"screening.autism": "yes"}, ACTOR)
    assert "Reopen" in str(err.value)
    with pytest.raises(ReadOnlyError):
        service.set_outcome(review_id, "records_missing", "Notes missing after all.", ACTOR)
    with pytest.raises(ReasonTooShortError):
        service.reopen(review_id, ACTOR, "oops")
    reopened = service.reopen(review_id, ACTOR, "Conflict was a different ward.")
    assert reopened.status is ReviewStatus.IN_PROGRESS
    assert not reopened.read_only
    service.save(review_id, {"screening.autism": "yes"}, ACTOR)


def _signed_then_amended(workspace: Workspace, answers: dict[str, object]) -> int:
    """Version 1 with ``answers``, marked signed; returns the amendment (version 2) id."""
    store = ReviewStore(workspace.db)
    service = ReviewService(workspace.db)
    v1 = service.open("C-0001", ACTOR).review_id
    service.save(v1, answers, ACTOR)  # type: ignore[arg-type]
    store.set_status(v1, ReviewStatus.SIGNED, ACTOR)
    return store.start_amendment(v1, ACTOR, "The records were the wrong patient's").id


def test_an_amendment_of_a_review_with_a_finding_cannot_record_an_outcome(
    service: ReviewService, workspace: Workspace
) -> None:
    v2 = _signed_then_amended(workspace, {"immediate.concern": "yes"})
    store = ReviewStore(workspace.db)
    before = (store.answers(v2), store.get(v2).status)
    with pytest.raises(OutcomeRefusedError, match="escalation trigger fired") as refused:
        service.set_outcome(v2, "records_missing", "The acute notes were recalled.", ACTOR)
    assert "cannot turn it into another outcome" in str(refused.value)
    assert (store.answers(v2), store.get(v2).status) == before  # nothing recorded


def test_a_reopened_amendment_is_still_an_amendment(
    service: ReviewService, workspace: Workspace
) -> None:
    v2 = _signed_then_amended(workspace, {"screening.autism": "no"})  # no finding
    service.save(v2, records_missing(), ACTOR)  # type: ignore[arg-type]
    done = service.set_outcome(v2, "records_missing", "The acute notes were recalled.", ACTOR)
    assert done.status is ReviewStatus.RECORDS_MISSING
    reopened = service.reopen(v2, ACTOR, "The acute notes were found after all.")
    assert reopened.status is ReviewStatus.AMENDMENT_IN_PROGRESS
    assert not reopened.read_only


def test_signed_review_surfaces_read_only(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, complete_answers(default_definition()), ACTOR)
    ReviewStore(workspace.db).set_status(review_id, ReviewStatus.SIGNED, ACTOR)
    with pytest.raises(ReadOnlyError) as err:
        service.save(review_id, {"phase.overall.score": 4}, ACTOR)
    assert "amendment" in str(err.value)
    assert "Featherstonehaugh" not in str(err.value)
    assert service.reload(review_id).status is ReviewStatus.SIGNED


def test_signed_and_amendment_status_not_moved(
    service: ReviewService, workspace: Workspace
) -> None:
    store = ReviewStore(workspace.db)
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, complete_answers(default_definition()), ACTOR)
    store.set_status(review_id, ReviewStatus.SIGNED, ACTOR)
    amendment = store.start_amendment(review_id, ACTOR, "Correcting a phase comment")
    result = service.save(amendment.id, {"phase.overall.score": None}, ACTOR)
    assert result.status is ReviewStatus.AMENDMENT_IN_PROGRESS


def test_escalation_trigger_on_both_scales(service: ReviewService) -> None:
    definition = default_definition()
    case = make_case()
    base = complete_answers(definition)
    for value, fires in (
        ({"scale": "rcp", "grade": 3}, True),
        ({"scale": "rcp", "grade": 4}, False),
        ({"scale": "hogan", "grade": 4}, True),
        ({"scale": "hogan", "grade": 3}, False),
    ):
        state = evaluate(definition, {**base, "avoidability.grade": value}, case)
        assert bool(state.escalation_triggers) is fires, value
        assert state.needs_escalation_decision is fires
        # a Hogan grade in a study on the RCP scale is an error of its own (issue 10, B4):
        # what matters here is that the missing escalation decision blocks signing
        blocking = {e.code for e in state.report.errors} - {"R10.grade_not_on_study_scale"}
        assert bool(blocking) is fires, blocking


def test_immediate_concern_flags_urgent(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    with pytest.raises(UserError, match="date and a time"):  # v2 asks for the time too
        service.record_immediate_concern(review_id, "Duty manager", date(2024, 2, 1), ACTOR)
    told = datetime(2026, 7, 1, 13, 5, tzinfo=UTC)  # 14:05 British Summer Time
    result = service.record_immediate_concern(
        review_id, "Duty patient-safety manager, acute trust", told, ACTOR
    )
    assert result.urgent
    opened = service.reload(review_id)
    assert opened.urgent
    assert opened.state.immediate_concern
    roles = opened.roles
    assert opened.answers[roles.concern or ""] == "yes"
    assert opened.answers[roles.date_told or ""] == "2026-07-01T14:05"
    flags = [e for e in AuditLog(workspace.db).entries(review_id) if e.field == "urgent"]
    assert len(flags) == 1


def test_concern_typed_in_form_flags_urgent(service: ReviewService) -> None:
    review_id = service.open("C-0002", ACTOR).review_id
    result = service.save(review_id, {"immediate.concern": "yes"}, ACTOR)
    assert result.urgent


def test_relevance_in_state(service: ReviewService) -> None:
    definition = default_definition()
    case = make_case()
    state = evaluate(definition, {}, case)
    assert "screening.leder_date" not in state.relevant_questions
    state = evaluate(definition, {"screening.learning_disability": "yes"}, case)
    assert "screening.leder_date" in state.relevant_questions
    state = evaluate(definition, {"outcome.type": "handed_back"}, case)
    assert "records" not in state.relevant_sections
    assert state.sections["records"] is SectionState.NOT_NEEDED
    problem = [{"id": "p1", "answers": {"problems.item.harm": "no"}}]
    state = evaluate(definition, {"problems.any": "yes", "problems.items": problem}, case)
    assert state.is_relevant("problems.item.harm", "problems.items", "p1")


def test_ui_position_round_trip(service: ReviewService) -> None:
    assert service.last_position() is None
    service.set_position(UiPosition("C-0001", "phase.overall", "phase.overall.comment"))
    assert service.last_position() == UiPosition("C-0001", "phase.overall", "phase.overall.comment")
    service.save_ui_state({"review.position": None})
    assert service.last_position() is None
    assert UiPosition.from_json("not json") is None
    assert UiPosition.from_json('{"case_ref": 3}') is None


def test_review_sink_uses_its_own_connection(workspace: Workspace) -> None:
    review_id = ReviewService(workspace.db).open("C-0001", ACTOR).review_id
    with review_sink(workspace.connect) as sink:
        sink.save(review_id, {"screening.autism": "no"}, ACTOR)
    assert ReviewStore(workspace.db).answers(review_id) == {"screening.autism": "no"}


def test_signed_outcome_cannot_be_reopened(
    service: ReviewService, monkeypatch: pytest.MonkeyPatch
) -> None:
    review_id = service.open("C-0001", ACTOR).review_id
    service.save(review_id, records_missing(), ACTOR)
    service.set_outcome(review_id, "records_missing", "GP record was not available.", ACTOR)
    monkeypatch.setattr(ReviewStore, "is_signed", lambda self, rid: True)
    assert service.reload(review_id).signed
    with pytest.raises(ReadOnlyError) as err:
        service.reopen(review_id, ACTOR, "Notes were found after all.")
    assert "amendment" in str(err.value)


def test_urgent_follows_the_answer_back_to_no(service: ReviewService, workspace: Workspace) -> None:
    review_id = service.open("C-0002", ACTOR).review_id
    assert service.save(review_id, {"immediate.concern": "yes"}, ACTOR).urgent
    result = service.save(review_id, {"immediate.concern": "no"}, ACTOR)
    assert not result.urgent
    assert not service.reload(review_id).urgent
    flags = [e for e in AuditLog(workspace.db).entries(review_id) if e.field == "urgent"]
    assert [(e.old_json, e.new_json) for e in flags] == [("false", "true"), ("true", "false")]
    listed = CaseStore(workspace.db).summary("C-0002")
    assert listed is not None and not listed.flags
