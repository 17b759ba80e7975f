"""Allocation: allocate, each case's pair and mode, hand-made pairs, joint mode, the cases that
could not be allocated safely and why, enrolment and revocation (enrolment.py), and making
the packs into the shared folder.

Every action is the CLI's service call: ``allocation.study_allocation.allocate``,
``set_override``, ``set_case_mode``, ``allocation``, ``joint_cases``, ``case_modes``, and
``packs.maker.make_packs`` (on a worker thread, with progress; it cannot be cancelled half
way, because the packs it writes are recorded in one transaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.gui.coordinator.enrolment import EnrolmentPanel
from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.section import STOPPED, Section
from reviewer_app.gui.coordinator.widgets import ReportBox, TablePanel, button, combo, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.progress import Progress
    from reviewer_app.services.study import Study

PAIR_COLUMNS = ("Case", "Reviewer 1", "Reviewer 2", "Mode", "Pair made")
UNALLOCATED_COLUMNS = ("Case", "Why it could not be allocated safely")
MODE_CHOICES = (
    ("The study's mode", None),
    ("Independent", ReviewMode.INDEPENDENT.value),
    ("Joint", ReviewMode.JOINT.value),
)


class AllocationSection(Section):
    title = "Allocation"
    intro = (
        "Allocate a pair of reviewers to every case, pair a case by hand, review it jointly, "
        "enrol reviewers and make the packs into the shared folder."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.allocate_button = button("A&llocate", self, "Allocate cases", self.allocate)
        self.packs_button = button("Make pac&ks…", self, "Make packs", self.choose_pack_folder)
        self.button_row(self.allocate_button, self.packs_button)
        self.add_status_rows()
        self.report = ReportBox(self, "Allocation report")
        self.body.addWidget(self.report)
        self.tabs = named(QTabWidget(self), "Allocation tables")
        self.tabs.addTab(self._pairs_tab(), "Pairs")
        self.unallocated = TablePanel("unallocated cases", UNALLOCATED_COLUMNS, self.tabs)
        self.tabs.addTab(self.unallocated, "Could not be allocated")
        self.enrolment = EnrolmentPanel(self, self.tabs)
        self.tabs.addTab(self.enrolment, "Enrolment")
        self.body.addWidget(self.tabs, 1)

    def _pairs_tab(self) -> QWidget:
        tab, layout, self.pairs = self.table_tab("allocated cases", PAIR_COLUMNS)
        pair_with = named(QLabel("Selected case: pair with", tab), "Pair with")
        self.first = combo(tab, "First reviewer of the hand-made pair")
        self.second = combo(tab, "Second reviewer of the hand-made pair")
        pair = button("Pair b&y hand", tab, "Pair the selected case by hand", self.pair)
        unpair = button(
            "Clear hand-made pair", tab, "Clear the selected case's hand-made pair", self.unpair
        )
        mode = named(QLabel("Review mode:", tab), "Review mode")
        self.mode = combo(tab, "Review mode of the selected case")
        for label, value in MODE_CHOICES:
            self.mode.addItem(label, value)
        set_mode = button("Set &mode", tab, "Set the selected case's review mode", self.set_mode)
        row = (pair_with, self.first, self.second, pair, unpair, 16, mode, self.mode, set_mode)
        self.button_row(*row, into=layout)
        return tab

    # -- reading

    def refresh(self) -> None:
        from reviewer_app.services.allocation.study_allocation import (
            allocation,
            case_modes,
            joint_cases,
        )

        study = self.desk.study
        got = self.attempt(lambda: (allocation(study), case_modes(study), study.review_mode))
        if not isinstance(got, tuple):
            return
        result, modes, study_mode = got
        joint = self.attempt(lambda: joint_cases(study, result.pairs))
        joint = joint if isinstance(joint, frozenset) else frozenset()
        self.pairs.set_rows(
            [
                Row(
                    ref,
                    (
                        ref,
                        pair[0],
                        pair[1],
                        (ReviewMode.JOINT if ref in joint else ReviewMode.INDEPENDENT).value
                        + (" (set for this case)" if ref in modes else ""),
                        "by hand" if ref in result.overridden else "allocated",
                    ),
                )
                for ref, pair in result.pairs.items()
            ]
        )
        self.unallocated.set_rows(
            [Row(ref, (ref, why), emphasis="not allocated") for ref, why in result.unallocated]
        )
        refs = [r.reviewer_ref for r in (self.attempt(self.desk.panel_reviewers) or [])]
        for box in (self.first, self.second):
            kept = box.currentText()
            box.clear()
            box.addItems(refs)
            if kept in refs:
                box.setCurrentText(kept)
        self.study_mode = study_mode
        self.enrolment.refresh()
        super().refresh()

    def clear(self) -> None:
        self.pairs.clear()
        self.unallocated.clear()
        self.report.clear()
        self.enrolment.clear()
        for box in (self.first, self.second):
            box.clear()
        super().clear()

    def apply_link(self, value: str) -> None:
        if value == "unallocated":
            self.tabs.setCurrentWidget(self.unallocated)

    # -- acting

    def allocate(self) -> None:
        from reviewer_app.services.allocation.study_allocation import allocate

        report = self.attempt(lambda: allocate(self.desk.study))
        if report is None:
            return
        self.report.show_lines(report.summary_lines())
        self.message.say(report.summary_lines()[0])
        self.refresh()
        self.changed.emit()

    def _selected_case(self) -> str | None:
        ref = self.pairs.current_key() or self.unallocated.current_key()
        if ref is None:
            self.message.say("Select a case in the table first.", "warning")
        return ref

    def pair(self) -> None:
        first, second = self.first.currentText(), self.second.currentText()
        self._override(
            (first, second),
            "Hand-made pair for {ref} saved (" + f"{first} and {second}); allocate to apply it.",
        )

    def unpair(self) -> None:
        self._override(None, "Hand-made pair for {ref} removed; allocate to apply it.")

    def _override(self, pair: tuple[str, str] | None, said: str) -> None:
        """Set (or clear, with None) the selected case's hand-made pair; ``said`` names it
        ``{ref}``."""
        from reviewer_app.services.allocation.study_allocation import set_override

        ref = self._selected_case()
        if ref is None:
            return
        if self.attempt(
            lambda: set_override(self.desk.study, ref, pair), said.replace("{ref}", ref)
        ):
            self.changed.emit()

    def set_mode(self) -> None:
        from reviewer_app.services.allocation.study_allocation import set_case_mode

        ref = self._selected_case()
        if ref is None:
            return
        mode = self.mode.currentData()
        said = (
            f"{ref} follows the study's review mode again."
            if mode is None
            else f"{ref} will be reviewed {mode}ly."
        )
        if self.attempt(
            lambda: set_case_mode(self.desk.study, ref, mode),
            said + " Make the packs again to send the change to the reviewers.",
        ):
            self.after_change(self.pairs, ref)

    def default_pack_folder(self) -> str:
        from reviewer_app.services.collection.collector import returns_folder

        try:
            return str(returns_folder(self.desk.study, None))
        except Exception:
            return ""

    def choose_pack_folder(self) -> None:
        folder = self.chooser.folder(
            self, "Make the packs into the shared folder", self.default_pack_folder()
        )
        if folder is not None:
            self.make_packs(folder)

    def make_packs(self, folder: Path) -> None:
        from reviewer_app.services.packs.maker import make_packs

        bar = self.work

        def work(study: Study, progress: Progress) -> Any:
            # Cancel is asked between two packs; each pack is made and recorded whole
            return make_packs(study, folder, progress=progress, cancelled=lambda: bar.cancelled)

        self.run_long("Making the packs…", work, self._packs_made, cancellable=True)

    def _packs_made(self, report: Any) -> None:
        lines = report.summary_lines()
        self.report.show_lines(lines)
        made = f"{len(report.made)} pack(s) written into the shared folder."
        if report.stopped:
            self.message.say(f"{made} {STOPPED}", "warning")
        else:
            self.message.say(made)
        self.refresh()
