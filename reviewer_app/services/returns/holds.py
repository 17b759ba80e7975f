"""What a return would carry now, told quickly: which signed versions wait, and why.

Light on purpose (the storage row and the domain's words only): the reviewer's window asks
``cases_to_return`` whenever its case list changes, and the window opens without the
signing and PDF libraries (``tests/gui/test_startup.py``). The return itself
(``items.ItemReader``) holds back the same versions for the same reasons, and one more that
only recomputing a content shows: a version signed before a later pack corrected its case's
identifiers. ``cases_to_return`` recomputes just those, on the rare cases corrected.
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
    """The cases (refs, sorted) with a signed version a return would carry now: signed, not
    yet returned, and not held back (withdrawn, awaiting co-signature, or signed before a
    later pack corrected the case's identifiers, which the return holds back for good: amend
    and sign again). One query, quick enough for the GUI thread; only a version on a case
    whose identifiers were corrected (rare) is recomputed, as the return would, to see
    whether it still matches what was signed."""
    going = [v for v in ReturnStore(db).unreturned() if hold_of(v) is None]
    if any(v.identifiers_corrected for v in going):
        from reviewer_app.services.returns.items import ItemReader  # the signing libraries

        reader = ItemReader(db)
        going = [v for v in going if not v.identifiers_corrected or reader.still_as_signed(v)]
    return sorted({v.case_ref for v in going})
