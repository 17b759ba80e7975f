"""Deciding what a verified bundle changes, and turning it into rows (one transaction).

Per review version, by case and reviewer: the same version with the same hash is unchanged
(a no-op); the same version with another hash is a conflict (flagged, the first kept); a
version older than the one in force, never seen, changes nothing; a new version is stored,
superseding its predecessor (both kept; the newest is in force). A version that supersedes
one never returned waits for the rest of the run (:class:`MissingPredecessor`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from reviewer_app.domain.vocabulary import CollectedAs
from reviewer_app.services.collection.checks import canonical_outcome
from reviewer_app.services.collection.verification import VERDICTS, VerifiedBundle, VerifiedItem
from reviewer_app.services.trust.authority import fingerprint
from reviewer_app.storage.study.returns import ConflictRow, ReturnsStore, VersionRow


class MissingPredecessor(Exception):
    def __init__(self, case_ref: str, version: int, supersedes: int) -> None:
        super().__init__(f"case {case_ref} version {version} amends version {supersedes}")
        self.message = (
            f"case {case_ref} version {version} amends version {supersedes}, which has not "
            "been returned (and did not arrive in this run)"
        )


@dataclass
class Plan:
    """What storing one bundle does."""

    outcomes: list[tuple[VerifiedItem, CollectedAs]] = field(default_factory=list)
    rows: list[VersionRow] = field(default_factory=list)
    conflicts: list[ConflictRow] = field(default_factory=list)


def plan_bundle(store: ReturnsStore, verified: VerifiedBundle) -> Plan:
    """Raises :class:`MissingPredecessor` (nothing decided) if a predecessor is unknown."""
    ref = verified.reviewer_ref
    plan = Plan()
    arriving: dict[tuple[str, int], str] = {}
    for vi in sorted(verified.items, key=lambda v: (v.item.case_ref, v.item.version)):
        item = vi.item
        outcome = _decide(store, ref, vi, arriving)
        plan.outcomes.append((vi, outcome))
        if outcome is CollectedAs.CONFLICT:
            stored = store.version_sha256(item.case_ref, ref, item.version)
            assert stored is not None
            plan.conflicts.append(
                ConflictRow(item.case_ref, ref, item.version, stored, item.content_sha256)
            )
        elif outcome in (CollectedAs.NEW, CollectedAs.SUPERSEDED):
            arriving[(item.case_ref, item.version)] = item.content_sha256
            plan.rows.append(_row(verified, vi))
    return plan


def _decide(
    store: ReturnsStore, ref: str, vi: VerifiedItem, arriving: dict[tuple[str, int], str]
) -> CollectedAs:
    item = vi.item
    stored = store.version_sha256(item.case_ref, ref, item.version)
    if stored is not None:
        return CollectedAs.UNCHANGED if stored == item.content_sha256 else CollectedAs.CONFLICT
    latest = store.latest_version(item.case_ref, ref)
    if latest is not None and item.version < latest:
        return CollectedAs.OLDER
    supersedes = item.supersedes_version
    if supersedes is None:
        return CollectedAs.NEW
    known = (item.case_ref, supersedes) in arriving or (
        store.version_sha256(item.case_ref, ref, supersedes) is not None
    )
    if not known:
        raise MissingPredecessor(item.case_ref, item.version, supersedes)
    return CollectedAs.SUPERSEDED


def _row(verified: VerifiedBundle, vi: VerifiedItem) -> VersionRow:
    item, opened = vi.item, verified.opened
    verdicts = {name: "passed" for name in VERDICTS}
    verdicts["predecessor"] = "none" if item.supersedes_version is None else "known"
    verdicts["signer_fingerprint"] = fingerprint(opened.signer_cert)
    verdicts["bundle_signed_at"] = _iso(opened.signed_at)
    return VersionRow(
        case_ref=item.case_ref,
        reviewer_ref=verified.reviewer_ref,
        version=item.version,
        outcome=canonical_outcome(item.outcome),
        definition_id=item.definition_id,
        definition_version=item.definition_version,
        supersedes_version=item.supersedes_version,
        signed_at=item.signed_at,
        content=item.content,
        content_sha256=item.content_sha256,
        audit_head_seq=item.audit_head.seq,
        audit_head_hash=item.audit_head.hash,
        pdf_full=vi.pdf_full,
        pdf_full_sha256=item.pdf_full_sha256,
        pdf_taskforce=vi.pdf_taskforce,
        pdf_taskforce_sha256=item.pdf_taskforce_sha256,
        audit_entries=item.audit_entries,
        verdicts=verdicts,
        bundle_id=opened.bundle.bundle_id,
        returned_at=opened.bundle.created_at,
    )


def _iso(moment: dt.datetime | None) -> str:
    return "unknown" if moment is None else moment.astimezone(dt.UTC).isoformat()
