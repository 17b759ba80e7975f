"""The fields typed into: dates (written dd/mm/yyyy) and text, with their counters and hints.

They follow ``FieldWidget`` (fields.py) like every field; the only checks here are turning
typed text into a value (a date) and counting characters against the definition's limits.
Whether an answer is complete or consistent is the domain's business (validation).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import DateQuestion, TextQuestion
from reviewer_app.domain.text_substance import distinct_words
from reviewer_app.domain.typed_dates import parse_uk_date
from reviewer_app.domain.values import MONTHS, NOT_ANSWERED_LABEL, JsonValue
from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.focus import typing_guard
from reviewer_app.gui.spelling import install_spell_check

DATE_HINT = "Write the date as 1/6/2017, 1/6/17, 1 Jun 2017 or 2017-06-01"
NOT_A_DATE = "✖ Not a date, NOT saved."


def kept_answer(saved: str | None) -> str:
    """What stays stored while the box holds text that is not a date."""
    return "Nothing saved yet." if saved is None else f"The saved answer is still {saved}."


def flag_unparsed(field: FieldWidget, edit: QWidget, unparsed: bool) -> None:
    """Put the box in (or out of) its error state; the form hears of a change."""
    before = edit.property("invalid") is True
    edit.setProperty("invalid", unparsed)
    if before != unparsed:
        field.unparsed_changed.emit()


def typed_box(
    parent: QWidget, name: str, description: str, *, placeholder: str, longest: str, max_length: int
) -> QLineEdit:
    """A box a date or a time is typed into, wide enough for ``longest`` written in full."""
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(name)
    edit.setAccessibleDescription(description)
    edit.setMaxLength(max_length)
    widest = edit.fontMetrics().horizontalAdvance(longest)
    edit.setFixedWidth(widest + 24)  # never squeezed by a long message beside it
    return edit


def date_box(parent: QWidget, name: str, description: str) -> QLineEdit:
    """The box a date is typed into (dd/mm/yyyy), as wide as the longest date in words."""
    return typed_box(
        parent,
        name,
        description,
        placeholder="dd/mm/yyyy",
        longest="00 September 0000",
        max_length=20,
    )


def echo_row(field: QWidget, *edits: QWidget) -> QLabel:
    """Lay ``edits`` out in a row on ``field`` with, after them, the label that echoes what
    was read (or the problem); returns the label."""
    shown = QLabel(field)
    shown.setObjectName("dateEcho")
    shown.setWordWrap(True)  # a long message wraps, never widens the page
    shown.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    layout = QHBoxLayout(field)
    layout.setContentsMargins(0, 0, 0, 0)
    for edit in edits:
        layout.addWidget(edit)
    layout.addWidget(shown, 1)
    return shown


def restyle(*widgets: QWidget) -> None:
    """Apply the style sheet again after a property it reads has changed."""
    for widget in widgets:
        widget.style().unpolish(widget)
        widget.style().polish(widget)


def format_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def long_date(day: date | None) -> str:
    return "—" if day is None else f"{day.day} {MONTHS[day.month - 1][:3]} {day.year}"


class DateField(FieldWidget):
    """A date typed the UK way (domain/typed_dates.py) that may be left EMPTY (unanswered).

    While typing, a whole date with a four-digit year is taken at once; on leaving the field
    (or Enter) the short forms are read too (``1/6/17``) and the text is rewritten in full, so
    the century chosen is in sight. Text that is still not a date then puts the field in an
    error state that says it is NOT saved; emptying the box clears the answer.
    """

    def __init__(self, question: DateQuestion, parent: QWidget | None = None) -> None:
        super().__init__(question.id, question.label, parent)
        self.edit = date_box(self, question.label, DATE_HINT + ". Leave empty if unknown.")
        typing_guard().watch(self.edit)
        self.shown = echo_row(self, self.edit)
        self._value: str | None = None
        self.edit.textEdited.connect(self._typed)
        self.edit.editingFinished.connect(self._finished)
        self.setFocusProxy(self.edit)
        self._echo()

    @property
    def unparsed(self) -> bool:
        """The box holds text that is not a date (the error state is showing)."""
        return self.edit.property("invalid") is True

    def _typed(self, text: str) -> None:
        self._take(text, final=False)

    def _finished(self) -> None:
        if not self.edit.isReadOnly():
            self._take(self.edit.text(), final=True)

    def _take(self, text: str, *, final: bool) -> None:
        if not text.strip():
            new: str | None = None
        else:
            parsed = parse_uk_date(text, date.today(), two_digit_years=final)
            if parsed is None:
                self._echo("error" if final else "hint")
                return
            new = parsed.isoformat()
            if final:
                self.edit.setText(format_date(parsed))
        if new != self._value:
            self._value = new
            self._changed()
        self._echo()

    def _echo(self, problem: str = "") -> None:
        """The date as read, or the problem: a hint while typing, an error once left."""
        saved = None if self._value is None else long_date(date.fromisoformat(self._value))
        if problem == "error":
            self.shown.setText(f"{NOT_A_DATE} {kept_answer(saved)} {DATE_HINT}.")
        elif problem:
            self.shown.setText(DATE_HINT + " (not saved yet)")
        elif self._value is None:
            self.shown.setText(NOT_ANSWERED_LABEL)
        else:
            self.shown.setText(saved or NOT_ANSWERED_LABEL)
        self.shown.setProperty("severity", problem)
        flag_unparsed(self, self.edit, problem == "error")
        restyle(self.shown, self.edit)

    def value(self) -> JsonValue | None:
        return self._value

    def _show(self, value: JsonValue | None) -> None:
        day = None
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                day = None
        self._value = None if day is None else day.isoformat()
        self.edit.setText("" if day is None else format_date(day))
        self._echo()

    def focus_target(self) -> QWidget:
        return self.edit

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        show_read_only(self.edit)


class PlainTextEdit(QPlainTextEdit):
    """Multi-line text where Tab moves on (Ctrl+Tab inserts nothing): keyboard-friendly."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)


def show_read_only(box: QWidget) -> None:
    """Restyle after ``setReadOnly``: the style sheet greys read-only boxes (style.py)."""
    restyle(box)


def text_box(multiline: bool, label: str, parent: QWidget) -> QPlainTextEdit | QLineEdit:
    """The one place the form's free-text boxes are made (hooks for every box go here)."""
    box: QPlainTextEdit | QLineEdit = PlainTextEdit(parent) if multiline else QLineEdit(parent)
    box.setAccessibleName(label)
    typing_guard().watch(box)
    if isinstance(box, QPlainTextEdit):
        install_spell_check(box)  # follows the open workspace's checker (gui/spelling.py)
    return box


class TextField(FieldWidget):
    """Free text: one line or several, with the length hint; blank text is unanswered.

    Identifier warnings (NHS number, postcode, date of birth, names) come from validation and
    are shown by the question row, like every other message.
    """

    def __init__(self, question: TextQuestion, parent: QWidget | None = None) -> None:
        super().__init__(question.id, question.label, parent)
        self._min = question.min_length
        self._max = question.max_length
        self._target: tuple[int, int] | None = None  # (characters, words) a rule asks for now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.line: QLineEdit | None = None
        self.text: PlainTextEdit | None = None
        box = text_box(question.multiline, question.label, self)
        if isinstance(box, PlainTextEdit):
            self.text = box
            lines = 5 if self._min >= 50 else 3
            height = self.text.fontMetrics().lineSpacing() * lines + 14
            self.text.setMinimumHeight(height)
            self.text.setMaximumHeight(height * 2)
            self.text.textChanged.connect(self._changed_text)
            layout.addWidget(self.text)
            self.setFocusProxy(self.text)
        elif isinstance(box, QLineEdit):
            self.line = box
            if self._max:
                self.line.setMaxLength(self._max)
            self.line.textChanged.connect(self._changed_text)
            layout.addWidget(self.line)
            self.setFocusProxy(self.line)
        self.counter = QLabel(self)
        self.counter.setObjectName("lengthHint")
        layout.addWidget(self.counter)
        self._count()

    def raw_text(self) -> str:
        if self.text is not None:
            return self.text.toPlainText()
        assert self.line is not None
        return self.line.text()

    def _changed_text(self) -> None:
        self._count()
        self._changed()

    def set_target(self, min_length: int, min_words: int) -> None:
        """What a rule asks of this comment now (a score of 1-2: a substantial one); the
        counter then shows, live, how far the text is from it. ``0, 0``: no target."""
        target = (min_length, min_words) if min_length or min_words else None
        if target != self._target:
            self._target = target
            self._count()

    def _count(self) -> None:
        if self._target is not None:
            self._count_target(*self._target)
            return
        length = len(self.raw_text().strip())
        parts = []
        if self._min:
            parts.append(f"At least {self._min} characters")
        if self._max and length > self._max * 0.8:
            parts.append(f"at most {self._max}")
        if parts or length:
            parts.append(f"now {length}")
        self.counter.setText(", ".join(parts) if self._min or length > 0 else "")
        near_max = self._max is not None and length > self._max * 0.8
        self.counter.setVisible(bool(self._min) or near_max)

    def _count_target(self, min_length: int, min_words: int) -> None:
        """Live: how far the comment is from what its score asks (judged by content)."""
        text = self.raw_text().strip()
        words = distinct_words(text)
        parts = []
        if min_length:
            parts.append(f"{len(text)} characters (at least {min_length})")
        if min_words:
            parts.append(f"{words} different words (at least {min_words})")
        done = len(text) >= min_length and words >= min_words
        what = "Substantial comment" if min_length else "Judgement comment"
        self.counter.setText(f"{'✔ ' if done else ''}{what}: " + ", ".join(parts))
        self.counter.setProperty("severity", "" if done else "warning")
        self.counter.setVisible(True)

    def value(self) -> JsonValue | None:
        text = self.raw_text()
        return text if text.strip() else None

    def _show(self, value: JsonValue | None) -> None:
        text = value if isinstance(value, str) else ""
        if self.raw_text() == text:
            return
        if self.text is not None:
            self.text.setPlainText(text)
        elif self.line is not None:
            self.line.setText(text)
        self._count()

    def focus_target(self) -> QWidget:
        widget = self.text if self.text is not None else self.line
        assert widget is not None
        return widget

    def set_read_only(self, read_only: bool) -> None:
        box = self.focus_target()
        if isinstance(box, QPlainTextEdit | QLineEdit):
            box.setReadOnly(read_only)
            show_read_only(box)
