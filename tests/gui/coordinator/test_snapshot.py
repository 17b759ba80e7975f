"""The window's one read of the study (snapshot.py): one read serves every section, a read
that finishes after the study changed is thrown away and read again, nothing is read or kept
while locked, and sections show "Loading…" until the read is in."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from reviewer_app.gui.coordinator import snapshot as snapshot_module
from reviewer_app.gui.coordinator.snapshot import SnapshotCache
from reviewer_app.gui.tasks import Runner
from reviewer_app.services.reconciliation import study_snapshot


class HeldRunner(Runner):
    """Keeps each piece of work until the test lets it finish (a worker thread, by hand)."""

    def __init__(self) -> None:
        self.held: list[Any] = []

    def _start(self, request: Any) -> None:
        self.held.append(request)

    def finish(self, index: int = 0) -> None:
        request = self.held.pop(index)
        try:
            result = request.fn(lambda *_: None)
        except Exception as err:
            request.on_error(err)
            return
        request.on_done(result)


class Desk:
    @contextmanager
    def worker_study(self) -> Iterator[str]:
        yield "worker connection"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []

    def fake_read(study: Any, **_memo: Any) -> dict[str, int]:
        assert study == "worker connection"  # on the worker's own connection
        made.append(1)
        return {"read": len(made)}

    monkeypatch.setattr(study_snapshot, "read_snapshot", fake_read)
    return made


def _cache(qtbot) -> tuple[SnapshotCache, HeldRunner, list[object]]:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    cache = SnapshotCache(Desk(), runner)  # type: ignore[arg-type]
    seen: list[object] = []
    cache.ready.connect(seen.append)
    return cache, runner, seen


def test_one_read_serves_every_request(qtbot, reads) -> None:
    cache, runner, seen = _cache(qtbot)
    assert cache.request() is None and cache.request() is None  # two sections ask
    assert len(runner.held) == 1
    runner.finish()
    assert seen == [{"read": 1}] and cache.request() == {"read": 1}
    assert reads == [1] and runner.held == []


def test_a_read_finishing_after_a_change_is_thrown_away_and_read_again(qtbot, reads) -> None:
    cache, runner, seen = _cache(qtbot)
    cache.request()
    cache.invalidate()  # a section wrote while the study was being read
    runner.finish()
    assert seen == [] and cache.value is None
    assert len(runner.held) == 1  # read again, for the section still waiting
    runner.finish()
    assert seen == [{"read": 2}]


def test_locking_drops_the_read_and_reads_nothing_more(qtbot, reads) -> None:
    cache, runner, seen = _cache(qtbot)
    cache.request()
    runner.finish()
    assert cache.value is not None
    cache.request()
    cache.drop()
    assert cache.value is None
    cache.invalidate()
    cache.request()
    cache.drop()  # locked while a read was running
    runner.finish()
    assert runner.held == [] and cache.value is None and len(seen) == 1
    assert gc.get_freeze_count() == 0  # what that read froze is unfrozen: collected if cyclic


def test_a_failed_read_is_said_and_asking_again_reads_again(qtbot, monkeypatch) -> None:
    cache, runner, _seen = _cache(qtbot)
    failed: list[BaseException] = []
    cache.failed.connect(failed.append)

    def broken(_study: Any, **_memo: Any) -> None:
        raise RuntimeError("disk gone")

    monkeypatch.setattr(study_snapshot, "read_snapshot", broken)
    cache.request()
    runner.finish()
    assert len(failed) == 1 and cache.value is None
    cache.request()
    assert len(runner.held) == 1


def _held_window(open_window, study):  # type: ignore[no-untyped-def]
    """The window on ``study``, its reads held until the test lets each finish."""
    runner = HeldRunner()
    window = open_window(study)
    window.snapshots.runner = runner
    window.snapshots.invalidate()
    return window, runner


def test_a_section_says_loading_until_the_read_is_in(open_window, empty_study, monkeypatch):
    window, runner = _held_window(open_window, empty_study)
    window.show()
    overview = window.section("overview")
    overview.refresh()
    assert overview.waiting and not overview.loaded
    assert not overview.loading.isHidden()
    assert overview.loading.text() == snapshot_module.LOADING
    window.show_section(3)  # Returns, built now: it waits for the same read
    returns = window.section("returns")
    assert returns.waiting and len(runner.held) == 1
    runner.finish()
    assert returns.loaded and not returns.waiting and returns.loading.isHidden()
    assert overview.loaded and not overview.waiting


def test_no_collection_pauses_the_gui_thread_while_the_worker_reads(qtbot, monkeypatch) -> None:
    """Automatic garbage collection is off while a read runs (a full collection of the
    heap held the GIL 150-170 ms) and on again after it, however it ends; what is alive
    is frozen, so the next collection scans neither the app nor the snapshot."""
    import gc

    cache, runner, seen = _cache(qtbot)
    during: list[bool] = []

    def read(_study: Any, **_memo: Any) -> dict[str, int]:
        during.append(gc.isenabled())
        return {"read": 1}

    monkeypatch.setattr(study_snapshot, "read_snapshot", read)
    assert gc.isenabled()
    cache.request()
    frozen = gc.get_freeze_count()
    assert frozen > 0  # the heap alive when the read started
    runner.finish()
    assert during == [False] and gc.isenabled() and seen == [{"read": 1}]

    def overlapping(_study: Any, **_memo: Any) -> None:  # the thrown-away read, still running
        runner.finish()  # meanwhile the next read runs, and ends
        during.append(gc.isenabled())  # still off: this read has not ended
        raise RuntimeError("disk gone")

    monkeypatch.setattr(study_snapshot, "read_snapshot", overlapping)
    cache.invalidate()
    cache.request()
    monkeypatch.setattr(study_snapshot, "read_snapshot", read)
    cache.invalidate()
    cache.request()
    assert len(runner.held) == 2
    runner.finish()
    assert during == [False, False, False] and gc.isenabled() and runner.held == []
    gc.disable()  # off before a read: left off after it
    try:
        cache.invalidate()
        cache.request()
        runner.finish()
        assert not gc.isenabled()
    finally:
        gc.enable()
    cache.drop()  # locked: everything frozen is scanned for cycles again
    assert gc.get_freeze_count() == 0


def test_the_overview_fills_from_the_first_step_and_reconciliation_waits_for_the_second(
    open_window, empty_study, qtbot
):
    window, runner = _held_window(open_window, empty_study)
    window.show()
    overview = window.section("overview")
    overview.refresh()
    window.show_section(4)  # Reconciliation: it shows resolved cases
    reconciliation = window.section("reconciliation")
    assert reconciliation.waiting and len(runner.held) == 1  # one read for both
    runner.finish()  # the first step: every figure but the resolved cases
    assert overview.loaded and not overview.waiting
    first = window.snapshots.value
    assert first is not None and first.resolved is None
    assert reconciliation.waiting and not reconciliation.loading.isHidden()
    assert window.snapshots.request(resolved=True) is None
    assert runner.held == []  # the second step waits until what the first filled is painted
    qtbot.waitUntil(lambda: len(runner.held) == 1)  # then it starts, from what was read
    runner.finish()
    assert reconciliation.loaded and not reconciliation.waiting
    whole = window.snapshots.value
    assert whole is not None and whole.resolved is not None
    assert window.snapshots.request(resolved=True) is whole


def test_a_second_step_finishing_after_a_change_is_thrown_away(open_window, empty_study, qtbot):
    window, runner = _held_window(open_window, empty_study)
    window.show_section(4)
    runner.finish()  # the first step
    qtbot.waitUntil(lambda: len(runner.held) == 1)  # the second
    window.snapshots.invalidate()  # the coordinator changed something meanwhile
    runner.finish()  # the second step of the old read
    assert window.snapshots.value is None  # not shown: the study is read again instead
    assert len(runner.held) == 1
    runner.finish()
    qtbot.waitUntil(lambda: len(runner.held) == 1)
    runner.finish()
    assert window.section("reconciliation").loaded


def _first_step(n: int) -> Any:
    """A first step as ``read_snapshot(resolve=False)`` gives one (its cases not resolved)."""
    return study_snapshot.StudySnapshot(
        status=None,  # type: ignore[arg-type]
        stages=[],
        resolved=None,
        second_stage=[],
        escalations=[],
        runs=[],
        quarantine=[],
        conflicts=[],
        reviews=f"reviews {n}",  # type: ignore[arg-type]
    )


@pytest.fixture
def steps(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    import dataclasses

    made: list[str] = []

    def first(_study: Any, **kwargs: Any) -> Any:
        assert kwargs.get("resolve") is False
        made.append("read")
        return _first_step(len(made))

    def second(snapshot: Any) -> Any:
        made.append("resolve")
        return dataclasses.replace(snapshot, resolved=[], reviews=None)

    monkeypatch.setattr(study_snapshot, "read_snapshot", first)
    monkeypatch.setattr(study_snapshot, "resolve_snapshot", second)
    return made


def _two_step_cache() -> tuple[SnapshotCache, HeldRunner, list[object], list[object]]:
    runner = HeldRunner()
    assert runner.threaded  # the second step waits for a paint (or 100 ms)
    cache = SnapshotCache(Desk(), runner)  # type: ignore[arg-type]
    ready: list[object] = []
    resolved: list[object] = []
    cache.ready.connect(ready.append)
    cache.resolved.connect(resolved.append)
    return cache, runner, ready, resolved


def test_locking_while_the_second_step_runs_reads_and_keeps_nothing(qtbot, steps) -> None:
    cache, runner, _ready, resolved = _two_step_cache()
    cache.request(resolved=True)
    runner.finish()  # the first step
    qtbot.waitUntil(lambda: len(runner.held) == 1)  # the second step is under way
    cache.drop()  # the study locks meanwhile
    runner.finish()  # the second step ends after the lock
    assert runner.held == [] and steps == ["read", "resolve"]  # no read while locked
    assert cache.value is None and cache._memo is None and resolved == []  # nothing kept
    assert gc.get_freeze_count() == 0  # what the steps froze is unfrozen after the lock


def test_a_change_before_the_second_step_reads_again_for_the_section_waiting(qtbot, steps):
    cache, runner, ready, resolved = _two_step_cache()
    assert cache.request(resolved=True) is None  # Reconciliation waits for resolved cases
    runner.finish()
    assert len(ready) == 1 and resolved == []
    cache.invalidate()  # another section changed the study; nothing asks again at once
    qtbot.waitUntil(lambda: len(runner.held) == 1)  # read again, for the section waiting
    runner.finish()
    qtbot.waitUntil(lambda: len(runner.held) == 1)
    runner.finish()
    assert len(resolved) == 1 and steps == ["read", "read", "resolve"]


def test_a_failed_second_step_is_tried_again_when_next_asked(qtbot, steps, monkeypatch):
    cache, runner, _ready, resolved = _two_step_cache()
    failed: list[BaseException] = []
    cache.failed.connect(failed.append)
    working = study_snapshot.resolve_snapshot  # the steps fixture's

    def broken(_snapshot: Any) -> Any:
        raise RuntimeError("x")

    monkeypatch.setattr(study_snapshot, "resolve_snapshot", broken)
    cache.request(resolved=True)
    runner.finish()
    qtbot.waitUntil(lambda: len(runner.held) == 1)
    runner.finish()  # the second step fails
    assert len(failed) == 1 and resolved == []
    monkeypatch.setattr(study_snapshot, "resolve_snapshot", working)  # (fixed)
    assert cache.request(resolved=True) is None  # Reconciliation opened again
    assert len(runner.held) == 1  # the second step again, from what was read
    runner.finish()
    assert steps == ["read", "resolve"] and len(resolved) == 1  # not a second read
