"""Cohort and panel: import the cohort and review-panel CSVs, and see both as tables.

The imports are ``intake.study_intake.add_cohort`` / ``add_reviewers``, all or nothing: a file
with errors imports nothing and every problem is listed with its line and column and what to
do; warnings (imported, but to look at) are listed the same way. The tables show no patient
name, NHS number or date of birth: case reference, dates of admission and death, place,
site, specialty.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QTabWidget, QWidget

from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.section import Section
from reviewer_app.gui.coordinator.widgets import ReportBox, TablePanel, button, named

if TYPE_CHECKING:
    from reviewer_app.domain.case import Case
    from reviewer_app.domain.panel import Reviewer
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner

CASE_COLUMNS = ("Case", "Admitted", "Died", "Place of death", "Site", "Specialty", "GP practice")
REVIEWER_COLUMNS = ("Reviewer", "Name", "Profession", "Sector", "Organisation", "Enrolled")
PROBLEM_COLUMNS = ("Line", "Column", "Problem", "What to do")
CSV_PATTERN = "CSV files (*.csv);;All files (*)"


class CohortSection(Section):
    title = "Cohort and panel"
    intro = (
        "Import the cohort and the review panel from their CSV files. A file with any error "
        "imports nothing: fix every problem listed and import it again."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.import_cohort = button(
            "&Import cohort CSV…", self, "Import cohort CSV", self.choose_cohort
        )
        self.import_panel = button(
            "Import pane&l CSV…", self, "Import review panel CSV", self.choose_panel
        )
        self.button_row(self.import_cohort, self.import_panel)
        self.add_status_rows()
        self.report = ReportBox(self, "Import report")
        self.problems = TablePanel("import problems", PROBLEM_COLUMNS, self)
        self.problems.hide()
        self.body.addWidget(self.report)
        self.body.addWidget(self.problems, 1)
        self.tabs = named(QTabWidget(self), "Cohort and panel tables")
        self.cases = TablePanel("cases", CASE_COLUMNS, self.tabs)
        self.reviewers = TablePanel("reviewers", REVIEWER_COLUMNS, self.tabs)
        self.tabs.addTab(self.cases, "Cases")
        self.tabs.addTab(self.reviewers, "Reviewers")
        self.body.addWidget(self.tabs, 3)

    # -- importing

    def choose_cohort(self) -> None:
        path = self.chooser.open_file(self, "Import the cohort", CSV_PATTERN)
        if path is not None:
            self.import_file(path, cohort=True)

    def choose_panel(self) -> None:
        path = self.chooser.open_file(self, "Import the review panel", CSV_PATTERN)
        if path is not None:
            self.import_file(path, cohort=False)

    def import_file(self, path: Path, *, cohort: bool) -> bool:
        """Import one CSV; shows the report, or every problem. True when imported."""
        from reviewer_app.services.intake.study_intake import (
            CohortRejectedError,
            add_cohort,
            add_reviewers,
        )
        from reviewer_app.user_files import read_user_file

        what = "cohort file" if cohort else "reviewers file"
        self.problems.hide()
        self.problems.clear()
        self.report.clear()

        def run() -> Any:
            data = read_user_file(path, what)
            if cohort:
                return add_cohort(self.desk.study, data, path.name)
            return add_reviewers(self.desk.study, data, path.name)

        return self.import_with(
            run, CohortRejectedError, self._show_rejection, lambda r: r.summary_lines(), path.name
        )

    def _show_rejection(self, err: Any) -> None:
        lines = str(err).splitlines()
        self.message.say(lines[0] if lines else str(err), "error")
        rows = [
            Row(
                f"{p.line}:{p.column or ''}:{i}",
                (p.line, p.column or "(whole row)", p.reason, p.action),
                emphasis="error",
            )
            for i, p in enumerate(sorted(err.problems, key=lambda p: (p.line, p.column or "")))
        ]
        rows += [
            Row(f"w{i}", (w.line, "", w.reason, "Imported: check this case"))
            for i, w in enumerate(err.warnings)
            if hasattr(w, "line")
        ]
        self.problems.set_rows(rows)
        self.problems.show()
        self.report.show_lines([f"{len(err.problems)} problem(s); nothing was imported."])

    # -- the tables

    def refresh(self) -> None:
        cases = self.attempt(self.desk.cohort_cases)
        reviewers = self.attempt(self.desk.panel_reviewers)
        enrolled = self.attempt(self.desk.enrolled)
        self.cases.set_rows(case_rows(cases if isinstance(cases, list | tuple) else []))
        self.reviewers.set_rows(
            reviewer_rows(
                reviewers if isinstance(reviewers, list | tuple) else [],
                enrolled if isinstance(enrolled, dict) else {},
            )
        )
        super().refresh()

    def clear(self) -> None:
        self.cases.clear()
        self.reviewers.clear()
        self.problems.clear()
        self.report.clear()
        super().clear()


def case_rows(cases: Sequence[Case]) -> list[Row]:
    return [
        Row(
            c.case_ref,
            (
                c.case_ref,
                c.admission_date.isoformat(),
                c.date_of_death.isoformat(),
                c.place_of_death.label,
                c.site or "",
                c.specialty or "",
                c.gp_practice_code or "",
            ),
        )
        for c in cases
    ]


def enrolment_word(enrolment: Any) -> str:
    if enrolment is None:
        return "not enrolled"
    if getattr(enrolment, "revoked", False) or getattr(enrolment, "revoked_at", None):
        return "revoked"
    return f"enrolled {enrolment.issued_at:%Y-%m-%d}"


def reviewer_rows(reviewers: Sequence[Reviewer], enrolled: dict[str, Any]) -> list[Row]:
    return [
        Row(
            r.reviewer_ref,
            (
                r.reviewer_ref,
                r.name,
                r.profession.value,
                r.sector.value,
                r.organisation or "",
                enrolment_word(enrolled.get(r.reviewer_ref)),
            ),
            emphasis="" if r.reviewer_ref in enrolled else "not enrolled yet",
        )
        for r in reviewers
    ]
