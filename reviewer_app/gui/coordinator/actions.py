"""Actions: the action plan as an editable table (theme, lead, organisation, due date, the
action), each status on the board paper's 0-5 scale with its key, dated progress updates,
overdue actions highlighted; import and export CSV and the appendix PDF.

Every edit is ``records.action_plan.update_action`` (refused in words, nothing changed);
a progress update the same with a status, date and note; a new action ``add_action``; the
CSV ``records.action_csv.import_actions`` (all or nothing, every problem with its line and
column) and ``export_actions``; the appendix ``records.action_appendix.write_appendix``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTabWidget,
    QWidget,
)

from reviewer_app.errors import UserError
from reviewer_app.gui.coordinator.escalations import _date, _writing
from reviewer_app.gui.coordinator.models import Row, RowsModel
from reviewer_app.gui.coordinator.reconciliation import recorder
from reviewer_app.gui.coordinator.section import Section
from reviewer_app.gui.coordinator.widgets import (
    ReportBox,
    TablePanel,
    button,
    caption_grid,
    combo,
    named,
)

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner

COLUMNS = (
    "Reference",
    "Theme",
    "Action",
    "Lead",
    "Organisation",
    "Due",
    "Overdue",
    "Status",
    "Since",
    "Latest update",
)
EDITABLE = {1: "theme", 2: "action", 3: "lead", 4: "organisation", 5: "due_date"}
PROBLEM_COLUMNS = ("Line", "Column", "Problem", "What to do")
FORMS_HEIGHT = 190
Index = QModelIndex | QPersistentModelIndex


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def status_key() -> str:
    from reviewer_app.domain.records import ActionStatus

    return "Status key: " + "; ".join(f"{s.value} {s.label.lower()}" for s in ActionStatus)


class ActionsModel(RowsModel):
    """The plan's rows; the cells of EDITABLE columns are edited in place through ``edit``."""

    def __init__(self, edit: Callable[[str, str, str], bool], parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self.edit = edit
        self.themes: dict[str, str] = {}  # label -> id

    def flags(self, index: Index) -> Qt.ItemFlag:
        found = super().flags(index)
        if index.isValid() and index.column() in EDITABLE:
            found |= Qt.ItemFlag.ItemIsEditable
        return found

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.EditRole:
            role = Qt.ItemDataRole.DisplayRole
        return super().data(index, role)

    def setData(self, index: Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() not in EDITABLE:
            return False
        row = self.row_at(index.row())
        text = str(value).strip()
        if text == str(row.values[index.column()]):
            return False
        if index.column() == 1:
            text = self.themes.get(text, text)
        return self.edit(row.key, EDITABLE[index.column()], text)


class ActionsSection(Section):
    title = "Actions"
    intro = (
        "The action plan. Edit a cell to change it (every change is kept); record progress "
        "with a status, its date and a note. Overdue actions are in bold."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.button_row(
            button("&Import CSV…", self, "Import the action plan CSV", self.choose_import),
            button("E&xport CSV…", self, "Export the action plan CSV", self.choose_export),
            button(
                "Sa&ve appendix PDF…",
                self,
                "Save the action-plan appendix PDF",
                self.choose_appendix,
            ),
        )
        self.add_status_rows()
        self.key = named(QLabel(status_key(), self), "Status key")
        self.key.setObjectName("hint")
        self.key.setWordWrap(True)
        self.body.addWidget(self.key)
        self.plan = TablePanel("actions", COLUMNS, self)
        self.plan.use_model(ActionsModel(self.edit_cell, self.plan))
        from PySide6.QtWidgets import QAbstractItemView

        self.plan.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.plan.table.setAccessibleDescription(
            "F2 edits the cell: theme, action, lead, organisation or due date"
        )
        self.body.addWidget(self.plan, 1)
        self.tabs = named(QTabWidget(self), "Action forms")
        self.tabs.addTab(self._progress_tab(), "Progress update")
        self.tabs.addTab(self._add_tab(), "New action")
        self.problems = TablePanel("import problems", PROBLEM_COLUMNS, self.tabs)
        self.tabs.addTab(self.problems, "Import problems")
        self.tabs.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.tabs.setMaximumHeight(FORMS_HEIGHT)  # the plan keeps the room
        self.body.addWidget(self.tabs)
        self.report = ReportBox(self, "Action plan report")
        self.body.addWidget(self.report)
        self.actions_shown: list[Any] = []

    def _status_combo(self, parent: QWidget, name: str) -> Any:
        from reviewer_app.domain.records import ActionStatus

        box = combo(parent, name)
        for status in ActionStatus:
            box.addItem(f"{status.value} {status.label}", status.value)
        return box

    def _progress_tab(self) -> QWidget:
        tab = QWidget(self)
        grid = QGridLayout(tab)
        self.new_status = self._status_combo(tab, "New status")
        self.progress_date = named(QLineEdit(tab), "Date of the update", "e.g. 2026-03-14")
        self.progress_note = named(QLineEdit(tab), "Progress note")
        self.progress_note.returnPressed.connect(self.record_progress)
        cells = (
            ("Stat&us:", self.new_status),
            ("&Date:", self.progress_date),
            ("Note:", self.progress_note),
        )
        caption_grid(grid, tab, cells, per_row=3)
        grid.setRowStretch(2, 1)  # the fields at the top of the tab, not in its middle
        grid.setColumnStretch(5, 1)
        grid.addWidget(
            button("Record progre&ss", tab, "Record the progress update", self.record_progress),
            0,
            6,
        )
        return tab

    def _add_tab(self) -> QWidget:
        tab = QWidget(self)
        grid = QGridLayout(tab)
        self.new_ref = named(QLineEdit(tab), "New action reference")
        self.new_theme = combo(tab, "New action theme")
        self.new_text = named(QLineEdit(tab), "New action")
        self.new_lead = named(QLineEdit(tab), "New action lead (a role)")
        self.new_org = named(QLineEdit(tab), "New action organisation")
        self.new_due = named(QLineEdit(tab), "New action due date")
        cells = (
            ("Reference:", self.new_ref),
            ("The&me:", self.new_theme),
            ("Action:", self.new_text),
            ("&Lead:", self.new_lead),
            ("Organi&sation:", self.new_org),
            ("D&ue:", self.new_due),
        )
        caption_grid(grid, tab, cells, per_row=3)
        grid.setRowStretch(2, 1)  # the fields at the top of the tab, not in its middle
        grid.addWidget(button("A&dd action", tab, "Add the action", self.add), 1, 6)
        return tab

    # -- reading

    def refresh(self) -> None:
        from reviewer_app.domain.definition import default_definition
        from reviewer_app.services.records.action_fields import themes_of
        from reviewer_app.services.records.action_plan import list_actions

        found = self.attempt(lambda: list_actions(self.desk.study))
        self.actions_shown = found if isinstance(found, list) else []
        today = _today()
        kept = self.plan.current_key()
        self.plan.set_rows([_row(a, today) for a in self.actions_shown])
        themes = themes_of(default_definition())
        model = self.plan.model
        assert isinstance(model, ActionsModel)
        model.themes = {t.label: t.id for t in themes.values()}
        if self.new_theme.count() != len(themes):
            self.new_theme.clear()
            for theme in themes.values():
                self.new_theme.addItem(theme.label, theme.id)
        if kept:
            self.plan.select_key(kept)
        super().refresh()

    def clear(self) -> None:
        self.plan.clear()
        self.problems.clear()
        self.report.clear()
        self.actions_shown = []
        for edit in (
            self.progress_date,
            self.progress_note,
            self.new_ref,
            self.new_text,
            self.new_lead,
            self.new_org,
            self.new_due,
        ):
            edit.clear()
        super().clear()

    def apply_link(self, value: str) -> None:
        if value == "overdue":
            self.plan.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)

    # -- acting

    def edit_cell(self, reference: str, field: str, text: str) -> bool:
        from reviewer_app.services.records.action_plan import update_action

        def run() -> Any:
            value: Any = _date(text, "The due date") if field == "due_date" else text
            if value is None:
                raise UserError("Give a due date, e.g. 2026-06-30.")
            return update_action(
                self.desk.study, reference, recorded_by=recorder(), **{field: value}
            )

        done = self.attempt(run, f"{reference}: {field.replace('_', ' ')} changed.")
        if done is None:
            return False
        self.refresh()
        self.changed.emit()
        return True

    def record_progress(self) -> Any:
        from reviewer_app.domain.records import ActionStatus
        from reviewer_app.services.records.action_plan import update_action

        ref = self.plan.current_key()
        if ref is None:
            self.message.say("Select an action in the plan first.", "warning")
            return None
        status = ActionStatus(self.new_status.currentData())
        date_text, note = self.progress_date.text(), self.progress_note.text()

        def run() -> Any:
            return update_action(
                self.desk.study,
                ref,
                status=status,
                progress_date=_date(date_text, "The date of the update"),
                note=note,
                recorded_by=recorder(),
            )

        done = self.attempt(run, f"{ref}: progress recorded ({status.value} {status.label}).")
        if done is None:
            return None
        self.after_change(self.plan, ref, self.progress_date, self.progress_note)
        return done

    def add(self) -> Any:
        from reviewer_app.services.records.action_plan import add_action

        def run() -> Any:
            due = _date(self.new_due.text(), "The due date")
            if due is None:
                raise UserError("Give the action's due date, e.g. 2026-06-30.")
            return add_action(
                self.desk.study,
                reference=self.new_ref.text(),
                theme=str(self.new_theme.currentData() or ""),
                action=self.new_text.text(),
                lead=self.new_lead.text(),
                organisation=self.new_org.text(),
                due_date=due,
                recorded_by=recorder(),
            )

        ref = self.new_ref.text().strip()
        done = self.attempt(run, f"Action {ref} added.")
        if done is None:
            return None
        edits = (self.new_ref, self.new_text, self.new_lead, self.new_org, self.new_due)
        self.after_change(self.plan, ref, *edits)
        return done

    def choose_import(self) -> None:
        path = self.chooser.open_file(
            self, "Import the action plan", "CSV files (*.csv);;All files (*)"
        )
        if path is not None:
            self.import_file(path)

    def import_file(self, path: Path) -> bool:
        from reviewer_app.services.records.action_csv import ActionsRejectedError, import_actions
        from reviewer_app.user_files import read_user_file

        self.problems.clear()
        self.report.clear()

        def run() -> Any:
            data = read_user_file(path, "action plan file")
            return import_actions(self.desk.study, data, path.name, recorded_by=recorder())

        return self.import_with(
            run, ActionsRejectedError, self._show_rejection, lambda r: r.lines(), path.name
        )

    def _show_rejection(self, err: Any) -> None:
        self.message.say(str(err).splitlines()[0], "error")
        self.problems.set_rows(
            [
                Row(f"{i}", (p.line, p.column or "(whole row)", p.reason, p.action), "error")
                for i, p in enumerate(sorted(err.problems, key=lambda p: (p.line, p.column or "")))
            ]
        )
        self.tabs.setCurrentWidget(self.problems)

    def choose_export(self) -> None:
        out = self.chooser.save_file(self, "Export the action plan", "CSV (*.csv)", "actions.csv")
        if out is not None:
            self.export(out)

    def export(self, out: Path) -> Any:
        from reviewer_app.services.records.action_csv import export_actions

        return self.attempt(
            lambda: _writing(out, lambda: export_actions(self.desk.study, out)),
            lambda count: f"{count} action(s) written to {out}.",
        )

    def choose_appendix(self) -> None:
        out = self.chooser.save_file(
            self, "Save the action-plan appendix", "PDF (*.pdf)", "action-plan-appendix.pdf"
        )
        if out is not None:
            self.save_appendix(out)

    def save_appendix(self, out: Path) -> Any:
        from reviewer_app.services.records.action_appendix import write_appendix

        return self.attempt(
            lambda: _writing(out, lambda: write_appendix(self.desk.study, out)),
            lambda count: f"Action-plan appendix ({count} actions) saved to {out}.",
        )


def _row(action: Any, today: dt.date) -> Row:
    overdue = action.overdue(today)
    return Row(
        action.reference,
        (
            action.reference,
            action.theme_label,
            action.action,
            action.lead,
            action.organisation,
            action.due_date.isoformat(),
            "OVERDUE" if overdue else "",
            f"{action.status.value} {action.status.label}",
            action.status_date.isoformat(),
            action.latest_note,
        ),
        emphasis="overdue" if overdue else "",
    )
