"""What the review page tells about the case on screen (read-only properties, for the window,
the tests and screen readers); ``ReviewPage`` inherits them."""

from __future__ import annotations

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers
from reviewer_app.gui.form.review_controller import ReviewController
from reviewer_app.services.review.service import OpenReview, ReviewState


class PageState:
    """The case, section and field on screen, and the review's status, flag and state."""

    review: ReviewController
    _section_id: str | None
    _last_field: str | None

    @property
    def actor(self) -> str:
        return self.review.actor

    @property
    def _open(self) -> OpenReview | None:
        return self.review.opened

    @property
    def _shown_status(self) -> ReviewStatus:
        """The status the pages show: "signed" for any signed review (an outcome too)."""
        signed = self._open is not None and self._open.signed
        return ReviewStatus.SIGNED if signed else self.review.status

    @property
    def current_case_ref(self) -> str | None:
        return None if self._open is None else self._open.case.case_ref

    @property
    def current_section_id(self) -> str | None:
        return self._section_id

    @property
    def current_question_id(self) -> str | None:
        return self._last_field

    @property
    def review_id(self) -> int | None:
        return None if self._open is None else self._open.review_id

    @property
    def status(self) -> ReviewStatus:
        return self.review.status

    @property
    def urgent(self) -> bool:
        return self.review.urgent

    @property
    def state(self) -> ReviewState | None:
        return self.review.state

    @property
    def answers(self) -> Answers:
        return dict(self.review.answers)
