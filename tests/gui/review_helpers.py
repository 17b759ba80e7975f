"""Shared set-up for the review form tests: a small workspace, the service, a real writer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form import ReviewPage
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import ReviewStore

PASSPHRASE = "gui test passphrase"
ACTOR = "gui-tester"


@dataclass
class Env:
    workspace: Workspace
    service: ReviewService
    writer: AutosaveWriter
    page: ReviewPage
    case_refs: list[str]
    dialogs: list[Any]

    def stored(self) -> dict[str, Any]:
        review_id = self.page.review_id
        assert review_id is not None
        return ReviewStore(self.workspace.db).answers(review_id)

    def review(self) -> Any:
        assert self.page.review_id is not None
        return ReviewStore(self.workspace.db).get(self.page.review_id)


def make_workspace(folder: Path, count: int = 5) -> tuple[Workspace, list[str]]:
    workspace = Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF)
    cases = synthetic_cases(count, prefix="GUI")
    CaseStore(workspace.db).upsert_many(cases)
    return workspace, [c.case_ref for c in cases]


@pytest.fixture
def env(qtbot: Any, tmp_path: Path) -> Iterator[Env]:
    workspace, refs = make_workspace(tmp_path / "ws")
    service = ReviewService(workspace.db)
    writer = AutosaveWriter(workspace.connect, ACTOR, debounce=0.05, max_delay=0.1)
    writer.start()
    page = ReviewPage(service, writer)
    dialogs: list[Any] = []

    def record(dialog: Any) -> int:
        dialogs.append(dialog)
        dialog.show()  # shown, not run modally: the test drives it
        return 0

    page.exec_dialog = record
    qtbot.addWidget(page)
    page.resize(1093, 614)
    page.show()
    try:
        yield Env(workspace, service, writer, page, refs, dialogs)
    finally:
        page.close_case()
        assert writer.stop(10)
        dispose(page)
        workspace.close()


def dispose(widget: Any) -> None:
    """Delete a top-level widget now, on this thread.

    Left to pytest-qt's ``deleteLater`` plus Python's cyclic garbage collector, a parentless
    page could be freed later from whatever thread runs the collector (a pool thread in a
    later test), which crashes Qt. In the app the page has a parent and this cannot happen.
    """
    from PySide6.QtCore import QCoreApplication, QEvent

    widget.close()
    widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def click(qtbot: Any, button: Any) -> None:
    """A real mouse click on the indicator (a stretched check box ignores blank space)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def wait_saved(qtbot: Any, env: Env, question_id: str, value: Any) -> None:
    qtbot.waitUntil(lambda: env.stored().get(question_id) == value, timeout=5000)


def activate(qtbot: Any, widget: Any) -> None:
    """The widget's window active, so that focus changes (and their signals) happen."""
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)
