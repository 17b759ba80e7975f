"""A coordinator can run a whole study from the window, from cohort to report.

A new study: cohort and panel imported (a bad file first: nothing imported), the reviewers
enrolled from their request files, the cases allocated, the packs made into the shared folder.
The reviewers' side is done as a real reviewer's workspace does it, headlessly, through the
reviewer services: each imports their pack, answers each case (the review service), signs
(sign-off) and returns the signed reviews to the shared folder (the return writer). Back in
the window: collect, see where every case stands, record a consensus, queue the second stage,
log an escalation's progress, add an action, make the report and save it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reviewer_app.domain.records import EscalationStatus
from reviewer_app.services.demo.practice_plan import Fate
from reviewer_app.services.demo.practice_reviewer import PracticeReviewer
from reviewer_app.services.reconciliation.stages import case_stages, stage_counts
from reviewer_app.services.records.action_plan import list_actions
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.returns.writer import return_signed_reviews
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.workspace import Workspace
from tests.support.study_fixtures import (
    WORKSPACE_PASSPHRASE,
    cohort_bytes,
    new_workspace,
    panel,
    panel_bytes,
)

CASES = 3
REVIEWERS = ("R01", "R02")
SEED = 7
AGREED = {"escalation.decision": "escalate", "immediate.concern": "yes"}


def _returner(shared: Path):  # type: ignore[no-untyped-def]
    def return_all(workspace: Workspace) -> int:
        return len(return_signed_reviews(workspace, shared).bundles)

    return return_all


def _reviewers_work(
    sessions: dict[str, ReviewerSession], packs: dict[str, Path], fingerprint: str, shared: Path
) -> None:
    """Each reviewer imports their pack, answers and signs every case, and returns them (the
    first reviewer's first case raises an immediate safety concern and an escalation)."""
    for ref, session in sessions.items():
        imported = session.import_pack(packs[ref].read_bytes(), trust_fingerprint=fingerprint)
        cases = sorted(imported.added)
        assert len(cases) == CASES  # every case goes to both of a pair
        fates = {c: Fate.SIGNED for c in cases}
        if ref == REVIEWERS[0]:
            fates[cases[0]] = Fate.URGENT
        reviewer = PracticeReviewer(
            session.workspace,
            ref,
            passphrase=WORKSPACE_PASSPHRASE,
            seed=SEED,
            second_of=frozenset(cases) if ref == REVIEWERS[1] else frozenset(),
            workers=1,
        )
        work = reviewer.run(fates, {}, _returner(shared))
        assert work.signed == len(cases) and work.bundles >= 1


def test_a_coordinator_runs_a_whole_study_from_cohort_to_report(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    window.show()
    study = window.desk.study
    # Cohort and panel: a bad file changes nothing; then both imported
    window.show_section(1)
    cohort = window.section("cohort")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"case_ref,nhs_number\nX-1,123\n")
    assert not cohort.import_file(bad, cohort=True)
    assert "missing the required columns" in cohort.message.text()
    assert cohort.cases.model.rowCount() == 0
    (tmp_path / "cohort.csv").write_bytes(cohort_bytes(CASES))
    (tmp_path / "panel.csv").write_bytes(panel_bytes(panel(len(REVIEWERS))))
    assert cohort.import_file(tmp_path / "cohort.csv", cohort=True)
    assert cohort.import_file(tmp_path / "panel.csv", cohort=False)
    assert cohort.cases.model.rowCount() == CASES
    # Allocation: enrol the reviewers from their requests, allocate, make the packs
    window.show_section(2)
    allocation = window.section("allocation")
    sessions: dict[str, ReviewerSession] = {}
    try:
        for ref in REVIEWERS:
            sessions[ref], request = new_workspace(tmp_path / f"ws-{ref}", ref)
            (tmp_path / f"{ref}.json").write_bytes(request)
            assert allocation.enrolment.enrol(ref, tmp_path / f"{ref}.json") is not None
            assert "Key fingerprint" in allocation.enrolment.fingerprint.text()
        allocation.allocate()
        assert allocation.pairs.model.rowCount() == CASES
        shared = tmp_path / "shared"
        allocation.make_packs(shared)
        packs = {p.name.split("-")[1]: p for p in shared.glob("assignment-*.p7m")}
        assert sorted(packs) == list(REVIEWERS)
        # The reviewers, each in their own workspace
        _reviewers_work(sessions, packs, study.fingerprint(), shared)
    finally:
        for session in sessions.values():
            session.close()
    # Returns: collected from the shared folder
    window.show_section(3)
    returns = window.section("returns")
    returns.collect(None)
    assert returns.last_report is not None
    assert returns.last_report.files_collected == len(REVIEWERS)
    assert returns.last_report.totals().get("quarantined", 0) == 0
    # Overview: every case stands where the stages service says (what the CLI prints)
    window.show_section(0)
    overview = window.section("overview")
    counts = stage_counts(case_stages(study))
    assert {s: f.value for s, f in overview.state_figures.items()} == {
        s: counts[s] for s in overview.state_figures
    }
    assert sum(f.value or 0 for f in overview.state_figures.values()) == CASES
    assert overview.immediate.value == 1
    # Reconciliation: the consensus on a discordant item, from the keyboard's fields
    window.show_section(4)
    recon = window.section("reconciliation")
    assert recon.cases, "the second reader re-graded: a discordant case"
    case = next(c for c in recon.cases if c.open_discordances)
    item = sorted(case.open_discordances, key=lambda i: (not i.startswith("phase."), i))[0]
    assert recon.discordant.select_key(case.case_ref)
    recon.item.setCurrentIndex(recon.item.findData(item))
    recon.value.setText(AGREED.get(item, "3"))  # a care score's agreed grade: 3
    recon.reason.setText("Agreed at the pair's discussion")
    assert recon.record() is not None, recon.message.text()
    assert item not in next(c for c in recon.cases if c.case_ref == case.case_ref).open_discordances
    recon.allocate_all()
    assert recon.queue_report.toPlainText()
    # Escalations: the escalation sent today
    window.show_section(5)
    esc = window.section("escalations")
    assert esc.log.model.rows
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
    assert "P1" in [a.reference for a in list_actions(study)]
    # Report: made, shown and saved
    window.show_section(6)
    report = window.section("report")
    report.make()
    assert report.made is not None and report.chart_widgets
    out = tmp_path / "taskforce-report.pdf"
    report.save(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_mode & 0o777 == 0o600
