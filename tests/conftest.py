"""Shared test set-up: offscreen Qt, an isolated app home, no real user folders touched."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Every test gets its own app home: data, logs and temp never touch the real profile."""
    home = tmp_path_factory.mktemp("app-home")
    monkeypatch.setenv("REVIEWER_APP_HOME", str(home))
    monkeypatch.delenv("REVIEWER_APP_PASSPHRASE", raising=False)
    monkeypatch.delenv("REVIEWER_APP_STUDY_PASSPHRASE", raising=False)
    yield home
