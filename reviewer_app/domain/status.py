"""One status model for a review, used by storage, services, GUI and reports."""

from __future__ import annotations

from enum import StrEnum


class ReviewStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    READY_TO_SIGN = "ready_to_sign"
    SIGNED = "signed"
    AMENDMENT_IN_PROGRESS = "amendment_in_progress"
    # Outcomes other than a full review: reached by an explicit action with a reason,
    # and signed like a review.
    RECORDS_MISSING = "records_missing"
    HANDED_BACK = "handed_back"
    OUTSIDE_METHOD = "outside_method"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_outcome(self) -> bool:
        return self in OUTCOMES


OUTCOMES = frozenset(
    {ReviewStatus.RECORDS_MISSING, ReviewStatus.HANDED_BACK, ReviewStatus.OUTSIDE_METHOD}
)

STATUS_LABELS: dict[ReviewStatus, str] = {
    ReviewStatus.NOT_STARTED: "Not started",
    ReviewStatus.IN_PROGRESS: "In progress",
    ReviewStatus.READY_TO_SIGN: "Ready to sign",
    ReviewStatus.SIGNED: "Signed",
    ReviewStatus.AMENDMENT_IN_PROGRESS: "Amendment in progress",
    ReviewStatus.RECORDS_MISSING: "Records missing",
    ReviewStatus.HANDED_BACK: "Handed back: conflict",
    ReviewStatus.OUTSIDE_METHOD: "Outside this method",
}
