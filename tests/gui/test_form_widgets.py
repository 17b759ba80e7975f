"""The widget for each question type: load, edit, value, clear to unanswered.

Unanswered (``None``), "No", "Unknown" and "Not applicable" must stay distinct in every
widget (rule 10): each test checks that clearing gives ``None`` and never a "no".
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.typed_dates import parse_uk_date
from reviewer_app.gui.form.avoidability_field import AvoidabilityField
from reviewer_app.gui.form.datetime_field import DateTimeField
from reviewer_app.gui.form.factory import make_field, make_row
from reviewer_app.gui.form.fields import CheckboxField, ComboField, RadioField
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.text_fields import DateField, TextField


def build(qtbot: Any, definition: ReviewDefinition, question_id: str, **kwargs: Any) -> Any:
    field = make_field(definition.question(question_id), **kwargs)
    qtbot.addWidget(field)
    field.show()
    return field


def click(qtbot: Any, button: Any) -> None:
    """A real mouse click on the indicator (a stretched check box ignores clicks on blank)."""
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


class Edits:
    def __init__(self, field: Any) -> None:
        self.count = 0
        field.edited.connect(self._inc)

    def _inc(self) -> None:
        self.count += 1


def test_factory_maps_every_type(qtbot: Any, definition: ReviewDefinition) -> None:
    expected = {
        "screening.death_category": RadioField,
        "problems.item.type": ComboField,
        "records.missing": CheckboxField,
        "theme.deterioration.issue": RadioField,
        "phase.overall.score": RadioField,
        "avoidability.grade": AvoidabilityField,
        "relatives.contact_date": DateField,
        "immediate.told_at": DateTimeField,
        "avoidability.comment": TextField,
        "problems.items": GroupField,
    }
    for question_id, kind in expected.items():
        assert isinstance(build(qtbot, definition, question_id), kind), question_id


def test_every_control_in_every_row_has_an_accessible_name(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    for _, question in definition.top_questions():
        row = make_row(question)
        qtbot.addWidget(row)
        for widget in row.findChildren(QWidget):
            if widget.focusPolicy() != Qt.FocusPolicy.NoFocus and widget.isVisibleTo(row):
                name = widget.accessibleName()
                assert name, f"{question.id}: {type(widget).__name__} has no accessible name"


def test_yes_no_keeps_unanswered_unknown_no_and_na_distinct(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "theme.deterioration.issue")
    edits = Edits(field)
    assert field.value() is None
    assert field.state.isVisible() and field.state.text() == "Not answered"
    texts = [b.text() for b in field.buttons]
    assert texts == ["Yes", "No", "Not applicable", "Cannot tell from the records"]
    seen = []
    for button in field.buttons:
        click(qtbot, button)
        seen.append(field.value())
    assert seen == ["yes", "no", "not_applicable", "cannot_tell"]
    assert edits.count == 4
    assert not field.state.isVisible()
    click(qtbot, field.clear_button)
    assert field.value() is None, "cleared is unanswered, not no"
    assert edits.count == 5
    assert field.state.isVisible()
    assert not any(b.isChecked() for b in field.buttons)


def test_set_value_does_not_report_an_edit(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "screening.learning_disability")
    edits = Edits(field)
    field.set_value("unknown")
    assert field.value() == "unknown"
    field.set_value(None)
    assert field.value() is None
    assert edits.count == 0


def test_radio_keyboard_choice_and_clear(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "screening.death_category")
    field.activateWindow()
    field.focus_target().setFocus()
    qtbot.waitUntil(lambda: field.focus_target().hasFocus())
    QTest.keyClick(field.focus_target(), Qt.Key.Key_Space)
    assert field.value() == "adult"
    QTest.keyClick(field.buttons[0], Qt.Key.Key_Down)
    assert field.value() == "child"


def test_care_score_labels_and_not_applicable(qtbot: Any, definition: ReviewDefinition) -> None:
    overall = build(qtbot, definition, "phase.overall.score")
    assert [b.text() for b in overall.buttons] == [
        "1 – Very poor",
        "2 – Poor",
        "3 – Adequate",
        "4 – Good",
        "5 – Excellent",
    ]
    procedure = build(qtbot, definition, "phase.procedure.score")
    assert procedure.buttons[-1].text() == "Not applicable"
    click(qtbot, procedure.buttons[-1])
    assert procedure.value() == "not_applicable"
    click(qtbot, procedure.buttons[0])
    assert procedure.value() == 1
    procedure.set_value(4)
    assert procedure.buttons[3].isChecked()
    procedure.clear_value()
    assert procedure.value() is None


def test_single_choice_combo_has_not_answered_entry(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "problems.item.type")
    assert field.combo.itemText(0) == "— Not answered —"
    assert field.value() is None
    field.combo.setFocus()
    QTest.keyClick(field.combo, Qt.Key.Key_Down)
    assert field.value() == "assessment"
    field.set_value("other")
    assert field.combo.currentText() == "Other"
    field.combo.setCurrentIndex(0)
    assert field.value() is None


def test_multiple_choice_exclusive_option(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "records.missing")
    edits = Edits(field)
    boxes = {b.text(): b for b in field.boxes}
    assert field.value() is None
    click(qtbot, boxes["Acute trust notes"])
    click(qtbot, boxes["GP record"])
    assert field.value() == ["acute", "gp"]
    click(qtbot, boxes["None missing"])
    assert field.value() == ["none"], "the exclusive option unticks the others"
    click(qtbot, boxes["GP record"])
    assert field.value() == ["gp"]
    click(qtbot, boxes["GP record"])
    assert field.value() is None, "nothing ticked is unanswered (never an empty list)"
    assert edits.count == 5
    field.set_value(["community"])
    assert [b.isChecked() for b in field.boxes] == [False, False, True, False, False]


def test_avoidability_labels_scale_and_conversion(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "avoidability.grade")
    assert "RCP SJR" in field.scale.text(), "one scale, the study's"
    texts = [b.text() for b in field.grades.buttons]
    assert texts[0] == "1 – Definitely avoidable"
    assert texts[5] == "6 – Definitely not avoidable"
    assert all("–" in t and len(t) > 5 for t in texts), "never bare numbers"
    click(qtbot, field.grades.buttons[1])
    assert field.value() == {"scale": "rcp", "grade": 2}
    # the other orientation is shown read-only: same judgement, other number
    assert "grade 5 – Strong evidence of avoidability (read-only)" in field.other.text()
    field.set_value({"scale": "hogan", "grade": 5})  # entered before the study fixed its scale
    assert field.grades.buttons[1].isChecked()
    assert field.value() == {"scale": "hogan", "grade": 5}, "kept as entered"
    assert "Entered as PRISM / Hogan grade 5" in field.other.text()
    field.set_value({"scale": "rcp", "grade": 6})
    assert field.grades.buttons[5].isChecked()
    field.clear_value()
    assert field.value() is None


def test_date_field_allows_empty_and_checks_typing(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "relatives.contact_date")
    edits = Edits(field)
    assert field.value() is None
    assert field.shown.text() == "Not answered"
    field.edit.setFocus()
    QTest.keyClicks(field.edit, "03/02/202")
    assert field.value() is None and edits.count == 0, "half a date is not a value"
    assert "not saved yet" in field.shown.text() and not field.unparsed
    QTest.keyClicks(field.edit, "4")
    assert field.value() == "2024-02-03"
    assert field.shown.text() == "3 Feb 2024"
    assert edits.count == 1
    field.edit.selectAll()
    QTest.keyClick(field.edit, Qt.Key.Key_Delete)
    assert field.value() is None, "an empty date is unanswered"
    assert edits.count == 2
    field.set_value("2023-12-25")
    assert field.edit.text() == "25/12/2023"
    today = date(2026, 1, 1)
    assert parse_uk_date("31/02/2024", today) is None
    assert parse_uk_date("2024-02-29", today) == date(2024, 2, 29)
    assert parse_uk_date("1.3.2024", today) == date(2024, 3, 1)


def test_date_field_reads_short_uk_dates_on_leaving_and_shows_them(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "relatives.contact_date")
    edits = Edits(field)
    field.edit.setFocus()
    QTest.keyClicks(field.edit, "1/6/17")
    assert field.value() is None, "a two-digit year waits (1/6/19 may become 1/6/1979)"
    QTest.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.value() == "2017-06-01" and edits.count == 1
    assert field.edit.text() == "01/06/2017", "the century chosen is in sight"
    assert field.shown.text() == "1 Jun 2017" and not field.unparsed
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "3 Feb 1999")
    assert field.value() == "1999-02-03" and edits.count == 2


def test_date_field_that_is_not_a_date_is_an_error_not_a_silent_drop(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "relatives.contact_date")
    edits = Edits(field)
    for typed in ("yesterday", "31/2/2017", "1/13/17"):
        field.edit.setFocus()
        field.edit.selectAll()
        QTest.keyClicks(field.edit, typed)
        QTest.keyClick(field.edit, Qt.Key.Key_Return)
        assert field.unparsed, typed
        assert field.edit.property("invalid") is True
        assert field.shown.property("severity") == "error"
        assert "NOT saved" in field.shown.text()
        assert field.value() is None and edits.count == 0
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "2017-06-01")
    assert field.value() == "2017-06-01"
    assert not field.unparsed and field.shown.property("severity") == ""


def test_an_unparsed_date_says_which_answer_is_still_saved(
    qtbot: Any, definition: ReviewDefinition
) -> None:
    field = build(qtbot, definition, "relatives.contact_date")
    flips = []
    field.unparsed_changed.connect(lambda: flips.append(field.unparsed))
    field.edit.setFocus()
    QTest.keyClicks(field.edit, "yesterday")
    QTest.keyClick(field.edit, Qt.Key.Key_Return)
    assert "NOT saved. Nothing saved yet." in field.shown.text()
    assert flips == [True], "the form hears that the box holds text it did not save"
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "1/6/17")
    QTest.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.value() == "2017-06-01" and flips == [True, False]
    field.edit.selectAll()
    QTest.keyClicks(field.edit, "yesterday")
    QTest.keyClick(field.edit, Qt.Key.Key_Return)
    assert field.value() == "2017-06-01", "the old date stays stored"
    assert "NOT saved. The saved answer is still 1 Jun 2017." in field.shown.text()
    assert flips == [True, False, True]


def test_text_field_blank_is_unanswered_and_hint(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "outcome.reason")
    assert field.value() is None
    assert "At least 10 characters" in field.counter.text()
    field.focus_target().setFocus()
    QTest.keyClicks(field.focus_target(), "   ")
    assert field.value() is None, "blank text is unanswered"
    QTest.keyClicks(field.focus_target(), "GP notes")
    assert field.value() == "   GP notes"
    assert "now 8" in field.counter.text()
    field.clear_value()
    assert field.value() is None
    field.set_value("Loaded text")
    assert field.raw_text() == "Loaded text"


def test_text_tab_moves_focus_not_inserts(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "avoidability.comment")
    assert field.text is not None and field.text.tabChangesFocus()
    single = build(qtbot, definition, "screening.leder_reference")
    assert single.line is not None and single.line.maxLength() == 100


def test_group_add_edit_remove(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "problems.items", confirm=lambda *_: True)
    edits = Edits(field)
    assert field.value() is None
    assert field.empty.isVisible()
    click(qtbot, field.add_button)
    assert edits.count == 1
    value = field.value()
    assert isinstance(value, list) and len(value) == 1 and value[0]["answers"] == {}
    harm = field.row_for("problems.item.harm")
    assert harm is not None
    click(qtbot, harm.field.buttons[2])  # Yes
    assert field.value()[0]["answers"] == {"problems.item.harm": "yes"}  # type: ignore[index]
    first_id = field.item_ids[0]
    click(qtbot, field.add_button)
    assert len(field.value()) == 2  # type: ignore[arg-type]
    assert harm.field.value() is None, "the new item starts empty"
    assert field.select_item(first_id)
    assert harm.field.value() == "yes"
    assert "Yes" in field.list.item(0).text()
    field.remove_current()
    assert [i["id"] for i in field.value()] != [first_id]  # type: ignore[union-attr]
    field.remove_current()
    assert field.value() is None, "no items left is unanswered"
    field.set_value([{"id": "x1", "answers": {"problems.item.type": "other"}}])
    assert field.item_ids == ["x1"]
    assert field.row_for("problems.item.type").field.value() == "other"  # type: ignore[union-attr]


def test_group_remove_asks_first(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "problems.items", confirm=lambda *_: False)
    field.add_item()
    field.remove_current()
    assert len(field.value()) == 1  # type: ignore[arg-type]


def test_help_on_demand(qtbot: Any, definition: ReviewDefinition) -> None:
    row = make_row(definition.question("avoidability.grade"))
    qtbot.addWidget(row)
    row.show()
    assert not row.help.isVisible()
    row.toggle_help()
    assert row.help.isVisible()
    assert "RCP" in row.help.text()
    row.toggle_help()
    assert not row.help.isVisible()


# --- definition v2: a date and a time; the substantial-comment counter; review facts ----------


def test_datetime_field_needs_both_date_and_time(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "immediate.told_at")
    assert isinstance(field, DateTimeField)
    edits: list[bool] = []
    field.edited.connect(lambda: edits.append(True))
    field.date_edit.setText("1/7/17")
    field.date_edit.editingFinished.emit()
    assert field.value() is None and not edits, "half an answer is not saved"
    assert "NOT saved" in field.shown.text() and "time" in field.shown.text()
    field.time_edit.setText("9")  # 09:00 or 21:00? refused, never guessed
    field.time_edit.editingFinished.emit()
    assert field.value() is None
    field.time_edit.setText("2.05pm")
    field.time_edit.editingFinished.emit()
    assert field.value() == "2017-07-01T14:05"
    assert edits == [True]
    assert field.time_edit.text() == "14:05" and field.date_edit.text() == "01/07/2017"
    assert "1 Jul 2017, 14:05 (UK time)" in field.shown.text()
    field.date_edit.clear()
    field.time_edit.clear()
    field.time_edit.editingFinished.emit()
    assert field.value() is None, "emptied: unanswered"
    field.set_value("2026-03-02T08:30")
    assert (field.date_edit.text(), field.time_edit.text()) == ("02/03/2026", "08:30")
    assert len(edits) == 2, "set_value reports no edit"


def test_substantial_comment_counter_is_live(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "phase.ongoing.comment")
    assert isinstance(field, TextField)
    field.set_target(100, 15)
    assert field.counter.isVisible()
    assert field.counter.text() == (
        "Substantial comment: 0 characters (at least 100), 0 different words (at least 15)"
    )
    QTest.keyClicks(field.text, "x" * 120)  # long, but one repeated character
    assert "120 characters (at least 100), 0 different words" in field.counter.text()
    assert not field.counter.text().startswith("✔")
    field.text.setPlainText(
        "Observations were not repeated for eleven hours despite a rising early warning "
        "score, and no senior review was requested until the evening."
    )
    assert field.counter.text().startswith("✔ Substantial comment:")
    field.set_target(0, 0)
    assert "comment" not in field.counter.text()


def test_group_shows_the_review_facts_read_only(qtbot: Any, definition: ReviewDefinition) -> None:
    field = build(qtbot, definition, "escalation.items", confirm=lambda *_: True)
    assert isinstance(field, GroupField)
    field.add_item()
    assert not field.facts.isVisibleTo(field)
    field.show_facts(
        [("Worst harm severity", "Severe harm"), ("Care scores", "Overall care: 2 – Poor")]
    )
    assert field.facts.isVisibleTo(field)
    assert (
        field.fact_text() == "Worst harm severity: Severe harm\nCare scores: Overall care: 2 – Poor"
    )
    assert "read-only" in field.facts.text()
    field.show_facts(None)
    assert not field.facts.isVisibleTo(field) and field.fact_text() == ""


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_read_only_line_edits_look_read_only_app_wide(qtbot: Any, theme: str) -> None:
    """The app's own style sheet and theme (as launch applies them, not only the form's
    rules) show a read-only box as one, in both palettes: Settings' enrolled identity must
    not look like a box to type in."""
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout

    from reviewer_app.gui.theme import apply_theme, palette_for
    from reviewer_app.resources import resource

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    saved = (app.style().name(), app.palette(), app.styleSheet())
    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    apply_theme(app, theme)
    try:
        window = QWidget()
        qtbot.addWidget(window)
        layout = QVBoxLayout(window)
        editable, fixed = QLineEdit("Dr A Reviewer", window), QLineEdit("Dr A Reviewer", window)
        fixed.setReadOnly(True)
        layout.addWidget(editable)
        layout.addWidget(fixed)
        window.show()

        def colour(box: QLineEdit) -> str:
            image = box.grab().toImage()
            return str(image.pixelColor(box.width() - 6, box.height() // 2).name())

        assert colour(editable) == palette_for(theme).base().color().name()
        assert colour(fixed) == palette_for(theme).window().color().name(), "looks editable"
    finally:
        app.setStyleSheet(saved[2])
        app.setPalette(saved[1])
        app.setStyle(saved[0])
