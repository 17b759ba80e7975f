"""The main window's menus: File, Go, Case (gui/case_menu.py) and Help, with their keys.

``build_menus(window)`` makes every action on the window (each also a window-wide shortcut,
so the keys work wherever focus is) and names them on it (``window.lock_action``, …), as the
window and its tests use them. File holds, in order: New study…, Open study…, Settings…,
Import assignment pack… (gui/pack_import.py), Return completed reviews… (gui/returns_action.py),
Export signed summaries…, Lock workspace, Quit.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from reviewer_app.gui.case_menu import CaseMenu
from reviewer_app.gui.pack_import import install_pack_action
from reviewer_app.gui.returns_action import install_return_action


def window_action(
    window: QWidget, text: str, shortcut: QKeySequence | str | None, slot: Callable[[], object]
) -> QAction:
    """An action of ``window``: its shortcut works anywhere in the window."""
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(lambda _checked=False: slot())
    window.addAction(action)
    return action


def build_menus(w: Any) -> None:
    """Every menu and action of ``w`` (a ``MainWindow``), named on it."""
    act = partial(window_action, w)
    w.lock_action = act("&Lock workspace", "Ctrl+L", lambda: w.lock("shortcut"))
    w.quit_action = act("&Quit", "Ctrl+Q", w.close)
    w.settings_action = act("&Settings…", "Ctrl+,", w.open_settings)
    w.list_action = act("&Case list", "Ctrl+Shift+L", w.show_case_list)
    w.find_action = act("&Find a case", None, w.find_case)
    w.find_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Find))
    w.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    # Shift+F1: F1 alone belongs to the form (help for the question being answered).
    w.shortcuts_action = act("&Keyboard shortcuts", "Shift+F1", w.show_shortcuts)
    menu = w.menuBar()
    file_menu = menu.addMenu("&File")
    w.new_study_action = act("&New study…", None, w.new_study_requested.emit)
    w.open_study_action = act("Open stud&y…", None, w.open_study_requested.emit)
    file_menu.addAction(w.new_study_action)
    file_menu.addAction(w.open_study_action)
    file_menu.addSeparator()
    file_menu.addAction(w.settings_action)
    file_menu.addSeparator()
    file_menu.addAction(w.lock_action)
    file_menu.addAction(w.quit_action)
    go_menu = menu.addMenu("&Go")
    go_menu.addAction(w.list_action)
    go_menu.addAction(w.find_action)
    help_menu = menu.addMenu("&Help")
    # F1 itself belongs to the page on screen (the list: the topics; the form: the
    # question's help and its topic); the menu item shows the key without taking it.
    w.help_action = act("Help &topics\tF1", None, w.show_help)
    w.about_action = act("&About reviewer-app", None, w.show_about)
    help_menu.addAction(w.help_action)
    help_menu.addAction(w.shortcuts_action)
    help_menu.addSeparator()
    help_menu.addAction(w.about_action)
    w._unlocked_only = [w.settings_action, w.list_action, w.find_action]
    _build_case_actions(w, file_menu, help_menu)


def _build_case_actions(w: Any, file_menu: QMenu, help_menu: QMenu) -> None:
    """The Case menu (before Help), and in File: Import assignment pack…, Return completed
    reviews… and Export signed summaries…"""
    w.cases = CaseMenu(w, w, w.signing, partial(window_action, w))
    w.cases.install(w.menuBar(), file_menu, help_menu, before=w.lock_action)
    actions = w.cases.actions
    w.case_actions = actions.on_case
    (w.sign_action, w.cosign_action, w.amend_action) = w.case_actions[:3]
    (w.print_action, w.open_summary_action, w.save_summary_action) = w.case_actions[3:]
    w.export_action = actions.export
    w.case_menu = actions.menu
    w.returns = install_return_action(w, w._runner, w._settings, w._reload)
    file_menu.insertAction(w.export_action, w.returns.action)
    w.packs = install_pack_action(w, w._runner, w._settings, w._reload, w._packs)
    file_menu.insertAction(w.returns.action, w.packs.action)
    file_menu.aboutToShow.connect(w.packs.count)
