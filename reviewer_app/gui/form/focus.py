"""Following the keyboard focus through the form: which field and which row hold it.

Leaving a field saves it, and the field last visited is where the reviewer comes back to;
both need the application's focus changes, which outlive any one page.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QWidget

from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.question_row import QuestionRow

W = TypeVar("W", bound=QWidget)


def follow_focus(owner: W, changed: Callable[[W, QWidget | None, QWidget | None], None]) -> None:
    """Call ``changed(owner, old, new)`` on each of the application's focus changes, safely.

    The application outlives ``owner``; a bound method connected to it would be called
    after the owner's C++ side is gone (a crash), so a weak, checked hook is connected and
    disconnected again when the owner is destroyed.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return
    ref = weakref.ref(owner)

    def hook(old: QWidget | None, new: QWidget | None) -> None:
        alive = ref()
        if alive is not None and shiboken6.isValid(alive):
            changed(alive, old, new)

    app.focusChanged.connect(hook)
    owner.destroyed.connect(lambda *_: app.focusChanged.disconnect(hook))


def field_of(widget: QWidget | None, root: QWidget) -> FieldWidget | None:
    """The outermost field holding ``widget``, if it is inside ``root``."""
    found: FieldWidget | None = None
    current = widget
    while current is not None:
        if isinstance(current, FieldWidget):
            found = current
        if current is root:
            return found
        current = current.parentWidget()
    return None


def row_of(widget: QWidget | None, root: QWidget) -> QuestionRow | None:
    """The question row holding ``widget``, if it is inside ``root``."""
    current = widget
    while current is not None and current is not root:
        if isinstance(current, QuestionRow):
            return current
        current = current.parentWidget()
    return None


def tab_before(page: QScrollArea, chain: Sequence[QWidget], window: QWidget) -> None:
    """Section list -> the page's controls, in reading order -> ``chain`` (the buttons below).

    Pages are built on first visit, so Qt appends their controls to the end of the tab
    chain (after the bottom bar, built earlier). Moving the bottom buttons after the new
    page's last control keeps the order the eye expects; hidden pages are skipped by Tab.
    """
    body = page.widget()
    if body is None:
        return
    focusable = [w for w in body.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus]
    if not focusable or focusable[-1].window() is not window:
        return
    previous: QWidget = focusable[-1]
    for button in chain:
        QWidget.setTabOrder(previous, button)
        previous = button


PRESS_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
KEY_EVENTS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
TAB_KEYS = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
CHOSEN = (Qt.FocusReason.MouseFocusReason, Qt.FocusReason.ShortcutFocusReason)
KEPT = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
REACHED = "reachedDeliberately"


class TypingGuard(QObject):
    """Typing never presses a button: Space and Enter only after Tab (or a click) reached it.

    Watched are the text boxes and the form's push buttons. When the focus leaves a text box
    other than by Tab or Shift+Tab (the box was hidden or disabled while the reviewer typed)
    and lands on a button, that button ignores Space and Enter until the reviewer moves the
    focus on purpose (Tab away and back, or a click): the next typed space is not a click.
    """

    def __init__(self) -> None:
        super().__init__()
        self._last_text_key: int | None = None
        self._from_typing = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if isinstance(watched, QPushButton):
            if kind == QEvent.Type.FocusIn and isinstance(event, QFocusEvent):
                self._button_focused(watched, event.reason())
            elif kind in KEY_EVENTS and isinstance(event, QKeyEvent) and event.key() in PRESS_KEYS:
                return watched.property(REACHED) is False  # press and release
        elif kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            self._last_text_key = event.key()
        elif kind == QEvent.Type.FocusOut:
            self._from_typing = self._last_text_key not in (None, *TAB_KEYS)
            self._last_text_key = None
        return False

    def _button_focused(self, button: QPushButton, reason: Qt.FocusReason) -> None:
        if reason in CHOSEN:
            button.setProperty(REACHED, True)
        elif reason not in KEPT:
            button.setProperty(REACHED, not self._from_typing)
        self._from_typing = False

    def moved_on_purpose(self) -> None:
        """The form itself moves the focus (a section, a question): not typing's accident."""
        self._from_typing = False

    def watch(self, widget: QWidget) -> None:
        """Watch a text box or a push button (once each)."""
        if widget.property("typingGuard") is None:
            widget.setProperty("typingGuard", True)
            widget.installEventFilter(self)

    def watch_buttons(self, root: QWidget) -> None:
        for button in root.findChildren(QPushButton):
            self.watch(button)


_GUARD: list[TypingGuard] = []


def typing_guard() -> TypingGuard:
    """The one guard of the application (created on first use, on the GUI thread)."""
    if not _GUARD:
        _GUARD.append(TypingGuard())
    return _GUARD[0]
