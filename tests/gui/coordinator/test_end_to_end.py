"""A whole study run from the coordinator's window, as a coordinator would, section by section.

Leg one, a new study: cohort and panel imported (a bad file first: nothing imported), two
reviewers enrolled from their request files, cases allocated (one made joint), packs made
into the shared folder. Leg two, the practice study, whose reviewers (built through the real
path) have returned their signed reviews to the shared folder: collect, see where cases
stand, record a consensus, allocate the second stage, log an escalation's progress, add an
action, make and save the report. The reviewers' own side (importing packs, reviewing,
signing, returning) is the reviewer app's and is not driven from this window.
"""

from __future__ import annotations

import datetime as dt

from reviewer_app.domain.records import EscalationStatus
from reviewer_app.services.reconciliation.resolved import resolved_cases
from reviewer_app.services.records.action_plan import list_actions
from reviewer_app.services.records.escalation_log import escalation_entries
from tests.support.study_fixtures import cohort_bytes, new_workspace, panel_bytes


def test_a_new_study_from_cohort_to_packs(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    window.show()
    # Cohort and panel
    window.show_section(1)
    cohort = window.section("cohort")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"case_ref,nhs_number\nX-1,123\n")  # columns missing: said in words
    assert not cohort.import_file(bad, cohort=True)
    assert "missing the required columns" in cohort.message.text()
    assert cohort.cases.model.rowCount() == 0
    (tmp_path / "cohort.csv").write_bytes(cohort_bytes(8))
    (tmp_path / "panel.csv").write_bytes(panel_bytes())
    assert cohort.import_file(tmp_path / "cohort.csv", cohort=True)
    assert cohort.import_file(tmp_path / "panel.csv", cohort=False)
    # Allocation: enrol two reviewers, allocate, one case joint, packs
    window.show_section(2)
    allocation = window.section("allocation")
    for ref in ("R01", "R02"):
        session, request = new_workspace(tmp_path / f"ws-{ref}", ref)
        session.close()
        (tmp_path / f"{ref}.json").write_bytes(request)
        assert allocation.enrolment.enrol(ref, tmp_path / f"{ref}.json") is not None
        assert "Key fingerprint" in allocation.enrolment.fingerprint.text()
    allocation.allocate()
    assert allocation.pairs.model.rowCount() == 8
    first = allocation.pairs.model.rows[0].key
    allocation.pairs.select_key(first)
    allocation.mode.setCurrentIndex(allocation.mode.findData("joint"))
    allocation.set_mode()
    shared = tmp_path / "shared"
    allocation.make_packs(shared)
    assert len(list(shared.glob("assignment-*.p7m"))) == 2  # the two enrolled reviewers
    assert "Not enrolled yet" in allocation.report.toPlainText() or "not enrolled" in (
        allocation.report.toPlainText()
    )
    # Overview: every case is out with its reviewers
    window.show_section(0)
    assert window.section("overview").loaded


def test_the_practice_study_from_returns_to_the_report(practice_window, practice, tmp_path):
    window = practice_window
    window.show()
    study = window.desk.study
    # Returns
    window.show_section(3)
    returns = window.section("returns")
    returns.collect(practice.layout.shared)
    assert returns.last_report is not None and returns.last_report.files_collected > 0
    # Overview
    window.show_section(0)
    overview = window.section("overview")
    assert sum(f.value or 0 for f in overview.state_figures.values()) == 16
    # Reconciliation: a consensus on a discordant care score, then the second stage
    window.show_section(4)
    recon = window.section("reconciliation")
    case = next(
        c for c in resolved_cases(study) if any(i.startswith("phase.") for i in c.open_discordances)
    )
    item = sorted(i for i in case.open_discordances if i.startswith("phase."))[0]
    recon.discordant.select_key(case.case_ref)
    recon.item.setCurrentIndex(recon.item.findData(item))
    recon.value.setText("2")
    recon.reason.setText("Third reviewer read the notes")
    recon.method.setCurrentIndex(recon.method.findData("third_reviewer"))
    assert recon.record() is not None
    recon.allocate_all()
    # Escalations: the first one sent today
    window.show_section(5)
    esc = window.section("escalations")
    first = esc.log.model.rows[0].key
    esc.log.select_key(first)
    esc.status.setCurrentIndex(esc.status.findData(EscalationStatus.SENT.value))
    esc.status_date.setText(dt.date.today().isoformat())
    assert esc.update_selected() is not None
    assert {e.esc_id: e.status for e in escalation_entries(study)}[first] is EscalationStatus.SENT
    # Actions
    window.show_section(7)
    actions = window.section("actions")
    actions.new_ref.setText("P1")
    actions.new_text.setText("Sepsis screening on admission")
    actions.new_lead.setText("Medical director")
    actions.new_org.setText("Acute trust")
    actions.new_due.setText((dt.date.today() + dt.timedelta(days=90)).isoformat())
    assert actions.add() is not None
    assert [a.reference for a in list_actions(study)][-1] == "P1" or "P1" in [
        a.reference for a in list_actions(study)
    ]
    # Report
    window.show_section(6)
    report = window.section("report")
    report.make()
    assert report.made is not None and report.chart_widgets
    out = tmp_path / "taskforce-report.pdf"
    report.save(out)
    assert out.read_bytes().startswith(b"%PDF")
