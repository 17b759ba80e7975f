"""One widget per question type. Widgets show a value and report edits; they decide nothing.

Every field has the same small interface (``FieldWidget``): ``value()`` returns the answer in
its stored shape (``None`` = unanswered), ``set_value`` shows a stored answer without
reporting an edit, and ``edited`` fires when the reviewer changes it. Unanswered is always
visible as such ("Not answered"), and every choice field has an explicit "Clear answer"
button, so that clearing never looks like, or is stored as, "No" (rule 10).

Whether an answer is complete or consistent is the domain's business (validation). The
choice fields are here; the fields typed into (dates, text) are in text_fields.py.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.avoidability import (
    RCP_GRADE_LABELS,
    Avoidability,
    AvoidabilityScale,
    parse_avoidability,
)
from reviewer_app.domain.definition import (
    AvoidabilityQuestion,
    CareScoreQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    YesNoQuestion,
)
from reviewer_app.domain.values import (
    NOT_ANSWERED_LABEL,
    NOT_APPLICABLE,
    YES_NO_LABELS,
    JsonValue,
)

MAX_RADIO_OPTIONS = 6  # more options than this: a combo box keeps the page short
SCALE_HINTS = {
    AvoidabilityScale.RCP: "RCP SJR scale (1 = definitely avoidable, 6 = definitely not)",
    AvoidabilityScale.HOGAN: "PRISM / Hogan scale (6 = definitely avoidable, 1 = definitely not)",
}


class FieldWidget(QWidget):
    """The interface every question widget offers to the binding."""

    edited = Signal()

    def __init__(self, question_id: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question_id = question_id
        self.label = label
        self._loading = False
        self.setAccessibleName(label)

    def value(self) -> JsonValue | None:
        raise NotImplementedError

    def set_value(self, value: JsonValue | None) -> None:
        """Show a stored value (``None``: unanswered) without reporting an edit."""
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: JsonValue | None) -> None:
        raise NotImplementedError

    def clear_value(self) -> None:
        """Back to unanswered, reported as an edit (the "Clear answer" button)."""
        self.set_value(None)
        self.edited.emit()

    def focus_target(self) -> QWidget:
        """The control that takes focus when the reviewer jumps to this field."""
        return self

    def set_read_only(self, read_only: bool) -> None:
        self.setEnabled(not read_only)

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self.edited.emit()


def _clear_button(label: str, parent: QWidget) -> QPushButton:
    button = QPushButton("Clear answer", parent)
    button.setObjectName("clearAnswer")
    button.setAccessibleName(f"Clear answer: {label}")
    button.setToolTip("Make this question unanswered again (not the same as No)")
    button.setAutoDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    return button


def _state_label(parent: QWidget) -> QLabel:
    hint = QLabel(NOT_ANSWERED_LABEL, parent)
    hint.setObjectName("notAnswered")
    return hint


class RadioField(FieldWidget):
    """Labelled radio buttons for one value, "Not answered" shown, and "Clear answer"."""

    def __init__(
        self,
        question_id: str,
        label: str,
        options: list[tuple[JsonValue, str]],
        parent: QWidget | None = None,
        *,
        columns: int = 1,
    ) -> None:
        super().__init__(question_id, label, parent)
        self._values = [value for value, _ in options]
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.buttons: list[QRadioButton] = []
        row: QHBoxLayout | None = None
        for index, (_, text) in enumerate(options):
            if columns > 1 and index % columns == 0:
                row = QHBoxLayout()
                row.setSpacing(18)
                layout.addLayout(row)
            button = QRadioButton(text, self)
            button.setAccessibleName(text)
            button.setAccessibleDescription(label)
            self.group.addButton(button, index)
            self.buttons.append(button)
            if row is not None:
                row.addWidget(button)
            else:
                layout.addWidget(button)
        if row is not None:
            row.addStretch(1)
        footer = QHBoxLayout()
        self.state = _state_label(self)
        self.clear_button = _clear_button(label, self)
        self.clear_button.clicked.connect(self.clear_value)
        footer.addWidget(self.state)
        footer.addWidget(self.clear_button)
        footer.addStretch(1)
        layout.addLayout(footer)
        self.group.buttonToggled.connect(self._toggled)
        self._show(None)

    def _toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._update_state()
            self._changed()

    def _update_state(self) -> None:
        answered = self.group.checkedId() >= 0
        self.state.setVisible(not answered)
        self.clear_button.setVisible(answered)

    def value(self) -> JsonValue | None:
        index = self.group.checkedId()
        return None if index < 0 else self._values[index]

    def _show(self, value: JsonValue | None) -> None:
        index = _index_of(self._values, value)
        if index is None:
            self.group.setExclusive(False)
            for button in self.buttons:
                button.setChecked(False)
            self.group.setExclusive(True)
        else:
            self.buttons[index].setChecked(True)
        self._update_state()

    def clear_value(self) -> None:
        had_focus = self.clear_button.hasFocus()
        super().clear_value()
        if had_focus:  # the button hides itself: keep the keyboard in this question
            self.focus_target().setFocus(Qt.FocusReason.OtherFocusReason)

    def focus_target(self) -> QWidget:
        index = self.group.checkedId()
        return self.buttons[index if index >= 0 else 0]

    def set_read_only(self, read_only: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not read_only)
        self.clear_button.setEnabled(not read_only)


def _index_of(values: list[JsonValue], value: JsonValue | None) -> int | None:
    for index, candidate in enumerate(values):
        # type and value: the score 1 is not the option "1"
        if value is not None and type(candidate) is type(value) and candidate == value:
            return index
    return None


class ComboField(FieldWidget):
    """A long single choice as a combo box whose first entry is "Not answered"."""

    def __init__(
        self,
        question_id: str,
        label: str,
        options: list[tuple[JsonValue, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(question_id, label, parent)
        self._values: list[JsonValue | None] = [None, *(value for value, _ in options)]
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(label)
        self.combo.addItem(f"— {NOT_ANSWERED_LABEL} —")
        for _, text in options:
            self.combo.addItem(text)
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.combo.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self._changed)
        self.setFocusProxy(self.combo)

    def value(self) -> JsonValue | None:
        return self._values[self.combo.currentIndex()]

    def _show(self, value: JsonValue | None) -> None:
        index = _index_of(self._values[1:], value)
        self.combo.setCurrentIndex(0 if index is None else index + 1)

    def focus_target(self) -> QWidget:
        return self.combo


class CheckboxField(FieldWidget):
    """Multiple choice: a check box per option; nothing ticked is unanswered."""

    def __init__(self, question: MultipleChoiceQuestion, parent: QWidget | None = None) -> None:
        super().__init__(question.id, question.label, parent)
        self._values = [o.value for o in question.options]
        self._exclusive = set(question.exclusive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.boxes: list[QCheckBox] = []
        for option in question.options:
            box = QCheckBox(option.label, self)
            box.setAccessibleName(option.label)
            box.setAccessibleDescription(question.label)
            box.toggled.connect(lambda checked, v=option.value: self._toggled(v, checked))
            self.boxes.append(box)
            layout.addWidget(box)
        self.state = _state_label(self)
        self.state.setText(f"{NOT_ANSWERED_LABEL} (tick all that apply)")
        layout.addWidget(self.state)

    def _toggled(self, option: str, checked: bool) -> None:
        if self._loading:
            return
        if checked and self._exclusive:
            # an exclusive option ("none") and the others cannot both be ticked: the last
            # tick wins, as the definition says, so the reviewer never sees a refused save
            self._loading = True
            try:
                for value, box in zip(self._values, self.boxes, strict=True):
                    if value != option and (option in self._exclusive or value in self._exclusive):
                        box.setChecked(False)
            finally:
                self._loading = False
        self.state.setVisible(self.value() is None)
        self._changed()

    def value(self) -> JsonValue | None:
        chosen: list[JsonValue] = [
            v for v, box in zip(self._values, self.boxes, strict=True) if box.isChecked()
        ]
        return chosen or None

    def _show(self, value: JsonValue | None) -> None:
        chosen = value if isinstance(value, list) else []
        for option, box in zip(self._values, self.boxes, strict=True):
            box.setChecked(option in chosen)
        self.state.setVisible(not chosen)

    def focus_target(self) -> QWidget:
        return self.boxes[0]


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


def choice_options(question: SingleChoiceQuestion) -> list[tuple[JsonValue, str]]:
    return [(o.value, o.label) for o in question.options]


def yes_no_options(question: YesNoQuestion) -> list[tuple[JsonValue, str]]:
    return [(value, YES_NO_LABELS[value]) for value in question.allowed]


def care_score_options(question: CareScoreQuestion) -> list[tuple[JsonValue, str]]:
    options: list[tuple[JsonValue, str]] = [
        (score, f"{score} – {text}") for score, text in enumerate(question.labels, start=1)
    ]
    if question.allow_not_applicable:
        options.append((NOT_APPLICABLE, YES_NO_LABELS[NOT_APPLICABLE]))
    return options
