"""What the PDF case summary is made from: one immutable ``SummaryInput``.

The signing service builds it from the stored review (answers, version, signers known before
signing, the canonical content hash) and hands the rendered bytes to pyhanko. Everything the
PDF shows comes from here, so equal inputs give byte-identical PDFs.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    InstanceOf,
    ValidationInfo,
    field_validator,
    model_validator,
)

from reviewer_app.domain.amendments import changed_fields
from reviewer_app.domain.answers import display_value
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import QuestionRef, ReviewDefinition, SectionKind
from reviewer_app.domain.labelled import LabelledEnum
from reviewer_app.domain.values import Answers

__all__ = [
    "ChangedField",
    "Signer",
    "SignerRole",
    "SummaryInput",
    "SummaryOutcome",
    "changes_between",
]

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

SignerRole = Literal["reviewer", "co-reviewer"]


class SummaryOutcome(LabelledEnum):
    """The outcome of the review; anything but a full review gets a one-page summary."""

    FULL_REVIEW = "full_review", "Full review"
    RECORDS_MISSING = "records_missing", "Could not be reviewed: records missing"
    HANDED_BACK = "handed_back", "Handed back: conflict of interest"
    OUTSIDE_METHOD = "outside_method", "Outside this method"


def _zoned(value: datetime | None, info: ValidationInfo) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{info.field_name} must carry a time zone (UTC)")
    return value


ZonedTime = Annotated[datetime | None, AfterValidator(_zoned)]
"""A moment printed on the summary: it must say its time zone (UTC), or be None."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)


class Signer(_Frozen):
    """A person who signs (or will sign) this version. ``signed_at`` is UTC, or None if pending."""

    name: str = Field(min_length=1)
    profession: str = Field(min_length=1)
    registration: str | None = None
    role: SignerRole = "reviewer"
    signed_at: ZonedTime = None


class ChangedField(_Frozen):
    """One answer an amendment changed, as people read it (labels, display values)."""

    label: str
    old: str
    new: str


class SummaryInput(_Frozen):
    """Everything the PDF summary shows. See ``render_summary``."""

    study_name: str = Field(min_length=1)
    study_id: str = Field(min_length=1)
    case: Case
    definition: InstanceOf[ReviewDefinition]
    """A definition already loaded (and so checked): not checked again for every summary
    (its cross-reference checks were ~8 ms of each sign-off's two summaries)."""
    answers: dict[str, Any]
    version: int = Field(1, ge=1)
    supersedes: int | None = Field(None, ge=1, description="The version this one amends.")
    amendment_reason: str | None = None
    changes: tuple[ChangedField, ...] = ()
    outcome: SummaryOutcome | None = Field(
        None, description="None: read from the answers (the outcome section)."
    )
    outcome_reason: str | None = Field(
        None, description="None: read from the answers (the outcome section's text)."
    )
    signers: tuple[Signer, ...] = ()
    content_hash: str = Field(description="SHA-256 (hex) of the canonical review content.")
    synthetic: bool = False
    taskforce_copy: bool = False
    created_at: ZonedTime = Field(
        None, description="Document date in the PDF metadata; None: a fixed date."
    )

    @field_validator("content_hash")
    @classmethod
    def _hex(cls, value: str) -> str:
        value = value.strip().lower()
        if not _SHA256_HEX.match(value):
            raise ValueError("content_hash must be 64 hexadecimal characters (SHA-256)")
        return value

    @model_validator(mode="after")
    def _amendment(self) -> SummaryInput:
        if self.supersedes is not None and self.supersedes >= self.version:
            raise ValueError("an amendment supersedes an earlier version")
        return self

    @property
    def resolved_outcome(self) -> SummaryOutcome:
        """The given outcome, else the first outcome-section answer naming one, else full."""
        if self.outcome is not None:
            return self.outcome
        known = {o.value for o in SummaryOutcome}
        for section in self.definition.sections_of_kind(SectionKind.OUTCOME):
            for question in section.questions:
                value = self.answers.get(question.id)
                if isinstance(value, str) and value in known:
                    return SummaryOutcome(value)
        return SummaryOutcome.FULL_REVIEW

    @property
    def signed_at_latest(self) -> datetime | None:
        times = [s.signed_at for s in self.signers if s.signed_at is not None]
        return max(times).astimezone(UTC) if times else None


def change_label(ref: QuestionRef) -> str:
    """What a changed question is called in the summary's list of changes: its label, after
    its section's title unless the label holds it already (screening questions stand alone)."""
    label = ref.question.label
    if ref.section.title not in label and ref.section.kind is not SectionKind.SCREENING:
        label = f"{ref.section.title}: {label}"
    return label


def changes_between(
    definition: ReviewDefinition, old_answers: Answers, new_answers: Answers
) -> tuple[ChangedField, ...]:
    """What an amendment changed, ready for ``SummaryInput.changes`` (form order)."""
    order = definition.question_order()
    found: list[tuple[int, ChangedField]] = []
    for change in changed_fields(old_answers, new_answers):
        ref = definition.find(change.question_id)
        if ref is None:
            label, old, new = change.question_id, _raw(change.old), _raw(change.new)
        else:
            label = change_label(ref)
            old = display_value(ref.question, change.old)
            new = display_value(ref.question, change.new)
        found.append(
            (order.get(change.question_id, len(order)), ChangedField(label=label, old=old, new=new))
        )
    found.sort(key=lambda pair: pair[0])
    return tuple(change for _, change in found)


def _raw(value: object) -> str:
    return "Not answered" if value is None else str(value)
