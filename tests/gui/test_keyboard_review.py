"""End to end, KEY EVENTS ONLY: a whole review completed from the keyboard to "ready to sign".

After ``open_case`` (what the case list does on Enter) the test never calls a setter and never
uses the mouse: it presses Tab to reach a question, arrow keys and Space to choose, types text
with ``keyClicks``, and Ctrl+Page Down to go to the next section. Each step asserts where the
keyboard focus is, so the test also proves the tab order reaches every question. At the end
the form has nothing left in its readiness list and the stored status is "ready to sign".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QRadioButton, QWidget

from reviewer_app.domain.definition import SectionKind
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.fields import FieldWidget
from tests.gui.review_helpers import Env, env

__all__ = ["env"]

MAX_TABS = 60
COMMENT = "Care met the expected standard; plans were documented and acted on promptly."


class Keyboard:
    """Drives the page with key events sent to whatever has the focus."""

    def __init__(self, qtbot: Any, env: Env) -> None:
        self.qtbot = qtbot
        self.env = env
        self.page = env.page
        self.keys = 0

    def focus(self) -> QWidget:
        widget = QApplication.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        QTest.keyClick(self.focus(), key, modifier)
        self.keys += 1

    def type(self, text: str) -> None:
        QTest.keyClicks(self.focus(), text)
        self.keys += len(text)

    def field_of(self, widget: QWidget | None) -> str | None:
        found = None
        while widget is not None:
            if isinstance(widget, FieldWidget):
                found = widget.question_id
            widget = widget.parentWidget()
        return found

    def tab_to(self, question_id: str) -> QWidget:
        """Tab forward until the focus is inside ``question_id``'s field."""
        for _ in range(MAX_TABS):
            if self.field_of(self.focus()) == question_id:
                return self.focus()
            self.press(Qt.Key.Key_Tab)
        raise AssertionError(f"Tab never reached {question_id} (focus: {self.focus()!r})")

    def choose(self, question_id: str, option: str) -> None:
        """Tab to a question; arrows to the option; Space to choose it."""
        widget = self.tab_to(question_id)
        if isinstance(widget, QComboBox) and widget.findText(option) < 0:
            self.press(Qt.Key.Key_Tab)  # e.g. the avoidability scale: the grades follow it
            widget = self.focus()
            assert self.field_of(widget) == question_id
        if isinstance(widget, QComboBox):
            for _ in range(widget.count()):
                if widget.currentText() == option:
                    return
                self.press(Qt.Key.Key_Down)
            raise AssertionError(f"{option!r} not in {question_id}")
        if isinstance(widget, QCheckBox):
            for _ in range(MAX_TABS):
                box = self.focus()
                assert self.field_of(box) == question_id, f"{option!r} not in {question_id}"
                if isinstance(box, QCheckBox) and box.text() == option:
                    self.press(Qt.Key.Key_Space)
                    assert box.isChecked()
                    return
                self.press(Qt.Key.Key_Tab)
        for _ in range(10):
            button = self.focus()
            assert isinstance(button, QRadioButton), f"{question_id}: focus left the options"
            if button.text() == option:
                if not button.isChecked():
                    self.press(Qt.Key.Key_Space)
                assert button.isChecked(), f"{question_id}: {option!r} not chosen"
                return
            self.press(Qt.Key.Key_Down)  # options in a column
            if self.focus() is button:
                self.press(Qt.Key.Key_Right)  # options in a row
        raise AssertionError(f"{option!r} not found in {question_id}")

    def write(self, question_id: str, text: str) -> None:
        self.tab_to(question_id)
        self.type(text)

    def next_section(self, expected: str) -> None:
        self.press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        assert self.page.current_section_id == expected


ADULT = "Adult (18 or over), not a maternal or late maternal death"


def test_complete_review_with_keys_only(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    assert page.open_case(env.case_refs[0])  # the case list's Enter
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    kb = Keyboard(qtbot, env)
    opened = env.service.open(env.case_refs[0], "check")
    definition = opened.definition

    assert page.current_section_id == "screening"
    kb.choose(
        "screening.death_category", "Adult (18 or over), not a maternal or late maternal death"
    )
    kb.choose("screening.learning_disability", "No")
    kb.choose("screening.autism", "No")
    kb.choose("screening.severe_mental_illness", "No")
    kb.choose("screening.concerns_family", "No")
    kb.choose("screening.concerns_staff", "No")
    kb.choose("screening.existing_process", "No")
    kb.choose("screening.conflict_of_interest", "No")

    kb.next_section("outcome")
    kb.choose("outcome.type", "Full review")

    kb.next_section("records")
    kb.choose("records.reviewed", "Acute trust notes")
    kb.choose("records.reviewed", "GP record")
    kb.choose("records.missing", "None missing")

    for section in definition.phases:
        kb.next_section(section.id)
        score = next(q for q in section.questions if q.type == "care_score")
        comment = next(q for q in section.questions if q.type == "text")
        if score.allow_not_applicable:  # type: ignore[union-attr]
            kb.choose(score.id, "Not applicable")
        else:
            kb.choose(score.id, "3 – Adequate")
            kb.write(comment.id, COMMENT)

    themes = definition.sections_of_kind(SectionKind.THEME)
    for section in themes:  # however many themes the definition has
        kb.next_section(section.id)
        for question in section.questions:
            if question.type == "yes_no" and question.required:
                kb.choose(question.id, "No")

    kb.next_section("problems")
    kb.choose("problems.any", "No")

    kb.next_section("avoidability")
    kb.choose("avoidability.grade", "5 – Slight evidence of avoidability")
    kb.write("avoidability.comment", "Frail patient with advanced disease; care was adequate.")

    kb.next_section("relatives")
    kb.next_section("second_review")
    kb.next_section("escalation")
    kb.choose("escalation.safeguarding_concern", "No")
    kb.choose("escalation.conduct_concern", "No")

    kb.next_section("immediate_safety")
    kb.choose("immediate.concern", "No")

    kb.next_section("learning")
    kb.write("learning.good_practice", "Timely palliative care review.")

    kb.next_section("readiness")
    qtbot.waitUntil(lambda: page.state is not None and page.state.can_sign, timeout=3000)
    view = page.page("readiness").readiness
    assert view is not None and view.items == []
    assert "ready to sign" in view.summary.text()

    kb.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # save now
    qtbot.waitUntil(lambda: env.review().status is ReviewStatus.READY_TO_SIGN, timeout=5000)
    qtbot.waitUntil(lambda: page.header.status.text() == "Ready to sign", timeout=2000)
    assert page.nav.state_text("screening") == "Complete"
    assert page.nav.state_text("readiness") == "Nothing missing"
    assert page.sign_button.isVisible() and page.sign_button.isEnabled()
    signs: list[bool] = []
    page.sign_requested.connect(lambda: signs.append(True))
    while kb.focus() is not page.sign_button:  # Tab to "Sign…", then Space
        kb.press(Qt.Key.Key_Tab)
        assert kb.keys < 2000
    kb.press(Qt.Key.Key_Space)
    assert signs == [True]
    assert env.stored()["avoidability.grade"] == {"scale": "rcp", "grade": 5}
    assert env.stored()["records.missing"] == ["none"]
    # and back, from the keyboard
    kb.press(Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert page.current_section_id == "learning"
    print(f"\nreview completed with {kb.keys} key presses")


def test_no_auto_advance_and_f1_help(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.open_case(env.case_refs[1])
    kb = Keyboard(qtbot, env)
    kb.choose(
        "screening.death_category", "Adult (18 or over), not a maternal or late maternal death"
    )
    assert kb.field_of(kb.focus()) == "screening.death_category", "no auto-advance"
    row = page.row("screening.death_category")
    assert not row.help.isVisible()
    kb.press(Qt.Key.Key_F1)
    assert row.help.isVisible()
    kb.press(Qt.Key.Key_F1)
    assert not row.help.isVisible()
    # Clear answer from the keyboard: unanswered again, never "no"
    kb.press(Qt.Key.Key_Tab)
    assert kb.focus() is row.field.clear_button
    kb.press(Qt.Key.Key_Space)
    assert row.field.value() is None
    assert kb.field_of(kb.focus()) == "screening.death_category"
