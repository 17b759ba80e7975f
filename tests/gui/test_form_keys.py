"""Choosing from the keyboard: an option's own key, arrows that choose, Delete that clears, one
Tab stop per group, and buttons that typing never presses."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.values import CANNOT_TELL, NO, NOT_APPLICABLE, UNKNOWN, YES
from reviewer_app.gui.form.choice_keys import option_keys, underlined
from reviewer_app.gui.form.factory import make_field
from reviewer_app.gui.form.fields import CheckboxField, RadioField
from reviewer_app.gui.form.focus import typing_guard
from tests.gui.review_helpers import Env, env

__all__ = ["env"]


def shown(qtbot: Any, widget: QWidget) -> Any:
    qtbot.addWidget(widget)
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow, timeout=2000)
    return widget


def tab_stops(field: QWidget) -> list[QWidget]:
    return [
        w
        for w in field.findChildren(QWidget)
        if w.isVisibleTo(field) and w.focusPolicy() & Qt.FocusPolicy.TabFocus
    ]


def test_option_keys_vocabulary_digits_and_initials() -> None:
    yes_no = [(YES, "Yes"), (NO, "No"), (NOT_APPLICABLE, "Not applicable"), (UNKNOWN, "Unknown")]
    yes_no.append((CANNOT_TELL, "Cannot tell from the records"))
    assert option_keys(yes_no) == ["Y", "N", "A", "U", "C"]
    scores = [(n, f"{n} – Care") for n in range(1, 6)] + [(NOT_APPLICABLE, "Not applicable")]
    assert option_keys(scores) == ["1", "2", "3", "4", "5", "A"]
    # initials first, then any free letter; never two options on one key
    keys = option_keys([("a", "Full review"), ("b", "Focused review"), ("c", "Fast")])
    assert keys[0] == "F" and len(set(keys)) == 3 and None not in keys
    assert option_keys([("a", "X"), ("b", "X")]) == ["X", None]  # nothing left: no key
    assert underlined("Not applicable", "A") == "Not &applicable"
    assert underlined("Salt & pepper", "P") == "Salt && &pepper"
    assert underlined("3 – Adequate", "3") == "&3 – Adequate"


@pytest.fixture
def yes_no(qtbot: Any, definition: ReviewDefinition) -> RadioField:
    field = make_field(definition.question("screening.learning_disability"))
    assert isinstance(field, RadioField)
    return shown(qtbot, field)


def test_a_sentence_typed_into_options_chooses_nothing(qtbot: Any, yes_no: RadioField) -> None:
    """ "Seen by the registrar" holds n, y and a: typed into a yes/no question by someone who
    thought they were in the text box, it must not answer No, Yes or Not applicable."""
    yes_no.focus_target().setFocus()
    qtbot.waitUntil(yes_no.buttons[0].hasFocus, timeout=2000)
    QTest.keyClicks(QApplication.focusWidget(), "Seen by the registrar")
    assert yes_no.value() is None, "typing chose an option"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # a pause in typing ends it
    yes_no.set_value(UNKNOWN)
    yes_no.focus_target().setFocus()
    QTest.keyClicks(QApplication.focusWidget(), "any news")  # a, n, y: all option keys
    assert yes_no.value() == UNKNOWN, "the earlier answer is put back"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    yes_no.focus_target().setFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)  # one key still chooses
    assert yes_no.value() == NO
    QToolTip.hideText()  # the notice's window goes with the test


def test_letters_and_arrows_choose_delete_clears(qtbot: Any, yes_no: RadioField) -> None:
    labels = [b.text() for b in yes_no.buttons]
    yes_no.focus_target().setFocus()
    qtbot.waitUntil(yes_no.buttons[0].hasFocus, timeout=2000)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N)
    assert yes_no.value() == NO and yes_no.buttons[labels.index("No")].hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y, Qt.KeyboardModifier.ShiftModifier)
    assert yes_no.value() == YES
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)  # an arrow chooses
    assert yes_no.value() == NO
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Left)  # wraps round
    assert yes_no.value() == yes_no._values[-1]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Q)  # no option: nothing happens
    assert yes_no.value() == yes_no._values[-1]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)
    assert yes_no.value() == yes_no._values[-1], "Alt+N is the form's shortcut, not No"
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert yes_no.value() is None, "cleared is unanswered, never No"
    assert yes_no.buttons[labels.index("No")].text() == "No"  # the text stays the label


def test_a_choice_group_is_one_tab_stop_and_clear_is_not_one(
    qtbot: Any, yes_no: RadioField
) -> None:
    assert tab_stops(yes_no) == [yes_no.buttons[0]]
    QTest.mouseClick(yes_no.buttons[1], Qt.MouseButton.LeftButton)
    assert yes_no.clear_button.isVisibleTo(yes_no)
    assert tab_stops(yes_no) == [yes_no.buttons[1]], "the chosen option is the Tab stop"
    assert yes_no.clear_button.focusPolicy() == Qt.FocusPolicy.NoFocus
    yes_no.clear_button.click()  # the mouse's way
    assert yes_no.value() is None


def test_check_boxes_one_tab_stop_arrows_move_space_ticks(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = make_field(definition.question("records.reviewed"))
    assert isinstance(field, CheckboxField)
    shown(qtbot, field)
    assert tab_stops(field) == [field.boxes[0]]
    field.focus_target().setFocus()
    qtbot.waitUntil(field.boxes[0].hasFocus, timeout=2000)
    QTest.keyClick(field.boxes[0], Qt.Key.Key_Down)
    assert field.boxes[1].hasFocus() and field.value() is None, "arrows move, never tick"
    assert tab_stops(field) == [field.boxes[1]]
    QTest.keyClick(field.boxes[1], Qt.Key.Key_Space)
    assert field.value() == [field._values[1]]
    QTest.keyClick(field.boxes[1], Qt.Key.Key_Up)
    QTest.keyClick(field.boxes[0], Qt.Key.Key_Space)
    assert field.value() == [field._values[0], field._values[1]]
    QTest.keyClick(field.boxes[0], Qt.Key.Key_Delete)
    assert field.value() is None


class Form(QWidget):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.box = QLineEdit(self)
        self.button = QPushButton("Remove", self)
        self.after = QLineEdit(self)
        for widget in (self.box, self.button, self.after):
            layout.addWidget(widget)
        self.clicks = 0
        self.button.clicked.connect(self._clicked)
        typing_guard().watch(self.box)
        typing_guard().watch(self.button)

    def _clicked(self) -> None:
        self.clicks += 1


def test_typing_never_presses_a_button_the_focus_fell_on(qtbot: Any) -> None:
    form = shown(qtbot, Form())
    form.box.setFocus()
    qtbot.waitUntil(form.box.hasFocus, timeout=2000)
    QTest.keyClicks(form.box, "the patient")
    form.box.setEnabled(False)  # the box goes while the reviewer types: focus moves on
    assert form.button.hasFocus()
    QTest.keyClick(form.button, Qt.Key.Key_Space)
    QTest.keyClick(form.button, Qt.Key.Key_Return)
    assert form.clicks == 0, "a typed space pressed the button"
    form.box.setEnabled(True)
    QTest.keyClick(form.button, Qt.Key.Key_Tab)
    assert form.after.hasFocus()
    QTest.keyClick(form.after, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert form.button.hasFocus()
    QTest.keyClick(form.button, Qt.Key.Key_Space)  # reached by Shift+Tab: it presses
    assert form.clicks == 1
    form.box.setFocus()
    QTest.keyClicks(form.box, "x")
    QTest.keyClick(form.box, Qt.Key.Key_Tab)  # Tab from typing reaches it on purpose
    assert form.button.hasFocus()
    QTest.keyClick(form.button, Qt.Key.Key_Space)
    assert form.clicks == 2


def in_view(page: Any, widget: QWidget) -> bool:
    viewport = page.viewport()
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    return bool(viewport.rect().contains(top_left))


def test_add_another_at_the_foot_focuses_and_shows_the_new_item(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.open_case(env.case_refs[2])
    page.goto_question("problems.any")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Y)
    group = page.row("problems.items").field
    qtbot.waitUntil(lambda: group.add_button.isVisibleTo(page), timeout=2000)
    for _ in range(5):  # Tab reaches "Add problem"
        if group.add_button.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert group.add_button.hasFocus() and group.add_button.text() == "Add problem"
    section = page.page("problems")
    for count in (1, 2):
        QTest.keyClick(group.add_button, Qt.Key.Key_Space)
        assert len(group.item_ids) == count
        first = group.rows[0].field.focus_target()
        assert first.hasFocus(), "the new item takes the focus"
        qtbot.waitUntil(lambda first=first: in_view(section, first), timeout=2000)
        assert group.add_button.text() == "Add another problem"
        below = group.add_button.mapTo(group, group.add_button.rect().topLeft()).y()
        assert below > group.editor.mapTo(group, group.editor.rect().topLeft()).y()
        group.add_button.setFocus(Qt.FocusReason.TabFocusReason)  # Tab's way back to it


def test_focus_is_shown_on_arrival_in_a_section(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.open_case(env.case_refs[2])
    window = page.window()
    window.setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange, False)
    QTest.keyClick(
        QApplication.focusWidget(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier
    )
    focused = QApplication.focusWidget()
    assert focused is not None and page.page(page.current_section_id or "").isAncestorOf(focused)
    # the style draws the focus frame only after a keyboard focus change: this is one
    assert window.testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)


def test_settings_the_case_tells_are_offered_and_taken_with_insert(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.open_case(env.case_refs[3])
    case = env.service.case(env.case_refs[3])
    assert case.site and case.gp_practice_code, "the synthetic case has both"
    field = page.row("theme.deterioration.setting").field
    assert isinstance(field, CheckboxField)
    assert field.suggestion.isVisibleTo(field) and case.site in field.suggestion.text.text()
    assert field.value() is None, "a suggestion is not an answer"
    page.goto_question("theme.deterioration.setting")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Insert)
    assert field.value() == ["acute_hospital", "primary_care"]
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Delete)
    assert field.value() is None
    group = page.row("problems.items").field
    group.add_item()
    combo = group.row_for("problems.item.setting").field
    assert combo.value() is None and combo.suggestion.isVisibleTo(combo)
    QTest.keyClick(combo.combo, Qt.Key.Key_Insert)
    assert combo.value() == "acute_hospital"


def test_the_suggestion_goes_once_taken(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[3])
    field = page.row("theme.deterioration.setting").field
    assert field.suggestion.isVisibleTo(field)
    field.set_value(["acute_hospital"])  # half of it: still offered
    assert field.suggestion.isVisibleTo(field)
    field.accept_suggestion()
    assert field.value() == ["acute_hospital", "primary_care"]
    assert not field.suggestion.isVisibleTo(field)
