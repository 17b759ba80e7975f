"""The headless autosave writer: coalescing, debounce, confirmation, retry, flush, stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.domain.values import JsonValue
from reviewer_app.errors import ReadOnlyError
from reviewer_app.services.review.autosave_core import AutosaveCore, SavedBatch, SaveFailure
from reviewer_app.services.review.service import ReviewService, SaveResult, review_sink
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.database import DatabaseLockedError, DiskFullError
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.review_fixtures import make_case

ACTOR = "reviewer-1"


class FakeSink:
    """Records saves; can be told to fail the next N saves with a given error."""

    def __init__(self) -> None:
        self.saves: list[tuple[int, dict[str, JsonValue | None]]] = []
        self.ui: list[dict[str, str | None]] = []
        self.fail_next: list[Exception] = []
        self.lock = threading.Lock()
        self.gate: threading.Event | None = None

    def save(self, review_id: int, changes: Mapping[str, JsonValue | None], actor: str) -> Any:
        if self.gate is not None:
            self.gate.wait(5)
        with self.lock:
            if self.fail_next:
                raise self.fail_next.pop(0)
            self.saves.append((review_id, dict(changes)))
        return "ok"

    def save_ui_state(self, values: Mapping[str, str | None]) -> None:
        self.ui.append(dict(values))


class Recorder:
    def __init__(self) -> None:
        self.saved: list[SavedBatch] = []
        self.failed: list[SaveFailure] = []
        self.pending: list[bool] = []

    def core(self, **kwargs: Any) -> AutosaveCore:
        return AutosaveCore(
            actor=ACTOR,
            on_saved=self.saved.append,
            on_failed=self.failed.append,
            on_pending=self.pending.append,
            **kwargs,
        )


@contextmanager
def running(core: AutosaveCore, sink: Any) -> Iterator[threading.Thread]:
    @contextmanager
    def opener() -> Iterator[Any]:
        yield sink

    thread = threading.Thread(target=core.run, args=(opener,), daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        core.stop()
        thread.join(5)
        assert not thread.is_alive()


def test_coalesces_per_field_and_confirms() -> None:
    rec, sink = Recorder(), FakeSink()
    core = rec.core()
    for text in ("a", "ab", "abc"):
        core.put(1, "q.text", text)
    core.put(1, "q.other", 3)
    core.put(2, "q.text", "x")
    assert core.has_unsaved
    assert core.pending_value(1, "q.text") == (True, "abc")
    assert core.pending_value(1, "q.none") == (False, None)
    assert core.save_pending(sink)
    assert sorted(sink.saves) == [(1, {"q.text": "abc", "q.other": 3}), (2, {"q.text": "x"})]
    assert {b.review_id for b in rec.saved} == {1, 2}
    assert rec.saved[0].result == "ok"
    assert not core.has_unsaved
    assert rec.pending == [True, False]


def test_clear_is_saved_as_none() -> None:
    rec, sink = Recorder(), FakeSink()
    core = rec.core()
    core.put(1, "q", "yes")
    core.put(1, "q", None)
    core.save_pending(sink)
    assert sink.saves == [(1, {"q": None})]


class ManualClock:
    """The core's clock, moved by the test: what is due depends on it alone, however slowly
    the machine runs the threads."""

    def __init__(self, start: float = 0.0) -> None:  # 0.0: a time, not "no time"
        self.now = start

    def __call__(self) -> float:
        return self.now


def _eventually(condition: Any, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_debounce_waits_then_saves_within_max_delay() -> None:
    rec, sink, clock = Recorder(), FakeSink(), ManualClock()
    core = rec.core(debounce=0.15, max_delay=0.3, clock=clock)
    with running(core, sink):
        start = clock.now
        core.put(1, "q", "a")
        clock.now = start + 0.10  # within the debounce: the worker wakes, finds nothing due
        time.sleep(0.3)
        assert sink.saves == [], "not before the debounce"
        # steady typing, one edit every 50 ms: the debounce never runs out, max_delay saves
        for step in range(3, 12):
            clock.now = start + step * 0.05
            core.put(1, "q", f"v{step}")
            if step * 0.05 < 0.3:
                assert sink.saves == [], f"saved {step * 0.05:.2f} s in, before max_delay"
        assert _eventually(lambda: bool(sink.saves)), "saved while typing continued"
        assert rec.saved[0].saved_at is not None
    assert not core.has_unsaved, "stop saves what is left"


def test_save_now_skips_debounce() -> None:
    rec, sink = Recorder(), FakeSink()
    core = rec.core(debounce=10, max_delay=10)
    with running(core, sink):
        core.put(1, "q", "a")
        core.save_now()
        assert core.flush(2)
        assert sink.saves == [(1, {"q": "a"})]


def test_flush_waits_for_in_flight_save() -> None:
    rec, sink = Recorder(), FakeSink()
    sink.gate = threading.Event()
    core = rec.core(debounce=0.0, max_delay=0.0)
    with running(core, sink):
        core.put(1, "q", "a")
        time.sleep(0.05)
        assert not core.flush(0.1), "the save is held at the gate"
        sink.gate.set()
        assert core.flush(2)
        assert sink.saves == [(1, {"q": "a"})]


def test_flush_without_writer_returns_false() -> None:
    core = Recorder().core()
    assert core.flush(0.1) is True, "nothing pending"
    core.put(1, "q", "a")
    assert core.flush(0.1) is False


@pytest.mark.parametrize("error", [DatabaseLockedError("busy"), DiskFullError("full")])
def test_failed_save_is_reported_and_retried(error: Exception) -> None:
    rec, sink = Recorder(), FakeSink()
    sink.fail_next = [error, error]
    core = rec.core(debounce=0.0, max_delay=0.0, retry_delays=(0.05, 0.1))
    with running(core, sink):
        core.put(1, "q", "first")
        deadline = time.monotonic() + 3
        while not sink.saves and time.monotonic() < deadline:
            time.sleep(0.01)
    assert sink.saves[-1] == (1, {"q": "first"})
    assert [f.retrying for f in rec.failed] == [True, True]
    assert [f.attempt for f in rec.failed] == [1, 2]
    assert rec.failed[0].message == str(error)
    assert rec.failed[0].fields == ("q",)


def test_newer_edit_wins_over_failed_batch() -> None:
    rec, sink = Recorder(), FakeSink()
    core = rec.core()
    sink.fail_next = [DatabaseLockedError("busy")]
    core.put(1, "q", "old")
    core.put(1, "other", "kept")
    assert not core.save_pending(sink)
    core.put(1, "q", "new")
    assert core.save_pending(sink)
    assert sink.saves == [(1, {"q": "new", "other": "kept"})]


def test_read_only_is_reported_and_dropped() -> None:
    rec, sink = Recorder(), FakeSink()
    sink.fail_next = [ReadOnlyError("This review is signed")]
    core = rec.core()
    core.put(1, "q", "x")
    assert not core.save_pending(sink)
    assert rec.failed[0].retrying is False
    assert not core.has_unsaved


def test_bug_is_logged_reported_and_retried(caplog: pytest.LogCaptureFixture) -> None:
    rec, sink = Recorder(), FakeSink()
    sink.fail_next = [RuntimeError("patient Smith broke it")]
    core = rec.core()
    core.put(1, "q", "x")
    assert not core.save_pending(sink)
    assert rec.failed[0].retrying
    assert "Smith" not in rec.failed[0].message
    assert core.has_unsaved
    assert core.save_pending(sink)
    assert sink.saves == [(1, {"q": "x"})]


def test_ui_state_is_saved_with_the_batch() -> None:
    rec, sink = Recorder(), FakeSink()
    core = rec.core()
    core.put_ui_state("review.position", '{"case_ref": "C"}')
    core.put_ui_state("review.position", '{"case_ref": "D"}')
    core.save_pending(sink)
    assert sink.ui == [{"review.position": '{"case_ref": "D"}'}]


def test_with_real_service_on_writer_thread(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", "correct horse battery", kdf=TEST_KDF)
    try:
        CaseStore(ws.db).upsert_many([make_case()])
        review_id = ReviewService(ws.db).open("C-0001", ACTOR).review_id
        rec = Recorder()
        core = rec.core(debounce=0.01, max_delay=0.05)
        thread = threading.Thread(
            target=core.run, args=(lambda: review_sink(ws.connect),), daemon=True
        )
        thread.start()
        for n in range(30):
            core.put(review_id, "avoidability.comment", f"comment {n}")
            time.sleep(0.003)
        core.put(review_id, "screening.autism", "unknown")
        assert core.flush(5)
        core.stop()
        thread.join(5)
        assert not thread.is_alive()
        answers = ReviewStore(ws.db).answers(review_id)
        assert answers["avoidability.comment"] == "comment 29"
        assert answers["screening.autism"] == "unknown"
        results = [b.result for b in rec.saved if b.review_id == review_id]
        assert all(isinstance(r, SaveResult) for r in results)
        assert rec.saved[-1].values.get("screening.autism") == "unknown"
    finally:
        ws.close()
