"""The review form's controller: one case's review, its answers in memory, and its saving.

``ReviewPage`` (the view) shows; this decides nothing either, but it is where the page's
work meets the services: opening and closing a case (``ReviewService``), keeping the
answers the screen shows (the stored ones, overlaid with those still waiting in the
autosave writer, so reopening a case never shows older text than was typed), handing each
edit to the writer, waiting for it on leaving, recomputing what follows from the answers
(``services.review.service.evaluate``: relevance, readiness, escalation) and following the
writer's results (status, urgent flag). It talks to the writer only through its public
methods and signals.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers, JsonValue
from reviewer_app.errors import UserError
from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.services.review.autosave_core import SavedBatch
from reviewer_app.services.review.service import (
    POSITION_KEY,
    OpenReview,
    ReviewService,
    ReviewState,
    SaveResult,
    UiPosition,
    evaluate,
)

log = logging.getLogger(__name__)

FLUSH_TIMEOUT_S = 5.0
"""How long leaving a case waits, by default, for its typing to reach the disk."""


class ReviewController(QObject):
    """Signals: ``status_changed(case_ref, status)`` after a save changed a review's status;
    ``save_landed(changed)`` after any save of answers (``changed``: the open review's status
    moved); ``save_failed(SaveFailure)`` when a save did not happen."""

    status_changed = Signal(str, str)
    save_landed = Signal(bool)
    save_failed = Signal(object)

    def __init__(
        self,
        service: ReviewService,
        writer: AutosaveWriter,
        actor: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._writer = writer
        self.actor = actor
        self.opened: OpenReview | None = None
        self.answers: Answers = {}
        self.state: ReviewState | None = None
        self.status = ReviewStatus.NOT_STARTED
        self.urgent = False
        self._case_refs: dict[int, str] = {}
        writer.saved.connect(self._saved)
        writer.failed.connect(self.save_failed)

    @property
    def read_only(self) -> bool:
        return self.opened is None or self.opened.read_only

    # -- opening and closing

    def open(self, case_ref: str) -> OpenReview:
        """Open a case's review (raises ``UserError`` with the reason when it cannot)."""
        opened = self._service.open(case_ref, self.actor)
        self.take(opened)
        return opened

    def take(self, opened: OpenReview) -> None:
        """Show this review from now on: its answers, with the typing not yet on disk."""
        self.opened = opened
        self._case_refs[opened.review_id] = opened.case.case_ref
        answers = dict(opened.answers)
        for question_id, value in self._writer.pending_changes(opened.review_id).items():
            if value is None:
                answers.pop(question_id, None)
            else:
                answers[question_id] = value
        self.answers = answers
        self.status = opened.status
        self.urgent = opened.urgent

    def header_status(self) -> ReviewStatus:
        """What the case header says: the list's status once signed (awaiting
        co-signature for a joint review signed once), else the review's own."""
        if self.opened is None or self.status is not ReviewStatus.SIGNED:
            return self.status
        return self._service.shown_status(self.opened.case.case_ref)

    def forget(self) -> None:
        """No case open any more (its answers leave memory)."""
        self.opened = None
        self.answers = {}
        self.state = None

    def last_position(self) -> UiPosition | None:
        return self._service.last_position()

    def remember(self, section_id: str | None, question_id: str | None) -> None:
        """Where the reviewer is, kept in the workspace for the next start or unlock."""
        if self.opened is None:
            return
        position = UiPosition(self.opened.case.case_ref, section_id, question_id)
        self._writer.put_ui_state(POSITION_KEY, position.to_json())

    # -- answers and saving

    def edit(self, question_id: str, value: JsonValue | None) -> bool:
        """An answer changed on screen: keep it and queue its save. False when read-only."""
        if self.opened is None or self.opened.read_only:
            return False
        if value is None:
            self.answers.pop(question_id, None)
        else:
            self.answers[question_id] = value
        self._writer.put(self.opened.review_id, question_id, value)
        return True

    def save_now(self) -> None:
        self._writer.save_now()

    def flush(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Wait (at most ``timeout`` s) until everything typed is on disk; True when it is."""
        saved = self._writer.flush(timeout)
        if not saved:
            log.warning("leaving a case with changes not yet saved (still pending)")
        return saved

    def refresh(self) -> ReviewState | None:
        """Recompute what follows from the answers in memory (None when no case is open)."""
        if self.opened is None:
            return None
        state = evaluate(
            self.opened.definition,
            self.answers,
            self.opened.case,
            self.status,
            self._service.timing(self.opened.review),
        )
        self.state = state
        self.urgent = state.immediate_concern  # the flag follows the answer, both ways
        return state

    def _saved(self, batch: SavedBatch) -> None:
        result = batch.result
        if not isinstance(result, SaveResult):
            return
        case_ref = self._case_refs.get(result.review_id)
        changed = False
        if self.opened is not None and result.review_id == self.opened.review_id:
            changed = result.status != self.status
            self.status = result.status
            self.urgent = result.urgent
        self.save_landed.emit(changed)
        if case_ref is not None:
            self.status_changed.emit(case_ref, result.status.value)

    # -- explicit outcomes

    def record_outcome(self, status: ReviewStatus, reason: str) -> OpenReview:
        """End the review with an outcome (its typing saved first); the review as it is now."""
        assert self.opened is not None
        if not self._writer.flush(FLUSH_TIMEOUT_S):
            raise UserError(
                "Your latest changes are not saved yet (see the save status at the bottom). "
                "Try again in a moment."
            )
        return self._service.set_outcome(self.opened.review_id, status, reason, self.actor)

    def reopen(self, reason: str) -> OpenReview:
        assert self.opened is not None
        return self._service.reopen(self.opened.review_id, self.actor, reason)
