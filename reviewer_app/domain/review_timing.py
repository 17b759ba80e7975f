"""When a review is checked and when it began: what a time answer is compared with.

The caller passes the moment of checking and, when known, the review's start (the review
service does: ``ReviewService.timing``); ``validate`` called without one compares with the
present moment and no start. Times typed into the form are UK local wall-clock times, so
both moments are compared in Europe/London time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo

__all__ = ["RETURN_WINDOW_DAYS", "ReviewTiming", "uk_wall_clock"]

RETURN_WINDOW_DAYS = 28
"""Days a reviewer has to return a case, from the day it was first sent to them: the pack's
due date and the coordinator's "overdue" both count from it."""


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
