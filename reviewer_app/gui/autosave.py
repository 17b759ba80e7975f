"""Never lose work, the Qt side: the writer thread and the "Saved 14:02:11" indicator.

``AutosaveWriter`` runs ``services.review.autosave_core.AutosaveCore`` on a dedicated ``QThread``.
The thread opens its own database connection (``Workspace.connect``) and closes it itself,
so the GUI thread never waits for a commit. Results come back as queued signals:

- ``saved(SavedBatch)`` after a commit (``batch.result`` is the ``SaveResult``),
- ``failed(SaveFailure)`` at once when a save did not happen (and whether it is retried),
- ``pending(bool)`` when there are / are no longer unsaved changes.

``flush(timeout)`` is for leaving a case: it waits (bounded) until everything is on disk
and says whether it all was. ``try_save(timeout)`` is for quitting: it asks for a save now and
waits only for that attempt (a failing disk answers at once), then says how many changes are
still not on disk, so the window can ask before anything is lost.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtWidgets import QLabel, QWidget

from reviewer_app.domain.values import JsonValue
from reviewer_app.services.review.autosave_core import (
    DEFAULT_DEBOUNCE_S,
    DEFAULT_MAX_DELAY_S,
    AutosaveCore,
    SavedBatch,
    SaveFailure,
    SaveSink,
)
from reviewer_app.services.review.service import review_sink

if TYPE_CHECKING:  # a type only: the GUI never opens the database itself
    from reviewer_app.storage.database import Database

log = logging.getLogger(__name__)

SinkFactory = Callable[[], AbstractContextManager[SaveSink]]


class _WriterThread(QThread):
    def __init__(self, core: AutosaveCore, open_sink: SinkFactory, parent: QObject) -> None:
        super().__init__(parent)
        self.setObjectName("autosave-writer")
        self._core = core
        self._open_sink = open_sink

    def run(self) -> None:
        try:
            self._core.run(self._open_sink)
        except BaseException:  # the connection could not even be opened: say so, loudly
            log.exception("the autosave writer stopped")
            raise


class AutosaveWriter(QObject):
    """Pending edits -> debounced, durable, confirmed saves on a writer thread."""

    saved = Signal(object)  # SavedBatch
    failed = Signal(object)  # SaveFailure
    pending = Signal(bool)

    def __init__(
        self,
        connect: Callable[[], Database] | None = None,
        actor: str = "reviewer",
        parent: QObject | None = None,
        *,
        open_sink: SinkFactory | None = None,
        debounce: float = DEFAULT_DEBOUNCE_S,
        max_delay: float = DEFAULT_MAX_DELAY_S,
        retry_delays: tuple[float, ...] | None = None,
    ) -> None:
        super().__init__(parent)
        if open_sink is None:
            if connect is None:
                raise ValueError("give connect (Workspace.connect) or open_sink")
            factory = connect

            @contextmanager
            def default_sink() -> Iterator[SaveSink]:
                with review_sink(factory) as sink:
                    yield sink

            open_sink = default_sink
        self.actor = actor
        self._progress = threading.Condition()
        self._failures_seen = 0
        self._answers_waiting = False  # answers not on disk yet, including a batch in flight
        self.last_failure: SaveFailure | None = None
        options: dict[str, Any] = {"debounce": debounce, "max_delay": max_delay}
        if retry_delays is not None:
            options["retry_delays"] = retry_delays
        # Weak emitters: the core (kept by the thread) must not keep this object alive, or it
        # would be freed by the cyclic garbage collector, on whatever thread happens to run it.
        me = weakref.ref(self)

        def emitter(name: str) -> Callable[[Any], None]:
            def emit(value: Any) -> None:
                writer = me()
                if writer is not None and shiboken6.isValid(writer):
                    writer._note(name, value)  # on the writer thread, before the queued signal
                    getattr(writer, name).emit(value)

            return emit

        self.core = AutosaveCore(
            actor=actor,
            on_saved=emitter("saved"),
            on_failed=emitter("failed"),
            on_pending=emitter("pending"),
            **options,
        )
        self._thread = _WriterThread(self.core, open_sink, self)

    # -- lifecycle

    def start(self) -> None:
        if not self._thread.isRunning():
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Save what is pending, end the thread (its connection closes there). True if clean."""
        if not self._thread.isRunning():
            return not self.core.has_unsaved
        flushed = self.core.flush(timeout)
        self.core.stop()
        finished = self._thread.wait(int(timeout * 1000))
        if not finished:
            log.error("the autosave writer did not stop in %.0f s", timeout)
        return flushed and finished

    # -- edits

    def put(self, review_id: int, question_id: str, value: JsonValue | None) -> None:
        self.core.put(review_id, question_id, value)

    def put_ui_state(self, key: str, value: str | None) -> None:
        self.core.put_ui_state(key, value)

    def save_now(self) -> None:
        self.core.save_now()

    def flush(self, timeout: float = 5.0) -> bool:
        return self.core.flush(timeout)

    def pending_changes(self, review_id: int) -> dict[str, JsonValue | None]:
        """One review's answers not on disk yet (None: cleared), for a form that reopens it:
        the screen must not go back to what the disk still holds."""
        return {
            question_id: value
            for pending_review, question_id, value in self.core.pending_items()
            if pending_review == review_id
        }

    @property
    def has_unsaved(self) -> bool:
        return self.core.has_unsaved

    def unsaved_count(self) -> int:
        """How many answers (fields) are not on disk yet; 0 when only UI facts wait."""
        count = sum(1 for _ in self.core.pending_items())
        with self._progress:
            waiting = self._answers_waiting
        return max(count, 1 if waiting else 0)

    def try_save(self, timeout: float = 3.0) -> int:
        """Save everything now and wait, at most ``timeout`` s, for the outcome of that attempt.

        Unlike ``flush`` it does not sit out the retry delays: the first failure ends the wait.
        Returns ``unsaved_count()`` afterwards (0: everything is on disk).
        """
        if not self._thread.isRunning():
            return self.unsaved_count()
        with self._progress:
            failures_before = self._failures_seen
        self.core.save_now()
        deadline = time.monotonic() + timeout
        while self.core.has_unsaved:
            with self._progress:
                if self._failures_seen != failures_before:
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._progress.wait(min(left, 0.02))
        return self.unsaved_count()

    def _note(self, name: str, value: Any) -> None:
        """What ``try_save`` and ``unsaved_count`` need, recorded as the core reports it."""
        with self._progress:
            if name == "failed":
                self._failures_seen += 1
                self.last_failure = value
            elif name == "saved":
                self.last_failure = None
            elif name == "pending":
                self._answers_waiting = bool(value)
            self._progress.notify_all()


class SaveIndicator(QLabel):
    """ "Saved 14:02:11" / "Saving…" / "Not saved — retrying: <why>", shown at once."""

    def __init__(self, writer: AutosaveWriter, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("saveIndicator")
        self.setAccessibleName("Save status")
        self._failing = False
        self._last_saved: str | None = None
        writer.saved.connect(self._saved)
        writer.failed.connect(self._failed)
        writer.pending.connect(self._pending)
        self._set("idle", "All changes saved")

    def _set(self, state: str, text: str, tooltip: str = "") -> None:
        self.setProperty("saveState", state)
        self.setText(text)
        self.setToolTip(tooltip)
        self.setAccessibleDescription(text)
        self.style().unpolish(self)
        self.style().polish(self)

    def _saved(self, batch: SavedBatch) -> None:
        self._failing = False
        self._last_saved = batch.saved_at.strftime("%H:%M:%S")
        self._set("saved", f"✓ Saved {self._last_saved}")

    def _pending(self, unsaved: bool) -> None:
        if unsaved and not self._failing:
            self._set("saving", "Saving…")

    def _failed(self, failure: SaveFailure) -> None:
        self._failing = failure.retrying
        if failure.retrying:
            text = f"✖ Not saved — retrying in {failure.retry_in:.0f} s"
        else:
            text = "✖ Not saved"
        self._set("failed", text, failure.message)

    @property
    def state(self) -> str:
        return str(self.property("saveState"))
