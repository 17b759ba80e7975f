"""The study's returns read once, off the GUI thread, for every section that shows them.

    section opened ──request()──▶ cached? ──yes──▶ filled at once
                                     └─no──▶ "Loading…"; read_snapshot on a worker thread
                                             (its own connection) ──ready──▶ sections fill in
    the study changed (a section wrote, F5) ──invalidate()──▶ the next request reads again

A read that finishes after the study changed is thrown away and read again, so a section never
shows figures older than the last change it was told of. The figures are the services' own
(``reconciliation.study_snapshot``); nothing is computed here.

The GUI thread never waits for the garbage collector on the worker's behalf. A read parses
every review in force (hundreds of thousands of objects), which set off full collections of
the whole heap (the app, Qt's wrappers, the definitions): 150-170 ms each with the GIL held,
the GUI thread's longest stalls. So what is alive when a read starts is frozen (``gc.freeze``:
still freed by reference counting, only never scanned again for cycles), collection pauses
while the worker reads and what it read is frozen in turn before collection resumes
(``_collection_paused``): no full collection has the old heap, or the new snapshot, to scan.
Locking the study unfreezes it all, so cycles dropped while it was open are collected then.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.progress import Progress
    from reviewer_app.services.reconciliation.study_snapshot import SnapshotMemo, StudySnapshot

LOADING = "Loading the study's returns…"


class _Pauses:
    """Reads under way with collection paused (a read thrown away may still be running), and
    whether collection was on when the first of them began."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.resume = True


_PAUSES = _Pauses()


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No automatic garbage collection while the worker reads, and what the read made frozen
    before collection resumes (else the first collection after it scans all of that, 60-70 ms
    with the GIL held). Collection resumes when the last read under way ends, however it
    ends, if it was on when the first began."""
    with _PAUSES.lock:
        if _PAUSES.running == 0:
            _PAUSES.resume = gc.isenabled()
            gc.disable()
        _PAUSES.running += 1
    try:
        yield
    finally:
        with _PAUSES.lock:
            _PAUSES.running -= 1
            gc.freeze()
            if _PAUSES.running == 0 and _PAUSES.resume:
                gc.enable()


class SnapshotCache(QObject):
    """One ``StudySnapshot`` at a time, shared by the window's sections.

    Read in two steps on worker threads (``study_snapshot``): every figure but the resolved
    cases first (``ready``: the overview and most sections fill from it), then the cases
    resolved from what was read (``resolved``: the reconciliation section's discordant cases).
    """

    ready = Signal(object)  # the new StudySnapshot (its cases perhaps not resolved yet)
    resolved = Signal(object)  # the same snapshot with its cases resolved
    failed = Signal(object)  # the exception the read raised

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.runner = runner
        self.value: StudySnapshot | None = None
        self.generation = 0  # bumped by every change to the study the window is told of
        self.reads = 0  # reads started (tests count them: one read serves every section)
        self._locks = 0  # bumped by every lock: what a read started before one brings is dropped
        self._reading: int | None = None  # the generation being read, if a read is running
        self._resolving = False  # the second step of ``value`` is running
        self._wanted = False  # a section asked and has not been given a snapshot yet
        self._wanted_resolved = False  # ... and one waits for the resolved cases
        self._memo: SnapshotMemo | None = None  # the last read's, for the next (never changed)

    def invalidate(self) -> None:
        """The study changed: what was read is out of date."""
        self.generation += 1
        self.value = None
        self._resolving = False

    def drop(self) -> None:
        """The study locked: forget what was read, and read nothing until asked again."""
        self.invalidate()
        self._locks += 1
        self._wanted = self._wanted_resolved = False
        self._memo = None  # nothing of the study is kept while it is locked
        gc.unfreeze()  # what was frozen is scanned again: cycles dropped since are collected

    def request(self, *, resolved: bool = False) -> StudySnapshot | None:
        """The snapshot if it is read already (``resolved``: with its cases resolved);
        otherwise start reading it (``ready``, ``resolved`` say when) and None."""
        from reviewer_app.services.reconciliation.study_snapshot import needs_resolving

        if self.value is None and self._reading != self.generation:
            self._wanted = True
            self._read()
        if resolved and (self.value is None or needs_resolving(self.value)):
            self._wanted_resolved = True
            if self.value is not None and not self._resolving:  # (its second step failed)
                self._resolve(self.generation, self._locks, self.value)
            return None
        return self.value

    def _read(self) -> None:
        from reviewer_app.services.reconciliation.study_snapshot import read_snapshot

        generation, locks = self.generation, self._locks
        self._reading = generation
        self.reads += 1
        opener = self.desk.worker_study
        memo = self._memo

        def work(_progress: Progress) -> StudySnapshot:
            with _collection_paused(), opener() as study:
                return read_snapshot(study, memo=memo, resolve=False)

        gc.freeze()  # what is alive now lives on: never scanned again (module docstring)

        self.runner.run(
            work,
            lambda snapshot: self._done(generation, locks, snapshot),
            lambda err: self._failed(generation, locks, err),
            label=LOADING,
            show_progress=False,
        )

    def _locked_since(self, locks: int) -> bool:
        """A lock came while the work ran: nothing it brings is kept, and what it froze is
        unfrozen again (the lock's unfreeze came before the work's own freeze)."""
        if locks == self._locks:
            return False
        gc.unfreeze()
        return True

    def _done(self, generation: int, locks: int, snapshot: StudySnapshot) -> None:
        if self._locked_since(locks):
            return
        self._memo = getattr(snapshot, "memo", self._memo)  # even from a read thrown away
        if generation != self.generation:  # the study changed while it was read
            if self._reading == generation:
                self._reading = None
                self._ask_again()
            return
        self._reading = None
        self._wanted = False
        self.value = snapshot
        self.ready.emit(snapshot)
        # the second step once what the first filled in is painted: run during that paint,
        # it slowed the paint down to its own length (every Python call the paint makes, a
        # model's data() for each cell, waits for the worker to hand the GIL over)
        self._resolving = True
        if self.runner.threaded:
            _AfterNextPaint(self, lambda: self._resolve(generation, locks, snapshot))
        else:
            self._resolve(generation, locks, snapshot)  # no other thread competes with a paint

    def _ask_again(self) -> None:
        """A read or its second step was thrown away: read again if a section still waits."""
        if (self._wanted or self._wanted_resolved) and self._reading != self.generation:
            self.request(resolved=self._wanted_resolved)

    def _resolve(self, generation: int, locks: int, snapshot: StudySnapshot) -> None:
        """The second step, on a worker thread: the cases resolved from what was read."""
        from reviewer_app.services.reconciliation import study_snapshot

        if locks != self._locks or generation != self.generation or self.value is not snapshot:
            self._ask_again()  # the study changed before it began: the next read has its own
            return
        self._resolving = True
        if not study_snapshot.needs_resolving(snapshot):
            self._resolving = False
            self._wanted_resolved = False
            self.resolved.emit(snapshot)
            return

        def work(_progress: Progress) -> StudySnapshot:
            with _collection_paused():
                return study_snapshot.resolve_snapshot(snapshot)

        self.runner.run(
            work,
            lambda whole: self._resolved(generation, locks, snapshot, whole),
            lambda err: self._failed(generation, locks, err),
            label=LOADING,
            show_progress=False,
        )

    def _resolved(
        self, generation: int, locks: int, first: StudySnapshot, whole: StudySnapshot
    ) -> None:
        if self._locked_since(locks):
            return
        self._memo = whole.memo
        if generation != self.generation or self.value is not first:
            self._ask_again()  # the study changed meanwhile
            return
        self._resolving = False
        self._wanted_resolved = False
        self.value = whole
        self.resolved.emit(whole)

    def _failed(self, generation: int, locks: int, err: BaseException) -> None:
        if self._locked_since(locks):
            return
        if self._reading == generation:
            self._reading = None
        if generation == self.generation:
            self._resolving = False  # a failed second step is tried again when next asked
            self.failed.emit(err)


class _AfterNextPaint(QObject):
    """Calls ``fn`` once, on the GUI thread, when the next paint anywhere in the app is done
    (a zero timer from the first paint event fires after the rest of that frame), or after
    ``fallback_ms`` if nothing paints (a hidden window)."""

    def __init__(self, parent: QObject, fn: Callable[[], None], fallback_ms: int = 100) -> None:
        super().__init__(parent)
        self._fn: Callable[[], None] | None = fn
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._fn is not None:
            self._stop_watching()
            QTimer.singleShot(0, self, self._fire)
        return False

    def _stop_watching(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _fire(self) -> None:
        fn, self._fn = self._fn, None
        if fn is None:
            return
        self._stop_watching()
        self.deleteLater()
        fn()
