"""The typing guard on option groups (gui/form/choice_keys.TypingBurst), on a clock the test
moves: keys within TYPING_GAP_S of each other are a burst; a third key, or a key that is no
option's, makes it typing; keys a pause apart each choose, however many."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent

from reviewer_app.gui.form.choice_keys import TYPING_GAP_S, TypingBurst

BURST = 0.1  # s between keys: a person typing a word
PAUSE = 0.6  # s between keys: a person choosing, one key at a time


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _key(letter: str) -> QKeyEvent:
    return QKeyEvent(
        QEvent.Type.KeyPress, Qt.Key(ord(letter.upper())), Qt.KeyboardModifier.NoModifier, letter
    )


def _press(burst: TypingBurst, clock: Clock, keys: str, gap: float) -> list[str]:
    said = []
    for letter in keys:
        said.append(burst.key(_key(letter), letter in "yna", "before"))
        clock.now += gap
    return said


def test_the_gap_lies_between_typing_and_choosing() -> None:
    assert BURST < TYPING_GAP_S < PAUSE


def test_three_option_keys_in_a_burst_are_typing_and_put_the_answer_back(qapp) -> None:
    clock = Clock()
    burst = TypingBurst(clock)
    assert _press(burst, clock, "nyn", BURST) == ["choose", "choose", "typing"]
    assert burst.before == "before"  # what the group goes back to
    assert _press(burst, clock, "ya", BURST) == ["swallow", "swallow"]


def test_a_key_that_is_no_options_makes_a_burst_typing_at_once(qapp) -> None:
    clock = Clock()
    burst = TypingBurst(clock)
    assert _press(burst, clock, "se", BURST) == ["choose", "typing"]


def test_option_keys_a_pause_apart_each_choose(qapp) -> None:
    clock = Clock()
    burst = TypingBurst(clock)
    said = _press(burst, clock, "nynyna", PAUSE)
    assert said == ["choose"] * 6  # deliberate choices, however many
    clock.now += PAUSE
    assert _press(burst, clock, "yn", BURST) == ["choose", "choose"]  # two still do
