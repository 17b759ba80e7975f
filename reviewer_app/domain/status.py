"""One status model for a review, used by storage, services, GUI and reports."""

from __future__ import annotations

from reviewer_app.domain.labelled import LabelledEnum


class ReviewStatus(LabelledEnum):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    READY_TO_SIGN = "ready_to_sign", "Ready to sign"
    SIGNED = "signed", "Signed"
    AMENDMENT_IN_PROGRESS = "amendment_in_progress", "Amendment in progress"
    # Outcomes other than a full review: reached by an explicit action with a reason,
    # and signed like a review.
    RECORDS_MISSING = "records_missing", "Records missing"
    HANDED_BACK = "handed_back", "Handed back: conflict"
    OUTSIDE_METHOD = "outside_method", "Outside this method"

    @property
    def is_outcome(self) -> bool:
        return self in OUTCOMES


OUTCOMES = frozenset(
    {ReviewStatus.RECORDS_MISSING, ReviewStatus.HANDED_BACK, ReviewStatus.OUTSIDE_METHOD}
)
