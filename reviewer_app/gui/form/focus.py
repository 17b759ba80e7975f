"""Following the keyboard focus through the form: which field and which row hold it.

Leaving a field saves it, and the field last visited is where the reviewer comes back to;
both need the application's focus changes, which outlive any one page.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import TypeVar

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

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
