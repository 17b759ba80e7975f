"""Case ▸ Sign… and Amend… go through the window, not the form's button: the window refuses
too while a typed date is not saved (``MainWindow.edits_saved``, what the Case menu asks
first), sends the person back to the box, and lets them on once the date is saved."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QRadioButton

from reviewer_app.app import ReviewForm, build_main_window
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.settings import AppSettings
from reviewer_app.paths import AppPaths
from reviewer_app.services.session import ReviewerSession
from tests.gui.review_helpers import ACTOR, dispose, make_workspace


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> Iterator[MainWindow]:
    workspace, refs = make_workspace(tmp_path / "ws", 1)
    session = ReviewerSession(workspace)
    form = ReviewForm(session, ACTOR)
    made = build_main_window(
        session, AppSettings(AppPaths.from_environment().settings_file), demo=True, form=form
    )
    made.show()
    qtbot.waitExposed(made)
    made.open_case(refs[0])
    try:
        yield made
    finally:
        assert form.stop(10)
        dispose(made)
        session.close()


def _type_date(box: Any, text: str) -> None:
    box.edit.setFocus()
    box.edit.selectAll()
    QTest.keyClicks(box.edit, text)
    QTest.keyClick(box.edit, Qt.Key.Key_Return)


def test_the_window_refuses_to_sign_past_a_date_not_saved(qtbot: Any, window: MainWindow) -> None:
    page = window.review_page
    assert page is not None
    page.goto_section("relatives")
    row = page.row("relatives.contact_attempted").field
    yes = next(b for b in row.findChildren(QRadioButton) if b.text().replace("&", "") == "Yes")
    yes.click()
    box = page.row("relatives.contact_date").field
    _type_date(box, "1/6/17")
    qtbot.waitUntil(window.edits_saved)  # a saved date: on to signing (both sides)
    _type_date(box, "yesterday")
    page.goto_section("learning")  # the person has moved on
    assert not window.edits_saved()  # Case ▸ Sign… / Amend… stop here
    assert QApplication.focusWidget() is box.edit  # back at the box that says why
    _type_date(box, "2/6/2017")
    qtbot.waitUntil(window.edits_saved)
