"""The records vocabularies and rules (domain/records.py), against hand-worked dates."""

from __future__ import annotations

from datetime import date

import pytest

from reviewer_app.domain.records import (
    ACK_WORKING_DAYS,
    ActionStatus,
    EscalationStatus,
    acknowledgement_due,
    acknowledgement_overdue,
    action_overdue,
    add_working_days,
    transition_refusal,
)

S = EscalationStatus


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 16), 5, date(2026, 3, 23)),  # Monday -> next Monday
        (date(2026, 3, 13), 5, date(2026, 3, 20)),  # Friday -> next Friday
        (date(2026, 3, 14), 5, date(2026, 3, 20)),  # Saturday: counting starts Monday
        (date(2026, 3, 15), 1, date(2026, 3, 16)),  # Sunday -> Monday
        (date(2026, 3, 18), 0, date(2026, 3, 18)),
        (date(2026, 3, 20), 10, date(2026, 4, 3)),  # two whole weeks
    ],
)
def test_working_days_skip_weekends(start: date, days: int, expected: date) -> None:
    assert add_working_days(start, days) == expected


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        add_working_days(date(2026, 3, 16), -1)


def test_the_default_acknowledgement_window_is_five_working_days() -> None:
    assert ACK_WORKING_DAYS == 5
    assert acknowledgement_due(date(2026, 3, 18)) == date(2026, 3, 25)
    assert not acknowledgement_overdue(S.SENT, date(2026, 3, 18), date(2026, 3, 25))
    assert acknowledgement_overdue(S.SENT, date(2026, 3, 18), date(2026, 3, 26))
    for later in (S.ACKNOWLEDGED, S.UNDER_INVESTIGATION, S.OTHER_LEARNING_RESPONSE, S.CLOSED):
        assert not acknowledgement_overdue(later, date(2026, 1, 1), date(2026, 3, 26))
    assert not acknowledgement_overdue(S.TO_SEND, date(2026, 1, 1), date(2026, 3, 26))
    assert not acknowledgement_overdue(S.SENT, None, date(2026, 3, 26))


@pytest.mark.parametrize(
    ("current", "new", "dated", "noted", "refused"),
    [
        (S.TO_SEND, S.SENT, False, False, None),
        (S.TO_SEND, S.CLOSED, False, False, "needs the date"),
        (S.TO_SEND, S.CLOSED, True, False, None),
        (S.SENT, S.TO_SEND, True, True, "unsent"),
        (S.ACKNOWLEDGED, S.SENT, False, False, "needs a note"),
        (S.ACKNOWLEDGED, S.SENT, False, True, None),
        (S.CLOSED, S.UNDER_INVESTIGATION, False, False, "needs a note"),
        (S.CLOSED, S.CLOSED, False, False, None),  # already closed: its date is kept
        (S.UNDER_INVESTIGATION, S.OTHER_LEARNING_RESPONSE, False, False, None),
        (S.OTHER_LEARNING_RESPONSE, S.UNDER_INVESTIGATION, False, False, None),
        (S.SENT, S.SENT, False, False, None),
    ],
)
def test_transitions(
    current: EscalationStatus,
    new: EscalationStatus,
    dated: bool,
    noted: bool,
    refused: str | None,
) -> None:
    reason = transition_refusal(current, new, dated=dated, noted=noted)
    if refused is None:
        assert reason is None
    else:
        assert reason is not None and refused in reason


def test_every_status_has_its_label_and_the_action_key_runs_five_to_zero() -> None:
    assert [s.label for s in S] == [
        "Not yet sent",
        "Sent",
        "Acknowledged",
        "Under investigation",
        "Other learning response",
        "Closed",
    ]
    assert [s.number for s in ActionStatus] == [5, 4, 3, 2, 1, 0]
    assert ActionStatus("3").label == "Some delay but expected to complete"
    assert ActionStatus("2").label == "Significant delay and unlikely to complete as planned"
    assert {s for s in ActionStatus if not s.is_open} == {
        ActionStatus.COMPLETE,
        ActionStatus.OBJECTIVE_REVISED,
    }


def test_an_open_action_past_its_due_date_is_overdue() -> None:
    due = date(2026, 3, 31)
    assert not action_overdue(ActionStatus.ON_TRACK, due, date(2026, 3, 31))
    assert action_overdue(ActionStatus.ON_TRACK, due, date(2026, 4, 1))
    assert action_overdue(ActionStatus.NOT_COMMENCED, due, date(2026, 4, 1))
    assert not action_overdue(ActionStatus.COMPLETE, due, date(2026, 4, 1))
    assert not action_overdue(ActionStatus.OBJECTIVE_REVISED, due, date(2026, 4, 1))
