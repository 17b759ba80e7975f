"""One widget per question type. Widgets show a value and report edits; they decide nothing.

Every field has the same small interface (``FieldWidget``): ``value()`` returns the answer in
its stored shape (``None`` = unanswered), ``set_value`` shows a stored answer without
reporting an edit, and ``edited`` fires when the reviewer changes it. Unanswered is always
visible as such ("Not answered"), and every choice field can be cleared explicitly (Delete,
or the "Clear answer" button for the mouse), so that clearing never looks like, or is stored
as, "No" (rule 10). The keys that choose are in choice_keys.py.

Whether an answer is complete or consistent is the domain's business (validation). The
choice fields are here; the fields typed into (dates, text) are in text_fields.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import (
    CareScoreQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    YesNoQuestion,
)
from reviewer_app.domain.setting_suggestions import Suggestion
from reviewer_app.domain.values import (
    NOT_ANSWERED_LABEL,
    NOT_APPLICABLE,
    YES_NO_LABELS,
    JsonValue,
)
from reviewer_app.gui.form.choice_keys import (
    CLEAR_KEYS,
    TYPING_NOTICE,
    OptionButton,
    TypingBurst,
    option_keys,
    plain,
    roving,
    step_focus,
)
from reviewer_app.gui.form.suggestion_hint import ACCEPT_KEY, SuggestionHint

MAX_RADIO_OPTIONS = 6  # more options than this: a combo box keeps the page short


class FieldWidget(QWidget):
    """The interface every question widget offers to the binding."""

    edited = Signal()
    unparsed_changed = Signal()  # typed text became, or stopped being, unreadable

    def __init__(self, question_id: str, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question_id = question_id
        self.label = label
        self._loading = False
        self.setAccessibleName(label)

    @property
    def unparsed(self) -> bool:
        """The box holds typed text that is not an answer (so it is NOT saved)."""
        return False

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

    def offer(self, suggestions: Sequence[Suggestion]) -> None:
        """What the case suggests (setting questions): shown, accepted with Insert."""

    def _changed(self, *_: Any) -> None:
        if not self._loading:
            self.edited.emit()


def _clear_button(label: str, parent: QWidget) -> QPushButton:
    button = QPushButton("Clear answer", parent)
    button.setObjectName("clearAnswer")
    button.setAccessibleName(f"Clear answer: {label}")
    button.setToolTip("Make this question unanswered again, not the same as No (Delete)")
    button.setAutoDefault(False)
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # for the mouse: Delete on the options
    return button


def _key_press(event: QEvent) -> QKeyEvent | None:
    if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and plain(event):
        return event
    return None


def _state_label(parent: QWidget) -> QLabel:
    hint = QLabel(NOT_ANSWERED_LABEL, parent)
    hint.setObjectName("notAnswered")
    return hint


class RadioField(FieldWidget):
    """Labelled radio buttons for one value, "Not answered" shown, and "Clear answer".

    One Tab stop; a key per option (underlined), arrows that choose, Delete that clears.
    """

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
        self.keys = option_keys(options)
        self._typing = TypingBurst()
        self.buttons: list[OptionButton] = []
        row: QHBoxLayout | None = None
        for index, (_, text) in enumerate(options):
            if columns > 1 and index % columns == 0:
                row = QHBoxLayout()
                row.setSpacing(18)
                layout.addLayout(row)
            button = OptionButton(text, self.keys[index], self)
            button.setAccessibleName(text)
            button.setAccessibleDescription(label)
            button.installEventFilter(self)
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
        checked = self.group.checkedId()
        self.state.setVisible(checked < 0)
        self.clear_button.setVisible(checked >= 0 and self.clear_button.isEnabled())
        focused = next((i for i, b in enumerate(self.buttons) if b.hasFocus()), 0)
        roving(self.buttons, checked if checked >= 0 else focused)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        key = _key_press(event)
        if key is not None and watched in self.buttons:
            return self._key(key)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        """Delete clears; an arrow or an option's own key chooses (and focuses) it; typing
        meant for a text box chooses nothing (``TypingBurst``)."""
        verdict = self._typing.key(event, event.text().upper() in self.keys, self.value())
        if verdict != "choose":
            if verdict == "typing" and self._typing.before != self.value():
                self.set_value(self._typing.before)
                self.edited.emit()
            if verdict == "typing":
                QToolTip.showText(self.mapToGlobal(self.rect().topLeft()), TYPING_NOTICE, self)
            return True
        if event.key() in CLEAR_KEYS:
            if self.value() is not None and self.clear_button.isEnabled():
                self.clear_button.click()
            return True
        if step_focus(self.buttons, event, self._choose):
            return True
        text = event.text().upper()
        if text and text in self.keys:
            index = self.keys.index(text)
            self.buttons[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
            self._choose(index)
            return True
        return False

    def _choose(self, index: int) -> None:
        if self.buttons[index].isEnabled():
            self.buttons[index].setChecked(True)
        roving(self.buttons, index)

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

    def focus_target(self) -> QWidget:
        index = self.group.checkedId()
        return self.buttons[index if index >= 0 else 0]

    def set_read_only(self, read_only: bool) -> None:
        for button in self.buttons:
            button.setEnabled(not read_only)
        self.clear_button.setEnabled(not read_only)  # and hidden: nothing to clear when signed
        self._update_state()


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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.combo)
        row.addStretch(1)
        layout.addLayout(row)
        self.combo.currentIndexChanged.connect(self._changed)
        self.combo.installEventFilter(self)
        self.setFocusProxy(self.combo)
        self.suggestion = SuggestionHint("choose it", self)
        self.suggestion.accepted.connect(self.accept_suggestion)
        layout.addWidget(self.suggestion)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        key = _key_press(event)
        if key is not None and watched is self.combo and key.key() in CLEAR_KEYS:
            self.combo.setCurrentIndex(0)  # Delete: unanswered again
            return True
        if key is not None and watched is self.combo and key.key() == ACCEPT_KEY:
            self.accept_suggestion()
            return True
        return super().eventFilter(watched, event)

    def offer(self, suggestions: Sequence[Suggestion]) -> None:
        self.suggestion.show_for(suggestions[:1], self.value())  # one value: the first

    def _changed(self, *_: Any) -> None:
        self.suggestion.follow(self.value())
        super()._changed()

    def accept_suggestion(self) -> None:
        if self.suggestion.values and self.combo.isEnabled():
            self._show(self.suggestion.values[0])

    def value(self) -> JsonValue | None:
        return self._values[self.combo.currentIndex()]

    def _show(self, value: JsonValue | None) -> None:
        index = _index_of(self._values[1:], value)
        self.combo.setCurrentIndex(0 if index is None else index + 1)

    def focus_target(self) -> QWidget:
        return self.combo


class CheckboxField(FieldWidget):
    """Multiple choice: a check box per option; nothing ticked is unanswered.

    One Tab stop: arrows (or an option's initial) move between the boxes, Space ticks,
    Delete unticks them all.
    """

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
            box.installEventFilter(self)
            self.boxes.append(box)
            layout.addWidget(box)
        self.state = _state_label(self)
        self.state.setText(f"{NOT_ANSWERED_LABEL} (tick all that apply; Space ticks)")
        layout.addWidget(self.state)
        self.suggestion = SuggestionHint("tick them", self)
        self.suggestion.accepted.connect(self.accept_suggestion)
        layout.addWidget(self.suggestion)
        self._current = 0
        roving(self.boxes, 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and watched in self.boxes:
            self._move(self.boxes.index(watched))  # type: ignore[arg-type]
        key = _key_press(event)
        if key is not None and watched in self.boxes:
            return self._key(key)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        if event.key() in CLEAR_KEYS:
            if self.value() is not None:
                self.set_value(None)
                self.edited.emit()
            return True
        if event.key() == ACCEPT_KEY:
            self.accept_suggestion()
            return True
        if step_focus(self.boxes, event, self._move):
            return True
        text = event.text().upper()
        if text.isalnum():  # the next option whose label starts with the letter
            count = len(self.boxes)
            for step in range(1, count + 1):
                index = (self._current + step) % count
                if self.boxes[index].text()[:1].upper() == text:
                    self.boxes[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
                    self._move(index)
                    return True
        return False

    def _move(self, index: int) -> None:
        self._current = index
        roving(self.boxes, index)

    def offer(self, suggestions: Sequence[Suggestion]) -> None:
        self.suggestion.show_for(suggestions, self.value())

    def _changed(self, *_: Any) -> None:
        self.suggestion.follow(self.value())
        super()._changed()

    def accept_suggestion(self) -> None:
        """Tick what the case suggests (added to what is ticked; one edit)."""
        wanted = set(self.suggestion.values)
        boxes = [b for v, b in zip(self._values, self.boxes, strict=True) if v in wanted]
        if not boxes or not all(b.isEnabled() for b in boxes):
            return
        self._loading = True
        try:
            for value, box in zip(self._values, self.boxes, strict=True):
                if value in self._exclusive:  # "none" and a setting cannot both be ticked
                    box.setChecked(False)
            for box in boxes:
                box.setChecked(True)
        finally:
            self._loading = False
        self.state.setVisible(self.value() is None)
        self._changed()

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
        self.suggestion.follow(self.value())

    def focus_target(self) -> QWidget:
        return self.boxes[self._current]


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
