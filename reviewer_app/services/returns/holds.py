"""What a return would carry now, told quickly: which signed versions wait, and why.

Light on purpose (the storage row and the domain's words only): the reviewer's window asks
``cases_to_return`` whenever its case list changes, and the window opens without the
signing and PDF libraries (``tests/gui/test_startup.py``). The return itself
(``items.ItemReader``) holds back the same versions for the same reasons, and finds one more
only when it recomputes a content: a version whose identifiers a later pack corrected.
"""

from __future__ import annotations

from reviewer_app.domain.vocabulary import ReturnHold, ReviewMode
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.returns import ReturnStore, SignedVersion


def hold_of(version: SignedVersion) -> ReturnHold | None:
    """Why a signed version not yet returned waits, as its row shows (None: it goes)."""
    if version.withdrawn:
        return ReturnHold.WITHDRAWN
    if version.review_mode is ReviewMode.JOINT and version.signature_count < 2:
        return ReturnHold.AWAITING_COSIGNATURE
    return None


def cases_to_return(db: Database) -> list[str]:
    """The cases (refs, sorted) with a signed version a return would carry now, as far as can
    be told without recomputing contents: signed, not yet returned, and not held back for a
    reason the rows show (withdrawn, awaiting co-signature). One query, quick enough for the
    GUI thread. A version whose identifiers a later pack corrected is found only when the
    return recomputes it; its report names it."""
    return sorted({v.case_ref for v in ReturnStore(db).unreturned() if hold_of(v) is None})
