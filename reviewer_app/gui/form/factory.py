"""The widget factory: each question type of the definition maps to one field widget.

No page is built by hand: a new question in the definition file gets its widget from here.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from reviewer_app.domain.definition import (
    AnyQuestion,
    AvoidabilityQuestion,
    CareScoreQuestion,
    DateQuestion,
    DateTimeQuestion,
    GroupQuestion,
    MultipleChoiceQuestion,
    SingleChoiceQuestion,
    TextQuestion,
    YesNoQuestion,
)
from reviewer_app.gui.form.avoidability_field import AvoidabilityField
from reviewer_app.gui.form.datetime_field import DateTimeField
from reviewer_app.gui.form.fields import (
    MAX_RADIO_OPTIONS,
    CheckboxField,
    ComboField,
    FieldWidget,
    RadioField,
    care_score_options,
    choice_options,
    yes_no_options,
)
from reviewer_app.gui.form.group_field import Confirm, GroupField, confirm_remove
from reviewer_app.gui.form.question_row import QuestionRow
from reviewer_app.gui.form.text_fields import DateField, TextField


def make_field(
    question: AnyQuestion, parent: QWidget | None = None, *, confirm: Confirm = confirm_remove
) -> FieldWidget:
    """The widget for ``question``'s type."""
    if isinstance(question, SingleChoiceQuestion):
        options = choice_options(question)
        if len(options) > MAX_RADIO_OPTIONS:
            return ComboField(question.id, question.label, options, parent)
        return RadioField(question.id, question.label, options, parent)
    if isinstance(question, MultipleChoiceQuestion):
        return CheckboxField(question, parent)
    if isinstance(question, YesNoQuestion):
        options = yes_no_options(question)
        return RadioField(question.id, question.label, options, parent, columns=len(options))
    if isinstance(question, CareScoreQuestion):
        return RadioField(question.id, question.label, care_score_options(question), parent)
    if isinstance(question, AvoidabilityQuestion):
        return AvoidabilityField(question, parent)
    if isinstance(question, DateQuestion):
        return DateField(question, parent)
    if isinstance(question, DateTimeQuestion):
        return DateTimeField(question, parent)
    if isinstance(question, TextQuestion):
        return TextField(question, parent)
    if isinstance(question, GroupQuestion):
        return GroupField(question, make_row, parent, confirm=confirm)
    raise TypeError(f"no widget for question type {type(question).__name__}")


def make_row(question: AnyQuestion, parent: QWidget | None = None) -> QuestionRow:
    """A question row (label, help, field, messages) for ``question``."""
    field = make_field(question, None)
    return QuestionRow(question, field, question.required, parent)
