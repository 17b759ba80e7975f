"""Returns: collect (off the GUI thread in the app, at once here) with a safe Cancel; what was
new, unchanged, superseded or quarantined; the chase list and its reminder (case refs only)."""

from __future__ import annotations

from reviewer_app.services.collection.records import quarantine
from reviewer_app.services.collection.status import study_status
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.reconciliation.stages import case_stages
from reviewer_app.services.study import Study


def _collected(practice_window):
    window = practice_window
    window.show_section(3)
    section = window.section("returns")
    section.collect(None)  # the study's shared folder
    assert section.last_report is not None, section.message.text()
    return window, section


def test_collect_shows_what_the_collector_did(practice_window):
    _window, section = _collected(practice_window)
    report = section.last_report
    shown = {r.key: r.values[1:] for r in section.counts.model.rows}
    expected = {
        ref: (c.new, c.superseded, c.unchanged, c.older, c.conflicts, c.quarantined)
        for ref, c in report.by_reviewer.items()
    }
    assert shown == expected
    assert report.files_collected > 0
    assert f"{report.files_collected} new file(s)" in section.message.text()
    assert section.report.toPlainText().splitlines() == report.summary_lines()
    section.collect(None)  # again: everything already collected
    again = section.last_report
    assert again.files_collected == 0 and again.files_already == report.files_seen


def test_the_cases_table_agrees_with_status_and_stages(collected_window):
    window = collected_window
    window.show_section(3)
    section = window.section("returns")
    status = study_status(window.desk.study)
    stages = {r.case_ref: r.stage.label for r in case_stages(window.desk.study)}
    rows = {r.key: r.values for r in section.cases.model.rows}
    assert set(rows) == {c.case_ref for c in status.cases}
    for case in status.cases:
        assert rows[case.case_ref][1] == stages[case.case_ref]
        assert rows[case.case_ref][2] == case.state.label


def test_cancel_stops_between_files_and_collecting_again_finishes_the_same(
    practice_window, collected_template
):
    window = practice_window
    section = window.section("returns")
    start = section.work.start
    calls = []

    def start_then_cancel(text, *, cancellable):
        progress = start(text, cancellable=cancellable)

        def cancelling(done, total, label):
            calls.append(done)
            if done == 1:
                section.work.request_cancel()
            progress(done, total, label)

        return cancelling

    section.work.start = start_then_cancel
    section.collect(None)
    assert section.last_report is None
    assert "Stopped" in section.message.text() and section.message.property("severity") == "warning"
    assert not section.busy and section.work.isHidden()
    section.work.start = start
    section.collect(None)
    assert section.last_report is not None
    # the same end state as the untouched copy collected in one go
    with Study.open(collected_template / "study", PRACTICE_STUDY_PASSPHRASE) as whole:
        expected = study_status(whole).to_json()
    got = study_status(window.desk.study).to_json()
    for part in ("case_counts", "concerns", "quarantined_files", "chase_list"):
        assert got[part] == expected[part], part


def test_a_bad_file_is_quarantined_with_its_reason(practice_window, practice):
    (practice.layout.shared / "return-R01-0999.p7m").write_bytes(b"not a bundle at all")
    window = practice_window
    section = window.section("returns")
    section.collect(practice.layout.shared)
    held = quarantine(window.desk.study)
    assert any(q.file_name == "return-R01-0999.p7m" for q in held)
    rows = {r.values[0]: r for r in section.quarantine.model.rows}
    row = rows["return-R01-0999.p7m"]
    assert row.values[2] == "not_a_bundle" and row.values[3]
    assert section.message.property("severity") == "warning"


def test_the_reminder_names_owed_cases_and_no_patient(collected_window):
    window = collected_window
    window.show_section(3)
    section = window.section("returns")
    status = section.status
    owing = [r for r in status.reviewers if r.owed]
    if not owing:  # every review returned: nothing to chase, and no reminder
        assert section.chase.model.rowCount() == 0
        return
    who = owing[0]
    assert section.chase.select_key(who.reviewer_ref)
    section.copy_reminder()
    text = section.reminder.toPlainText()
    for ref in who.owed:
        assert ref in text
    for case in window.desk.cohort_cases():
        for identifier in (case.nhs_number, case.family_name, case.date_of_birth.isoformat()):
            assert identifier not in text
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == text


def test_copy_reminder_without_a_reviewer_says_so(practice_window):
    section = practice_window.section("returns")
    section.refresh()
    section.copy_reminder()
    assert "Select a reviewer" in section.message.text()
