"""Overview: where the study stands, each figure a link to the list behind it.

Cases by state are ``reconciliation.stages.case_stages`` counted by its ``stage_counts`` (what
``coordinator stages`` prints: awaiting returns, one of two, both returned, in consensus,
second stage, closed, records missing, handed back...); overdue returns, escalations and
immediate safety concerns returned and quarantined files are ``collection.status.study_status``
(what ``coordinator status`` prints; its ``overdue_total`` is the overdue figure);
escalations awaiting acknowledgement are ``records.escalation_log.overdue_acknowledgements``;
returns over time are the collection runs (``collection.records.collection_runs``), one row
per collection. All of them come from the one shared read of the study
(``reconciliation.study_snapshot``, loaded off the GUI thread: see snapshot.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QWidget

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.section import SnapshotSection
from reviewer_app.gui.coordinator.widgets import TablePanel, heading, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.services.collection.status import StudyStatus
    from reviewer_app.services.reconciliation.study_snapshot import StudySnapshot
    from reviewer_app.storage.study.returns import RunRow

LINK_STATE = "state:"
LINK_OVERDUE = "overdue"
LINK_QUARANTINE = "quarantine"
LINK_ESCALATIONS = "escalations"
LINK_AWAITING = "awaiting_ack"
LINK_IMMEDIATE = "immediate"
RUN_COLUMNS = ("Collected at", "Folder", "Files seen", "New", "Superseding", "Quarantined")
_STATE_ORDER = (
    CaseStage.AWAITING_RETURNS,
    CaseStage.ONE_OF_TWO,
    CaseStage.BOTH_RETURNED,
    CaseStage.IN_CONSENSUS,
    CaseStage.SECOND_STAGE,
    CaseStage.CLOSED,
    CaseStage.RECORDS_MISSING,
    CaseStage.HANDED_BACK,
    CaseStage.OUTSIDE_METHOD,
    CaseStage.NOT_ALLOCATED,
)


class Figure(QPushButton):
    """A number and what it counts; pressing it shows the list behind it."""

    def __init__(self, parent: QWidget, label: str, link: str) -> None:
        super().__init__(parent)
        self.setObjectName("figure")
        self.label = label
        self.link_to = link
        self.value: int | None = None
        self.show_value(None)

    def show_value(self, value: int | None, note: str = "") -> None:
        self.value = value
        shown = "–" if value is None else str(value)
        self.setText(f"{shown}\n{self.label}")
        self.setAccessibleName(f"{self.label}: {shown}")
        self.setAccessibleDescription(note or "Press to see the list behind this figure")
        self.setToolTip(note or "Show the list behind this figure")


class OverviewSection(SnapshotSection):
    title = "Overview"
    intro = "Where every case stands. Press a figure to see the cases or files behind it."

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.body.addWidget(heading("Cases by state", self, object_name="subTitle"))
        states = QGridLayout()
        self.state_figures: dict[CaseStage, Figure] = {}
        for i, state in enumerate(_STATE_ORDER):
            figure = self._figure(state.label, LINK_STATE + state.value)
            self.state_figures[state] = figure
            states.addWidget(figure, i // 5, i % 5)
        self.body.addLayout(states)
        self.body.addWidget(heading("To act on", self, object_name="subTitle"))
        concerns = QGridLayout()
        self.overdue = self._figure("Overdue returns (reviewer assignments)", LINK_OVERDUE)
        self.escalations = self._figure("Cases escalated in returns", LINK_ESCALATIONS)
        self.awaiting_ack = self._figure("Acknowledgements overdue", LINK_AWAITING)
        self.immediate = self._figure("Cases with an immediate safety concern", LINK_IMMEDIATE)
        self.quarantined = self._figure("Quarantined bundle files", LINK_QUARANTINE)
        for i, figure in enumerate(
            (self.overdue, self.escalations, self.awaiting_ack, self.immediate, self.quarantined)
        ):
            concerns.addWidget(figure, i // 3, i % 3)
        self.body.addLayout(concerns)
        self.body.addWidget(heading("Returns over time", self, object_name="subTitle"))
        self.runs = TablePanel("collections", RUN_COLUMNS, self)
        self.body.addWidget(self.runs, 1)
        self.summary = named(QLabel("", self), "Study summary")
        self.summary.setObjectName("hint")
        self.summary.setWordWrap(True)
        self.body.addWidget(self.summary)
        self.add_status_rows()
        self.status: StudyStatus | None = None

    def _figure(self, label: str, link: str) -> Figure:
        figure = Figure(self, label, link)
        figure.clicked.connect(lambda _c=False, f=figure: self._follow(f))
        return figure

    def _follow(self, figure: Figure) -> None:
        link = figure.link_to
        if link.startswith(LINK_STATE) or link in (LINK_OVERDUE, LINK_QUARANTINE):
            self.link.emit("returns", link)
        else:
            self.link.emit("escalations", link)

    def figures(self) -> list[Figure]:
        return [
            *self.state_figures.values(),
            self.overdue,
            self.escalations,
            self.awaiting_ack,
            self.immediate,
            self.quarantined,
        ]

    def show_snapshot(self, snapshot: StudySnapshot) -> None:
        from reviewer_app.services.reconciliation.stages import stage_counts
        from reviewer_app.services.records.escalation_log import overdue_acknowledgements

        counts = stage_counts(snapshot.stages)
        for state, figure in self.state_figures.items():
            figure.show_value(counts.get(state))
        today = dt.datetime.now(dt.UTC).date()
        self.awaiting_ack.show_value(
            len(overdue_acknowledgements(snapshot.escalations, today)),
            "Sent, and not acknowledged within the expected working days",
        )
        status = self.status = snapshot.status
        self.overdue.show_value(
            status.overdue_total,
            f"Not returned, and past the due date (the day first sent + {status.overdue_days} "
            "days)",
        )
        self.escalations.show_value(status.concerns.escalation_cases)
        self.immediate.show_value(status.concerns.immediate_cases)
        self.quarantined.show_value(status.quarantined_files)
        self.runs.set_rows(_run_rows(snapshot.runs))
        self.summary.setText(
            f"{len(status.cases)} cases, {len(status.reviewers)} reviewers with cases; "
            f"status as of {status.now:%Y-%m-%d %H:%M} UTC."
        )

    def clear(self) -> None:
        for figure in self.figures():
            figure.show_value(None)
        self.runs.clear()
        self.summary.clear()
        self.status = None
        super().clear()


def _run_rows(runs: Sequence[RunRow]) -> list[Row]:
    """One row per collection run, latest first, with the counts the run recorded."""
    return [
        Row(
            str(run.run_id),
            (
                f"{run.started_at:%Y-%m-%d %H:%M}",
                run.folder,
                run.counts.get("files_seen", 0),
                run.counts.get("new", 0),
                run.counts.get("superseded", 0),
                run.counts.get("quarantined", 0),
            ),
        )
        for run in sorted(runs, key=lambda r: r.started_at, reverse=True)
    ]
