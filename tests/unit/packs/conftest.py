"""The pack tests' worlds: a session template world (tests/support/study_fixtures.py),
copied for each test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.study_fixtures import World, world


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "worlds"


@pytest.fixture
def w(tmp_path: Path, template_root: Path) -> World:
    return world(tmp_path, template_root)
