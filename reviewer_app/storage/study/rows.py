"""The study's stores build their records with the one row converter of both databases
(``storage/rows.py``)."""

from __future__ import annotations

from reviewer_app.storage.rows import (
    columns_of,
    field_names,
    iso_datetime,
    optional_date,
    optional_datetime,
    record_from_row,
)

__all__ = [
    "columns_of",
    "field_names",
    "iso_datetime",
    "optional_date",
    "optional_datetime",
    "record_from_row",
]
