"""What has been collected, read back for ``coordinator status`` and reports (read only).

Typed rows per case and reviewer (the version in force, its outcome, when it was signed and
returned, whether it was amended or met a conflict), the quarantine, the conflicts and the
collection runs. The version in force is the newest one stored for a case and reviewer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json

from reviewer_app.services.study import Study
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.returns import (
    ConflictRow,
    QuarantineRow,
    ReturnsStore,
    RunRow,
    StoredVersion,
)

__all__ = [
    "ConflictRow",
    "QuarantineRow",
    "ReturnedState",
    "RunRow",
    "collection_runs",
    "conflicts",
    "handed_back",
    "in_force_contents",
    "quarantine",
    "quarantined_by_reviewer",
    "returned_states",
    "revoked_reviewers",
]


@dataclass(frozen=True)
class ReturnedState:
    """One reviewer's returns for one case: the version in force and its history."""

    case_ref: str
    reviewer_ref: str
    version: int  # the version in force (the newest stored)
    outcome: str  # canonical outcome: full_review, records_missing, handed_back, outside_method
    signed_at: dt.datetime
    returned_at: dt.datetime  # when the reviewer's app wrote the bundle
    collected_at: dt.datetime
    versions: tuple[int, ...]  # every version stored, oldest first
    conflict: bool  # a version arrived again with a different hash
    content_sha256: str  # of the version in force's canonical content (what was signed)

    @property
    def amended(self) -> bool:
        return self.version > 1 or len(self.versions) > 1


def _outcome(version: StoredVersion) -> str:
    return version.outcome


def returned_states(study: Study) -> dict[tuple[str, str], ReturnedState]:
    """(case_ref, reviewer_ref) -> what that reviewer has returned for that case."""
    store = ReturnsStore(study.db)
    conflicted = {(c.case_ref, c.reviewer_ref) for c in store.conflicts()}
    grouped: dict[tuple[str, str], list[StoredVersion]] = {}
    for version in store.versions():
        grouped.setdefault((version.case_ref, version.reviewer_ref), []).append(version)
    found: dict[tuple[str, str], ReturnedState] = {}
    for key, versions in grouped.items():
        newest = max(versions, key=lambda v: v.version)
        found[key] = ReturnedState(
            case_ref=key[0],
            reviewer_ref=key[1],
            version=newest.version,
            outcome=_outcome(newest),
            signed_at=newest.signed_at,
            returned_at=newest.returned_at,
            collected_at=newest.collected_at,
            versions=tuple(sorted(v.version for v in versions)),
            conflict=key in conflicted,
            content_sha256=newest.content_sha256,
        )
    return found


def in_force_contents(
    study: Study, known: Mapping[str, dict[str, Any]] | None = None
) -> Iterator[tuple[ReturnedState, dict[str, Any]]]:
    """Each version in force with its canonical content parsed (answers included), one at a
    time so a large study is not all in memory. ``known``: contents parsed before, by their
    SHA-256 (a stored version never changes, so the same hash is the same content); those
    are neither read nor parsed again. Callers never modify a content. Parsed with pydantic's
    JSON parser (a third faster than the standard library's; the same values: a stored
    content is canonical JSON, checked when it was collected)."""
    store = ReturnsStore(study.db)
    for state in returned_states(study).values():
        if known is not None and state.content_sha256 in known:
            yield state, known[state.content_sha256]
            continue
        content = store.content_text(state.case_ref, state.reviewer_ref, state.version)
        yield state, from_json(content)


def quarantine(study: Study) -> list[QuarantineRow]:
    return ReturnsStore(study.db).quarantine()


def quarantined_by_reviewer(study: Study) -> dict[str | None, int]:
    """Quarantined files per reviewer ref (None: the file did not say whose it was)."""
    counts: dict[str | None, int] = {}
    for row in quarantine(study):
        counts[row.reviewer_ref] = counts.get(row.reviewer_ref, 0) + 1
    return counts


def conflicts(study: Study) -> list[ConflictRow]:
    return ReturnsStore(study.db).conflicts()


def collection_runs(study: Study) -> list[RunRow]:
    return ReturnsStore(study.db).runs()


def handed_back(study: Study) -> set[tuple[str, str]]:
    """(case_ref, reviewer_ref) for every case handed back by that reviewer."""
    return ReturnsStore(study.db).handed_back()


def revoked_reviewers(study: Study) -> dict[str, tuple[dt.datetime, str | None]]:
    """reviewer_ref -> (revoked_at, reason) for reviewers whose current certificate is revoked."""
    return {
        ref: (e.revoked_at, e.revoke_reason)
        for ref, e in EnrolmentStore(study.db).all_active().items()
        if e.revoked_at is not None
    }
