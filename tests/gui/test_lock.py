"""Locking: every patient detail leaves the screen; the passphrase brings the reviewer back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from reviewer_app.errors import DamagedFileError, WrongPassphraseError
from reviewer_app.gui.lock import LockTriggers
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.gui.unlock_screen import WRONG_PASSPHRASE_HINT, UnlockScreen
from tests.gui.gui_fixtures import CANARY_GIVEN, CANARY_NAME, CANARY_NHS, ROWS, FakeReviewPage

RIGHT = "correct horse battery"


def verify(passphrase: str) -> object:
    if passphrase != RIGHT:
        raise WrongPassphraseError("That passphrase does not open this workspace.")
    return True


def make_window(qtbot, **kwargs) -> MainWindow:
    FakeReviewPage.instances.clear()
    window = MainWindow(
        ROWS,
        verify_passphrase=verify,
        review_page_factory=FakeReviewPage,
        runner=SyncTaskRunner(),
        listen_to_system=False,
        **kwargs,
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def screen_texts() -> list[str]:
    """Every text any live widget could show: labels, fields, buttons, titles, tips, models."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    texts: list[str] = []
    for widget in QApplication.allWidgets():
        texts += [widget.windowTitle(), widget.toolTip(), widget.accessibleName()]
        if isinstance(widget, QLabel | QAbstractButton | QLineEdit):
            texts.append(widget.text())
        if isinstance(widget, QPlainTextEdit | QTextEdit):
            texts.append(widget.toPlainText())
        if isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(model.rowCount()):
                for column in range(model.columnCount()):
                    texts.append(str(model.index(row, column).data()))
    return texts


def assert_no_patient_detail_shown() -> None:
    for text in screen_texts():
        for canary in (CANARY_NAME, CANARY_GIVEN, CANARY_NHS, "ZIELIŃSKA"):
            assert canary.casefold() not in text.casefold(), f"{canary!r} still on screen"


def test_the_canary_is_visible_before_locking(qtbot) -> None:
    """The check below can fail: unlocked, the canary is on screen."""
    window = make_window(qtbot)
    window.open_case("NSR-0004")
    joined = "\n".join(screen_texts())
    assert CANARY_NAME in joined and CANARY_NHS in joined


def test_lock_hides_every_patient_detail(qtbot) -> None:
    window = make_window(qtbot)
    window.case_list.search.setText("zieli")
    window.open_case("NSR-0004")
    page = FakeReviewPage.instances[-1]
    window.lock("test")
    assert window.locked
    assert page.flushes == 1  # pending typing saved before the page went
    assert window.review_page is None
    assert window.case_list.model.rowCount() == 0
    assert "NSR-0004" not in window.windowTitle()
    assert_no_patient_detail_shown()
    assert window.stack.currentWidget() is window.lock_screen


def test_unlock_needs_the_passphrase_and_returns_to_the_same_place(qtbot) -> None:
    window = make_window(qtbot)
    window.case_list.status_filter.setCurrentIndex(0)
    window.open_case("NSR-0004")
    page = FakeReviewPage.instances[-1]
    page.section, page.field = "theme.communication", "theme.communication.comment"
    window.lock("test")
    screen = window.lock_screen
    assert screen is not None
    qtbot.keyClicks(screen.passphrase, "wrong passphrase")
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert window.locked
    assert screen.message.text() == WRONG_PASSPHRASE_HINT
    assert_no_patient_detail_shown()
    screen.passphrase.clear()
    qtbot.keyClicks(screen.passphrase, RIGHT)
    qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert not window.locked
    assert window.case_list.model.total_count == len(ROWS)
    restored = FakeReviewPage.instances[-1]
    assert restored is not page
    assert restored.case_ref == "NSR-0004"
    assert restored.opened_at == [
        ("NSR-0004", "theme.communication", "theme.communication.comment")
    ]
    assert window.stack.currentWidget() is restored
    assert "NSR-0004" in window.windowTitle()


def test_unlock_restores_search_and_selection_on_the_case_list(qtbot) -> None:
    window = make_window(qtbot)
    window.case_list.search.setText("raj")
    window.lock("test")
    assert window.case_list.search.text() == ""
    window.lock_screen.passphrase.setText(RIGHT)
    window.lock_screen.submit()
    assert window.case_list.search.text() == "raj"
    assert window.case_list.current_case_ref() == "NSR-0001"


def test_ctrl_l_locks(qtbot) -> None:
    window = make_window(qtbot)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked


def test_idle_time_locks(qtbot) -> None:
    window = make_window(qtbot, idle_ms=150)
    window.open_case("NSR-0004")
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert_no_patient_detail_shown()


def test_activity_postpones_the_idle_lock_and_a_clock_jump_means_sleep(qtbot) -> None:
    now = {"mono": 1000.0, "wall": 5000.0}
    triggers = LockTriggers(
        60_000,
        tick_ms=1000,
        wall_clock=lambda: now["wall"],
        monotonic=lambda: now["mono"],
        listen_to_system=False,
    )
    reasons: list[str] = []
    triggers.lock_requested.connect(reasons.append)
    triggers.arm()
    triggers._timer.stop()  # ticks are driven by hand below
    for _ in range(5):  # 5 x 50 s with activity in between: never idle for 60 s
        now["mono"] += 50
        now["wall"] += 50
        triggers.check()
        triggers.note_activity()
    # each tick came 50 s apart: that alone looks like a sleep, so tick every second instead
    assert reasons == ["sleep"]
    triggers.arm()
    triggers._timer.stop()
    for _ in range(59):
        now["mono"] += 1
        now["wall"] += 1
        triggers.check()
    assert reasons == ["sleep"]
    now["mono"] += 1
    now["wall"] += 1
    triggers.check()
    assert reasons == ["sleep", "idle"]
    triggers.arm()
    triggers._timer.stop()
    now["wall"] += 3600  # suspended: the wall clock moved, the monotonic clock did not
    now["mono"] += 1
    triggers.check()
    assert reasons == ["sleep", "idle", "sleep"]


def test_key_presses_count_as_activity(qtbot) -> None:
    now = {"t": 0.0}
    triggers = LockTriggers(10_000, monotonic=lambda: now["t"], listen_to_system=False)
    widget = QLineEdit()
    qtbot.addWidget(widget)
    now["t"] = 42.0
    qtbot.keyClick(widget, Qt.Key.Key_A)
    assert triggers._last_input == 42.0


# --- the unlock screen against the real key record --------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import TEST_KDF

    folder = tmp_path / "ws"
    Workspace.create(folder, RIGHT, kdf=TEST_KDF).close()
    return folder


def test_real_key_check_tells_wrong_passphrase_from_damaged_file(qtbot, workspace: Path) -> None:
    from reviewer_app.app import passphrase_checker
    from reviewer_app.services.workspace import Workspace

    check = passphrase_checker(workspace)
    screen = UnlockScreen(check, SyncTaskRunner())
    qtbot.addWidget(screen)
    screen.passphrase.setText("not it at all")
    screen.submit()
    assert screen.message.text() == WRONG_PASSPHRASE_HINT
    key_file = Workspace.key_check_path_in(workspace)
    record = json.loads(key_file.read_text())
    key_file.write_text(json.dumps({**record, "salt": "%%%"}))
    screen.passphrase.setText(RIGHT)
    screen.submit()
    text = screen.message.text()
    assert text != WRONG_PASSPHRASE_HINT and "damaged" in text
    with pytest.raises(DamagedFileError):
        check(RIGHT)


def test_unlock_screen_emits_the_result_on_success(qtbot, workspace: Path) -> None:
    from reviewer_app.app import passphrase_checker

    screen = UnlockScreen(passphrase_checker(workspace), SyncTaskRunner())
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.unlocked):
        qtbot.keyClicks(screen.passphrase, RIGHT)
        qtbot.keyClick(screen.passphrase, Qt.Key.Key_Return)
    assert screen.passphrase.text() == ""
