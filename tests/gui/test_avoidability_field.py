"""The avoidability field offers only the study's scale and shows the other orientation
read-only; a grade entered on the other scale is kept as entered until a grade is chosen."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.gui.form.avoidability_field import AvoidabilityField
from reviewer_app.gui.form.factory import make_field


def build(qtbot: Any, scale: AvoidabilityScale) -> AvoidabilityField:
    definition: ReviewDefinition = on_study_scale(default_definition(), scale)
    field = make_field(definition.question("avoidability.grade"))
    assert isinstance(field, AvoidabilityField)
    qtbot.addWidget(field)
    field.show()
    return field


def click(qtbot: Any, button: Any) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=QPoint(6, button.height() // 2))


def test_an_rcp_study_offers_rcp_grades_and_shows_hogan_read_only(qtbot: Any) -> None:
    field = build(qtbot, AvoidabilityScale.RCP)
    texts = [b.text() for b in field.grades.buttons]
    assert texts[0] == "1 – Definitely avoidable"
    assert texts[5] == "6 – Definitely not avoidable"
    assert "RCP SJR" in field.scale.text() and "study's scale" in field.scale.text()
    assert not hasattr(field.scale, "setCurrentIndex"), "no scale to switch to"
    edits: list[int] = []
    field.edited.connect(lambda: edits.append(1))
    click(qtbot, field.grades.buttons[1])
    assert field.value() == {"scale": "rcp", "grade": 2}
    assert edits == [1]
    assert "PRISM / Hogan scale: grade 5 – Strong evidence of avoidability" in field.other.text()
    assert "read-only" in field.other.text()
    field.clear_value()
    assert field.value() is None
    assert "shown here once a grade is chosen" in field.other.text()


def test_a_hogan_study_offers_hogan_grades(qtbot: Any) -> None:
    field = build(qtbot, AvoidabilityScale.HOGAN)
    assert field.grades.buttons[0].text() == "1 – Definitely not avoidable"
    assert field.grades.buttons[5].text() == "6 – Definitely avoidable"
    click(qtbot, field.grades.buttons[3])
    assert field.value() == {"scale": "hogan", "grade": 4}
    assert "RCP SJR scale: grade 3 – Probably avoidable" in field.other.text()


@pytest.mark.parametrize(
    ("scale", "stored", "checked"),
    [
        (AvoidabilityScale.RCP, {"scale": "hogan", "grade": 4}, 2),  # Hogan 4 = RCP 3
        (AvoidabilityScale.HOGAN, {"scale": "rcp", "grade": 2}, 4),  # RCP 2 = Hogan 5
    ],
)
def test_a_grade_entered_on_the_other_scale_is_kept_as_entered(
    qtbot: Any, scale: AvoidabilityScale, stored: dict[str, Any], checked: int
) -> None:
    field = build(qtbot, scale)
    edits: list[int] = []
    field.edited.connect(lambda: edits.append(1))
    field.set_value(stored)
    assert edits == [], "showing a stored value is not an edit"
    assert field.grades.buttons[checked].isChecked()
    assert field.value() == stored, "not rewritten onto the study's scale behind the reviewer"
    assert "Entered as" in field.other.text()
    other = 0 if checked else 1
    click(qtbot, field.grades.buttons[other])
    assert field.value() == {"scale": scale.value, "grade": other + 1}
    assert "Entered as" not in field.other.text()


def test_read_only_disables_the_grades(qtbot: Any) -> None:
    field = build(qtbot, AvoidabilityScale.RCP)
    field.set_read_only(True)
    assert not any(b.isEnabled() for b in field.grades.buttons)
