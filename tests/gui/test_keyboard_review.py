"""End to end, KEY EVENTS ONLY: a whole review completed from the keyboard to "ready to sign".

After ``open_case`` (what the case list does on Enter) the test never calls a setter and never
uses the mouse: it presses Tab to reach a question, an option's own key (1-5, Y / N / A / U /
C, its underlined initial) to choose it, arrows and Space in a group of check boxes, types
text with ``keyClicks``, and Ctrl+Page Down to go to the next section. Each step asserts where
the keyboard focus is, so the test also proves the tab order reaches every question. At the
end the form has nothing left in its readiness list and the stored status is "ready to sign".

Every key event that is not free text is counted: the review must take at most
``KEY_BUDGET`` of them (issue 11: it took about 600), and the count is printed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QRadioButton, QWidget

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.fields import FieldWidget, RadioField
from tests.gui.review_helpers import Env, env

__all__ = ["env"]

MAX_TABS = 60
KEY_BUDGET = 300
COMMENT = "Care met the expected standard; plans were documented and acted on promptly."


class Keyboard:
    """Drives the page with key events sent to whatever has the focus."""

    def __init__(self, qtbot: Any, env: Env) -> None:
        self.qtbot = qtbot
        self.env = env
        self.page = env.page
        self.keys = 0  # every key event sent but the free text typed
        self.text_keys = 0

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
        self.text_keys += len(text)

    def key_of(self, field: RadioField, option: str) -> str:
        labels = [b.text() for b in field.buttons]
        assert option in labels, f"{option!r} not in {field.question_id}"
        key = field.keys[labels.index(option)]
        assert key is not None, f"{option!r} in {field.question_id} has no key"
        return key

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
        if isinstance(widget, QCheckBox):  # one Tab stop: arrows move, Space ticks
            for _ in range(MAX_TABS):
                box = self.focus()
                assert self.field_of(box) == question_id, f"{option!r} not in {question_id}"
                if isinstance(box, QCheckBox) and box.text() == option:
                    self.press(Qt.Key.Key_Space)
                    assert box.isChecked()
                    return
                self.press(Qt.Key.Key_Down)
            raise AssertionError(f"{option!r} not found in {question_id}")
        assert isinstance(widget, QRadioButton), f"{question_id}: not a group of options"
        field = widget.parentWidget()
        assert isinstance(field, RadioField)
        self.press(Qt.Key(ord(self.key_of(field, option))))  # the option's own key
        chosen = self.focus()
        assert isinstance(chosen, QRadioButton) and chosen.text() == option
        assert chosen.isChecked(), f"{question_id}: {option!r} not chosen"

    def write(self, question_id: str, text: str) -> None:
        self.tab_to(question_id)
        self.type(text)

    def next_section(self, expected: str) -> None:
        self.press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
        assert self.page.current_section_id == expected


ADULT = "Adult (18 or over), not a maternal or late maternal death"


def screening_and_records(kb: Keyboard) -> None:
    assert kb.page.current_section_id == "screening"
    kb.choose("screening.death_category", ADULT)
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


def phases_and_themes(kb: Keyboard, definition: ReviewDefinition) -> None:
    for section in definition.phases:
        kb.next_section(section.id)
        score = next(q for q in section.questions if q.type == "care_score")
        comment = next(q for q in section.questions if q.type == "text")
        if score.allow_not_applicable:  # type: ignore[union-attr]
            kb.choose(score.id, "Not applicable")
        else:
            kb.choose(score.id, "3 – Adequate")
            kb.write(comment.id, COMMENT)

    for section in definition.sections_of_kind(SectionKind.THEME):  # however many there are
        kb.next_section(section.id)
        for question in section.questions:
            if question.type == "yes_no" and question.required:
                kb.choose(question.id, "No")


def rest_of_the_review(kb: Keyboard) -> None:
    kb.next_section("relatives")
    kb.next_section("second_review")
    kb.next_section("escalation")
    kb.choose("escalation.safeguarding_concern", "No")
    kb.choose("escalation.conduct_concern", "No")

    kb.next_section("immediate_safety")
    kb.choose("immediate.concern", "No")

    kb.next_section("learning")
    kb.write("learning.good_practice", "Timely palliative care review.")


def fix_what_readiness_lists(kb: Keyboard, question_id: str, text: str) -> None:
    """The readiness list names what is missing; Enter on it goes there; then ready."""
    page = kb.page
    kb.next_section("readiness")
    view = page.page("readiness").readiness
    assert view is not None
    assert [i.question_id for i in view.items] == [question_id], "the error is reached"
    assert kb.focus() is view.list, "arrival in readiness: on the list of what is missing"
    kb.press(Qt.Key.Key_Down)
    kb.press(Qt.Key.Key_Return)
    assert kb.field_of(kb.focus()) == question_id
    kb.type(text)
    kb.press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    while page.current_section_id != "readiness":
        kb.press(Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    kb.qtbot.waitUntil(lambda: page.state is not None and page.state.can_sign, timeout=3000)
    assert view.items == [] and "ready to sign" in view.summary.text()


def test_complete_review_with_keys_only(qtbot: Any, env: Env) -> None:
    page = env.page
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    assert page.open_case(env.case_refs[0])  # the case list's Enter
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    kb = Keyboard(qtbot, env)
    screening_and_records(kb)
    phases_and_themes(kb, env.service.open(env.case_refs[0], "check").definition)

    kb.next_section("problems")
    kb.choose("problems.any", "No")

    kb.next_section("avoidability")
    kb.choose("avoidability.grade", "5 – Slight evidence of avoidability")  # comment later
    rest_of_the_review(kb)
    fix_what_readiness_lists(kb, "avoidability.comment", "Frail; care was adequate throughout.")

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
    print(f"\nreview completed with {kb.keys} key presses besides {kb.text_keys} typed")
    assert kb.keys <= KEY_BUDGET, f"{kb.keys} key presses: over the budget of {KEY_BUDGET}"


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
    # Clear answer from the keyboard (Delete): unanswered again, never "no"; the button
    # is for the mouse and not a Tab stop
    kb.choose("screening.learning_disability", "No")
    yes_no = page.row("screening.learning_disability").field
    assert isinstance(yes_no, RadioField) and yes_no.clear_button.isVisible()
    kb.press(Qt.Key.Key_Tab)
    assert kb.field_of(kb.focus()) == "screening.autism", "Clear answer took a Tab stop"
    kb.press(Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert kb.focus() is yes_no.buttons[1]  # back on the chosen option
    kb.press(Qt.Key.Key_Delete)
    assert yes_no.value() is None
    assert kb.field_of(kb.focus()) == "screening.learning_disability"
