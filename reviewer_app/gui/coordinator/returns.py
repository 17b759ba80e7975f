"""Returns: collect from the shared folder (on a worker thread, with progress and a safe
Cancel), what the collection did, where every case stands, the quarantine, conflicts, and
the chase list with a plain-text reminder to copy into an email.

The services are ``collection.collector.collect`` (each file verified and stored, or
quarantined, whole: cancelling between two files keeps what was collected, and collecting
again goes on where it stopped), ``collection.status.study_status`` and
``collection.records.quarantine`` / ``conflicts``, all from the window's one shared read of
the study (``reconciliation.study_snapshot``, off the GUI thread). The reminder names case
references only, never a patient identifier.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTabWidget, QVBoxLayout, QWidget

from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.section import SnapshotSection
from reviewer_app.gui.coordinator.widgets import ReportBox, TablePanel, button, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.progress import Progress
    from reviewer_app.services.collection.report import CollectionReport
    from reviewer_app.services.collection.status import CaseStatus, ReviewerOnCase, StudyStatus
    from reviewer_app.services.reconciliation.study_snapshot import StudySnapshot
    from reviewer_app.services.study import Study

CASE_COLUMNS = ("Case", "Stage", "Returns", "Mode", "Reviewers")
COUNT_COLUMNS = ("Reviewer", "New", "Superseding", "Unchanged", "Older", "Conflicts", "Quarantined")
QUARANTINE_COLUMNS = ("File", "Reviewer", "Reason", "Why", "Kept as", "Quarantined at")
CONFLICT_COLUMNS = ("Case", "Reviewer", "Version", "Kept (first received)", "Arrived")
CHASE_COLUMNS = ("Reviewer", "Owed", "Overdue", "Cases owed (overdue marked *)")
STAGE_COLUMN = 1


class ReturnsSection(SnapshotSection):
    title = "Returns"
    intro = (
        "Collect the reviewers' signed returns from the shared folder. Files that fail a "
        "check are quarantined with the reason; nothing of them is used."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.collect_button = button(
            "Co&llect from the shared folder", self, "Collect returns", self.collect_default
        )
        self.collect_from = button(
            "Collect from another fol&der…",
            self,
            "Collect returns from another folder",
            self.choose_folder,
        )
        self.button_row(self.collect_button, self.collect_from)
        self.add_status_rows()
        self.tabs = named(QTabWidget(self), "Returns tables")
        self.cases = TablePanel("case states", CASE_COLUMNS, self.tabs)
        self.tabs.addTab(self.cases, "Cases")
        self.tabs.addTab(self._last_tab(), "Last collection")
        self.quarantine = TablePanel("quarantined files", QUARANTINE_COLUMNS, self.tabs)
        self.tabs.addTab(self.quarantine, "Quarantine")
        self.conflicts = TablePanel("conflicts", CONFLICT_COLUMNS, self.tabs)
        self.tabs.addTab(self.conflicts, "Conflicts")
        self.tabs.addTab(self._chase_tab(), "Chase list")
        self.body.addWidget(self.tabs, 1)
        self.status: StudyStatus | None = None
        self.last_report: CollectionReport | None = None

    def _last_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.report = ReportBox(tab, "Collection report")
        self.report.setMaximumHeight(16777215)
        self.counts = TablePanel("reviewers collected", COUNT_COLUMNS, tab)
        layout.addWidget(self.counts, 1)
        layout.addWidget(self.report, 1)
        return tab

    def _chase_tab(self) -> QWidget:
        tab, layout, self.chase = self.table_tab("reviewers owing returns", CHASE_COLUMNS)
        self.chase_tab = tab
        self.button_row(
            button(
                "Cop&y reminder",
                tab,
                "Copy a reminder for the selected reviewer",
                self.copy_reminder,
            ),
            into=layout,
        )
        self.reminder = ReportBox(tab, "Reminder to copy into an email")
        layout.addWidget(self.reminder)
        self.chase.table.selectionModel().currentChanged.connect(lambda *_: self.show_reminder())
        return tab

    # -- reading

    def show_snapshot(self, snapshot: StudySnapshot) -> None:
        status = self.status = snapshot.status
        stages = {r.case_ref: r.stage.label for r in snapshot.stages}
        self.cases.set_rows([_case_row(c, stages.get(c.case_ref, "")) for c in status.cases])
        self.chase.set_rows(
            [
                Row(
                    r.reviewer_ref,
                    (
                        r.reviewer_ref,
                        len(r.owed),
                        r.overdue,
                        " ".join(f"{ref}*" if ref in r.overdue_refs else ref for ref in r.owed),
                    ),
                    emphasis="overdue" if r.overdue else "",
                )
                for r in status.reviewers
                if r.owed
            ]
        )
        self.quarantine.set_rows(_quarantine_rows(snapshot.quarantine))
        self.conflicts.set_rows(
            [
                Row(
                    f"{c.case_ref}:{c.reviewer_ref}:{c.version}",
                    (
                        c.case_ref,
                        c.reviewer_ref,
                        c.version,
                        c.stored_sha256[:12],
                        c.arrived_sha256[:12],
                    ),
                    emphasis="conflict",
                )
                for c in snapshot.conflicts
            ]
        )

    def clear(self) -> None:
        for panel in (self.cases, self.quarantine, self.conflicts, self.chase, self.counts):
            panel.clear()
        self.report.clear()
        self.reminder.clear()
        self.status = None
        self.last_report = None
        super().clear()

    def apply_link(self, value: str) -> None:
        if value.startswith("state:"):
            from reviewer_app.domain.reconciliation import CaseStage

            stage = CaseStage(value.removeprefix("state:"))
            self.tabs.setCurrentWidget(self.cases)
            self.cases.filter_exact(STAGE_COLUMN, stage.label, f"Stage: {stage.label}")
        elif value == "overdue":
            self.tabs.setCurrentWidget(self.chase_tab)
            self.chase.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        elif value == "quarantine":
            self.tabs.setCurrentWidget(self.quarantine)

    # -- collecting

    def collect_default(self) -> None:
        self.collect(None)

    def choose_folder(self) -> None:
        folder = self.chooser.folder(self, "Collect the returns from")
        if folder is not None:
            self.collect(folder)

    def collect(self, folder: Path | None) -> None:
        from reviewer_app.services.collection.collector import collect

        def work(study: Study, progress: Progress) -> Any:
            return collect(study, folder, progress=progress)

        self.run_long("Collecting the returns…", work, self._collected, cancellable=True)

    def _collected(self, report: CollectionReport) -> None:
        self.last_report = report
        totals = report.totals()
        self.counts.set_rows(
            [
                Row(
                    ref,
                    (ref, c.new, c.superseded, c.unchanged, c.older, c.conflicts, c.quarantined),
                    emphasis="quarantined or in conflict" if c.quarantined or c.conflicts else "",
                )
                for ref, c in sorted(report.by_reviewer.items())
            ]
        )
        self.report.show_lines(report.summary_lines())
        self.message.say(
            f"Collected: {report.files_collected} new file(s), {totals['new']} new review "
            f"version(s), {totals['superseded']} superseding, {totals['quarantined']} file(s) "
            f"quarantined, {totals['conflicts']} conflict(s).",
            "warning" if totals["quarantined"] or totals["conflicts"] else "",
        )
        self.tabs.setCurrentIndex(1)
        self.refresh()

    # -- chasing

    def reminder_text(self, reviewer_ref: str) -> str:
        """A plain-text reminder for one reviewer: case references only."""
        if self.status is None:
            return ""
        found = next((r for r in self.status.reviewers if r.reviewer_ref == reviewer_ref), None)
        if found is None or not found.owed:
            return ""
        overdue = set(found.overdue_refs)
        lines = [
            f"Reminder for reviewer {reviewer_ref}",
            "",
            f"Our records show {len(found.owed)} case review(s) allocated to you not yet "
            "returned to the study:",
            "",
            *(f"  {ref}{'  (overdue)' if ref in overdue else ''}" for ref in found.owed),
            "",
            "Please sign each review in the reviewer app and use File > Return signed reviews "
            "to put them on the shared drive. If a case cannot be reviewed (records missing, "
            "a conflict of interest), record that outcome and return it too.",
            "",
            "Thank you.",
        ]
        return "\n".join(lines)

    def show_reminder(self) -> None:
        ref = self.chase.current_key()
        self.reminder.show_lines(self.reminder_text(ref).splitlines() if ref else [])

    def copy_reminder(self) -> None:
        ref = self.chase.current_key()
        if ref is None:
            self.message.say("Select a reviewer in the chase list first.", "warning")
            return
        text = self.reminder_text(ref)
        self.reminder.show_lines(text.splitlines())
        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.message.say(f"Reminder for {ref} copied: paste it into an email.")


def _reviewer_word(row: ReviewerOnCase) -> str:
    word = f"{row.reviewer_ref} {row.state.value.replace('_', ' ')}"
    if row.returned:
        word += f" v{row.version} {row.outcome}" + (" amended" if row.amended else "")
    elif row.overdue:
        word += " OVERDUE"
    if row.may_be_in_quarantine:
        word += " (may be in quarantine)"
    return word


def _case_row(case: CaseStatus, stage: str) -> Row:
    mode = "" if case.mode is None else case.mode.value
    if case.co_reviewer_ref:
        mode += f" with {case.co_reviewer_ref}"
    overdue = any(r.overdue for r in case.reviewers)
    return Row(
        case.case_ref,
        (
            case.case_ref,
            stage,
            case.state.label,
            mode,
            "; ".join(_reviewer_word(r) for r in case.reviewers),
        ),
        emphasis="overdue" if overdue else "",
    )


def _quarantine_rows(held: Sequence[Any]) -> list[Row]:
    return [
        Row(
            q.file_sha256,
            (
                q.file_name,
                q.reviewer_ref or "(unknown)",
                q.reason,
                q.message,
                q.kept_as,
                f"{q.quarantined_at:%Y-%m-%d %H:%M}",
            ),
            emphasis="quarantined",
        )
        for q in held
    ]
