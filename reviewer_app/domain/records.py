"""The coordinator's records kept beside the signed reviews: the escalation log's statuses
and the action plan's 0-5 status scale, with the rules on moving between them.

Both are vocabularies shown to people, so each member carries its label
(``domain.labelled.LabelledEnum``). The rules are pure: the services apply them and word the
refusal for the user; storage only keeps what they allow.

The acknowledgement rule: an escalation sent to a receiving system is expected to be
acknowledged within ``ACK_WORKING_DAYS`` working days (Monday to Friday; bank holidays are
not known to the app, so a week with one gives a day less grace). Past that day, with no
acknowledgement (or later status) recorded, it is overdue.
"""

from __future__ import annotations

from datetime import date, timedelta

from reviewer_app.domain.labelled import LabelledEnum

ACK_WORKING_DAYS = 5
"""Working days after sending by which an acknowledgement is expected (the default)."""


class EscalationStatus(LabelledEnum):
    """Where an escalation has got to, as the coordinator's log records it.

    ``TO_SEND`` is a returned escalation the review did not record as sent: the coordinator
    still has to send the referral. The others are the receiving system's response.
    """

    TO_SEND = "to_send", "Not yet sent"
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    UNDER_INVESTIGATION = "under_investigation", "Under investigation"
    OTHER_LEARNING_RESPONSE = "other_learning_response", "Other learning response"
    CLOSED = "closed", "Closed"

    @property
    def rank(self) -> int:
        """How far along: investigation and another learning response are alternatives."""
        return _RANK[self]


_RANK = {
    EscalationStatus.TO_SEND: 0,
    EscalationStatus.SENT: 1,
    EscalationStatus.ACKNOWLEDGED: 2,
    EscalationStatus.UNDER_INVESTIGATION: 3,
    EscalationStatus.OTHER_LEARNING_RESPONSE: 3,
    EscalationStatus.CLOSED: 4,
}

# The review form's own status words (v1 "escalation.item.status") in the log's vocabulary.
REVIEW_STATUS_WORDS: dict[str, EscalationStatus] = {
    "draft": EscalationStatus.TO_SEND,
    "sent": EscalationStatus.SENT,
    "acknowledged": EscalationStatus.ACKNOWLEDGED,
    "investigating": EscalationStatus.UNDER_INVESTIGATION,
    "under_investigation": EscalationStatus.UNDER_INVESTIGATION,
    "other_learning_response": EscalationStatus.OTHER_LEARNING_RESPONSE,
    "closed": EscalationStatus.CLOSED,
}


def transition_refusal(
    current: EscalationStatus,
    new: EscalationStatus,
    *,
    dated: bool,
    noted: bool,
) -> str | None:
    """Why moving ``current`` to ``new`` is refused (a sentence), or None when it may.

    Closing needs the date it was closed; going back (to an earlier stage, or reopening a
    closed escalation) needs a note saying why; "not yet sent" cannot be returned to once
    sent, since a referral cannot be unsent.
    """
    if new is EscalationStatus.CLOSED and current is not EscalationStatus.CLOSED and not dated:
        return "closing an escalation needs the date it was closed (--date)"
    if new is EscalationStatus.TO_SEND and current is not EscalationStatus.TO_SEND:
        return "a referral that has been sent cannot become unsent"
    if new.rank < current.rank and not noted:
        return (
            f'going back from "{current.label}" to "{new.label}" needs a note saying why (--note)'
        )
    return None


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    if days < 0:
        raise ValueError("days must be 0 or more")
    day = start
    left = days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def acknowledgement_due(sent: date, working_days: int = ACK_WORKING_DAYS) -> date:
    """The last day an acknowledgement of a referral sent on ``sent`` is on time."""
    return add_working_days(sent, working_days)


def acknowledgement_overdue(
    status: EscalationStatus,
    sent: date | None,
    today: date,
    working_days: int = ACK_WORKING_DAYS,
) -> bool:
    """Sent, not acknowledged (nor further on), and past the acknowledgement day.

    An escalation marked sent without a date cannot be timed and is never overdue: the log
    lists it as "sent, date not recorded" so the coordinator fills the date in.
    """
    if status is not EscalationStatus.SENT or sent is None:
        return False
    return today > acknowledgement_due(sent, working_days)


class ActionStatus(LabelledEnum):
    """The board paper's 0-5 action status (stored as the digit)."""

    COMPLETE = "5", "Complete"
    ON_TRACK = "4", "On track"
    SOME_DELAY = "3", "Some delay but expected to complete"
    SIGNIFICANT_DELAY = "2", "Significant delay and unlikely to complete as planned"
    NOT_COMMENCED = "1", "Not yet commenced"
    OBJECTIVE_REVISED = "0", "Objective revised"

    @property
    def number(self) -> int:
        return int(self.value)

    @property
    def is_open(self) -> bool:
        """Still to be delivered: neither complete nor replaced by a revised objective."""
        return self not in {ActionStatus.COMPLETE, ActionStatus.OBJECTIVE_REVISED}


ACTION_STATUS_KEY: tuple[ActionStatus, ...] = tuple(ActionStatus)
"""The status key as the board paper prints it: 5 first, down to 0."""


def action_overdue(status: ActionStatus, due: date, today: date) -> bool:
    """An open action whose due date has passed."""
    return status.is_open and today > due
