"""The one way to run work off the GUI thread (architecture.md, habits 6 and 7).

``runner.run(fn, on_done, on_error)`` calls ``fn(progress)`` on a pool thread and delivers
``on_done(result)`` or ``on_error(exc)`` on the GUI thread, through queued signals. ``progress``
is the core's plain callback, ``progress(done, total, label)``; when the work takes longer than
``PROGRESS_DELAY_MS`` a progress dialog appears, driven by those calls. Nothing here pumps the
event loop by hand.

``SyncTaskRunner`` has the same interface and runs everything at once on the calling thread:
widget tests use it to stay deterministic (the idea of Picard's ``FakeThreadPool``).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from reviewer_app.progress import Progress

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent

log = logging.getLogger(__name__)

Work = Callable[[Progress], Any]
OnDone = Callable[[Any], None]
OnError = Callable[[BaseException], None]
PROGRESS_DELAY_MS = 200


def default_error_handler(exc: BaseException) -> None:
    """Errors people can fix get a plain dialog; anything else is a bug (crash dialog, log)."""
    from reviewer_app.gui.crash_dialog import report_exception

    report_exception(exc)


class _Request(NamedTuple):
    """One call of ``Runner.run``: the work, where its outcome goes, and how to show it."""

    fn: Work
    on_done: OnDone
    on_error: OnError
    label: str
    parent: QWidget | None
    show_progress: bool


class Runner:
    """What widgets need to start background work; every runner below is one.

    ``run``'s signature is the contract widgets rely on, so it is written once, here; each
    runner says only how it carries the work out (``_start``).
    """

    threaded = True  # the work runs on another thread (so it competes with the GUI for the GIL)

    def run(
        self,
        fn: Work,
        on_done: OnDone,
        on_error: OnError | None = None,
        *,
        label: str = "Working…",
        parent: QWidget | None = None,
        show_progress: bool = True,
    ) -> None:
        """Call ``fn(progress)``, then ``on_done(result)`` or ``on_error(exc)``, on the GUI thread.

        Without ``on_error`` an error goes to :func:`default_error_handler`. ``label`` heads
        the progress dialog; ``show_progress=False`` means the caller shows its own busy state.
        """
        on_error = on_error or default_error_handler
        self._start(_Request(fn, on_done, on_error, label, parent, show_progress))

    def _start(self, request: _Request) -> None:
        raise NotImplementedError


class _Relay(QObject):
    """One long-lived object on the GUI thread that carries every worker's results.

    Workers never hold a task (a QObject that is deleted once delivered): they emit through
    this relay with the task's number, and Qt queues the call onto the GUI thread, where the
    task is looked up. So no Qt object is ever released on a pool thread, and a result for
    a task that no longer exists is simply dropped.
    """

    progress = Signal(int, int, int, str)
    done = Signal(int, object)
    failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.tasks: dict[int, _Task] = {}
        self.progress.connect(self._on_progress)
        self.done.connect(self._on_done)
        self.failed.connect(self._on_failed)

    @Slot(int, int, int, str)
    def _on_progress(self, number: int, done: int, total: int, text: str) -> None:
        task = self.tasks.get(number)
        if task is not None:
            task.show_progress(done, total, text)

    @Slot(int, object)
    def _on_done(self, number: int, result: object) -> None:
        task = self.tasks.pop(number, None)
        if task is not None:
            task.deliver(result)

    @Slot(int, object)
    def _on_failed(self, number: int, exc: object) -> None:
        task = self.tasks.pop(number, None)
        if task is not None:
            assert isinstance(exc, BaseException)
            task.fail(exc)


_relay: _Relay | None = None
_numbers = itertools.count(1)


def _the_relay() -> _Relay:
    """Created on first use, on the GUI thread, and kept for the life of the process."""
    global _relay  # noqa: PLW0603 (one relay per process, by design)
    if _relay is None:
        _relay = _Relay()
    return _relay


class _Task(QObject):
    """One piece of work's GUI side: its progress dialog and its callbacks."""

    def __init__(
        self,
        runner: TaskRunner,
        on_done: OnDone,
        on_error: OnError,
        dialog: QProgressDialog,
        delay_ms: int,
    ) -> None:
        super().__init__(runner)
        self._runner = runner
        self._on_done = on_done
        self._on_error = on_error
        self.dialog = dialog
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._show_dialog)
        if delay_ms >= 0:  # negative: the caller shows its own busy state
            self._timer.start(delay_ms)

    @Slot()
    def _show_dialog(self) -> None:
        self.dialog.show()

    def show_progress(self, done: int, total: int, text: str) -> None:
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)
        if text:
            self.dialog.setLabelText(text)

    def _finish(self) -> None:
        self._timer.stop()
        self.dialog.reset()  # stops Qt's own show-timer: see TaskRunner._progress_dialog
        self.dialog.hide()
        self.dialog.deleteLater()
        self._runner._forget(self)
        self.deleteLater()

    def deliver(self, result: object) -> None:
        self._finish()
        self._on_done(result)

    def fail(self, exc: BaseException) -> None:
        self._finish()
        self._on_error(exc)


class _Job:
    """Runs on a pool thread; holds only the work and the task's number, and lets go of the
    work (and all it captured: a study's snapshot, say) the moment it ends.

    The pool is handed the bound ``run``, not a ``QRunnable`` of ours: a Python runnable
    given to ``QThreadPool.start`` was sometimes kept alive by PySide6 after it ran, with
    the CPUs busy (each kept the study's data it captured: about 2.4 MB at 400 cases,
    +43 MB over 200 refreshes of the coordinator's window).
    """

    def __init__(self, fn: Work, number: int, relay: _Relay) -> None:
        self._fn: Work | None = fn
        self._number = number
        self._relay = relay  # lives for the whole process

    def run(self) -> None:
        number, relay, fn = self._number, self._relay, self._fn
        self._fn = None  # whatever keeps this job keeps no work
        if fn is None:
            return  # run once only

        def progress(done: int, total: int, text: str) -> None:
            relay.progress.emit(number, done, total, text)

        try:
            result = fn(progress)
        except BaseException as exc:  # delivered to on_error on the GUI thread
            del fn
            relay.failed.emit(number, exc)
        else:
            del fn
            relay.done.emit(number, result)


class TaskRunner(QObject, Runner):
    """Runs work on a thread pool; results, errors and progress arrive on the GUI thread."""

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        pool: QThreadPool | None = None,
        progress_delay_ms: int = PROGRESS_DELAY_MS,
    ) -> None:
        super().__init__(parent)
        self._pool = pool or QThreadPool.globalInstance()
        self._delay = progress_delay_ms
        self._active: set[_Task] = set()
        self.last_dialog: QProgressDialog | None = None

    @property
    def active_count(self) -> int:
        return len(self._active)

    def _start(self, request: _Request) -> None:
        task = _Task(
            self,
            request.on_done,
            request.on_error,
            self._progress_dialog(request.label, request.parent),
            self._delay if request.show_progress else -1,
        )
        self._active.add(task)
        relay = _the_relay()
        number = next(_numbers)
        relay.tasks[number] = task
        self._pool.start(_Job(request.fn, number, relay).run)

    def _forget(self, task: _Task) -> None:
        self._active.discard(task)

    def _progress_dialog(self, label: str, parent: QWidget | None) -> QProgressDialog:
        dialog = QProgressDialog(label, "", 0, 0, parent)
        dialog.setCancelButton(None)  # type: ignore[arg-type]  # work that must finish
        dialog.setWindowTitle("Please wait")
        dialog.setAccessibleName("Progress")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(24 * 3600 * 1000)  # shown by our own timer, not by Qt
        dialog.setMinimumWidth(360)
        dialog.hide()
        # A new QProgressDialog arms a 4 s timer that shows it; setMinimumDuration does not
        # disarm it (the bar is not yet at its minimum). Left armed, a quick task's hidden
        # dialog, whose deletion waits while on_done runs the next dialog's exec(), popped
        # up over that dialog and swallowed its input. reset() disarms it.
        dialog.reset()
        self.last_dialog = dialog
        return dialog

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until the pool's threads are idle (tests, and before the app quits)."""
        return self._pool.waitForDone(msecs)


class SyncTaskRunner(Runner):
    """Same interface, no threads: the work runs at once and the callbacks follow at once."""

    threaded = False

    def __init__(self) -> None:
        self.progress_calls: list[tuple[int, int, str]] = []
        self.labels: list[str] = []

    def _start(self, request: _Request) -> None:
        self.labels.append(request.label)

        def progress(done: int, total: int, text: str) -> None:
            self.progress_calls.append((done, total, text))

        try:
            result = request.fn(progress)
        except Exception as exc:
            request.on_error(exc)
            return
        request.on_done(result)


def call_later(msecs: int, fn: Callable[[], object]) -> None:
    """Call ``fn`` on the GUI thread after ``msecs`` (for the composition root, which has no Qt)."""
    QTimer.singleShot(msecs, fn)


class _AfterFirstPaint(QObject):
    """Calls ``fn`` once, ``msecs`` after ``widget``'s first paint (``after_first_paint``)."""

    def __init__(self, widget: QWidget, msecs: int, fn: Callable[[], object]) -> None:
        super().__init__(widget)
        self._msecs = msecs
        self._fn = fn
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import QEvent  # here: its enums cost ~2 ms, unneeded at start

        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(self._msecs, self, self._fire)  # not if deleted meanwhile
        return False

    def _fire(self) -> None:
        self.deleteLater()
        self._fn()


def after_first_paint(widget: QWidget, msecs: int, fn: Callable[[], object]) -> None:
    """Call ``fn`` on the GUI thread ``msecs`` after ``widget`` is first painted: for work the
    window does not need to be seen and used (it would hold the GIL while the person waits
    for the window, as loading the dictionary does). Nothing is called if ``widget`` is
    deleted before it is painted."""
    _AfterFirstPaint(widget, msecs, fn)


class BusyRunner(SyncTaskRunner):
    """Runs on the GUI thread with a busy cursor: for work bound to the GUI thread's database
    connection (SQLite connections belong to the thread that opened them)."""

    def _start(self, request: _Request) -> None:
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            super()._start(request)  # no progress dialog either way: the cursor says busy
        finally:
            QApplication.restoreOverrideCursor()


__all__ = [
    "PROGRESS_DELAY_MS",
    "BusyRunner",
    "Progress",
    "Runner",
    "SyncTaskRunner",
    "TaskRunner",
    "Work",
    "after_first_paint",
    "call_later",
]
