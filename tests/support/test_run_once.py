"""run_once: a template is built by the first process to ask and reused by every other one."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from tests.support.run_once import built_once_per_run, shared_root


def _build_counting(folder: Path) -> dict[str, str]:
    time.sleep(0.2)  # a build takes a while: without the lock, concurrent askers would overlap
    folder.mkdir(parents=True)
    (folder / "made").write_text(str(os.getpid()))
    with (folder.parent / "builds.log").open("a") as log:
        log.write(f"{os.getpid()}\n")
    return {"builder": str(os.getpid())}


def _ask(basetemp: str, out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    out.put(built_once_per_run(Path(basetemp), "thing", _build_counting))


def test_concurrent_workers_build_once_and_all_get_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    basetemp = tmp_path / "run" / "popen-gw0"  # the shared root is its parent's
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    askers = [context.Process(target=_ask, args=(str(basetemp), out)) for _ in range(4)]
    for asker in askers:
        asker.start()
    results = [out.get(timeout=60) for _ in askers]
    for asker in askers:
        asker.join(30)
        assert asker.exitcode == 0
    root = shared_root(basetemp)
    assert root == tmp_path / "run" / "shared-templates"
    builds = (root / "builds.log").read_text().split()
    assert len(builds) == 1, "built exactly once"
    assert results == [{"builder": builds[0]}] * 4
    assert (root / "thing" / "made").read_text() == builds[0]


def test_a_failed_build_is_not_reused_and_the_next_asker_builds_again(tmp_path: Path) -> None:
    def failing(folder: Path) -> str:
        folder.mkdir(parents=True)
        (folder / "half").write_text("half-made")
        raise RuntimeError("the build broke")

    with pytest.raises(RuntimeError, match="the build broke"):
        built_once_per_run(tmp_path, "thing", failing)
    assert built_once_per_run(tmp_path, "thing", _build_counting) == {"builder": str(os.getpid())}
    folder = shared_root(tmp_path) / "thing"
    assert not (folder / "half").exists(), "the half-made folder was cleared first"
    assert built_once_per_run(tmp_path, "thing", failing) == {"builder": str(os.getpid())}


def test_without_xdist_each_process_keeps_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert shared_root(tmp_path) == tmp_path / "shared-templates"
