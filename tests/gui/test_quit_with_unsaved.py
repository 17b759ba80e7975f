"""Quitting never loses typing silently: when saves fail, the window stays open and asks.

The app is built as ``app.py`` builds it (ReviewForm, build_main_window, the real writer
thread); saves fail because ``ReviewService.save`` raises the storage layer's DiskFullError
while ``disk.full`` is set. The question is answered by a timer that finds the modal box.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from reviewer_app.app import ReviewForm, build_main_window
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.settings import AppSettings
from reviewer_app.paths import AppPaths
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.session import ReviewerSession
from reviewer_app.storage.database import DiskFullError
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.gui.review_helpers import ACTOR, dispose, make_workspace

TYPED = "Handover lacked a plan; the night team were not told about the fluids. 73"
QUESTION = "learning.poor_care"
assert len(TYPED) == 73


@dataclass
class Disk:
    full: bool = False
    refused: int = 0


@dataclass
class App:
    window: MainWindow
    form: ReviewForm
    session: ReviewerSession
    disk: Disk
    case_ref: str
    review_id: int | None = None

    def page(self) -> Any:
        return self.window.review_page

    def typed_field(self) -> Any:
        return self.page().row(QUESTION).field

    def stored(self) -> dict[str, Any]:
        """The answers on disk (of the case opened by ``type_into_case``)."""
        assert self.review_id is not None
        return ReviewStore(self.session.workspace.db).answers(self.review_id)


@pytest.fixture
def app(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[App]:
    workspace, refs = make_workspace(tmp_path / "ws", 2)
    session = ReviewerSession(workspace)
    disk = Disk()
    real_save = ReviewService.save

    def save(self: ReviewService, review_id: int, changes: Any, actor: str) -> Any:
        if disk.full:
            disk.refused += 1
            raise DiskFullError(
                "The disk is full, so the last change was not saved. Free some space and try again."
            )
        return real_save(self, review_id, changes, actor)

    monkeypatch.setattr(ReviewService, "save", save)
    form = ReviewForm(session, ACTOR)
    window = build_main_window(
        session, AppSettings(AppPaths.from_environment().settings_file), demo=True, form=form
    )
    window.show()
    qtbot.waitExposed(window)
    try:
        yield App(window, form, session, disk, refs[0])
    finally:
        disk.full = False  # closing below must not ask
        assert form.stop(10)
        dispose(window)
        session.close()


@dataclass
class Answers:
    """Answers each modal question box in turn: (button text, something to do first)."""

    script: list[tuple[str, Callable[[], None] | None]]
    seen: list[tuple[str, str]] = field(default_factory=list)
    timer: QTimer = field(default_factory=QTimer)

    def __post_init__(self) -> None:
        self.timer.timeout.connect(self._tick)
        self.timer.start(20)

    def _tick(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or box.property("answered"):
            return
        box.setProperty("answered", True)
        self.seen.append((box.text(), box.informativeText()))
        label, before = self.script.pop(0) if self.script else ("Keep the app open", None)
        if before is not None:
            before()
        button = next(b for b in box.buttons() if b.text().replace("&", "") == label)
        button.click()

    def stop(self) -> None:
        self.timer.stop()


def type_into_case(qtbot: Any, app: App) -> None:
    window = app.window
    window.open_case(app.case_ref)
    page = app.page()
    app.review_id = page.review_id
    page.goto_section("learning")
    target = app.typed_field().focus_target()
    target.setFocus()
    QTest.keyClicks(target, TYPED)
    assert app.typed_field().value() == TYPED


def press_ctrl_q(qtbot: Any, app: App) -> None:
    window = app.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        app.typed_field().focus_target(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
    )


def close_window(_qtbot: Any, app: App) -> None:
    app.window.close()


QUIT_WAYS = {"ctrl+q": press_ctrl_q, "close the window": close_window}


@pytest.mark.parametrize("quit_by", list(QUIT_WAYS))
def test_quitting_while_saves_fail_asks_keeps_the_text_and_retry_saves_it(
    qtbot: Any, app: App, quit_by: str
) -> None:
    app.disk.full = True
    type_into_case(qtbot, app)
    answers = Answers([("Keep the app open", None)])
    QUIT_WAYS[quit_by](qtbot, app)
    answers.stop()
    assert len(answers.seen) == 1, "quitting with unsaved typing must ask"
    text, details = answers.seen[0]
    assert text == "1 change could not be saved."
    assert "disk is full" in details
    assert TYPED not in text + details, "no patient text in the question"
    assert app.window.isVisible(), "Keep the app open keeps it open"
    assert app.typed_field().value() == TYPED, "the typing is still on screen"
    assert app.page().current_case_ref == app.case_ref
    assert app.disk.refused > 0 and QUESTION not in app.stored()

    def free_space() -> None:
        app.disk.full = False

    # Retry while the disk is still full asks again; once space is freed, Retry saves and quits.
    answers = Answers([("Retry", None), ("Retry", free_space)])
    QUIT_WAYS[quit_by](qtbot, app)
    answers.stop()
    assert len(answers.seen) == 2
    assert not app.window.isVisible(), "saved, so the app quits"
    assert app.stored()[QUESTION] == TYPED, "every character is on disk"
    assert app.window.discarded_unsaved == 0


def test_quit_and_lose_them_quits_and_says_so_in_the_log(
    qtbot: Any, app: App, caplog: pytest.LogCaptureFixture
) -> None:
    app.disk.full = True
    type_into_case(qtbot, app)
    answers = Answers([("Quit and lose them", None)])
    app.window.close()
    answers.stop()
    assert len(answers.seen) == 1
    assert not app.window.isVisible()
    assert app.window.discarded_unsaved == 1
    assert "quit with 1 unsaved change" in caplog.text
    assert TYPED not in caplog.text


def test_with_everything_saved_quit_does_not_ask(qtbot: Any, app: App) -> None:
    type_into_case(qtbot, app)
    qtbot.waitUntil(lambda: app.stored().get(QUESTION) == TYPED, timeout=5000)
    answers = Answers([])
    press_ctrl_q(qtbot, app)
    answers.stop()
    assert answers.seen == []
    assert not app.window.isVisible()


def test_typing_not_yet_saved_is_saved_on_quit_without_asking(qtbot: Any, app: App) -> None:
    type_into_case(qtbot, app)  # quit at once, inside the debounce: nothing on disk yet
    answers = Answers([])
    app.window.close()
    answers.stop()
    assert answers.seen == []
    assert not app.window.isVisible()
    assert app.stored()[QUESTION] == TYPED


class FakeSessionManager:
    def __init__(self, interaction: bool) -> None:
        self.interaction = interaction
        self.cancelled = False
        self.released = False

    def allowsInteraction(self) -> bool:
        return self.interaction

    def release(self) -> None:
        self.released = True

    def cancel(self) -> None:
        self.cancelled = True


def test_logging_off_with_unsaved_typing_asks_and_can_cancel_the_logout(
    qtbot: Any, app: App
) -> None:
    """QApplication.commitDataRequest (the session is ending) goes through the same question.

    QSessionManager cannot be made outside Qt, so the slot is called with a stand-in."""
    app.disk.full = True
    type_into_case(qtbot, app)
    manager = FakeSessionManager(interaction=True)
    answers = Answers([("Keep the app open", None)])
    app.window._commit_data(manager)
    answers.stop()
    assert len(answers.seen) == 1
    assert manager.cancelled and manager.released
    assert app.window.isVisible() and app.typed_field().value() == TYPED

    app.disk.full = False
    manager = FakeSessionManager(interaction=True)
    answers = Answers([])
    app.window._commit_data(manager)
    answers.stop()
    assert answers.seen == [] and not manager.cancelled
    assert app.stored()[QUESTION] == TYPED
