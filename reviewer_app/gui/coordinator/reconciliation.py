"""Reconciliation: the discordant cases; for the selected one, the two reviews side by side,
item by item, the differences marked; the consensus recorded from the keyboard (item, value,
method, reason, then Enter); the second-stage queue and its allocation.

Every figure and row is a reconciliation service's: ``resolved_cases`` (discordances, open
items, consensus recorded), ``compare_case``'s ``comparison`` of the resolved case (the rows,
blind until both reviews are in; free text is never shown), ``consensus.differing_items``
and ``record_consensus`` (who records it: the coordinator's login name, as the CLI's
default), ``second_stage_queue`` and ``allocate_second``. The cases and the queue come from
the window's one shared read of the study (``reconciliation.study_snapshot``).
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.section import SnapshotSection
from reviewer_app.gui.coordinator.widgets import ReportBox, TablePanel, button, combo, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.services.reconciliation.study_snapshot import StudySnapshot

CASE_COLUMNS = ("Case", "Pair", "Discordant items", "Awaiting consensus", "Consensus recorded")
COMPARE_COLUMNS = ("", "Item", "Question", "First", "Second", "Rule", "In use", "Source")
QUEUE_COLUMNS = ("Case", "State", "Second-stage reviewer", "Triggers", "Triggered by", "Pair")
MARK_DISCORDANT = "!"
MARK_DIFFERS = "*"
VALUE_HINT = (
    "a score 1-5 or not_applicable; rcp:N or hogan:N for avoidability; an option; options "
    "separated by commas; for the problems, the reviewer whose items stand, or both"
)


NARROW_COMPARE_COLUMNS = {1: 170, 2: 200}  # item id, question: whole text in the tooltip


def recorder() -> str:
    """Who records a consensus or a second-stage allocation: the login name (as the CLI)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "coordinator"


class ReconciliationSection(SnapshotSection):
    title = "Reconciliation"
    needs_resolved = True  # the discordant cases, resolved (the snapshot's second step)
    intro = (
        "Double reviews are compared once both are in. Record the agreed value of each "
        "discordant item; the reviews themselves never change."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.add_status_rows()
        self.tabs = named(QTabWidget(self), "Reconciliation tables")
        self.tabs.addTab(self._discordant_tab(), "Discordant cases")
        self.tabs.addTab(self._queue_tab(), "Second stage")
        self.body.addWidget(self.tabs, 1)
        self.cases: list[Any] = []
        self.comparison: Any = None

    def _discordant_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        split = QSplitter(tab)
        self.discordant = TablePanel("discordant cases", CASE_COLUMNS, split)
        self.compared = TablePanel("items compared", COMPARE_COLUMNS, split)
        split.addWidget(self.discordant)
        split.addWidget(self.compared)
        split.setSizes([470, 610])
        layout.addWidget(split, 1)
        note_row = QHBoxLayout()
        self.compare_note = named(QLabel("", tab), "Comparison")
        self.compare_note.setWordWrap(True)
        note_row.addWidget(self.compare_note, 1)
        self.only_differences = named(
            QCheckBox("Only the items that &differ", tab), "Show only the items that differ"
        )
        self.only_differences.setChecked(True)
        self.only_differences.toggled.connect(lambda _on: self.show_case())
        note_row.addWidget(self.only_differences)
        layout.addLayout(note_row)
        form = QGridLayout()
        self.item = combo(tab, "Item to record the consensus on")
        self.item.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.item.setMinimumContentsLength(24)
        self.value = named(QLineEdit(tab), "Agreed value", VALUE_HINT)
        self.value.setPlaceholderText(
            "Agreed value: " + VALUE_HINT.split(";", maxsplit=1)[0] + "; …"
        )
        self.value.setToolTip(VALUE_HINT)
        self.method = combo(tab, "How it was agreed")
        from reviewer_app.domain.reconciliation import ConsensusMethod

        for method in ConsensusMethod:
            self.method.addItem(method.label, method.value)
        self.reason = named(QLineEdit(tab), "Reason for the consensus")
        self.reason.setPlaceholderText("Why (required; no names)")
        self.reason.returnPressed.connect(self.record)
        for col, (text, widget) in enumerate(
            (("&Item:", self.item), ("&Value:", self.value), ("&Method:", self.method))
        ):
            label = QLabel(text, tab)
            label.setBuddy(widget)
            form.addWidget(label, 0, col * 2)
            form.addWidget(widget, 0, col * 2 + 1)
        reason_label = QLabel("Rea&son:", tab)
        reason_label.setBuddy(self.reason)
        form.addWidget(reason_label, 1, 0)
        form.addWidget(self.reason, 1, 1, 1, 4)
        form.addWidget(button("Record consens&us", tab, "Record the consensus", self.record), 1, 5)
        form.setColumnStretch(3, 1)
        layout.addLayout(form)
        self.discordant.table.selectionModel().currentChanged.connect(lambda *_: self.show_case())
        return tab

    def _queue_tab(self) -> QWidget:
        tab, layout, self.queue = self.table_tab("second-stage cases", QUEUE_COLUMNS)
        self.queue_tab = tab
        allocate_all = button(
            "Allocate a&ll queued", tab, "Allocate every queued case", self.allocate_all
        )
        to = QLabel("Selected case to:", tab)
        self.second_reviewer = combo(tab, "Second-stage reviewer for the selected case")
        allocate_selected = button(
            "Allocate &selected", tab, "Allocate the selected case", self.allocate_selected
        )
        self.button_row(allocate_all, to, self.second_reviewer, allocate_selected, into=layout)
        self.queue_report = ReportBox(tab, "Second-stage allocation report")
        layout.addWidget(self.queue_report)
        return tab

    # -- reading

    def show_snapshot(self, snapshot: StudySnapshot) -> None:
        self.cases = snapshot.discordant
        kept = self.discordant.current_key()
        self.discordant.set_rows([_case_row(c) for c in self.cases])
        self.queue.set_rows([_queue_row(e) for e in snapshot.second_stage])
        refs = [r.reviewer_ref for r in (self.attempt(self.desk.panel_reviewers) or [])]
        self.second_reviewer.clear()
        self.second_reviewer.addItem("The least loaded eligible reviewer", None)
        for ref in refs:
            self.second_reviewer.addItem(ref, ref)
        if not (kept and self.discordant.select_key(kept)) and self.cases:
            self.discordant.table.selectRow(0)
        self.show_case()

    def clear(self) -> None:
        for panel in (self.discordant, self.compared, self.queue):
            panel.clear()
        self.cases, self.comparison = [], None
        self.item.clear()
        self.value.clear()
        self.reason.clear()
        self.compare_note.clear()
        self.queue_report.clear()
        super().clear()

    def apply_link(self, value: str) -> None:
        if value == "second_stage":
            self.tabs.setCurrentWidget(self.queue_tab)
        else:
            self.tabs.setCurrentIndex(0)

    def show_case(self) -> None:
        """The selected case's two reviews side by side, and the items a consensus may take."""
        from reviewer_app.services.reconciliation.compare import comparison
        from reviewer_app.services.reconciliation.consensus import differing_items
        from reviewer_app.services.reconciliation.study_reviews import definition_of

        ref = self.discordant.current_key()
        self.item.clear()
        if ref is None:
            self.compared.set_rows([])
            self.compare_note.setText("Select a discordant case to compare its two reviews.")
            self.comparison = None
            return
        case = next((c for c in self.cases if c.case_ref == ref), None)
        # compare_case's own comparison, of the case as the shared read resolved it
        found = (
            self.attempt(lambda: comparison(definition_of(case.reviews[0]), case))
            if case is not None and case.reviews
            else None
        )
        if found is None or found is True:
            self.compared.set_rows([])
            return
        self.comparison = found
        first, second = found.reviewer_refs
        self.compared.model.columns = ("", "Item", "Question", first, second, *COMPARE_COLUMNS[5:])
        shown = [i for i in found.items if i.differs or not self.only_differences.isChecked()]
        self.compared.set_rows([_compared_row(i) for i in shown])
        header = self.compared.table.horizontalHeader()
        for column, width in NARROW_COMPARE_COLUMNS.items():  # the two reviews' values in view
            header.resizeSection(column, min(header.sectionSize(column), width))
        self.compare_note.setText(
            f"Case {ref}: {first} ({found.outcomes[0]}) and {second} ({found.outcomes[1]}). "
            f"{MARK_DISCORDANT} discordant (needs a consensus), {MARK_DIFFERS} differs; free "
            "text is never shown here."
        )
        items = differing_items(case) if case is not None else []
        open_first = (
            sorted(items, key=lambda i: (i not in case.open_discordances, i)) if case else []
        )
        for item in open_first:
            self.item.addItem(
                item
                + ("  (awaiting consensus)" if case and item in case.open_discordances else ""),
                item,
            )

    # -- acting

    def record(self) -> Any:
        from reviewer_app.services.reconciliation.consensus import record_consensus

        ref = self.discordant.current_key()
        item = self.item.currentData()
        if ref is None or item is None:
            self.message.say("Select a discordant case and the item first.", "warning")
            return None
        value, reason, method = self.value.text(), self.reason.text(), self.method.currentData()
        done = self.attempt(
            lambda: record_consensus(
                self.desk.study,
                ref,
                str(item),
                value=value,
                method=str(method),
                reason=reason,
                recorded_by=recorder(),
            )
        )
        if done is None:
            return None
        self.message.say(done.summary())
        self.after_change(self.discordant, ref, self.value, self.reason)
        return done

    def allocate_all(self) -> Any:
        return self._allocate(None, None)

    def allocate_selected(self) -> Any:
        ref = self.queue.current_key()
        if ref is None:
            self.message.say("Select a case in the second-stage queue first.", "warning")
            return None
        return self._allocate(ref, self.second_reviewer.currentData())

    def _allocate(self, case_ref: str | None, reviewer_ref: str | None) -> Any:
        from reviewer_app.services.reconciliation.second_stage import allocate_second

        report = self.attempt(
            lambda: allocate_second(
                self.desk.study,
                case_ref=case_ref,
                reviewer_ref=reviewer_ref,
                allocated_by=recorder(),
            )
        )
        if report is None:
            return None
        lines = report.summary_lines()
        if report.allocated:
            lines.append("Make the packs (Allocation > Make packs…) to send them.")
        self.queue_report.show_lines(lines)
        self.message.say(lines[0])
        self.refresh()
        self.changed.emit()
        return report


def _case_row(case: Any) -> Row:
    items = [d.item for d in case.discordances]
    return Row(
        case.case_ref,
        (
            case.case_ref,
            " and ".join(case.reviewer_refs),
            len(items),
            ", ".join(sorted(case.open_discordances)) or "none",
            ", ".join(sorted(case.consensus_items)) or "none",
        ),
        emphasis="awaiting a consensus" if case.open_discordances else "",
    )


def _compared_row(item: Any) -> Row:
    mark = MARK_DISCORDANT if item.discordance else (MARK_DIFFERS if item.differs else "")
    return Row(
        item.question_id,
        (
            mark,
            item.question_id,
            item.label,
            item.first,
            item.second,
            item.discordance or "",
            item.in_use,
            item.source,
        ),
        emphasis="discordant: needs a consensus"
        if item.discordance
        else ("the two reviews differ" if item.differs else ""),
    )


def _queue_row(entry: Any) -> Row:
    return Row(
        entry.case_ref,
        (
            entry.case_ref,
            entry.state,
            entry.reviewer_ref or "",
            ", ".join(label for _, label in entry.triggers),
            ", ".join(entry.triggered_by),
            " and ".join(entry.pair) if entry.pair else "",
        ),
        emphasis="not allocated yet" if entry.reviewer_ref is None else "",
    )
