"""The shared row-to-record converter of the storage repositories (storage/rows.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from pydantic import BaseModel, ConfigDict

from reviewer_app.storage.rows import (
    columns_of,
    field_names,
    iso_datetime,
    optional_date,
    optional_datetime,
    record_from_row,
)


@dataclass(frozen=True)
class _Update:
    ref: str
    seq: int
    when: date | None
    recorded_at: datetime


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: int
    done: bool
    at: datetime | None = None


def test_a_row_becomes_its_record_with_only_the_named_columns_converted():
    row = ("E-1", 3, "2026-03-31", "2026-04-01T09:30:00+00:00")
    got = record_from_row(_Update, row, when=optional_date, recorded_at=iso_datetime)
    assert got == _Update("E-1", 3, date(2026, 3, 31), datetime(2026, 4, 1, 9, 30, tzinfo=UTC))


def test_a_missing_value_stays_missing_not_a_default():
    got = record_from_row(
        _Update,
        ("E-2", 1, None, "2026-04-01T00:00:00+00:00"),
        when=optional_date,
        recorded_at=iso_datetime,
    )
    assert got.when is None
    assert optional_datetime(None) is None


def test_a_pydantic_model_is_filled_by_its_field_order_too():
    got = record_from_row(
        _Model, (7, 0, "2026-01-02T03:04:05+00:00"), done=bool, at=optional_datetime
    )
    assert got == _Model(id=7, done=False, at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert got.done is False


def test_the_select_list_is_the_fields_in_order():
    assert field_names(_Update) == ("ref", "seq", "when", "recorded_at")
    assert columns_of(_Update) == "ref, seq, when, recorded_at"
    assert columns_of(_Model) == "id, done, at"


@pytest.mark.parametrize("row", [("E-1", 3, None), ("E-1", 3, None, "2026-04-01", "extra")])
def test_a_row_that_drifted_from_its_record_is_refused(row):
    with pytest.raises(ValueError, match="_Update row has 4 columns"):
        record_from_row(_Update, row)


def test_a_converter_for_no_field_is_refused():
    with pytest.raises(ValueError, match="no field"):
        record_from_row(_Update, ("E-1", 3, None, "x"), recorded=iso_datetime)
