"""When a review is due back and when it is overdue: the one rule both sides ask."""

from __future__ import annotations

import datetime as dt

import pytest

from reviewer_app.domain.review_timing import (
    RETURN_WINDOW_DAYS,
    due_date_for,
    is_past_due,
    uk_today,
)

UTC = dt.UTC


def test_the_due_date_is_the_utc_day_first_sent_plus_the_window() -> None:
    sent = dt.datetime(2027, 1, 4, 23, 59, tzinfo=UTC)
    assert due_date_for(sent) == dt.date(2027, 2, 1)
    assert due_date_for(sent, 0) == dt.date(2027, 1, 4)
    assert due_date_for(sent, 1) == dt.date(2027, 1, 5)
    assert RETURN_WINDOW_DAYS == 28
    # An aware time in another zone counts by its UTC day (the pack's rule).
    east = dt.datetime(2027, 1, 5, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert due_date_for(east, 0) == dt.date(2027, 1, 4)


def test_a_review_is_on_time_on_its_due_day_and_overdue_from_the_next() -> None:
    due = dt.date(2027, 2, 1)
    assert not is_past_due(due, dt.date(2027, 1, 31))
    assert not is_past_due(due, due), "the due day itself is on time"
    assert is_past_due(due, dt.date(2027, 2, 2))
    assert is_past_due(due, dt.date(2028, 2, 1))


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        # Winter: the UK keeps UTC.
        (dt.datetime(2027, 1, 31, 23, 59, tzinfo=UTC), dt.date(2027, 1, 31)),
        (dt.datetime(2027, 2, 1, 0, 0, tzinfo=UTC), dt.date(2027, 2, 1)),
        # Summer: 23:30 UTC is 00:30 the next day in the UK.
        (dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC), dt.date(2027, 7, 1)),
        (dt.datetime(2027, 6, 30, 22, 59, tzinfo=UTC), dt.date(2027, 6, 30)),
    ],
)
def test_today_is_the_uk_calendar_day(moment: dt.datetime, day: dt.date) -> None:
    assert uk_today(moment) == day


def test_a_naive_time_is_utc_whatever_the_machines_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """As ``uk_wall_clock`` reads one: not the laptop's local time (here New Zealand's,
    13 hours ahead, where 00:30 on 4 Jan is still 3 Jan in UTC)."""
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    try:
        assert due_date_for(dt.datetime(2027, 1, 4, 0, 30), 0) == dt.date(2027, 1, 4)
    finally:
        monkeypatch.undo()
        time.tzset()
