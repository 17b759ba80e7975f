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


# Imported only now, so that their bytecode goes to the cache set above.
from tests.support import fast_keys  # noqa: E402
from tests.support.demo_fixtures import DemoBuild, build_demo_with_the_cli  # noqa: E402
from tests.support.run_once import built_once_per_run  # noqa: E402

# RSA keys from a committed pool of synthetic test keys, and each key's full OpenSSL check done
# once per process (tests/support/fast_keys.py says why both are safe): most of the suite's CPU
# went on these two costs of the cryptography library, not on anything the tests check.
if os.environ.get("REVIEWER_TESTS_REAL_KEYS") != "1":  # =1: every key generated and checked
    fast_keys.install()


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Test files holding a ``slow`` test run first, each file kept together (the order is
    otherwise unchanged). Under xdist's work stealing (pyproject's ``--dist worksteal``) the
    kill tests, tens of seconds each, then start early and on one worker while the other
    keeps busy, instead of one of them starting last and leaving a worker alone at the end."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: False (slow files) first


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    if "benchmarks" in collection_path.parts and not config.getoption("--benchmarks"):
        return True
    return None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """An xdist worker hands its key statistics to the controller (see the summary below)."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["fast_keys"] = fast_keys.statistics()


_worker_key_statistics: list[dict[str, int]] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    statistics = getattr(node, "workeroutput", {}).get("fast_keys")
    if statistics:
        _worker_key_statistics.append(statistics)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line: RSA keys taken from the pool and generated for real (then the pool is short)."""
    runs = _worker_key_statistics or [fast_keys.statistics()]
    served = sum(r["served"] for r in runs)
    generated = sum(r["generated"] for r in runs)
    if served or generated:
        terminalreporter.write_line(
            f"test RSA keys: {served} from the pool of {fast_keys.pool_size()} (at most "
            f"{max(r['served'] for r in runs)} in one process of {len(runs)}), {generated} "
            "generated (another size, or a process's share of the pool ran out)"
        )


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
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> DemoBuild:
    """The demo workspace (and its demo study), built once per run (for all xdist workers:
    tests/support/run_once.py) by ``reviewer-app demo`` with the test key derivation
    (tests/support/demo_fixtures.py). Tests that need a demo get a private copy of it
    (``demo_copy``); none changes this folder."""
    return built_once_per_run(
        tmp_path_factory.getbasetemp(),
        "demo",
        lambda folder: build_demo_with_the_cli(folder / "home", folder / "demo"),
    )


@pytest.fixture(scope="session")
def demo_template(demo_build: DemoBuild) -> Path:
    """The session's demo folder (read only: take ``demo_copy`` to change it)."""
    return demo_build.folder


@pytest.fixture
def demo_copy(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the session's demo workspace: a test may change it freely."""
    import shutil

    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    return folder
