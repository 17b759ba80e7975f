"""Reviewing one case: open it, save answers, move its status, record outcomes and concerns.

The GUI and the CLI share these use-cases; nothing here knows about Qt. Two rules shape it:

- The status follows the answers. After every save the validation report decides between
  "in progress" and "ready to sign" (no errors: ready). Signed reviews and the outcomes
  (records missing, handed back, outside this method) are never moved automatically: an
  outcome is reached only by ``set_outcome`` with a reason, and left only by ``reopen``.
- A save is all or nothing. The answers, the status that follows from them and the urgent
  flag of an immediate safety concern commit in one transaction with their audit entries, so
  a crash can never leave answers saved under a stale status.

``evaluate`` is pure (definition + answers + case -> ``ReviewState``) and fast (about 2 ms),
so the form can show section states, readiness and triggers live while the writer thread
saves in the background. It lives in ``state.py`` (no database there) and is listed in this
module's ``__all__`` with the rest of what the form needs, so the GUI has one front door.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from reviewer_app.domain.answers import (
    InvalidAnswerError,
    normalise_value,
    validate_value,
)
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import (
    ReviewDefinition,
    default_definition,
    load_definition_version,
)
from reviewer_app.domain.review_timing import ReviewTiming, uk_wall_clock
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.study_scale import on_study_scale
from reviewer_app.domain.text_substance import is_meaningful
from reviewer_app.domain.validation import validate
from reviewer_app.domain.values import YES, Answers, JsonValue
from reviewer_app.errors import ReadOnlyError, UserError
from reviewer_app.services.review.state import (
    OUTCOME_ACTIONS,
    CommentTarget,
    FormRoles,
    ReviewState,
    evaluate,
    next_status,
)
from reviewer_app.services.signing.rules import case_outcome_change_refusal
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import Review, ReviewStore
from reviewer_app.storage.workspace.study_settings import StudySettingsStore

log = logging.getLogger(__name__)

__all__ = [
    "MIN_REASON_LENGTH",
    "OUTCOME_ACTIONS",
    "POSITION_KEY",
    "CommentTarget",
    "FormRoles",
    "OpenReview",
    "OutcomeIncompleteError",
    "OutcomeRefusedError",
    "ReasonTooShortError",
    "ReviewService",
    "ReviewState",
    "SaveResult",
    "UiPosition",
    "evaluate",
    "review_sink",
]

MIN_REASON_LENGTH: Final = 10
POSITION_KEY: Final = "review.position"
_URGENT_REASON: Final = "Immediate safety concern recorded"  # the audit entry's reason
_NOT_URGENT_REASON: Final = "Immediate safety concern answer no longer Yes"

DefinitionLoader = Callable[[str, int], ReviewDefinition]


class ReasonTooShortError(UserError):
    """An outcome or reopening was asked for without a real reason."""


class OutcomeIncompleteError(UserError):
    """An outcome was asked for while something it needs (the screening) is missing."""


class OutcomeRefusedError(UserError):
    """An amendment may not become another outcome: an earlier signed version holds a finding."""


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenReview:
    """A case opened for review: what the header, the form and the navigation need."""

    case: Case
    review: Review
    definition: ReviewDefinition
    answers: Answers
    state: ReviewState
    roles: FormRoles
    signed: bool = False

    @property
    def review_id(self) -> int:
        return self.review.id

    @property
    def status(self) -> ReviewStatus:
        return self.review.status

    @property
    def read_only(self) -> bool:
        return self.review.locked

    @property
    def urgent(self) -> bool:
        return self.review.urgent


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What one save did: how many answers changed, and the status and flag afterwards."""

    review_id: int
    changed: int
    status: ReviewStatus
    urgent: bool
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class UiPosition:
    """Where the reviewer was: case, section and field (restored after a restart or unlock)."""

    case_ref: str
    section_id: str | None = None
    question_id: str | None = None

    def to_json(self) -> str:
        return json.dumps(
            {"case_ref": self.case_ref, "section": self.section_id, "field": self.question_id}
        )

    @classmethod
    def from_json(cls, text: str | None) -> UiPosition | None:
        if not text:
            return None
        try:
            raw = json.loads(text)
        except ValueError:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("case_ref"), str):
            return None
        section, question = raw.get("section"), raw.get("field")
        return cls(
            raw["case_ref"],
            section if isinstance(section, str) else None,
            question if isinstance(question, str) else None,
        )


# --- the service -------------------------------------------------------------------------------


@dataclass
class _Cache:
    cases: dict[str, Case] = field(default_factory=dict)
    began: dict[int, datetime] = field(default_factory=dict)  # review id -> its first start
    definitions: dict[tuple[str, str], ReviewDefinition] = field(default_factory=dict)


class ReviewService:
    """The review use-cases on one database connection (one per thread)."""

    def __init__(
        self,
        db: Database,
        *,
        definition_loader: DefinitionLoader = load_definition_version,
        current_definition: Callable[[], ReviewDefinition] = default_definition,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._db = db
        self._load = definition_loader
        self._current = current_definition
        self._clock = clock
        self._reviews = ReviewStore(db, clock=clock)
        self._cases = CaseStore(db, clock=clock)
        self._cache = _Cache()

    # -- reading

    def definition_for(self, review: Review) -> ReviewDefinition:
        """The definition the review was made with (its id and version), not the newest, on
        the study's avoidability scale (as the workspace's packs brought it)."""
        key = (review.definition_id, review.definition_version)
        shown = self._cache.definitions.get(key)
        if shown is None:
            made_with = self._load(review.definition_id, int(review.definition_version))
            shown = on_study_scale(made_with, StudySettingsStore(self._db).avoidability_scale())
            self._cache.definitions[key] = shown
        return shown

    def shown_status(self, case_ref: str) -> ReviewStatus:
        """The case's status as the case list shows it: a joint review signed by the reviewer
        alone is awaiting co-signature (derived from its signatures, never stored)."""
        row = self._cases.summary(case_ref)
        return row.status if row is not None else ReviewStatus.NOT_STARTED

    def timing(self, review: Review) -> ReviewTiming:
        """Now, and when this review began (its first version: an amendment carries the
        answers, times included, of the review it corrects): what time answers are checked
        against."""
        began = self._cache.began.get(review.id)
        if began is None:
            began = self._reviews.began(review)
            self._cache.began[review.id] = began
        return ReviewTiming(self._clock(), began)

    def case(self, case_ref: str) -> Case:
        cached = self._cache.cases.get(case_ref)
        if cached is None:
            cached = self._cases.get(case_ref)
            self._cache.cases[case_ref] = cached
        return cached

    def open(self, case_ref: str, actor: str) -> OpenReview:
        """Open the case's latest review version, creating version 1 under the newest form."""
        case = self._cases.get(case_ref)
        self._cache.cases[case_ref] = case
        review = self._reviews.latest(case_ref)
        if review is None:
            current = self._current()
            review = self._reviews.open_review(case_ref, current.id, str(current.version), actor)
        return self._opened(review, case)

    def reload(self, review_id: int) -> OpenReview:
        review = self._reviews.get(review_id)
        return self._opened(review, self.case(review.case_ref))

    def _opened(self, review: Review, case: Case) -> OpenReview:
        definition = self.definition_for(review)
        answers = self._reviews.answers(review.id)
        return OpenReview(
            case=case,
            review=review,
            definition=definition,
            answers=answers,
            state=evaluate(definition, answers, case, review.status, self.timing(review)),
            roles=FormRoles.of(definition),
            signed=self._reviews.is_signed(review.id),
        )

    # -- saving

    def save(
        self,
        review_id: int,
        changes: Mapping[str, JsonValue | None],
        actor: str,
        *,
        reason: str | None = None,
    ) -> SaveResult:
        """Save answers (``None`` clears one), then move the status to fit the answers.

        Every value's shape is checked against its question first; one bad value refuses the
        whole save (``InvalidAnswerError``, naming the question, never the value). A locked
        review (signed, or an outcome) raises ``ReadOnlyError``. ``reason`` goes into every
        change's audit entry (scripted entry: "entered from FILE"; the form gives none).
        """
        review = self._reviews.get(review_id)
        self._refuse_if_locked(review)
        definition = self.definition_for(review)
        clean = _checked_changes(definition, changes)
        with self._db.transaction():
            changed = self._reviews.save_answers(review_id, clean, actor, reason)
            review = self._settle(review_id, definition, actor) if changed else review
        return SaveResult(review_id, changed, review.status, review.urgent, self._clock())

    def _settle(self, review_id: int, definition: ReviewDefinition, actor: str) -> Review:
        """Status and urgent flag that follow from the saved answers (inside the transaction)."""
        review = self._reviews.get(review_id)
        answers = self._reviews.answers(review_id)
        state = evaluate(
            definition, answers, self.case(review.case_ref), review.status, self.timing(review)
        )
        target = next_status(review.status, state)
        if target != review.status:
            review = self._reviews.set_status(review_id, target, actor)
        if state.immediate_concern != review.urgent:  # the flag follows the answer, both ways
            reason = _URGENT_REASON if state.immediate_concern else _NOT_URGENT_REASON
            review = self._reviews.set_urgent(
                review_id, state.immediate_concern, actor, reason=reason
            )
        return review

    def _refuse_if_locked(self, review: Review) -> None:
        if review.locked:
            raise ReadOnlyError(
                f"This review is {review.status.label.lower()}, so its answers cannot change. "
                + (
                    "Start an amendment to correct it."
                    if review.status is ReviewStatus.SIGNED
                    else "Reopen it first if the review should continue."
                )
            )

    # -- outcomes

    def set_outcome(
        self, review_id: int, outcome: ReviewStatus | str, reason: str, actor: str
    ) -> OpenReview:
        """End the review with an outcome other than a full review, for a stated reason.

        Records the outcome and reason as answers (so they are exported and signed like the
        rest), checks that what the outcome needs (the screening) is complete, then moves the
        status. Nothing is saved when something is missing (``OutcomeIncompleteError``), nor
        when the review is an amendment of a case an earlier signed full review of which holds
        a finding (``OutcomeRefusedError``: the sign-off's rule
        ``rules.case_outcome_change_refusal``, said before anything is recorded).
        """
        status = ReviewStatus(outcome)
        if status not in OUTCOME_ACTIONS:
            raise UserError(f'"{status.label}" is not an outcome that can be recorded here.')
        reason = _checked_reason(reason, f'"{status.label}"')
        review = self._reviews.get(review_id)
        self._refuse_if_locked(review)
        refusal = case_outcome_change_refusal(self._db, review, self.definition_for)
        if refusal is not None:  # the sign-off's rule, said now rather than at signing
            raise OutcomeRefusedError(refusal)
        definition = self.definition_for(review)
        roles = FormRoles.of(definition)
        changes: dict[str, JsonValue | None] = {}
        if roles.outcome is not None:
            changes[roles.outcome] = status.value
        if roles.outcome_reason is not None:
            changes[roles.outcome_reason] = reason
        clean = _checked_changes(definition, changes)
        with self._db.transaction():
            self._reviews.save_answers(review_id, clean, actor)
            answers = self._reviews.answers(review_id)
            report = validate(definition, answers, self.case(review.case_ref), self.timing(review))
            if report.errors:
                labels = [i.message for i in report.errors[:5]]
                more = len(report.errors) - len(labels)
                raise OutcomeIncompleteError(
                    f'Before recording "{status.label}", complete:\n- '
                    + "\n- ".join(labels)
                    + (f"\n(and {more} more)" if more > 0 else "")
                )
            self._reviews.set_status(review_id, status, actor, reason)
        return self.reload(review_id)

    def reopen(self, review_id: int, actor: str, reason: str) -> OpenReview:
        """Take a review out of an outcome so it can continue (the answers are kept): back to
        in progress (or ready to sign), or to amendment in progress for an amendment. The
        desktop's Reopen and ``reviewer-app reopen`` both call this."""
        reason = _checked_reason(reason, "reopening")
        review = self._reviews.get(review_id)
        if self._reviews.is_signed(review_id):
            raise ReadOnlyError(
                f"This review is signed ({review.status.label.lower()}), so it cannot be "
                "reopened. Start an amendment to correct it."
            )
        if not review.status.is_outcome:
            return self.reload(review_id)
        definition = self.definition_for(review)
        back_to = (  # an amendment reopened is still an amendment, never a fresh review
            ReviewStatus.AMENDMENT_IN_PROGRESS
            if review.amends_review_id is not None
            else ReviewStatus.IN_PROGRESS
        )
        with self._db.transaction():
            self._reviews.set_status(review_id, back_to, actor, reason)
            self._settle(review_id, definition, actor)
        return self.reload(review_id)

    # -- immediate safety concern

    def record_immediate_concern(
        self, review_id: int, who_told: str, told_on: date | datetime, actor: str
    ) -> SaveResult:
        """An immediate safety concern: who was told and when; the case is flagged urgent.

        ``told_on`` is when they were told: a ``datetime`` (aware, or naive UK local time)
        where the form asks for a date and a time (definition v2), a date or a datetime where
        it asks for a date only (v1). A bare date where a time is needed is refused.
        """
        review = self._reviews.get(review_id)
        definition = self.definition_for(review)
        roles = FormRoles.of(definition)
        if roles.concern is None:
            raise UserError("This version of the form has no immediate safety concern section.")
        changes: dict[str, JsonValue | None] = {roles.concern: YES}
        if roles.who_told is not None:
            changes[roles.who_told] = who_told
        if roles.date_told is not None:
            changes[roles.date_told] = _told_value(definition, roles.date_told, told_on)
        result = self.save(review_id, changes, actor)
        if not result.urgent:  # the answers were already there: still make sure of the flag
            flagged = self._reviews.set_urgent(review_id, True, actor, reason=_URGENT_REASON)
            result = SaveResult(
                review_id, result.changed, flagged.status, flagged.urgent, result.saved_at
            )
        return result

    # -- where the reviewer was

    def last_position(self) -> UiPosition | None:
        return UiPosition.from_json(self._reviews.get_ui_state(POSITION_KEY))

    def set_position(self, position: UiPosition | None) -> None:
        self._reviews.set_ui_state(POSITION_KEY, None if position is None else position.to_json())

    def save_ui_state(self, values: Mapping[str, str | None]) -> None:
        """Several remembered UI facts at once (the writer thread batches them)."""
        with self._db.transaction():
            for key, value in values.items():
                self._reviews.set_ui_state(key, value)


def _told_value(definition: ReviewDefinition, question_id: str, told: date | datetime) -> str:
    if definition.question(question_id).type != "datetime":
        return (told.date() if isinstance(told, datetime) else told).isoformat()
    if not isinstance(told, datetime):
        raise UserError("Say when they were told as a date and a time (UK time).")
    local = uk_wall_clock(told) if told.tzinfo is not None else told
    return f"{local:%Y-%m-%dT%H:%M}"


def _checked_reason(reason: str, what: str) -> str:
    """The reason, trimmed; refused when too short, or when it is punctuation or one
    repeated character, since it would tell a later reader nothing."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH or not is_meaningful(reason):
        raise ReasonTooShortError(
            f"Give the reason for {what} in words, in at least {MIN_REASON_LENGTH} characters "
            "(not punctuation or one repeated character)."
        )
    return reason


def _checked_changes(
    definition: ReviewDefinition, changes: Mapping[str, JsonValue | None]
) -> dict[str, JsonValue | None]:
    clean: dict[str, JsonValue | None] = {}
    for question_id, value in changes.items():
        ref = definition.find(question_id)
        if ref is None or ref.group is not None:
            raise InvalidAnswerError(
                f"The form has no question {question_id!r} to save an answer to."
            )
        if value is None:
            clean[question_id] = None
            continue
        normalised = normalise_value(value)
        validate_value(ref.question, normalised)
        clean[question_id] = normalised
    return clean


@contextmanager
def review_sink(
    connect: Callable[[], Database],
    definition_loader: DefinitionLoader = load_definition_version,
) -> Iterator[ReviewService]:
    """A ``ReviewService`` on its own connection, made and closed on the calling thread.

    The autosave writer thread uses this: ``connect`` is ``Workspace.connect``.
    """
    db = connect()
    try:
        yield ReviewService(db, definition_loader=definition_loader)
    finally:
        db.close()
