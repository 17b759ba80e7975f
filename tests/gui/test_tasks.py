"""The one way to run work off the GUI thread: results arrive on the GUI thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool
from PySide6.QtWidgets import QWidget

from reviewer_app.errors import UserError
from reviewer_app.gui.tasks import SyncTaskRunner, TaskRunner


def test_work_runs_off_the_gui_thread_and_results_arrive_on_it(qtbot) -> None:
    runner = TaskRunner()
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(progress) -> int:
        seen["worker"] = threading.get_ident()
        progress(1, 2, "halfway")
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.get_ident()

    runner.run(work, done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["result"] == 42
    assert seen["worker"] != gui_thread
    assert seen["done_thread"] == gui_thread
    assert runner.wait(5000)
    qtbot.waitUntil(lambda: runner.active_count == 0)


def test_errors_arrive_on_the_gui_thread(qtbot) -> None:
    runner = TaskRunner()
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}

    def work(_progress) -> None:
        raise UserError("The shared folder is not reachable.")

    def failed(err: BaseException) -> None:
        seen["err"] = err
        seen["thread"] = threading.get_ident()

    runner.run(work, lambda _r: None, failed)
    qtbot.waitUntil(lambda: "err" in seen, timeout=5000)
    assert isinstance(seen["err"], UserError)
    assert seen["thread"] == gui_thread
    runner.wait(5000)


def test_progress_dialog_appears_only_for_slow_work(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    runner = TaskRunner(progress_delay_ms=50)
    release = threading.Event()
    finished: list[int] = []

    def slow(progress) -> int:
        progress(1, 3, "Importing the pack…")
        release.wait(5)
        return 1

    runner.run(slow, finished.append, label="Working…", parent=parent)
    dialog = runner.last_dialog
    assert dialog is not None and not dialog.isVisible()
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    qtbot.waitUntil(lambda: dialog.labelText() == "Importing the pack…", timeout=3000)
    assert dialog.maximum() == 3 and dialog.value() == 1
    release.set()
    qtbot.waitUntil(lambda: finished == [1], timeout=5000)
    runner.wait(5000)

    quick: list[int] = []
    shows: list[int] = []

    class ShowSpy(QObject):
        def eventFilter(self, _obj, event) -> bool:
            if event.type() == QEvent.Type.Show:
                shows.append(1)
            return False

    spy = ShowSpy()
    gate = threading.Event()
    runner = TaskRunner()  # the real delay: 200 ms
    runner.run(lambda _p: gate.wait(5) and 2, quick.append, parent=parent)
    assert runner.last_dialog is not None
    runner.last_dialog.installEventFilter(spy)
    gate.set()
    qtbot.waitUntil(lambda: quick == [2], timeout=5000)
    qtbot.wait(100)
    assert shows == []
    QThreadPool.globalInstance().waitForDone(5000)


def test_sync_runner_runs_at_once_on_the_calling_thread() -> None:
    runner = SyncTaskRunner()
    results: list[object] = []
    runner.run(lambda progress: progress(1, 1, "x") or threading.get_ident(), results.append)
    assert results == [threading.get_ident()]
    assert runner.progress_calls == [(1, 1, "x")]
    errors: list[BaseException] = []
    runner.run(lambda _p: 1 / 0, results.append, errors.append)
    assert isinstance(errors[0], ZeroDivisionError)


def test_a_dialog_opened_after_quick_work_gets_the_input(qtbot) -> None:
    """The finished task's "Please wait" box never comes back over the next dialog.

    Sign, Print and Co-sign open their dialog (``exec()``, a nested event loop) from the
    background step's ``on_done``. Qt's own show-timer of the hidden progress dialog (4 s,
    armed when it is made) used to fire inside that loop and put the window-modal box on top,
    swallowing every key. Enter is sent to the dialog's window as the window system sends it,
    so a modal box in the way would drop it; reaching the dialog, it presses OK.
    """
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import (
        QApplication,
        QDialog,
        QDialogButtonBox,
        QProgressDialog,
        QVBoxLayout,
    )

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    runner = TaskRunner(parent)  # as the main window holds its runner
    seen: dict[str, object] = {}

    def opened(_result: object) -> None:
        dialog = QDialog(parent)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, dialog)
        buttons.accepted.connect(dialog.accept)
        QVBoxLayout(dialog).addWidget(buttons)

        def probe() -> None:
            seen["modal"] = QApplication.activeModalWidget() is dialog
            seen["boxes"] = [
                w
                for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()
            ]
            seen["focus"] = QApplication.focusWidget() is buttons.button(
                QDialogButtonBox.StandardButton.Ok
            )
            window = dialog.windowHandle()
            assert window is not None
            QTest.keyClick(window, Qt.Key.Key_Return)  # as the window system delivers it

        QTimer.singleShot(4500, dialog, probe)  # after Qt's 4 s show-timer would have fired
        QTimer.singleShot(9000, dialog, dialog.reject)  # never hang the suite
        seen["result"] = dialog.exec()

    loop = QEventLoop()  # the app's event loop (qtbot.waitUntil would pump differently)

    def done(result: object) -> None:
        opened(result)
        loop.quit()

    runner.run(lambda _p: 1, done, label="Checking the review…", parent=parent)
    QTimer.singleShot(12_000, loop, loop.quit)
    loop.exec()
    runner.wait(5000)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert seen["boxes"] == []
    assert seen["modal"] is True
    assert seen["focus"] is True
    assert seen["result"] == QDialog.DialogCode.Accepted, "Enter did not reach the dialog"


class _KeepingPool(QThreadPool):
    """A pool that keeps everything it is given, as PySide6 was seen to keep some jobs after
    they ran (with the CPUs busy): what a finished job holds must be nothing heavy."""

    def __init__(self) -> None:
        super().__init__()
        self.given: list[object] = []

    def start(self, job, priority: int = 0) -> None:  # type: ignore[override]
        self.given.append(job)
        super().start(job, priority)


def test_a_finished_job_lets_go_of_its_work_and_what_it_captured(qtbot) -> None:
    """The coordinator's reads capture a study's snapshot (megabytes at 400 cases): once the
    result has arrived nothing the pool may still hold keeps it alive."""
    import weakref

    class Snapshot:
        pass

    pool = _KeepingPool()
    runner = TaskRunner(pool=pool)
    results: list[int] = []
    kept: list[weakref.ref[Snapshot]] = []
    for n in range(5):
        snapshot = Snapshot()
        kept.append(weakref.ref(snapshot))

        def work(_progress, captured: Snapshot = snapshot, n: int = n) -> int:
            assert isinstance(captured, Snapshot)
            return n

        runner.run(work, results.append)
        del snapshot, work
    qtbot.waitUntil(lambda: len(results) == 5, timeout=5000)
    assert pool.waitForDone(5000)
    qtbot.waitUntil(lambda: runner.active_count == 0)
    gc.collect()
    assert len(pool.given) == 5, "the stand-in pool must keep every job it was given"
    assert [ref() for ref in kept] == [None] * 5
