"""Fixtures shared by the unit tests: encrypted databases and the shipped review definition.

Each was once defined in several test files; they live here so that every storage test starts
from the same database and every rule test reads the same definition.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey
from reviewer_app.storage.migrations import migrate


@pytest.fixture
def key() -> DatabaseKey:
    """A fresh random database key (no passphrase derivation: storage tests need no KDF)."""
    return DatabaseKey(os.urandom(32))


@pytest.fixture
def db(tmp_path: Path, key: DatabaseKey) -> Iterator[Database]:
    """An encrypted database with no schema yet: what the connection and migration tests
    start from. The file is ``tmp_path / "test.db"``, opened with ``key``."""
    database = Database(tmp_path / "test.db", key)
    yield database
    database.close()


@pytest.fixture
def workspace_db(tmp_path: Path, key: DatabaseKey) -> Iterator[Database]:
    """An encrypted database migrated to the workspace's latest schema, with no rows.

    A separate file from ``db`` (``w.db``), so that a test file may override ``db`` with this
    database plus its own rows.
    """
    database = Database(tmp_path / "w.db", key)
    migrate(database, key)
    yield database
    database.close()


@pytest.fixture(scope="session")
def d(definition: ReviewDefinition) -> ReviewDefinition:
    """``definition`` under the one-letter name the domain and summary tests pass everywhere."""
    return definition
