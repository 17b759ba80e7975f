"""Rows to records, for the repositories of both databases (the workspace's and the study's,
which never import each other): a row whose columns are a frozen dataclass's (or pydantic
model's) fields, in the same order, becomes that record in one call.

``record_from_row(StoredVersion, row, signed_at=iso_datetime)`` names only the columns whose
stored text needs converting; every other column is taken as stored. A row with more or fewer
columns than the record has fields is refused (a SELECT that drifted from its record).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, TypeVar, cast

_R = TypeVar("_R")


def field_names(record_type: type[Any]) -> tuple[str, ...]:
    """The record's fields in order (a dataclass or a pydantic model): the columns a SELECT
    for it lists."""
    if dataclasses.is_dataclass(record_type):
        return tuple(f.name for f in dataclasses.fields(record_type))
    return tuple(record_type.model_fields)


def columns_of(record_type: type[Any]) -> str:
    """The record's fields as a SELECT's column list: ``"a, b, c"``."""
    return ", ".join(field_names(record_type))


def record_from_row(
    record_type: type[_R], row: Sequence[Any], /, **convert: Callable[[Any], Any]
) -> _R:
    """``record_type`` from ``row`` (its fields in order), ``convert`` applied by field name."""
    names = field_names(record_type)
    if len(row) != len(names):
        raise ValueError(f"a {record_type.__name__} row has {len(names)} columns, not {len(row)}")
    unknown = set(convert) - set(names)
    if unknown:
        raise ValueError(f"{record_type.__name__} has no field {sorted(unknown)}")
    values = {n: convert[n](v) if n in convert else v for n, v in zip(names, row, strict=True)}
    return cast(Callable[..., _R], record_type)(**values)


def iso_datetime(text: str) -> datetime:
    return datetime.fromisoformat(text)


def optional_datetime(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def optional_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)
