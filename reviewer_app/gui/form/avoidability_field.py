"""The avoidability judgement on the study's scale, the other orientation shown read-only."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from reviewer_app.domain.avoidability import (
    RCP_GRADE_LABELS,
    Avoidability,
    AvoidabilityScale,
    parse_avoidability,
)
from reviewer_app.domain.definition import AvoidabilityQuestion
from reviewer_app.domain.values import JsonValue
from reviewer_app.gui.form.fields import FieldWidget, RadioField

SCALE_HINTS = {
    AvoidabilityScale.RCP: "RCP SJR scale (1 = definitely avoidable, 6 = definitely not)",
    AvoidabilityScale.HOGAN: "PRISM / Hogan scale (6 = definitely avoidable, 1 = definitely not)",
}


class AvoidabilityField(FieldWidget):
    """The avoidability judgement on the study's scale, with the other orientation read-only.

    The study fixes one scale (the question's default scale is the study's: see
    ``domain.study_scale``), so the form offers only that scale's six labelled
    grades; under them, the same judgement on the other scale is shown, read-only, for a
    reviewer used to the other orientation. The stored value always carries its scale. A
    grade entered on the other scale (before the study fixed its scale) is shown where the
    same judgement sits and kept as entered until the reviewer chooses a grade.
    """

    def __init__(self, question: AvoidabilityQuestion, parent: QWidget | None = None) -> None:
        super().__init__(question.id, question.label, parent)
        self.study_scale = question.default_scale
        self.other_scale = (
            AvoidabilityScale.HOGAN
            if self.study_scale is AvoidabilityScale.RCP
            else AvoidabilityScale.RCP
        )
        self._entered: Avoidability | None = None  # a stored grade on the other scale
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.scale = QLabel(f"Scale: {SCALE_HINTS[self.study_scale]}, the study's scale", self)
        self.scale.setAccessibleName(f"Scale for: {question.label}")
        self.scale.setWordWrap(True)
        layout.addWidget(self.scale)
        self.grades = RadioField(question.id, question.label, self._options(self.study_scale), self)
        self.grades.edited.connect(self._grade_chosen)
        self.grades.clear_button.clicked.disconnect()
        self.grades.clear_button.clicked.connect(self.clear_value)
        layout.addWidget(self.grades)
        self.other = QLabel("", self)
        self.other.setWordWrap(True)
        self.other.setAccessibleName(f"The same judgement on the {self.other_scale.label} scale")
        self.other.setProperty("role", "hint")
        layout.addWidget(self.other)
        self._show_other()

    def _options(self, scale: AvoidabilityScale) -> list[tuple[JsonValue, str]]:
        options: list[tuple[JsonValue, str]] = []
        for grade in range(1, 7):
            judgement = Avoidability(scale=scale, grade=grade)
            options.append((grade, f"{grade} – {RCP_GRADE_LABELS[judgement.rcp_grade]}"))
        return options

    def _judgement(self) -> Avoidability | None:
        grade = self.grades.value()
        if not isinstance(grade, int):
            return None
        return Avoidability(scale=self.study_scale, grade=grade)

    def _show_other(self) -> None:
        judgement = self._judgement()
        if judgement is None:
            self.other.setText(
                f"On the {self.other_scale.label} scale the grades run the other way "
                f"({SCALE_HINTS[self.other_scale]}); shown here once a grade is chosen."
            )
            return
        same = judgement.on_scale(self.other_scale)
        text = (
            f"The same judgement on the {self.other_scale.label} scale: grade {same.grade} – "
            f"{RCP_GRADE_LABELS[same.rcp_grade]} (read-only)."
        )
        if self._entered is not None:
            text = (
                f"Entered as {self._entered.scale.label} grade {self._entered.grade}, before "
                f"the study fixed its scale; it is kept as entered. {text}"
            )
        self.other.setText(text)

    def _grade_chosen(self) -> None:
        self._entered = None  # a grade chosen now is on the study's scale
        self._show_other()
        self._changed()

    def value(self) -> JsonValue | None:
        judgement = self._judgement()
        if judgement is None:
            return None
        if self._entered is not None and self._entered.on_scale(self.study_scale) == judgement:
            return self._entered.to_value()
        return judgement.to_value()

    def _show(self, value: JsonValue | None) -> None:
        parsed = parse_avoidability(value)
        self._entered = (
            parsed if parsed is not None and parsed.scale is not self.study_scale else None
        )
        self.grades.set_value(None if parsed is None else parsed.on_scale(self.study_scale).grade)
        self._show_other()

    def clear_value(self) -> None:
        self.set_value(None)
        self.grades.focus_target().setFocus()
        self.edited.emit()

    def focus_target(self) -> QWidget:
        return self.grades.focus_target()

    def set_read_only(self, read_only: bool) -> None:
        self.grades.set_read_only(read_only)
