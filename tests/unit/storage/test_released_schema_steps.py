"""Released schema steps execute the same SQL, byte for byte, however the text is built.

A database already at version N has run step N's SQL; building that text differently (the
shared trigger helpers) must never change what a fresh database gets. A new step is appended
with its own digest; a released digest never changes.
"""

from __future__ import annotations

import hashlib

import pytest

from reviewer_app.storage.study import schema as study_schema
from reviewer_app.storage.study import schema_settings as study_settings
from reviewer_app.storage.workspace import (
    schema,
    schema_packs,
    schema_returns,
    schema_settings,
    schema_signing,
)

RELEASED = {
    "workspace v1": (
        schema.SCHEMA_V1,
        "a06c347271528f29bffe33b45bf7f3dbec578b3ff26cb45d04d2d8d59eaf40d6",
    ),
    "workspace v2": (
        schema_packs.SCHEMA_V2,
        "0c13f92d080112f50bec197c9c9430eeebd58545515c9ed29428b3fdc1f726d8",
    ),
    "workspace v3": (
        schema_signing.SCHEMA_V3,
        "22ad0fe4274b97df641c43d58426302e86f80e81b35abef6a88c81809b33790f",
    ),
    "workspace v4": (
        schema_returns.SCHEMA_V4,
        "0df42c54b3b2d9900a5ac36af46bcfbd9a044888233e9bfddc1c314947a9ca47",
    ),
    "workspace v5": (
        schema_settings.SCHEMA_V5,
        "e7b08e30f484c8c590a58ea9e8d219931a41ccd5fe786185f946190b04d8e9ae",
    ),
    "study v6": (
        study_settings.SETTINGS_DDL,
        "6ec666d6a00946bfe9ed9d28a6a788f664be051b0d486e6fb6094ddbd002fc9e",
    ),
    "study v1": (
        study_schema.STUDY_SCHEMA_V1,
        "b29a03e5f1696c67295a0db6d5b8bea6a140018f16a00132f8b81ca8825e5acf",
    ),
}


@pytest.mark.parametrize("step", sorted(RELEASED))
def test_a_released_step_runs_the_sql_it_always_ran(step: str) -> None:
    sql, digest = RELEASED[step]
    assert hashlib.sha256(sql.encode("utf-8")).hexdigest() == digest
