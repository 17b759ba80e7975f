"""Shared test set-up: offscreen Qt, an isolated app home, no real user folders touched."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from reviewer_app.domain.definition import ReviewDefinition

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]

# Some machines forbid bytecode caches (PYTHONDONTWRITEBYTECODE=1, as this project's CI image
# does): then every xdist worker and every child process the tests start (the kill tests, the
# CLI and GUI start-up probes) compiles the whole app from source again, seconds each. The
# tests keep a bytecode cache of their own under .pytest_cache/ (ignored by git), never beside
# the sources; what the app does for its users is unchanged.
_PYCACHE = REPO / ".pytest_cache" / "pycache"
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault("PYTHONPYCACHEPREFIX", str(_PYCACHE))
sys.dont_write_bytecode = False
if sys.pycache_prefix is None:
    sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--benchmarks",
        action="store_true",
        help="run tests/benchmarks (excluded from the default run: they take minutes)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Benchmarks run in one process: pytest-benchmark does not time under xdist workers."""
    if config.getoption("--benchmarks") and getattr(config.option, "numprocesses", None):
        config.option.numprocesses = 0
        config.option.dist = "no"


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
    monkeypatch.delenv("REVIEWER_APP_NEW_PASSPHRASE", raising=False)
    yield home


@pytest.fixture(scope="session")
def definition() -> ReviewDefinition:
    """The review definition the app ships (v1), shared by the unit and GUI tests."""
    from reviewer_app.domain.definition import default_definition

    return default_definition()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace (and its demo study), built once per run through the real CLI path.

    Building it takes seconds (a study authority, enrolment, a signed pack, 40 cases in every
    state, signed PDFs); tests that need a demo get a private copy of this one (``demo_copy``).
    """
    from reviewer_app import cli

    home = tmp_path_factory.mktemp("demo-template-home")
    folder = tmp_path_factory.mktemp("demo-template") / "demo"
    saved = os.environ.get("REVIEWER_APP_HOME")
    os.environ["REVIEWER_APP_HOME"] = str(home)
    try:
        assert cli.main(["demo", "--workspace", str(folder)]) == 0
    finally:
        if saved is None:
            os.environ.pop("REVIEWER_APP_HOME", None)
        else:
            os.environ["REVIEWER_APP_HOME"] = saved
    return folder


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo workspace: a test may change it freely."""
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    return folder
