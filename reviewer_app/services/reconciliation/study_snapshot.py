"""Everything the coordinator's window shows about the study's returns, from one read.

The versions in force are decrypted and parsed once (``collection.records.in_force_contents``)
and that one list feeds every figure: the status of each case and reviewer
(``collection.status.study_status``), reconciliation's reading of the pairs
(``study_reviews.read_reviews``) and from it the case stages, the resolved cases and the
second-stage queue, and the escalation log. Each figure is the service's own result, exactly
what the command line prints (``coordinator status``, ``stages``, ``discordant``,
``second-stage``, ``escalation list``); nothing is recomputed here. It writes one thing: the
triggers of a version collected before the study kept them (``collection.triggers``), kept
once worked out.

The window reads a snapshot on a worker thread (with that thread's own connection) and keeps
it until the study changes; every section that shows these figures uses the same snapshot.
Each snapshot carries a ``SnapshotMemo`` for the next read: every version's parsed content,
triggers and escalations by the SHA-256 of its canonical content, and each
case resolved with what it was resolved from (``resolved.resolve_from``). A stored
version never changes (a new version is a new row with its own hash), so the next read (after
a consensus, an allocation, a collection) parses and evaluates only the versions it has not
seen; what is no longer in force is dropped from the memo. Every figure is still worked out
afresh from those contents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from reviewer_app.domain.triggers import FiredTriggers
from reviewer_app.services.collection.records import (
    collection_runs,
    conflicts,
    in_force_contents,
    quarantine,
)
from reviewer_app.services.collection.status import StudyStatus, study_status
from reviewer_app.services.collection.triggers import keep_triggers, kept_triggers
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.resolved import resolve_from, standings_from
from reviewer_app.services.reconciliation.second_stage import SecondStageEntry, queue_from
from reviewer_app.services.reconciliation.stages import CaseStageRow, stages_from
from reviewer_app.services.reconciliation.study_reviews import StudyReviews, read_reviews
from reviewer_app.services.records.escalation_log import (
    EscalationEntry,
    ReviewEscalation,
    escalation_entries,
)
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.returns import ConflictRow, QuarantineRow, RunRow


@dataclass(frozen=True)
class SnapshotMemo:
    """What one read keeps for the next (see the module docstring); never modified."""

    contents: dict[str, dict[str, Any]] = field(default_factory=dict)
    fired: dict[str, FiredTriggers] = field(default_factory=dict)
    escalations: dict[str, list[ReviewEscalation]] = field(default_factory=dict)
    resolved: dict[str, tuple[Any, ResolvedCase]] = field(default_factory=dict)


@dataclass(frozen=True)
class StudySnapshot:
    """The study's returns as every section of the window shows them (see the module).

    Read in two steps: ``read_snapshot(..., resolve=False)`` gives every figure but the
    resolved cases (``resolved`` None; each case's stage is read from its standing, which
    resolving it builds on) and ``resolve_snapshot`` adds them, from what the first step read,
    without reading the study again. The window shows the first at once and the second
    (the reconciliation section's discordant cases) when it is in."""

    status: StudyStatus
    stages: list[CaseStageRow]
    resolved: list[ResolvedCase] | None
    second_stage: list[SecondStageEntry]
    escalations: list[EscalationEntry]
    runs: list[RunRow]
    quarantine: list[QuarantineRow]
    conflicts: list[ConflictRow]
    memo: SnapshotMemo = field(default_factory=SnapshotMemo, repr=False, compare=False)
    reviews: StudyReviews | None = field(default=None, repr=False, compare=False)

    @property
    def discordant(self) -> list[ResolvedCase]:
        """The cases with a discordance (open or settled by consensus), by case ref."""
        if self.resolved is None:
            raise ValueError("the snapshot's cases are not resolved yet (resolve_snapshot)")
        return [case for case in self.resolved if case.discordances]


def read_snapshot(
    study: Study,
    *,
    now: dt.datetime | None = None,
    memo: SnapshotMemo | None = None,
    resolve: bool = True,
) -> StudySnapshot:
    """Read the study once for every figure (see the module docstring); ``memo``: the last
    snapshot's, if any; ``resolve=False``: all but the resolved cases (``resolve_snapshot``
    adds them)."""
    memo = memo or SnapshotMemo()
    known = {**memo.fired, **kept_triggers(study)}
    contents = list(in_force_contents(study, memo.contents))
    reviews = read_reviews(study, contents, known_fired=known)
    reviews.known_resolved = memo.resolved
    case_refs = CohortStore(study.db).case_refs()
    queue = queue_from(reviews)
    escalations: dict[str, list[ReviewEscalation]] = {}
    fired = {**known, **reviews.found_fired}
    entries = escalation_entries(
        study, contents, known=memo.escalations, found_in=escalations, fired=fired
    )
    keep_triggers(study, ((sha, t) for sha, t in reviews.found_fired.items() if sha not in known))
    in_force = {state.content_sha256 for state, _ in contents}
    snapshot = StudySnapshot(
        status=study_status(study, now=now, contents=contents),
        stages=stages_from(reviews, case_refs, resolved=standings_from(reviews), queue=queue),
        resolved=None,
        second_stage=queue,
        escalations=entries,
        runs=collection_runs(study),
        quarantine=quarantine(study),
        conflicts=conflicts(study),
        memo=SnapshotMemo(
            {state.content_sha256: content for state, content in contents},
            {sha: t for sha, t in fired.items() if sha in in_force},
            escalations,
            dict(memo.resolved),
        ),
        reviews=reviews,
    )
    return resolve_snapshot(snapshot) if resolve else snapshot


def resolve_snapshot(snapshot: StudySnapshot) -> StudySnapshot:
    """The snapshot with its cases resolved (``resolve_from`` on what it read: the study is
    not read again); a snapshot already resolved as it is."""
    if snapshot.resolved is not None:
        return snapshot
    if snapshot.reviews is None:
        raise ValueError("this snapshot keeps nothing to resolve its cases from")
    reviews = snapshot.reviews
    resolved = resolve_from(reviews)
    memo = replace(snapshot.memo, resolved=reviews.found_resolved)
    return replace(snapshot, resolved=resolved, memo=memo, reviews=None)


def needs_resolving(snapshot: object) -> bool:
    """Whether ``snapshot`` is a first step still to be resolved (``resolve_snapshot``)."""
    return isinstance(snapshot, StudySnapshot) and snapshot.resolved is None
