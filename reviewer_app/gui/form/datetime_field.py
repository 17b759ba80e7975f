"""A date and a time of day (UK time), for "when were they told": both, or nothing.

The date is typed the UK way (as in ``DateField``), the time as ``14:30`` (or ``2:30pm``);
the answer is stored only when both are read ("YYYY-MM-DDTHH:MM"), so half an answer is never
saved as if it were whole. Whether the moment is in the future or before the review began is
the domain's business (validation), shown by the question row.
"""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtWidgets import QWidget

from reviewer_app.domain.answers import parse_datetime
from reviewer_app.domain.definition import DateTimeQuestion
from reviewer_app.domain.typed_dates import parse_uk_date, parse_uk_time
from reviewer_app.domain.values import NOT_ANSWERED_LABEL, JsonValue
from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.text_fields import (
    DATE_HINT,
    date_box,
    echo_row,
    flag_unparsed,
    format_date,
    kept_answer,
    long_date,
    restyle,
    typed_box,
)

TIME_HINT = "Write the time as 14:30 or 2:30pm (UK time)"
INCOMPLETE = "✖ Needs both the date and the time, NOT saved. "


class DateTimeField(FieldWidget):
    """Two boxes, date and time; ``value()`` is "YYYY-MM-DDTHH:MM" or ``None``."""

    def __init__(self, question: DateTimeQuestion, parent: QWidget | None = None) -> None:
        super().__init__(question.id, question.label, parent)
        self.date_edit = date_box(self, f"{question.label}: date", DATE_HINT + ".")
        self.time_edit = typed_box(
            self,
            f"{question.label}: time",
            TIME_HINT + ".",
            placeholder="hh:mm",
            longest="00:00pm",
            max_length=8,
        )
        self.shown = echo_row(self, self.date_edit, self.time_edit)
        self._value: str | None = None
        for edit in (self.date_edit, self.time_edit):
            edit.editingFinished.connect(self._finished)
        self.setFocusProxy(self.date_edit)
        self._echo()

    @property
    def unparsed(self) -> bool:
        return self.date_edit.property("invalid") is True

    def _finished(self) -> None:
        if self.date_edit.isReadOnly():
            return
        date_text, time_text = self.date_edit.text().strip(), self.time_edit.text().strip()
        if not date_text and not time_text:
            self._set(None)
            return
        day = parse_uk_date(date_text, date.today()) if date_text else None
        moment = parse_uk_time(time_text) if time_text else None
        if day is not None:
            self.date_edit.setText(format_date(day))
        if moment is not None:
            self.time_edit.setText(f"{moment:%H:%M}")
        if day is None or moment is None:
            self._echo(date_text, time_text, day is None, moment is None)
            return
        self._set(f"{datetime.combine(day, moment):%Y-%m-%dT%H:%M}")

    def _set(self, value: str | None) -> None:
        if value != self._value:
            self._value = value
            self._changed()
        self._echo()

    def _echo(
        self,
        date_text: str = "",
        time_text: str = "",
        bad_date: bool = False,
        bad_time: bool = False,
    ) -> None:
        problem = bad_date or bad_time
        when = parse_datetime(self._value)
        saved = None if when is None else f"{long_date(when.date())}, {when:%H:%M} (UK time)"
        if problem:
            wanted = []
            if bad_date:
                wanted.append(DATE_HINT if date_text else "Write the date")
            if bad_time:
                wanted.append(TIME_HINT if time_text else "write the time")
            self.shown.setText(f"{INCOMPLETE}{kept_answer(saved)} " + "; ".join(wanted) + ".")
        else:
            self.shown.setText(saved or NOT_ANSWERED_LABEL)
        self.shown.setProperty("severity", "error" if problem else "")
        flag_unparsed(self, self.date_edit, problem)
        restyle(self.shown, self.date_edit, self.time_edit)

    def value(self) -> JsonValue | None:
        return self._value

    def _show(self, value: JsonValue | None) -> None:
        when = parse_datetime(value)
        self._value = None if when is None else f"{when:%Y-%m-%dT%H:%M}"
        self.date_edit.setText("" if when is None else format_date(when.date()))
        self.time_edit.setText("" if when is None else f"{when:%H:%M}")
        self._echo()

    def focus_target(self) -> QWidget:
        return self.date_edit

    def set_read_only(self, read_only: bool) -> None:
        self.date_edit.setReadOnly(read_only)
        self.time_edit.setReadOnly(read_only)
