"""Spell checking in a text box: red wavy underlines, the right-click menu and its actions, and
the reviewer's dictionary kept in the workspace across lock and unlock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QMenu, QPlainTextEdit, QTextEdit

from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.settings_dialog import SettingsDialog
from reviewer_app.gui.spelling import (
    ADD_TO_DICTIONARY,
    IGNORE,
    NO_SUGGESTIONS,
    UNDERLINE_COLOUR,
    forget_ignored_words,
    install_spell_check,
    set_workspace_checker,
    spelling_menu,
)
from reviewer_app.gui.spelling_words import EMPTY
from reviewer_app.services.spelling.checker import SpellChecker
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import TEST_KDF, DatabaseKey
from reviewer_app.storage.migrations import migrate


@pytest.fixture
def checker(tmp_path: Path) -> Iterator[SpellChecker]:
    key = DatabaseKey(os.urandom(32))
    database = Database(tmp_path / "w.db", key)
    migrate(database, key)
    yield SpellChecker(database)
    database.close()


def _box(qtbot, checker: SpellChecker, text: str, kind=QPlainTextEdit):
    box = kind()
    qtbot.addWidget(box)
    box.resize(500, 200)
    install_spell_check(box, checker)
    box.setPlainText(text)
    box.show()
    qtbot.waitExposed(box)
    return box


def _underlined(box) -> list[str]:
    """The underlined words of every paragraph, as the highlighter formatted them (Qt's
    positions count UTF-16 units)."""
    found = []
    block = box.document().begin()
    while block.isValid():
        units = block.text().encode("utf-16-le")
        for fmt in block.layout().formats():
            style = fmt.format.underlineStyle()
            if style == QTextCharFormat.UnderlineStyle.SpellCheckUnderline:
                assert fmt.format.underlineColor().name() == UNDERLINE_COLOUR
                word = units[2 * fmt.start : 2 * (fmt.start + fmt.length)]
                found.append(word.decode("utf-16-le"))
        block = block.next()
    return found


def _point_on(box, position: int) -> QPoint:
    """Viewport coordinates of the character at ``position`` (Qt's units)."""
    cursor = QTextCursor(box.document())
    cursor.setPosition(position)
    rect = box.cursorRect(cursor)
    return QPoint(rect.x() + 3, rect.center().y())


def _labels(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _action(menu: QMenu, label: str):
    (action,) = [a for a in menu.actions() if a.text() == label]
    return action


def test_misspelt_words_are_underlined_and_british_ones_are_not(qtbot, checker) -> None:
    box = _box(qtbot, checker, "Haemorrhage noted, colour poor.\nPatinet seen by registar.")
    assert _underlined(box) == ["Patinet", "registar"]
    box.setPlainText("AKI, NEWS2 of 7, 943 476 5919, co-amoxiclav via www.nhs.uk")
    assert _underlined(box) == []


def test_a_qtextedit_is_checked_too_and_offsets_survive_wide_characters(qtbot, checker) -> None:
    box = _box(qtbot, checker, "\N{GRINNING FACE} registar", kind=QTextEdit)
    assert _underlined(box) == ["registar"]  # Qt counts the emoji as two: the word still fits


def test_right_click_offers_suggestions_and_replacing_is_undoable(qtbot, checker) -> None:
    box = _box(qtbot, checker, "Seen by the registar today")
    menu = spelling_menu(box, checker, _point_on(box, 14))
    labels = _labels(menu)
    assert labels[0] == "registrar"
    undo = next(i for i, label in enumerate(labels) if label.startswith("&Undo"))
    assert labels.index(ADD_TO_DICTIONARY) < labels.index(IGNORE) < undo  # the usual ones last
    _action(menu, "registrar").trigger()
    assert box.toPlainText() == "Seen by the registrar today"
    assert _underlined(box) == []
    box.undo()
    assert box.toPlainText() == "Seen by the registar today"


def test_off_a_misspelt_word_or_read_only_the_menu_is_the_usual_one(qtbot, checker) -> None:
    box = _box(qtbot, checker, "Seen by the registar today")
    assert ADD_TO_DICTIONARY not in _labels(spelling_menu(box, checker, _point_on(box, 1)))
    box.setReadOnly(True)
    assert _underlined(box) == ["registar"]
    assert ADD_TO_DICTIONARY not in _labels(spelling_menu(box, checker, _point_on(box, 14)))


def test_a_word_with_no_suggestion_says_so(qtbot, checker) -> None:
    box = _box(qtbot, checker, "qzxqzxqzx")
    menu = spelling_menu(box, checker, _point_on(box, 2))
    none = _action(menu, NO_SUGGESTIONS)
    assert not none.isEnabled()


def test_add_and_ignore_clear_the_underline_in_every_box_of_the_checker(qtbot, checker) -> None:
    first = _box(qtbot, checker, "Dr Quenby on Ashdown ward")
    second = _box(qtbot, checker, "Quenby reviewed; Ashdown full")
    assert _underlined(second) == ["Quenby", "Ashdown"]
    _action(spelling_menu(first, checker, _point_on(first, 4)), ADD_TO_DICTIONARY).trigger()
    assert _underlined(first) == ["Ashdown"] and _underlined(second) == ["Ashdown"]
    assert checker.own_words() == ["Quenby"]
    _action(spelling_menu(first, checker, _point_on(first, 14)), IGNORE).trigger()
    assert _underlined(first) == [] and _underlined(second) == []
    assert checker.own_words() == ["Quenby"]  # ignoring stores nothing


@pytest.mark.parametrize("reason", ["mouse", "keyboard"])
def test_a_right_click_or_the_menu_key_shows_the_menu_and_its_choice_applies(
    qtbot, checker, reason: str
) -> None:
    box = _box(qtbot, checker, "Seen by the registar today")
    seen: list[list[str]] = []

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        seen.append(_labels(menu))
        _action(menu, "registrar").trigger()
        menu.close()

    QTimer.singleShot(0, choose)
    if reason == "mouse":  # a right-click reaches the viewport at the mouse
        target, pos, why = box.viewport(), _point_on(box, 14), QContextMenuEvent.Reason.Mouse
    else:  # the Menu key (Shift+F10) reaches the box at its text cursor, as Qt sends it
        cursor = box.textCursor()
        cursor.setPosition(14)
        box.setTextCursor(cursor)
        rect = box.inputMethodQuery(Qt.InputMethodQuery.ImCursorRectangle)
        target, pos, why = box, rect.toRect().center(), QContextMenuEvent.Reason.Keyboard
    QApplication.sendEvent(target, QContextMenuEvent(why, pos, target.mapToGlobal(pos)))
    assert seen and seen[0][0] == "registrar"
    assert box.toPlainText() == "Seen by the registrar today"


def test_added_words_stay_added_after_lock_and_unlock(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "workspace"
    passphrase = "a long enough passphrase"
    with Workspace.create(folder, passphrase, kdf=TEST_KDF) as workspace:
        checker = SpellChecker(workspace.db)
        box = _box(qtbot, checker, "Given Quixotrane overnight")
        _action(spelling_menu(box, checker, _point_on(box, 8)), ADD_TO_DICTIONARY).trigger()
        assert _underlined(box) == []
    with Workspace.unlock(folder, passphrase) as workspace:
        again = SpellChecker(workspace.db)
        assert _underlined(_box(qtbot, again, "Given Quixotrane overnight")) == []
        assert again.own_words() == ["Quixotrane"]


def test_settings_lists_own_words_and_removes_them_only_on_save(
    qtbot, checker, tmp_path: Path
) -> None:
    for word in ("Quenby", "Ashdown", "bloods"):
        checker.add_to_dictionary(word)
    box = _box(qtbot, checker, "Quenby and Ashdown")
    assert _underlined(box) == []
    settings = AppSettings(tmp_path / "s.ini")

    cancelled = SettingsDialog(settings, spelling=checker)
    qtbot.addWidget(cancelled)
    words = cancelled.own_words.words
    assert [words.item(i).text() for i in range(words.count())] == ["Ashdown", "bloods", "Quenby"]
    words.item(0).setSelected(True)
    cancelled.own_words.remove.click()
    assert words.count() == 2
    cancelled.reject()
    assert checker.own_words() == ["Ashdown", "bloods", "Quenby"]  # Cancel changes nothing

    saved = SettingsDialog(settings, spelling=checker)
    qtbot.addWidget(saved)
    saved.own_words.words.item(2).setSelected(True)
    saved.own_words.words.item(0).setSelected(True)
    saved.own_words.remove.click()
    saved.accept()
    assert checker.own_words() == ["bloods"]
    assert _underlined(box) == ["Quenby", "Ashdown"]  # judged again at once


def test_settings_without_own_words_says_how_to_add_one(qtbot, checker, tmp_path: Path) -> None:
    settings = AppSettings(tmp_path / "s.ini")
    dialog = SettingsDialog(settings, spelling=checker)
    qtbot.addWidget(dialog)
    assert dialog.own_words.hint.text() == EMPTY
    assert dialog.own_words.words.isHidden()
    plain = SettingsDialog(settings)  # no workspace checker given: no dictionary box
    qtbot.addWidget(plain)
    assert plain.own_words is None


def test_a_box_without_its_own_checker_follows_the_open_workspace(qtbot, checker) -> None:
    box = QPlainTextEdit()
    qtbot.addWidget(box)
    highlighter = install_spell_check(box)
    box.setPlainText("Seen by the registar")
    box.show()
    qtbot.waitExposed(box)
    try:
        assert _underlined(box) == []  # no workspace open: nothing judged, nothing offered
        assert ADD_TO_DICTIONARY not in _labels(spelling_menu(box, None, _point_on(box, 14)))
        set_workspace_checker(checker)
        assert highlighter.checker is checker
        assert _underlined(box) == ["registar"]
        menu = spelling_menu(box, highlighter.checker, _point_on(box, 14))
        _action(menu, ADD_TO_DICTIONARY).trigger()
        assert _underlined(box) == []  # the workspace's words changed: judged again
        assert checker.own_words() == ["registar"]
        box.setPlainText("Seen by Featherstonehaugh")
        _action(spelling_menu(box, checker, _point_on(box, 10)), IGNORE).trigger()
        assert _underlined(box) == []
        forget_ignored_words()  # what locking does
        assert _underlined(box) == ["Featherstonehaugh"]
    finally:
        set_workspace_checker(None)
    box.setPlainText("Seen by the registar, the registarr")
    assert _underlined(box) == []
    assert highlighter.checker is None


def test_the_app_turns_spell_checking_on_for_the_open_workspace_and_off_at_close(
    qtbot: Any, tmp_path: Path, isolated_home: Path
) -> None:
    """The app, built as app.py builds it, loads the dictionary off the GUI thread and gives
    the workspace's checker to every free-text box; closing takes it away."""
    from reviewer_app.app import Shell
    from reviewer_app.gui.spelling import workspace_checker
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.session import ReviewerSession
    from tests.gui.review_helpers import dispose, make_workspace

    workspace, _refs = make_workspace(tmp_path / "ws", 1)
    shell = Shell(None, AppPaths.from_environment(), tmp_path / "ws", demo=False)
    try:
        shell.show_main(ReviewerSession(workspace))
        qtbot.waitUntil(lambda: workspace_checker() is not None, timeout=10_000)
        checker = workspace_checker()
        assert checker is not None
        assert [w.word for w in checker.misspelt("Seen by the registar")] == ["registar"]
    finally:
        window = shell.window
        shell.close()
        if window is not None:
            dispose(window)
    assert workspace_checker() is None
