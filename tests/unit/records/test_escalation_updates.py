"""The coordinator's updates of the escalation log: allowed transitions appended with the
whole history kept, refused ones naming why and leaving nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from reviewer_app.domain.records import EscalationStatus
from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.services.records.escalation_log import (
    escalation_entry,
)
from reviewer_app.services.records.escalation_updates import update_escalation
from reviewer_app.services.study import Study
from tests.support.study_fixtures import snapshot
from tests.unit.records.conftest import (
    TODAY,
    case_refs,
    content,
    escalation_item,
    fixed_clock,
    put_review,
)

S = EscalationStatus


def _one(study: Study, **item: object) -> str:
    case = case_refs(study)[0]
    put_review(study, "R01", content(case, [escalation_item(**item)]))
    return f"{case}/R01/e1"


def test_the_coordinator_moves_an_escalation_on_and_every_update_is_kept(study: Study) -> None:
    esc = _one(study)
    clock = fixed_clock()
    sent = update_escalation(study, esc, status=S.SENT, clock=clock)
    assert sent.status is S.SENT and sent.status_date == TODAY and sent.sent_date == TODAY
    ack = update_escalation(
        study, esc, status=S.ACKNOWLEDGED, reference="PSE-2026-0042", clock=clock
    )
    assert ack.reference == "PSE-2026-0042"
    closed = update_escalation(
        study, esc, status=S.CLOSED, status_date=TODAY, note="Investigation closed.", clock=clock
    )
    assert [u.status for u in closed.history] == [S.SENT, S.ACKNOWLEDGED, S.CLOSED]
    assert closed.history[0] == sent.history[0]  # earlier updates never rewritten
    assert closed.reference == "PSE-2026-0042"  # carried forward
    assert closed.sent_date == TODAY
    assert escalation_entry(study, esc) == closed


@pytest.mark.parametrize(
    ("steps", "refused", "why"),
    [
        ([], dict(status=S.CLOSED), "needs the date"),
        ([S.SENT], dict(status=S.TO_SEND, note="typed in error"), "cannot become unsent"),
        ([S.SENT, S.ACKNOWLEDGED], dict(status=S.SENT), "needs a note"),
        ([S.SENT], dict(status=S.SENT), "Nothing to record"),
        ([], dict(status=S.SENT, status_date=TODAY + timedelta(days=1)), "in the future"),
        ([], dict(status=S.SENT, reference="a\nb"), "more than one line"),
        ([], dict(status=S.SENT, reference="x" * 101), "longer than 100"),
        ([], dict(status=S.SENT, doc_notified="yes"), "--doc-date"),
        ([], dict(status=S.SENT, doc_notified="yes", doc_date=TODAY), "--doc-by"),
        ([], dict(status=S.SENT, doc_notified="no", doc_by="Ward manager"), "not notified"),
        ([], dict(status=S.SENT, doc_date=TODAY), "--doc-notified yes"),
        ([], dict(status=S.SENT, doc_notified="maybe"), "yes or no"),
    ],
)
def test_a_refused_update_names_why_and_changes_nothing(
    study: Study, steps: list[EscalationStatus], refused: dict[str, object], why: str
) -> None:
    esc = _one(study)
    for step in steps:
        update_escalation(study, esc, status=step, clock=fixed_clock())
    before = snapshot(study.db)
    with pytest.raises(UserError, match=why) as err:
        update_escalation(study, esc, clock=fixed_clock(), **refused)  # type: ignore[arg-type]
    assert "Nothing" in str(err.value)
    assert snapshot(study.db) == before


def test_going_back_with_a_note_is_allowed_and_a_dated_step_cannot_predate_the_last(
    study: Study,
) -> None:
    esc = _one(study)
    clock = fixed_clock()
    update_escalation(study, esc, status=S.CLOSED, status_date=TODAY, clock=clock)
    reopened = update_escalation(
        study, esc, status=S.UNDER_INVESTIGATION, note="Reopened: new evidence.", clock=clock
    )
    assert reopened.status is S.UNDER_INVESTIGATION
    assert reopened.history[-1].note == "Reopened: new evidence."
    with pytest.raises(UserError, match="before the date of the current status"):
        update_escalation(
            study, esc, status=S.CLOSED, status_date=TODAY - timedelta(days=3), clock=clock
        )
    # investigation and another learning response are alternatives: no note needed
    other = update_escalation(study, esc, status=S.OTHER_LEARNING_RESPONSE, clock=clock)
    assert other.status is S.OTHER_LEARNING_RESPONSE


def test_duty_of_candour_follow_up_is_recorded_and_carried(study: Study) -> None:
    esc = _one(study)
    clock = fixed_clock()
    entry = update_escalation(
        study,
        esc,
        status=S.SENT,
        doc_notified="yes",
        doc_date=TODAY,
        doc_by="Divisional patient-safety lead",
        doc_in_writing="no",
        lead_organisation="Northfield Community Health NHS Trust",
        clock=clock,
    )
    doc = entry.duty_of_candour
    assert (doc.notified, doc.notified_on, doc.notified_by, doc.in_writing) == (
        "yes",
        TODAY,
        "Divisional patient-safety lead",
        "no",
    )
    assert entry.lead_organisation == "Northfield Community Health NHS Trust"
    later = update_escalation(study, esc, status=S.SENT, doc_in_writing="yes", clock=clock)
    assert later.duty_of_candour.in_writing == "yes"
    assert later.duty_of_candour.notified_by == "Divisional patient-safety lead"
    assert later.lead_organisation == "Northfield Community Health NHS Trust"


def test_the_log_rows_cannot_be_changed_or_deleted_behind_the_service(study: Study) -> None:
    esc = _one(study)
    update_escalation(study, esc, status=S.SENT, clock=fixed_clock())
    for sql in (
        "UPDATE escalation_updates SET status = 'closed'",
        "DELETE FROM escalation_updates",
    ):
        with pytest.raises(Exception, match="never"), study.db.transaction():
            study.db.execute(sql)
    assert escalation_entry(study, esc).status is S.SENT


def test_an_unknown_escalation_is_not_found(study: Study) -> None:
    _one(study)
    with pytest.raises(NotFoundError, match="escalation list"):
        update_escalation(study, "NOPE/R01/e1", status=S.SENT)


def test_an_update_built_on_a_stale_state_is_refused_by_the_store(study: Study) -> None:
    from reviewer_app.storage.study.escalation_log import EscalationLogStore, StaleUpdateError

    esc = _one(study)
    update_escalation(study, esc, status=S.SENT, clock=fixed_clock())
    store = EscalationLogStore(study.db, clock=fixed_clock())
    fields: dict[str, object] = {
        "status": "acknowledged",
        "status_date": TODAY,
        "reference": None,
        "doc_notified": None,
        "doc_date": None,
        "doc_by": None,
        "doc_in_writing": None,
        "lead_org": None,
        "note": None,
        "recorded_by": "someone else",
    }
    with pytest.raises(StaleUpdateError):
        store.append(esc, expected_seq=1, **fields)  # type: ignore[arg-type]  # read before
    assert len(store.history_of(esc)) == 1
    store.append(esc, expected_seq=2, **fields)  # type: ignore[arg-type]
    assert escalation_entry(study, esc).status is S.ACKNOWLEDGED


def test_the_log_is_worked_through_by_urgency_then_age(study: Study) -> None:
    """Overdue acknowledgements first, then not yet sent, then open, then closed: the order the
    coordinator's window shows (a service's, never the window's own)."""
    from reviewer_app.services.records.escalation_log import by_urgency, escalation_entries

    case = case_refs(study)[0]
    put_review(study, "R01", content(case, [escalation_item(f"e{n}") for n in range(1, 5)]))
    clock = fixed_clock()
    ids = [f"{case}/R01/e{n}" for n in range(1, 5)]
    closed, to_send, overdue, open_ = ids
    update_escalation(study, closed, status=S.SENT, clock=clock)
    update_escalation(study, closed, status=S.CLOSED, status_date=TODAY, clock=clock)
    long_ago = TODAY - timedelta(days=14)
    update_escalation(study, overdue, status=S.SENT, status_date=long_ago, clock=clock)
    update_escalation(study, open_, status=S.SENT, clock=clock)
    update_escalation(study, open_, status=S.ACKNOWLEDGED, clock=clock)
    entries = escalation_entries(study)
    assert [e.esc_id for e in by_urgency(entries, TODAY)] == [
        overdue,
        to_send,
        open_,
        closed,
    ]
    # within one level, the oldest first; and nothing is overdue a day after sending
    assert [e.esc_id for e in by_urgency(entries, long_ago + timedelta(days=1))][:1] == [to_send]
