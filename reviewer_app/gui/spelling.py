"""Spell checking in the app's text boxes: red wavy underlines and a right-click menu.

``install_spell_check(widget, checker)`` is the one call a text box needs (a QPlainTextEdit or
a QTextEdit): misspelt words get Qt's spell-check underline in red as the reviewer types (a
``QSyntaxHighlighter`` judges each changed paragraph, so a long text is never re-read whole);
right-clicking one (or the Menu key, or Shift+F10, with the cursor on it) offers the checker's
suggestions first, then "Add to dictionary" (kept in the encrypted workspace) and "Ignore"
(until the workspace is locked), above the box's usual Cut/Copy/Paste. Choosing a suggestion
replaces the word as typing would: it can be undone, and the form's autosave sees the change.
A read-only box keeps its underlines but offers no corrections.

Every text box sharing a checker is re-judged when a word is added or ignored in any of them.
A box installed without a checker follows the open workspace's, which the composition root
sets with ``set_workspace_checker`` at unlock and clears at lock (no underlines meanwhile).
What is judged, and how, is services/spelling's; no word is ever logged.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QTextEdit

from reviewer_app.errors import UserError

if TYPE_CHECKING:
    from reviewer_app.services.spelling.checker import Span, SpellChecker

TextBox = QPlainTextEdit | QTextEdit
UNDERLINE_COLOUR = "#d00000"
ADD_TO_DICTIONARY = "&Add to dictionary"
IGNORE = "&Ignore"
NO_SUGGESTIONS = "(no suggestions)"


class _Changes(QObject):
    """Tells every highlighter of one checker that its words changed."""

    changed = Signal()


_changes: weakref.WeakKeyDictionary[SpellChecker, _Changes] = weakref.WeakKeyDictionary()
_workspace: list[SpellChecker] = []  # the open workspace's checker, when one is open
_workspace_changes = _Changes()


def _changes_of(checker: SpellChecker) -> _Changes:
    hub = _changes.get(checker)
    if hub is None:
        hub = _changes[checker] = _Changes()
    return hub


def set_workspace_checker(checker: SpellChecker | None) -> None:
    """The checker of the workspace now open (None when it locks or closes): the boxes
    installed without a checker of their own follow it, and are judged again at once."""
    _workspace[:] = [] if checker is None else [checker]
    _workspace_changes.changed.emit()


def workspace_checker() -> SpellChecker | None:
    return _workspace[0] if _workspace else None


def forget_ignored_words() -> None:
    """At lock: the open workspace's ignored words are forgotten (they may be names)."""
    checker = workspace_checker()
    if checker is not None:
        checker.forget_ignored()
        rehighlight_all(checker)


def rehighlight_all(checker: SpellChecker) -> None:
    """Re-judge every box of ``checker`` (after its words changed: menu, Settings)."""
    _changes_of(checker).changed.emit()
    if checker is workspace_checker():
        _workspace_changes.changed.emit()


def _utf16(text: str, index: int) -> int:
    """Qt's position (UTF-16 units) of Python's ``text[index]``."""
    head = text[:index]
    return index + sum(1 for ch in head if ord(ch) > 0xFFFF)


def _spans16(checker: SpellChecker, text: str) -> list[tuple[int, int, Span]]:
    """The misspelt words of ``text`` as Qt positions (start, end) with each span."""
    spans = checker.misspelt(text)
    if text.isascii():
        return [(s.start, s.end, s) for s in spans]
    return [(_utf16(text, s.start), _utf16(text, s.end), s) for s in spans]


class SpellHighlighter(QSyntaxHighlighter):
    """Underlines the misspelt words of a document, paragraph by paragraph, as ``checker``
    judges them (None: as the open workspace's checker does; nothing while none is open)."""

    def __init__(self, document, checker: SpellChecker | None = None) -> None:
        super().__init__(document)
        self._own = checker
        self._format = QTextCharFormat()
        self._format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SpellCheckUnderline)
        self._format.setUnderlineColor(QColor(UNDERLINE_COLOUR))
        hub = _workspace_changes if checker is None else _changes_of(checker)
        hub.changed.connect(self.rehighlight)

    @property
    def checker(self) -> SpellChecker | None:
        return self._own if self._own is not None else workspace_checker()

    def highlightBlock(self, text: str) -> None:
        checker = self.checker
        if checker is None:
            return
        for start, end, _span in _spans16(checker, text):
            self.setFormat(start, end - start, self._format)


def install_spell_check(widget: TextBox, checker: SpellChecker | None = None) -> SpellHighlighter:
    """Spell-check ``widget``: underlines and the right-click menu. With no ``checker``, the
    box follows the open workspace's (``set_workspace_checker``), so a form built once keeps
    working across lock and unlock."""
    highlighter = SpellHighlighter(widget.document(), checker)
    widget._spell_highlighter = highlighter  # type: ignore[union-attr]  # keep it alive
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    widget.customContextMenuRequested.connect(
        lambda pos: _show_menu(widget, highlighter.checker, pos)
    )
    return highlighter


def _show_menu(widget: TextBox, checker: SpellChecker | None, pos: QPoint) -> None:
    menu = spelling_menu(widget, checker, pos)
    menu.exec(widget.viewport().mapToGlobal(pos))
    menu.deleteLater()


def misspelt_at(widget: TextBox, checker: SpellChecker, pos: QPoint) -> QTextCursor | None:
    """A cursor selecting the misspelt word at ``pos`` (viewport coordinates), or None."""
    at = widget.cursorForPosition(pos)
    block = at.block()
    column = at.positionInBlock()
    for start, end, _span in _spans16(checker, block.text()):
        if start <= column <= end:
            cursor = QTextCursor(block)
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + end, QTextCursor.MoveMode.KeepAnchor)
            return cursor
    return None


def spelling_menu(widget: TextBox, checker: SpellChecker | None, pos: QPoint) -> QMenu:
    """The box's context menu, with the spelling items first when ``pos`` is on a misspelt
    word of an editable box."""
    menu = widget.createStandardContextMenu(pos)
    if checker is None or widget.isReadOnly():
        return menu
    word = misspelt_at(widget, checker, pos)
    if word is None:
        return menu
    items = _spelling_items(menu, checker, word)
    first = menu.actions()[0] if menu.actions() else None
    if first is None:
        menu.addActions(items)
    else:
        menu.insertActions(first, items)
        menu.insertSeparator(first)
    return menu


def _spelling_items(menu: QMenu, checker: SpellChecker, word: QTextCursor) -> list[QAction]:
    """Suggestions (bold, best first), then "Add to dictionary" and "Ignore"."""
    text = word.selectedText()
    bold = QFont(menu.font())
    bold.setBold(True)
    items = []
    for suggestion in checker.suggestions(text):
        action = QAction(suggestion, menu)
        action.setFont(bold)
        action.triggered.connect(lambda _=False, s=suggestion: word.insertText(s))
        items.append(action)
    if not items:
        none = QAction(NO_SUGGESTIONS, menu)
        none.setEnabled(False)
        items.append(none)
    separator = QAction(menu)
    separator.setSeparator(True)
    add = QAction(ADD_TO_DICTIONARY, menu)
    add.triggered.connect(lambda: _add(checker, text))
    ignore = QAction(IGNORE, menu)
    ignore.triggered.connect(lambda: _ignore(checker, text))
    return [*items, separator, add, ignore]


def _add(checker: SpellChecker, word: str) -> None:
    try:
        checker.add_to_dictionary(word)
    except UserError:
        return  # only single words are underlined, so this is not expected; nothing changes
    rehighlight_all(checker)


def _ignore(checker: SpellChecker, word: str) -> None:
    checker.ignore(word)
    rehighlight_all(checker)
