"""Sign, Print and Co-sign take the keyboard after their background step (issue 11).

Each of these opens its dialog (a nested ``exec()``) from the ``on_done`` of a task run by the
REAL ``TaskRunner``: pool threads, the real progress dialog, the app's event loop. Qt arms a
4 s show-timer on every new ``QProgressDialog``; left armed, the finished task's hidden
"Please wait" box (whose deletion waits for the nested loop to end) came back over the dialog
and swallowed every key until Escape. So each test keeps its dialog open past 4.5 s, checks
that no progress box is showing, and only then sends keys to the dialog's window the way the
window system does (``QTest`` on the ``QWindow``, which Qt drops for a window blocked by a
modal box) and checks that they arrived. Every flow is cancelled: the shared bench stays as
it was made, and each test checks that nothing was signed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, Qt, QTimer
from PySide6.QtGui import QAction, QWindow
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QProgressDialog, QWidget

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.signing import summary_actions
from reviewer_app.gui.signing.cosign_dialog import CosignDialog
from reviewer_app.gui.signing.menu_actions import SigningDesk
from reviewer_app.gui.signing.sign_dialog import SignDialog
from reviewer_app.gui.signing.summary_actions import CopyChoiceDialog
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.session import ReviewerSession
from tests.gui.signing_helpers import record_bugs, settle
from tests.support.signoff_fixtures import Bench, bob_pkcs12, make_bench

TO_SIGN = "SIG-0001"  # complete, not signed
SIGNED = "SIG-0002"  # signed: Print
JOINT = "SIG-0003"  # a joint review, signed: Co-sign
PAST_QT_SHOW_TIMER_MS = 4600
"""Qt's QProgressDialog shows itself 4000 ms after it is made, on a coarse timer (up to 5 %
late); the probe runs on a precise one, counted from the dialog's opening (later still)."""
TYPED = "abc"


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """One workspace for the three tests: each cancels its flow, so none changes it."""
    made = make_bench(tmp_path_factory.mktemp("after-background") / "ws")
    review_id = made.complete_review(TO_SIGN)
    assert made.signoff.check(review_id).warnings == ()  # the passphrase field has the focus
    made.sign(SIGNED)
    made.joint(JOINT, co_ref="R02", co_name="Bob Example")
    made.sign(JOINT)
    yield made
    made.workspace.close()


@pytest.fixture
def p12(tmp_path: Path) -> Path:
    """The co-reviewer's exported identity, as "Choose file…" would find it."""
    path = tmp_path / "bob.p12"
    path.write_bytes(bob_pkcs12())
    return path


@dataclass
class App:
    """The main window with its signing desk, both on the real runner."""

    window: MainWindow
    desk: SigningDesk
    runner: TaskRunner
    bench: Bench
    bugs: list[BaseException]
    seen: dict[str, Any] = field(default_factory=dict)

    def run(self, case_ref: str, action: QAction) -> None:
        """Choose the case in the list and the menu item, then run the app's event loop (a
        ``QEventLoop``, as ``app.exec()`` would) until the flow's dialog has closed."""
        self.window.case_list.select_case(case_ref)
        self.window.update_case_actions()  # as opening the Case menu does
        assert action.isEnabled()
        loop = QEventLoop()
        self.seen["loop"] = loop
        QTimer.singleShot(0, action.trigger)
        QTimer.singleShot(30_000, loop, loop.quit)  # never hang the suite
        loop.exec()
        assert "closed" in self.seen, "the flow's dialog never opened"


@pytest.fixture
def app(qtbot: Any, bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    bugs = record_bugs(monkeypatch)
    runner = TaskRunner()  # as the app's shell makes it: pool threads, real progress dialogs
    desk = SigningDesk(bench.workspace, runner, tmp_path / "app-tmp", actor="R01", synthetic=True)
    session = ReviewerSession(bench.workspace)
    window = MainWindow(
        session.list_cases(),
        reload_rows=session.list_cases,
        reload_row=session.case_row,
        runner=runner,
        listen_to_system=False,
        signing=desk,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    made = App(window, desk, runner, bench, bugs)
    yield made
    assert runner.wait(20_000)
    QCoreApplication.processEvents()  # results of work still in flight (previews) arrive
    for box in visible_boxes():  # the fix missing: do not leave a box over later tests
        box.hide()
    window.close()
    settle()
    assert bugs == [], [type(e).__name__ for e in bugs]


def visible_boxes() -> list[QProgressDialog]:
    return [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QProgressDialog) and w.isVisible()
    ]


def window_of(dialog: QWidget) -> QWindow:
    handle = dialog.windowHandle()
    assert handle is not None
    return handle


def type_into(dialog: QWidget, text: str) -> None:
    """Keys as the window system delivers them: to the dialog's window, not to a widget."""
    for char in text:
        QTest.keyClick(window_of(dialog), char)


def click(dialog: QWidget, widget: QWidget) -> None:
    """A real mouse click, through the dialog's window, on the middle of ``widget``."""
    centre = widget.mapTo(dialog, QPoint(widget.width() // 2, widget.height() // 2))
    QTest.mouseClick(window_of(dialog), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), centre)


def probe_later(app: App, dialog: QDialog, use: Callable[[], None]) -> None:
    """Past Qt's show-timer: what is on screen, then the keys (``use``), then Escape.

    When a box swallowed the keys the dialog is still open: it is closed here by hand, so
    that the test fails on its assertions instead of hanging."""
    seen = app.seen

    def probe() -> None:
        seen["boxes"] = [box.labelText() for box in visible_boxes()]
        seen["modal"] = QApplication.activeModalWidget() is dialog
        use()
        QTest.keyClick(window_of(dialog), Qt.Key.Key_Escape)
        seen["closed"] = not dialog.isVisible()
        if dialog.isVisible():
            for box in visible_boxes():
                box.hide()
            QDialog.done(dialog, QDialog.DialogCode.Rejected)

    timer = QTimer(dialog)
    timer.setSingleShot(True)
    timer.setTimerType(Qt.TimerType.PreciseTimer)  # a coarse one may fire 5 % early
    timer.timeout.connect(probe)
    timer.start(PAST_QT_SHOW_TIMER_MS)


def exec_then_quit(app: App, dialog: QDialog) -> int:
    """The dialog's real modal loop; when it ends, so does the test's event loop."""
    result = dialog.exec()
    app.seen["result"] = result
    app.seen["loop"].quit()
    return result


def assert_input_reached(app: App) -> None:
    seen = app.seen
    assert seen["boxes"] == [], f"a 'Please wait' box is showing: {seen['boxes']}"
    assert seen["modal"] is True, "another modal window is over the dialog"
    assert seen["closed"] is True, "Escape did not reach the dialog"
    assert seen["result"] == QDialog.DialogCode.Rejected


def test_the_sign_dialog_takes_typing_after_checking_the_review(app: App) -> None:
    def exec_dialog(dialog: QDialog) -> int:
        assert isinstance(dialog, SignDialog) and dialog.passphrase is not None
        field = dialog.passphrase

        def use() -> None:
            app.seen["focus"] = QApplication.focusWidget() is field
            type_into(dialog, TYPED)
            app.seen["typed"] = field.text()
            app.seen["can_sign"] = dialog.sign_button.isEnabled()

        probe_later(app, dialog, use)
        return exec_then_quit(app, dialog)

    app.desk.exec_dialog = exec_dialog
    app.run(TO_SIGN, app.window.sign_action)
    assert_input_reached(app)
    assert app.seen["focus"] is True
    assert app.seen["typed"] == TYPED
    assert app.seen["can_sign"] is True  # the typing reached the dialog's logic too
    assert app.desk.state(TO_SIGN).status is not ReviewStatus.SIGNED


def test_the_print_dialog_takes_keys_after_preparing_to_print(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    def exec_dialog(dialog: QDialog) -> int:
        """The copy-and-reminder dialog, before the background step: Enter takes the full
        copy (its first choice)."""
        assert isinstance(dialog, CopyChoiceDialog)
        QTimer.singleShot(0, dialog, lambda: QTest.keyClick(window_of(dialog), Qt.Key.Key_Return))
        return dialog.exec()

    def ask_printer(printer: QPrinter, parent: QWidget | None) -> bool:
        """The real system print dialog (QPrintDialog), probed once it is open."""

        def opened() -> None:
            dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog)]
            dialog = next(d for d in dialogs if d.isVisible())

            def use() -> None:
                before = QApplication.focusWidget()
                app.seen["focus_in_dialog"] = before is not None and dialog.isAncestorOf(before)
                QTest.keyClick(window_of(dialog), Qt.Key.Key_Tab)
                after = QApplication.focusWidget()
                app.seen["focus_moved"] = (
                    after is not None and after is not before and dialog.isAncestorOf(after)
                )

            probe_later(app, dialog, use)

        QTimer.singleShot(0, opened)
        accepted = summary_actions.ask_printer(printer, parent)
        app.seen["result"] = (
            QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected
        )
        app.seen["loop"].quit()
        return accepted

    app.desk.exec_dialog = exec_dialog
    monkeypatch.setattr(app.desk.summaries, "ask_printer", ask_printer)
    app.run(SIGNED, app.window.print_action)
    assert_input_reached(app)
    assert app.seen["focus_in_dialog"] is True
    assert app.seen["focus_moved"] is True, "Tab did not move the focus in the print dialog"
    assert app.window.statusBar().currentMessage() == "Printing cancelled."
    assert app.desk.summaries.last_printed_pages == 0


def test_the_cosign_dialog_takes_typing_after_choosing_the_file(
    app: App, p12: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(p12), ""))
    )

    def exec_dialog(dialog: QDialog) -> int:
        assert isinstance(dialog, CosignDialog)

        def choose() -> None:  # a click on "Choose file…" as soon as the dialog is up
            click(dialog, dialog.choose_button)
            app.seen["file"] = dialog.identity_file

        def use() -> None:
            app.seen["focus"] = QApplication.focusWidget() is dialog.passphrase
            type_into(dialog, TYPED)
            app.seen["typed"] = dialog.passphrase.text()
            app.seen["can_cosign"] = dialog.cosign_button.isEnabled()

        QTimer.singleShot(200, dialog, choose)
        probe_later(app, dialog, use)
        return exec_then_quit(app, dialog)

    app.desk.exec_dialog = exec_dialog
    app.run(JOINT, app.window.cosign_action)
    assert app.seen["file"] == str(p12)
    assert_input_reached(app)
    assert app.seen["focus"] is True
    assert app.seen["typed"] == TYPED
    assert app.seen["can_cosign"] is True
    assert app.bench.signoff.cosigners() == []  # nothing was held, nothing co-signed
    assert app.bench.signoff.document(JOINT).signature_count == 1
