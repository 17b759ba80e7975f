"""Released schema steps execute the same SQL, byte for byte, however the text is built.

A database already at version N has run step N's SQL; building that text differently (the
shared trigger helpers) must never change what a fresh database gets. A new step is appended
with its own digest; a released digest never changes.
"""

from __future__ import annotations

import hashlib

import pytest

from reviewer_app.storage.study import schema as study_schema
from reviewer_app.storage.study import schema_collection as study_collection
from reviewer_app.storage.study import schema_reconciliation as study_reconciliation
from reviewer_app.storage.study import schema_records as study_records
from reviewer_app.storage.study import schema_returns_index as study_returns_index
from reviewer_app.storage.study import schema_settings as study_settings
from reviewer_app.storage.study import schema_triggers as study_triggers
from reviewer_app.storage.workspace import (
    schema,
    schema_due_dates,
    schema_packs,
    schema_returns,
    schema_settings,
    schema_signing,
    schema_user_dictionary,
    scratch_notes,
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
    "workspace v6": (
        scratch_notes.SCHEMA_V6,
        "7ac7d8e48f7111169041fc3209b69e0cdb6585810d8231c59803b3cd4ea30917",
    ),
    "workspace v7": (
        schema_user_dictionary.SCHEMA_V7,
        "9f9769334ad1f80803adcb448dd06eabb80480e268d3006c5a795fc728cce653",
    ),
    "workspace v8": (
        schema_due_dates.SCHEMA_V8,
        "7e3a8167ed247f2d01065853bf575c9d97e2ba679b405bc7cab7a80dfbf37033",
    ),
    "study v6": (
        study_settings.SETTINGS_DDL,
        "6ec666d6a00946bfe9ed9d28a6a788f664be051b0d486e6fb6094ddbd002fc9e",
    ),
    "study v1": (
        study_schema.STUDY_SCHEMA_V1,
        "b29a03e5f1696c67295a0db6d5b8bea6a140018f16a00132f8b81ca8825e5acf",
    ),
    "study v3": (
        study_collection.STUDY_SCHEMA_V3,
        "b88a52bd0d891b6b978fcbde37ed124b9fd1c2e08bd1fed8c7cc9030569345ad",
    ),
    "study v4": (
        study_reconciliation.RECONCILIATION_DDL,
        "f02aad9196b7b72226d636d497dbaa1225f4c144238e514a6fbaf8aa154c440d",
    ),
    "study v5": (
        study_records.RECORDS_DDL,
        "42ae66846e0bca4da6c95891db2b828fa2cee4f8fb07377d97b4e53b42eb34f7",
    ),
    "study v7": (
        study_returns_index.RETURNS_INDEX_DDL,
        "bb80da1da01ef96672f28fd8d3e52637c285110380f9a2cb14524ba63f512db3",
    ),
    "study v8": (
        study_triggers.TRIGGERS_DDL,
        "942be248f27b6844075e46bccc4bab1f4dcdee8c4e35d1a5d1257de325a6adfd",
    ),
}


@pytest.mark.parametrize("step", sorted(RELEASED))
def test_a_released_step_runs_the_sql_it_always_ran(step: str) -> None:
    sql, digest = RELEASED[step]
    assert hashlib.sha256(sql.encode("utf-8")).hexdigest() == digest
