"""What the case header says about who else reviews the case, and the co-signature.

The facts come from the assignment (review mode, co-reviewer) and the signatures; the
wording is here. A second independent reviewer's answers are never shown, so the header
says only that there is one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.gui.form.text_fields import long_date


class PairingFacts(Protocol):
    """The assignment and co-signature of one case (what the review service reads)."""

    @property
    def review_mode(self) -> ReviewMode: ...

    @property
    def co_reviewer_name(self) -> str | None: ...

    @property
    def second_reviewer(self) -> bool:
        """An independent double review: another reviewer reviews the case separately."""
        ...

    @property
    def cosigned_by(self) -> str | None: ...

    @property
    def cosigned_at(self) -> datetime | None: ...


def pairing_text(facts: PairingFacts, status: ReviewStatus) -> str:
    """ "Joint review with Dr X · Awaiting co-signature by Dr X", "Second independent review:
    their answers are not shown", or "Independent review" (one reviewer)."""
    if facts.review_mode is ReviewMode.JOINT:
        who = facts.co_reviewer_name or "your co-reviewer"
        parts = [f"Joint review with {who}"]
        if facts.cosigned_by is not None:
            when = "" if facts.cosigned_at is None else f" on {long_date(facts.cosigned_at.date())}"
            parts.append(f"Co-signed by {facts.cosigned_by}{when}")
        elif status is ReviewStatus.AWAITING_COSIGNATURE:
            parts.append(f"Awaiting co-signature by {who}")
        else:
            parts.append(f"{who} co-signs after you sign")
        return "  ·  ".join(parts)
    if facts.second_reviewer:
        return "Second independent review: their answers are not shown"
    return "Independent review"
