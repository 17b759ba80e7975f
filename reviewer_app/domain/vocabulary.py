"""The domain's fixed words, as enums, so that no module compares loose strings.

Each is a ``StrEnum``: its values are what the files, the database and the CLI already carry,
so an enum member compares equal to, and serialises as, the string it replaces.

The case's status is not here: it is ``ReviewStatus`` in ``domain/status.py``, which also
owns its labels and the set of outcomes (one owner per concept).
"""

from __future__ import annotations

from enum import StrEnum


class ReviewMode(StrEnum):
    """Whether a case is reviewed by one reviewer alone or by two together (in a pack)."""

    INDEPENDENT = "independent"
    JOINT = "joint"


class CaseFlag(StrEnum):
    """What the case list flags about a case, beside its status.

    Exactly the flags the workspace's case store produces; listed in the order the case list
    shows them.
    """

    URGENT = "urgent"  # an immediate safety concern was recorded
    IDENTIFIERS_CORRECTED = "identifiers corrected"  # a pack corrected a started case
    WITHDRAWN = "withdrawn"  # reallocated away, kept read-only
    AMENDED = "amended"  # the signed review has a later version

    @property
    def label(self) -> str:
        return self.value.capitalize()


class DocumentKind(StrEnum):
    """Which signed PDF summary: the full one, or the taskforce's redacted one."""

    FULL = "full"
    TASKFORCE = "taskforce"


class ReturnHold(StrEnum):
    """Why a signed review version is not returned to the coordinator yet (or at all)."""

    AWAITING_COSIGNATURE = "awaiting co-signature"  # a joint review signed by one of two
    WITHDRAWN = "withdrawn"  # reallocated away by the coordinator: theirs to decide now
    IDENTIFIERS_CORRECTED = "identifiers corrected"  # the case changed after it was signed

    @property
    def advice(self) -> str:
        return _HOLD_ADVICE[self]


_HOLD_ADVICE = {
    ReturnHold.AWAITING_COSIGNATURE: "waits for the co-reviewer's signature",
    ReturnHold.WITHDRAWN: "was withdrawn from you by the coordinator, so it is not returned",
    ReturnHold.IDENTIFIERS_CORRECTED: (
        "had its details corrected by the coordinator after you signed it: amend it and "
        "sign again to return it"
    ),
}


class QuarantineReason(StrEnum):
    """Why a returned bundle file was quarantined at collection (the first check it failed).

    The first ten are the bundle opener's refusals (``returns.format.open_bundle`` raises
    them); the rest are the collector's own checks, in the order it makes them.
    """

    TOO_LARGE = "too_large"
    NOT_A_BUNDLE = "not_a_bundle"
    NOT_FOR_THIS_STUDY = "not_for_this_study"
    SEVERAL_RECIPIENTS = "several_recipients"
    DAMAGED = "damaged"
    TAMPERED = "tampered"
    UNTRUSTED_SIGNER = "untrusted_signer"
    NEWER_FORMAT = "newer_format"
    INVALID_CONTENT = "invalid_content"
    SIGNER_MISMATCH = "signer_mismatch"
    UNREADABLE = "unreadable"  # the file could not be read at all
    OTHER_STUDY = "other_study"  # names another study's id
    NOT_ENROLLED = "not_enrolled"  # signer's certificate is not one this study enrolled
    REVOKED = "revoked"  # signed after the signer's certificate was revoked
    NOT_ALLOCATED = "not_allocated"  # a case not (or no longer) allocated to the signer
    CONTENT_HASH = "content_hash"  # canonical content does not hash to the stated SHA-256
    CONTENT_INVALID = "content_invalid"  # content disagrees with the item or its definition
    PDF_HASH = "pdf_hash"  # a PDF does not hash to the stated SHA-256
    PDF_SIGNATURE = "pdf_signature"  # a PDF's signatures do not verify against the root
    PDF_CONTENT_HASH = "pdf_content_hash"  # a PDF's signatures state another content hash
    AUDIT_CHAIN = "audit_chain"  # the audit entries do not chain to the sealed head
    NO_PREDECESSOR = "no_predecessor"  # supersedes a version never returned


class CollectedAs(StrEnum):
    """What collection did with one returned review version."""

    NEW = "new"  # first version stored for the case and reviewer
    SUPERSEDED = "superseded"  # a newer version stored: it is now in force, both kept
    UNCHANGED = "unchanged"  # the same version with the same hash was already stored
    CONFLICT = "conflict"  # the same version with a different hash: flagged, not stored
    OLDER = "older"  # older than the version in force, never seen: changes nothing


class ReviewerCaseState(StrEnum):
    """Where one allocated reviewer stands on one case, as ``coordinator status`` shows it."""

    NOT_SENT = "not_sent"  # allocated, but no pack has sent it yet
    PACK_SENT = "pack_sent"  # sent in a pack, nothing returned yet
    RETURNED = "returned"  # a signed version (or signed outcome) returned and collected
    CONFLICT = "conflict"  # returned, but a version arrived again with a different hash


class CaseState(StrEnum):
    """Where a case stands as a whole, from its reviewers' returns (``coordinator status``)."""

    NOT_ALLOCATED = "not_allocated"
    AWAITING_RETURNS = "awaiting_returns"
    ONE_OF_TWO_RETURNED = "one_of_two_returned"
    BOTH_RETURNED = "both_returned"
    JOINT_SIGNED = "joint_signed"
    RECORDS_MISSING = "records_missing"
    HANDED_BACK = "handed_back"
    OUTSIDE_METHOD = "outside_method"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")
