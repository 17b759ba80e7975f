"""Choosing from the keyboard: one key per option, arrows that select, one Tab stop per group.

A group of options is one Tab stop (the chosen option, else the first: a "roving" Tab stop);
within it the arrow keys move AND choose (radio buttons) or move (check boxes, where Space
ticks). Each radio option has a key of its own, shown underlined: the digit a care score or
grade starts with (1-5, 1-6), Y / N / A / U / C for yes / no / not applicable / unknown /
cannot tell, else the first free initial of the option's words. Delete (or Backspace) makes
the question unanswered again, so the mouse-only "Clear answer" button needs no Tab stop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

from reviewer_app.domain.values import CANNOT_TELL, NO, NOT_APPLICABLE, UNKNOWN, YES, JsonValue

VOCABULARY_KEYS = {YES: "Y", NO: "N", NOT_APPLICABLE: "A", UNKNOWN: "U", CANNOT_TELL: "C"}
"""The yes / no vocabulary's keys, the same in every question that offers them."""

CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
PREVIOUS_KEYS = (Qt.Key.Key_Up, Qt.Key.Key_Left)
NEXT_KEYS = (Qt.Key.Key_Down, Qt.Key.Key_Right)


def option_keys(options: Sequence[tuple[JsonValue, str]]) -> list[str | None]:
    """One key per option (upper case), or ``None`` where no free key is left.

    The vocabulary's keys first, then a label's leading digit (care scores, grades), then
    the first initial of the label's words not yet taken, then any letter of it.
    """
    keys: list[str | None] = [None] * len(options)
    taken: set[str] = set()
    for index, (value, label) in enumerate(options):
        key = VOCABULARY_KEYS.get(value) if isinstance(value, str) else None
        if key is None and label[:1].isdigit():
            key = label[0]
        if key is not None and key not in taken:
            keys[index] = key
            taken.add(key)
    for index, (_, label) in enumerate(options):
        if keys[index] is not None:
            continue
        initials = [word[0] for word in label.split() if word[:1].isalnum()]
        for candidate in [*initials, *label]:
            upper = candidate.upper()
            if upper.isalnum() and upper not in taken:
                keys[index] = upper
                taken.add(upper)
                break
    return keys


def underlined(label: str, key: str | None) -> str:
    """The label with its key marked for the style to underline (``&``; a literal ``&&``)."""
    escaped = label.replace("&", "&&")
    if key is None:
        return escaped
    words = escaped.split(" ")
    for at, word in enumerate(words):  # an initial first ("Not &applicable")
        if word[:1].upper() == key:
            words[at] = "&" + word
            return " ".join(words)
    at = escaped.upper().find(key)
    return escaped if at < 0 else f"{escaped[:at]}&{escaped[at:]}"


class OptionButton(QRadioButton):
    """A radio option that draws its key underlined without an Alt shortcut of its own.

    (A ``&`` in the text would register Alt+key for every option on the page, clashing
    between questions and with the form's own Alt shortcuts.) The keys themselves are
    handled by the field (``choose_by_key``), for whichever of its options has the focus.
    """

    def __init__(self, text: str, key: str | None, parent: QWidget) -> None:
        super().__init__(text, parent)
        self.key = key
        self._shown = underlined(text, key)
        if key is not None:
            self.setToolTip(f"Press {key} to choose")

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self._shown
        painter.drawControl(QStyle.ControlElement.CE_RadioButton, option)


def roving(buttons: Sequence[QAbstractButton], current: int) -> None:
    """Only ``buttons[current]`` is a Tab stop; the others take focus by click or arrow."""
    for index, button in enumerate(buttons):
        wanted = Qt.FocusPolicy.StrongFocus if index == current else Qt.FocusPolicy.ClickFocus
        if button.focusPolicy() != wanted:
            button.setFocusPolicy(wanted)


def plain(event: QKeyEvent) -> bool:
    """No modifier but Shift (and keypad): a key meant for the control, not a shortcut."""
    extra = event.modifiers() & ~(
        Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
    )
    return extra == Qt.KeyboardModifier.NoModifier


def step_focus(
    buttons: Sequence[QAbstractButton], event: QKeyEvent, moved: Callable[[int], None]
) -> bool:
    """Arrow keys within a group (wrapping): ``moved(index)`` with the newly focused index."""
    key = event.key()
    if not plain(event) or key not in (*PREVIOUS_KEYS, *NEXT_KEYS):
        return False
    focused = next((i for i, b in enumerate(buttons) if b.hasFocus()), None)
    if focused is None:
        return False
    step = -1 if key in PREVIOUS_KEYS else 1
    index = focused
    for _ in buttons:  # the next enabled one
        index = (index + step) % len(buttons)
        if buttons[index].isEnabled() and not buttons[index].isHidden():
            break
    buttons[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
    moved(index)
    return True
