"""Shared set-up for benchmarks: workspaces of 400 and 10,000 synthetic cases, built once."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import PRODUCTION_KDF
from reviewer_app.storage.workspace.cases import CaseStore

PASSPHRASE = "benchmark passphrase"

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-benchmark does not time under xdist; parallel workers would also skew each other.
    pytest.exit("Run the benchmarks in one process: add -n 0")


def build_workspace(folder: Path, count: int) -> Path:
    with Workspace.create(folder, PASSPHRASE, kdf=PRODUCTION_KDF) as workspace:
        CaseStore(workspace.db).upsert_many(synthetic_cases(count, prefix="BEN"))
    return folder


@pytest.fixture(scope="session")
def workspace_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("ws10k"), 10_000)


@pytest.fixture(scope="session")
def workspace_400(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("ws400"), 400)


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index] * 1000


def time_calls(fn: Callable[[], object], rounds: int) -> dict[str, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile_ms(samples, 95),
        "max_ms": max(samples) * 1000,
    }
