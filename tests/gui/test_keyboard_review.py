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

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QRadioButton, QWidget

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.review_timing import uk_wall_clock
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.form.fields import FieldWidget, RadioField
from tests.gui.review_helpers import Env, activate, env

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


def opened_by_keys(
    qtbot: Any, env: Env, case_ref: str, phases: Callable[[Keyboard, ReviewDefinition], None]
) -> Keyboard:
    """The case opened as the case list's Enter does; screening, records, the phases (as
    ``phases`` answers them), the themes and "no problems in care" answered by keys; on to
    the avoidability section."""
    activate(qtbot, env.page)
    assert env.page.open_case(case_ref)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    kb = Keyboard(qtbot, env)
    screening_and_records(kb)
    phases(kb, env.service.open(case_ref, "check").definition)
    kb.next_section("problems")
    kb.choose("problems.any", "No")
    kb.next_section("avoidability")
    return kb


def test_complete_review_with_keys_only(qtbot: Any, env: Env) -> None:
    page = env.page
    kb = opened_by_keys(qtbot, env, env.case_refs[0], phases_and_themes)
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


# --- the same review with the safety prompts: an immediate concern and an avoidable death ----


def inner_field_of(widget: QWidget | None) -> str | None:
    """The innermost field holding ``widget`` (a question inside a group's item)."""
    while widget is not None:
        if isinstance(widget, FieldWidget):
            return widget.question_id
        widget = widget.parentWidget()
    return None


def tab_inside(kb: Keyboard, question_id: str) -> QWidget:
    for _ in range(MAX_TABS):
        if inner_field_of(kb.focus()) == question_id:
            return kb.focus()
        kb.press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {question_id} (focus: {kb.focus()!r})")


SCORED_PHASE = "Ongoing care"  # scored "3 – Adequate" here, not "not applicable"


def phases_with_ongoing_care_scored(kb: Keyboard, definition: ReviewDefinition) -> None:
    """As ``phases_and_themes``, but ongoing care is scored (the escalation is placed there)."""
    ongoing = definition.section("phase.ongoing")
    scored = definition.model_copy(
        update={"sections": [s if s.id != ongoing.id else _scored(s) for s in definition.sections]}
    )
    phases_and_themes(kb, scored)


def _scored(section: Any) -> Any:
    questions = [
        q.model_copy(update={"allow_not_applicable": False}) if q.type == "care_score" else q
        for q in section.questions
    ]
    return section.model_copy(update={"questions": questions})


def escalate_from_the_keyboard(kb: Keyboard) -> None:
    """The escalation decision is prompted; "Escalate" then one escalation, all by keys."""
    page = kb.page
    kb.next_section("escalation")
    assert page.page("escalation").notice.isVisible(), "the decision is not prompted"
    assert "Record your escalation decision" in page.page("escalation").notice.text()
    kb.choose("escalation.safeguarding_concern", "No")
    kb.choose("escalation.conduct_concern", "No")
    kb.choose("escalation.decision", "Escalate")
    group = page.row("escalation.items").field
    while kb.focus() is not getattr(group, "add_button", None):  # "Add escalation": Tab, Space
        kb.press(Qt.Key.Key_Tab)
        assert kb.keys < KEY_BUDGET
    kb.press(Qt.Key.Key_Space)
    assert inner_field_of(kb.focus()) == "escalation.item.destination", "the new item has focus"
    box = kb.focus()
    for _ in range(MAX_TABS):  # one Tab stop: arrows to the destination, Space ticks it
        if isinstance(box, QCheckBox) and "patient-safety" in box.text().lower():
            break
        kb.press(Qt.Key.Key_Down)
        box = kb.focus()
    assert isinstance(box, QCheckBox)
    kb.press(Qt.Key.Key_Space)
    assert box.isChecked()
    tab_inside(kb, "escalation.item.organisations")
    kb.type("Glenfield Hospital")
    phase = tab_inside(kb, "escalation.item.phase")
    assert isinstance(phase, QComboBox)
    scored = SCORED_PHASE
    while not phase.currentText().startswith(scored):  # arrows choose in a list of phases
        kb.press(Qt.Key.Key_Down)
        assert kb.keys < KEY_BUDGET
    tab_inside(kb, "escalation.item.description")
    kb.type("Observations not repeated overnight; deterioration not escalated.")
    yes_no = tab_inside(kb, "escalation.item.family_aware")
    family = yes_no.parentWidget()
    assert isinstance(family, RadioField)
    kb.press(Qt.Key(ord(kb.key_of(family, "No"))))
    candour = tab_inside(kb, "escalation.item.duty_of_candour").parentWidget()
    assert isinstance(candour, RadioField)
    kb.press(Qt.Key(ord(kb.key_of(candour, "No"))))
    tab_inside(kb, "escalation.item.duty_of_candour_no_reason")
    kb.type("No notifiable safety incident has been identified by the provider yet.")


def tell_the_provider_from_the_keyboard(kb: Keyboard) -> None:
    """Yes to the immediate concern: the alert, then who was told and when, by keys."""
    page = kb.page
    kb.next_section("immediate_safety")
    kb.choose("immediate.concern", "Yes")
    notice = page.page("immediate_safety").notice
    assert notice.isVisible() and "Telephone the provider" in notice.text()
    kb.write("immediate.who_told", "Duty manager, patient-safety team")
    now = uk_wall_clock(datetime.now(UTC))
    kb.tab_to("immediate.told_at")
    kb.type(f"{now.day}/{now.month}/{now.year}")
    kb.press(Qt.Key.Key_Tab)
    kb.type(f"{now:%H:%M}")
    kb.press(Qt.Key.Key_Tab)
    assert page.row("immediate.told_at").field.value() == f"{now:%Y-%m-%dT%H:%M}"
    assert page.urgent and page.header.urgent.isVisible()


def test_complete_review_with_the_safety_prompts_with_keys_only(qtbot: Any, env: Env) -> None:
    page = env.page
    kb = opened_by_keys(qtbot, env, env.case_refs[2], phases_with_ongoing_care_scored)
    kb.choose("avoidability.grade", "3 – Probably avoidable (more than 50:50)")
    kb.write(
        "avoidability.comment", "Deterioration overnight was not acted on; probably avoidable."
    )
    assert page.escalation_bar.isVisible(), "the escalation decision is not prompted"
    kb.next_section("relatives")
    kb.next_section("second_review")
    escalate_from_the_keyboard(kb)
    tell_the_provider_from_the_keyboard(kb)
    kb.next_section("learning")
    kb.write("learning.good_practice", "Timely palliative care review.")
    kb.next_section("readiness")
    view = page.page("readiness").readiness
    assert view is not None
    kb.press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.wait(300)
    assert view.items == [], [i.message for i in view.items]
    qtbot.waitUntil(lambda: page.state is not None and page.state.can_sign, timeout=3000)
    qtbot.waitUntil(lambda: env.review().status is ReviewStatus.READY_TO_SIGN, timeout=5000)
    stored = env.stored()
    assert stored["immediate.concern"] == "yes" and stored["escalation.decision"] == "escalate"
    assert env.review().urgent
    print(f"\nreview with the safety prompts: {kb.keys} key presses besides {kb.text_keys} typed")
    assert kb.keys <= KEY_BUDGET, f"{kb.keys} key presses: over the budget of {KEY_BUDGET}"
