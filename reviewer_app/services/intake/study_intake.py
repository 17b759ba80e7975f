"""Bringing the cohort and the review panel into an open study, and what each import did.

Both imports are all or nothing: a file with any error changes nothing, and every error is
listed so the coordinator fixes them in one go. The reports say what was added and changed,
so importing the same file again is visibly harmless.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from reviewer_app.errors import InvalidInputError
from reviewer_app.progress import Progress, no_progress
from reviewer_app.services.intake.cohort_csv import CohortWarning, WarningKind, read_cohort
from reviewer_app.services.intake.csv_reader import RowProblem, format_problems
from reviewer_app.services.intake.panel_csv import read_panel
from reviewer_app.services.study import Study
from reviewer_app.storage.study.changes import UpsertChanges
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.panel import PanelStore

log = logging.getLogger(__name__)


class CohortRejectedError(InvalidInputError):
    """A cohort or panel file with errors: nothing was imported; every error is listed."""

    def __init__(self, message: str, problems: Sequence[object], warnings: Sequence[object]):
        super().__init__(message)
        self.problems = list(problems)
        self.warnings = list(warnings)

    @classmethod
    def listing(
        cls, source_name: str, problems: Sequence[RowProblem], warnings: Sequence[object] = ()
    ) -> CohortRejectedError:
        return cls(
            f"{source_name} was not imported; nothing has been changed. Fix these "
            f"{len(problems)} problem(s) and import it again:\n" + format_problems(problems),
            problems,
            warnings,
        )


@dataclass(frozen=True)
class CohortReport:
    changes: UpsertChanges
    warnings: list[CohortWarning]
    notices: list[str]

    def summary_lines(self) -> list[str]:
        return (
            _change_lines("case", self.changes) + [str(w) for w in self.warnings] + [*self.notices]
        )


@dataclass(frozen=True)
class PanelReport:
    changes: UpsertChanges
    notices: list[str]

    def summary_lines(self) -> list[str]:
        return _change_lines("reviewer", self.changes) + list(self.notices)


def _change_lines(noun: str, changes: UpsertChanges) -> list[str]:
    if not changes.changed:
        return [f"Nothing changed: all {changes.unchanged} {noun}s were already imported as given."]
    lines = [
        f"{len(changes.added)} {noun}s added, {len(changes.updated)} updated, "
        f"{changes.unchanged} unchanged."
    ]
    if changes.added:
        lines.append("Added: " + ", ".join(changes.added))
    lines.extend(
        f"Updated {ref}: {', '.join(fields)}" for ref, fields in sorted(changes.updated.items())
    )
    return lines


def add_cohort(
    study: Study, data: bytes, source_name: str, progress: Progress = no_progress
) -> CohortReport:
    """Import a cohort CSV: all or nothing; every error listed; warnings reported."""
    progress(0, 2, "Checking the cohort file")
    cohort = CohortStore(study.db)
    result = read_cohort(data, source_name, cohort.case_refs_by_nhs_number())
    if result.errors:
        raise CohortRejectedError.listing(source_name, result.errors, result.warnings)
    outside_cohort = result.flagged(WarningKind.OUTSIDE_COHORT)
    outside_method = result.flagged(WarningKind.OUTSIDE_METHOD)
    flags = {
        c.case_ref: (c.case_ref in outside_cohort, c.case_ref in outside_method)
        for c in result.cases
    }
    progress(1, 2, "Storing the cohort")
    changes = cohort.upsert(result.cases, flags)
    progress(2, 2, "Cohort imported")
    log.info(
        "cohort intake: %d added, %d updated, %d unchanged",
        len(changes.added),
        len(changes.updated),
        changes.unchanged,
    )
    return CohortReport(changes, result.warnings, result.notices)


def add_reviewers(study: Study, data: bytes, source_name: str) -> PanelReport:
    """Import the review panel CSV: all or nothing, like the cohort."""
    result = read_panel(data, source_name)
    if result.errors:
        raise CohortRejectedError.listing(source_name, result.errors)
    changes = PanelStore(study.db).upsert(result.reviewers)
    log.info("panel intake: %d added, %d updated", len(changes.added), len(changes.updated))
    return PanelReport(changes, result.notices)
