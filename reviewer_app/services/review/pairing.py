"""Who else reviews a case, and its co-signature: what the case header says about the pair.

Read from the assignment the latest pack gave (review mode, co-reviewer) and the signatures of
the case's latest version. A second independent reviewer's answers are never in this
workspace: the header can only say that there is one (every case is allocated to a pair).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.assignments import AssignmentStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureRole, SignatureStore

__all__ = ["CasePairing", "case_pairing"]


@dataclass(frozen=True)
class CasePairing:
    review_mode: ReviewMode
    co_reviewer_name: str | None = None
    second_reviewer: bool = False
    """An independent double review: the pair's other reviewer reviews the case separately."""
    cosigned_by: str | None = None
    cosigned_at: datetime | None = None


def case_pairing(db: Database, case_ref: str) -> CasePairing | None:
    """The case's pairing, or None for a case no pack assigned (e.g. one made by hand)."""
    assignment = AssignmentStore(db).assignment(case_ref)
    if assignment is None:
        return None
    joint = assignment.review_mode is ReviewMode.JOINT
    latest = ReviewStore(db).latest(case_ref)
    cosign = None
    if joint and latest is not None:
        signatures = SignatureStore(db).signatures(latest.id)
        cosign = next((s for s in signatures if s.role is SignatureRole.CO_REVIEWER), None)
    return CasePairing(
        assignment.review_mode,
        assignment.co_reviewer_name if joint else None,
        second_reviewer=not joint,
        cosigned_by=None if cosign is None else cosign.signer_name,
        cosigned_at=None if cosign is None else cosign.signed_at,
    )
