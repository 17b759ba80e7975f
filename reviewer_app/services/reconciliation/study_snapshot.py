"""Everything the coordinator's window shows about the study's returns, from one read.

The versions in force are decrypted and parsed once (``collection.records.in_force_contents``)
and that one list feeds every figure: the status of each case and reviewer
(``collection.status.study_status``), reconciliation's reading of the pairs
(``study_reviews.read_reviews``) and from it the case stages, the resolved cases and the
second-stage queue, and the escalation log. Each figure is the service's own result, exactly
what the command line prints (``coordinator status``, ``stages``, ``discordant``,
``second-stage``, ``escalation list``); nothing is recomputed here. Read only.

The window reads a snapshot on a worker thread (with that thread's own connection) and keeps
it until the study changes; every section that shows these figures uses the same snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from reviewer_app.services.collection.records import (
    collection_runs,
    conflicts,
    in_force_contents,
    quarantine,
)
from reviewer_app.services.collection.status import StudyStatus, study_status
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.resolved import resolve_from
from reviewer_app.services.reconciliation.second_stage import SecondStageEntry, queue_from
from reviewer_app.services.reconciliation.stages import CaseStageRow, stages_from
from reviewer_app.services.reconciliation.study_reviews import read_reviews
from reviewer_app.services.records.escalation_log import EscalationEntry, escalation_entries
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.returns import ConflictRow, QuarantineRow, RunRow


@dataclass(frozen=True)
class StudySnapshot:
    """The study's returns as every section of the window shows them (see the module)."""

    status: StudyStatus
    stages: list[CaseStageRow]
    resolved: list[ResolvedCase]
    second_stage: list[SecondStageEntry]
    escalations: list[EscalationEntry]
    runs: list[RunRow]
    quarantine: list[QuarantineRow]
    conflicts: list[ConflictRow]

    @property
    def discordant(self) -> list[ResolvedCase]:
        """The cases with a discordance (open or settled by consensus), by case ref."""
        return [case for case in self.resolved if case.discordances]


def read_snapshot(study: Study, *, now: dt.datetime | None = None) -> StudySnapshot:
    """Read the study once for every figure (see the module docstring)."""
    contents = list(in_force_contents(study))
    reviews = read_reviews(study, contents)
    case_refs = [c.case_ref for c in CohortStore(study.db).cases()]
    return StudySnapshot(
        status=study_status(study, now=now, contents=contents),
        stages=stages_from(reviews, case_refs),
        resolved=resolve_from(reviews),
        second_stage=queue_from(reviews),
        escalations=escalation_entries(study),
        runs=collection_runs(study),
        quarantine=quarantine(study),
        conflicts=conflicts(study),
    )
