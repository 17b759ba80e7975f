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
    # Shown, never stored: a joint review (or outcome) signed by the reviewer whose
    # co-reviewer has not signed yet. Storage keeps "signed" (or the outcome) on the row; the
    # case list derives this from the signatures and the case's review mode.
    AWAITING_COSIGNATURE = "awaiting_cosignature", "Awaiting co-signature"

    @property
    def is_outcome(self) -> bool:
        return self in OUTCOMES


STORED_STATUSES: tuple[ReviewStatus, ...] = tuple(
    s for s in ReviewStatus if s is not ReviewStatus.AWAITING_COSIGNATURE
)
"""The statuses a review row may hold, in definition order (the schema's CHECK lists them)."""

OUTCOMES = frozenset(
    {ReviewStatus.RECORDS_MISSING, ReviewStatus.HANDED_BACK, ReviewStatus.OUTSIDE_METHOD}
)
