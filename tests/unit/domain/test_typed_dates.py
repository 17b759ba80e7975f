"""Dates typed the UK way: the accepted forms, the two-digit year rule and what is refused."""

from __future__ import annotations

from datetime import date, time

import pytest

from reviewer_app.domain.typed_dates import parse_uk_date, parse_uk_time

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("1/6/17", date(2017, 6, 1)),
        ("01/06/2017", date(2017, 6, 1)),
        ("1/6/2017", date(2017, 6, 1)),
        ("1.6.17", date(2017, 6, 1)),
        ("1-6-2017", date(2017, 6, 1)),
        (" 1 / 6 / 17 ", date(2017, 6, 1)),
        ("1 Jun 2017", date(2017, 6, 1)),
        ("1 june 2017", date(2017, 6, 1)),
        ("01-JUN-17", date(2017, 6, 1)),
        ("30 Sept 2017", date(2017, 9, 30)),
        ("2017-06-01", date(2017, 6, 1)),
        ("29/2/2024", date(2024, 2, 29)),
        ("1/6/99", date(1999, 6, 1)),  # 2099 would be in the future
        ("1/1/26", date(2026, 1, 1)),  # today itself is not in the future
        ("2/1/26", date(1926, 1, 2)),  # tomorrow in 2026 would be: the century before
        ("1/1/1900", date(1900, 1, 1)),
    ],
)
def test_accepted_forms(typed: str, meant: date) -> None:
    assert parse_uk_date(typed, TODAY) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "31/2/2017",
        "1/13/17",  # month first (US) does not fit day first
        "yesterday",
        "",
        "1/6",
        "1/6/201",
        "1/6/20171",
        "0/6/2017",
        "1 Jux 2017",
        "31/12/1899",  # before 1900
        "2017/06/01",
        "29/2/2023",
    ],
)
def test_refused_forms(typed: str) -> None:
    assert parse_uk_date(typed, TODAY) is None


def test_two_digit_years_can_be_refused_while_typing() -> None:
    assert parse_uk_date("1/6/20", TODAY, two_digit_years=False) is None
    assert parse_uk_date("1 Jun 17", TODAY, two_digit_years=False) is None
    assert parse_uk_date("1/6/2020", TODAY, two_digit_years=False) == date(2020, 6, 1)


# --- times of day ("when were they told", definition v2) -------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:30", time(14, 30)),
        ("14.30", time(14, 30)),
        ("1430", time(14, 30)),
        (" 9:05 ", time(9, 5)),
        ("2:30pm", time(14, 30)),
        ("2pm", time(14, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("11:59 PM", time(23, 59)),
    ],
)
def test_times_typed_the_usual_ways_are_read(typed: str, expected: time) -> None:
    assert parse_uk_time(typed) == expected


@pytest.mark.parametrize("typed", ["", "9", "24:00", "12:60", "13pm", "0am", "noon", "1:2"])
def test_anything_else_is_not_a_time(typed: str) -> None:
    assert parse_uk_time(typed) is None
