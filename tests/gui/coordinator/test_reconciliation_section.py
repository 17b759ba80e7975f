"""Reconciliation: the discordant cases, the two reviews side by side, consensus from the
keyboard, the second-stage queue: every row a reconciliation service's."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reviewer_app.services.reconciliation.compare import compare_case
from reviewer_app.services.reconciliation.resolved import resolved_cases
from reviewer_app.services.reconciliation.second_stage import second_stage_queue
from tests.support.study_fixtures import snapshot


@pytest.fixture
def section(collected_window):
    collected_window.show_section(4)
    found = collected_window.section("reconciliation")
    assert collected_window.current is found
    return found


def test_the_discordant_cases_and_their_comparison(section):
    study = section.desk.study
    discordant = [c for c in resolved_cases(study) if c.discordances]
    assert discordant, "the practice study has discordant pairs"
    assert section.discordant.model.keys() == [c.case_ref for c in discordant]
    first = section.discordant.current_key()
    assert first is not None  # the first case is selected and compared at once
    compared = compare_case(study, first)
    differing = [i for i in compared.items if i.differs]
    assert section.only_differences.isChecked()  # the differences first: what needs a decision
    assert [r.key for r in section.compared.model.rows] == [i.question_id for i in differing]
    section.only_differences.setChecked(False)
    rows = section.compared.model.rows
    assert [r.key for r in rows] == [i.question_id for i in compared.items]
    for row, item in zip(rows, compared.items, strict=True):
        assert row.values[3:5] == (item.first, item.second)
        assert row.values[0] == ("!" if item.discordance else "*" if item.differs else "")
        assert bool(row.emphasis) == item.differs
    assert compared.reviewer_refs[0] in section.compared.model.columns


def test_recording_a_consensus_from_the_keyboard(section, qtbot):
    study = section.desk.study
    case = next(
        c
        for c in resolved_cases(study)
        if any(i.startswith("phase.") and i.endswith(".score") for i in c.open_discordances)
    )
    item = sorted(i for i in case.open_discordances if i.startswith("phase."))[0]
    assert section.discordant.select_key(case.case_ref)
    index = section.item.findData(item)
    assert index >= 0
    section.item.setCurrentIndex(index)
    section.value.setText("3")
    before = snapshot(study.db)
    section.record()  # no reason yet
    assert section.message.property("severity") == "error"
    assert snapshot(study.db) == before
    section.reason.setText("Agreed at the pair's discussion")
    qtbot.keyClick(section.reason, Qt.Key.Key_Return)
    said = section.message.text()
    assert said.startswith(f"Consensus recorded on {case.case_ref} {item} (version 1)")
    assert said.endswith("method: Discussion of the pair.")  # the label chosen, not its code
    after = next(c for c in resolved_cases(study) if c.case_ref == case.case_ref)
    assert item in after.consensus_items and item not in after.open_discordances
    row = next(r for r in section.discordant.model.rows if r.key == case.case_ref)
    assert item in row.values[4]


def test_the_second_stage_queue_and_its_allocation(section):
    study = section.desk.study
    queue = second_stage_queue(study)
    assert section.queue.model.keys() == [e.case_ref for e in queue]
    section.allocate_selected()
    assert "Select a case" in section.message.text()
    report = section.allocate_all()
    assert report is not None
    assert section.queue_report.toPlainText().splitlines()[: len(report.summary_lines())] == (
        report.summary_lines()
    )
    after = {e.case_ref: e.reviewer_ref for e in second_stage_queue(study)}
    for allocation in report.allocated:
        assert after[allocation.case_ref] == allocation.reviewer_ref
