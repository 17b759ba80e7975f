"""When a review is checked and when it began: what a time answer is compared with.

The caller passes the moment of checking and, when known, the review's start (the review
service does: ``ReviewService.timing``); ``validate`` called without one compares with the
present moment and no start. Times typed into the form are UK local wall-clock times, so
both moments are compared in Europe/London time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

__all__ = [
    "RETURN_WINDOW_DAYS",
    "ReviewTiming",
    "due_date_for",
    "is_past_due",
    "uk_today",
    "uk_wall_clock",
]

RETURN_WINDOW_DAYS = 28
"""Days a reviewer has to return a case, from the day it was first sent to them: the pack's
due date and the coordinator's "overdue" both count from it."""


def due_date_for(first_sent: datetime, window_days: int = RETURN_WINDOW_DAYS) -> date:
    """The day a review is due back: the (UTC) day the case was first sent to this reviewer
    plus the return window (a naive time is taken to be UTC, as ``uk_wall_clock`` takes it).
    The pack carries this date; both sides read "overdue" from it (``is_past_due``)."""
    aware = first_sent if first_sent.tzinfo is not None else first_sent.replace(tzinfo=UTC)
    return aware.astimezone(UTC).date() + timedelta(days=window_days)


def is_past_due(due: date, today: date) -> bool:
    """Overdue from the day after the due date: on the due date itself a review is on time,
    whatever the hour. The reviewer's case list and the coordinator's status both ask this,
    so they never disagree on a case."""
    return due < today


def uk_today(now: datetime) -> date:
    """The UK calendar day at ``now`` (the day a reviewer or coordinator would say it is)."""
    return uk_wall_clock(now).date()


@cache
def _london() -> ZoneInfo:
    return ZoneInfo("Europe/London")


def uk_wall_clock(moment: datetime) -> datetime:
    """``moment`` as a naive UK local time (a naive ``moment`` is taken to be UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(_london()).replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class ReviewTiming:
    """The moment of checking and, when known, the moment the review began."""

    now: datetime
    began: datetime | None = None

    @classmethod
    def at(cls, now: datetime | None = None, began: datetime | None = None) -> ReviewTiming:
        return cls(now if now is not None else datetime.now(UTC), began)

    def now_uk(self) -> datetime:
        return uk_wall_clock(self.now)

    def began_uk(self) -> datetime | None:
        """The start, to the minute (a time typed in the same minute is not "before")."""
        if self.began is None:
            return None
        return uk_wall_clock(self.began).replace(second=0, microsecond=0)
