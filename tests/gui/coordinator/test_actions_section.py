"""Actions: the plan as an editable table through records.action_plan, progress on the 0-5
scale with its key, overdue in bold, CSV in (all or nothing) and out, the appendix PDF."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from PySide6.QtCore import Qt

from reviewer_app.domain.records import ActionStatus
from reviewer_app.services.records.action_plan import list_actions
from tests.support.study_fixtures import snapshot

HEADER = "reference,theme,action,lead,organisation,due_date,status,progress_date,progress_note"
PAST = "2020-01-31"
FUTURE = "2099-12-31"


def _plan_csv(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _window(open_window, empty_study):
    window = open_window(empty_study)
    window.show_section(7)
    section = window.section("actions")
    assert window.current is section
    return window, section


def test_the_status_key_lists_every_status():
    from reviewer_app.gui.coordinator.actions import status_key

    text = status_key()
    for status in ActionStatus:
        assert f"{status.value} {status.label.lower()}" in text


def test_import_shows_the_plan_with_overdue_actions_in_bold(open_window, empty_study, tmp_path):
    _w, section = _window(open_window, empty_study)
    path = _plan_csv(
        tmp_path,
        f"A1,deterioration,Roll out NEWS2,Medical director,Acute trust,{PAST},3,{PAST},Half way",
        f"A2,fluids,Fluid charts,Chief nurse,Acute trust,{FUTURE},4,,",
        f"A3,fluids,Audit,Chief nurse,Acute trust,{PAST},5,{PAST},Done",
    )
    assert section.import_file(path)
    assert "3 action(s) added" in section.report.toPlainText()
    rows = {r.key: r for r in section.plan.model.rows}
    assert set(rows) == {"A1", "A2", "A3"}
    overdue_col = section.plan.model.columns.index("Overdue")
    assert rows["A1"].emphasis == "overdue" and rows["A1"].values[overdue_col] == "OVERDUE"
    assert rows["A2"].emphasis == "" and rows["A3"].emphasis == ""  # complete is never overdue
    status_col = section.plan.model.columns.index("Status")
    assert rows["A1"].values[status_col] == "3 Some delay but expected to complete"


def test_a_plan_with_a_problem_imports_nothing(open_window, empty_study, tmp_path):
    window, section = _window(open_window, empty_study)
    before = snapshot(window.desk.study.db)
    path = _plan_csv(
        tmp_path,
        f"A1,deterioration,Roll out NEWS2,Medical director,Acute trust,{FUTURE},4,,",
        f"A2,no-such-theme,Fluid charts,Chief nurse,Acute trust,{FUTURE},9,,",
    )
    assert section.import_file(path) is False
    assert snapshot(window.desk.study.db) == before
    assert section.plan.model.rowCount() == 0
    assert section.message.property("severity") == "error"
    where = {(r.values[0], r.values[1]) for r in section.problems.model.rows}
    assert (3, "theme") in where and (3, "status") in where


def test_editing_a_cell_updates_the_action_and_a_bad_value_changes_nothing(
    open_window, empty_study, tmp_path
):
    window, section = _window(open_window, empty_study)
    section.import_file(
        _plan_csv(tmp_path, f"A1,deterioration,Roll out NEWS2,Medical director,Trust,{FUTURE},1,,")
    )
    model = section.plan.model
    lead = model.index(0, model.columns.index("Lead"))
    assert model.setData(lead, "Chief nurse")
    assert list_actions(window.desk.study)[0].lead == "Chief nurse"
    assert model.rows[0].values[model.columns.index("Lead")] == "Chief nurse"
    before = snapshot(window.desk.study.db)
    due = model.index(0, model.columns.index("Due"))
    assert model.setData(due, "not a date") is False
    assert section.message.property("severity") == "error"
    assert snapshot(window.desk.study.db) == before
    status = model.index(0, model.columns.index("Status"))
    assert model.flags(lead) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(status) & Qt.ItemFlag.ItemIsEditable
    assert model.setData(status, "5") is False  # the status changes by a dated update only


def test_progress_needs_a_selected_action_and_is_recorded_with_its_date(
    open_window, empty_study, tmp_path
):
    window, section = _window(open_window, empty_study)
    section.import_file(
        _plan_csv(tmp_path, f"A1,deterioration,Roll out NEWS2,Medical director,Trust,{FUTURE},1,,")
    )
    section.record_progress()
    assert "Select an action" in section.message.text()
    section.plan.select_key("A1")
    today = dt.date.today().isoformat()
    section.new_status.setCurrentIndex(section.new_status.findData(ActionStatus.ON_TRACK.value))
    section.progress_date.setText(today)
    section.progress_note.setText("Wards trained")
    assert section.record_progress() is not None
    action = list_actions(window.desk.study)[0]
    assert action.status is ActionStatus.ON_TRACK and action.latest_note == "Wards trained"
    assert action.history[-1].date.isoformat() == today


def test_a_new_action_export_and_appendix(open_window, empty_study, tmp_path):
    window, section = _window(open_window, empty_study)
    section.add()  # nothing filled in
    assert section.message.property("severity") == "error"
    assert list_actions(window.desk.study) == []
    section.new_ref.setText("B7")
    section.new_text.setText("Discharge letters within 24 hours")
    section.new_lead.setText("Deputy medical director")
    section.new_org.setText("Acute trust")
    section.new_due.setText(FUTURE)
    assert section.add() is not None
    assert [a.reference for a in list_actions(window.desk.study)] == ["B7"]
    out = tmp_path / "actions.csv"
    assert section.export(out) == 1
    assert "B7" in out.read_text(encoding="utf-8-sig")
    pdf = tmp_path / "appendix.pdf"
    assert section.save_appendix(pdf) == 1
    assert pdf.read_bytes().startswith(b"%PDF")
    assert oct(os.stat(pdf).st_mode & 0o777) == "0o600"
    assert section.save_appendix(tmp_path / "no-such-folder" / "a.pdf") is None
    assert "does not exist" in section.message.text()
