"""Shared test set-up: offscreen Qt, an isolated app home, no real user folders touched."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--benchmarks",
        action="store_true",
        help="run tests/benchmarks (excluded from the default run: they take minutes)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if "benchmarks" in collection_path.parts and not config.getoption("--benchmarks"):
        return True
    return None


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
