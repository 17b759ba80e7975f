"""Choosing from the keyboard: one key per option, arrows that select, one Tab stop per group.

A group of options is one Tab stop (the chosen option, else the first: a "roving" Tab stop);
within it the arrow keys move AND choose (radio buttons) or move (check boxes, where Space
ticks). Each radio option has a key of its own, shown underlined: the digit a care score or
grade starts with (1-5, 1-6), Y / N / A / U / C for yes / no / not applicable / unknown /
cannot tell, else the first free initial of the option's words. Delete (or Backspace) makes
the question unanswered again, so the mouse-only "Clear answer" button needs no Tab stop.
"""

from __future__ import annotations

import time
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


TYPING_GAP_S = 0.35
"""Printable keys closer together than this at one group are one burst."""

TYPING_NOTICE = (
    "That looked like typing, so nothing was chosen: this is a question with options "
    "(press Tab to reach the text box)."
)


class TypingBurst:
    """Typing meant for a text box that lands on a group of options is not a choice.

    Option keys choose at once, so a sentence typed into an option group ("Seen by the
    registrar") would pick No, then Yes, then Not applicable. A burst of printable keys (each
    within ``TYPING_GAP_S`` of the last) becomes typing once it holds a key that is no
    option's or a third key: the group goes back to its answer before the burst and the rest
    of the burst is ignored. One or two option keys in a row still choose.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last = -1e9
        self._count = 0
        self._text_like = False
        self._restored = False
        self.before: JsonValue | None = None

    def key(self, event: QKeyEvent, is_option_key: bool, value: JsonValue | None) -> str:
        """ "choose" (handle the key as before), "typing" (just seen to be typing: put
        ``before`` back) or "swallow" (more of the same typing)."""
        text = event.text()
        if not text or not text.isprintable():  # an arrow, Tab, Delete: no longer typing
            self._last = -1e9
            return "choose"
        now = self._clock()
        if now - self._last >= TYPING_GAP_S:
            self._count, self._restored, self.before = 0, False, value
        self._last = now
        self._count += 1
        if self._count == 1:
            self._text_like = not is_option_key
            return "choose"
        if self._restored:
            return "swallow"
        if self._text_like or not is_option_key or self._count >= 3:
            self._restored = True
            return "typing"
        return "choose"
