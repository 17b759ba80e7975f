"""Question types of the review definition: what can be asked and how it is described.

Each type fixes the shape of its stored answer (see ``answers.py``). Every question carries
help text (refused when missing or blank) because reviewers work offline with no one to ask;
all text is NFC-normalised where it enters, so comparisons and exports agree.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.conditions import Condition
from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.values import YesNoValue


def _clean_text(value: str) -> str:
    value = nfc(value).strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
QuestionId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Frozen):
    value: OptionValue
    label: Text
    help: Text | None = None


class _Question(_Frozen):
    id: QuestionId
    label: Text
    help: Text = Field(description="Shown next to the question; required on every question.")
    required: bool = Field(False, description="Must be answered before sign-off when relevant.")
    required_when: Condition | None = Field(
        None, description="Must be answered before sign-off when relevant and this holds."
    )
    relevant_when: Condition | None = Field(
        None, description="Asked only when this holds; otherwise hidden and ignored."
    )


class SingleChoiceQuestion(_Question):
    type: Literal["single_choice"]
    options: tuple[Option, ...] = Field(min_length=1)


class MultipleChoiceQuestion(_Question):
    type: Literal["multiple_choice"]
    options: tuple[Option, ...] = Field(min_length=1)
    exclusive: tuple[OptionValue, ...] = Field(
        (), description="Options that cannot be combined with any other (e.g. 'none')."
    )


class YesNoQuestion(_Question):
    type: Literal["yes_no"]
    allowed: tuple[YesNoValue, ...] = Field(min_length=2)


class CareScoreQuestion(_Question):
    type: Literal["care_score"]
    labels: tuple[Text, Text, Text, Text, Text] = Field(
        description="Labels of scores 1 to 5, in order (1 very poor ... 5 excellent)."
    )
    allow_not_applicable: bool


class AvoidabilityQuestion(_Question):
    type: Literal["avoidability"]
    scales: tuple[AvoidabilityScale, ...] = Field(min_length=1)
    default_scale: AvoidabilityScale


class DateQuestion(_Question):
    type: Literal["date"]


class DateTimeQuestion(_Question):
    """A date and a time of day (UK local time), stored as "YYYY-MM-DDTHH:MM"."""

    type: Literal["datetime"]


class TextQuestion(_Question):
    type: Literal["text"]
    min_length: int = Field(0, ge=0, description="A real comment: characters after trimming.")
    min_words: int | None = Field(
        None,
        ge=1,
        description="Judged by content: distinct words needed; one repeated character never "
        "counts.",
    )
    max_length: int | None = Field(None, ge=1)
    multiline: bool = True


# What a repeating group's items may ask: every kind of question but another group.
AnyItemQuestion = (
    SingleChoiceQuestion
    | MultipleChoiceQuestion
    | YesNoQuestion
    | CareScoreQuestion
    | AvoidabilityQuestion
    | DateQuestion
    | DateTimeQuestion
    | TextQuestion
)
ItemQuestion = Annotated[AnyItemQuestion, Field(discriminator="type")]


class GroupQuestion(_Question):
    """A repeating group (problems in care, escalations): a list of items of sub-questions."""

    type: Literal["group"]
    item_label: Text
    item_questions: tuple[ItemQuestion, ...] = Field(min_length=1)
    min_items: int = Field(0, ge=0)


AnyQuestion = AnyItemQuestion | GroupQuestion
# As read from a definition file: the "type" field says which model.
Question = Annotated[AnyQuestion, Field(discriminator="type")]
ChoiceQuestion = SingleChoiceQuestion | MultipleChoiceQuestion
