"""Allocation: the same service calls as the CLI (allocate, override, set-mode, enrol, make-packs,
revoke), each refusal said in words with nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.services.allocation.study_allocation import allocation
from reviewer_app.services.intake.study_intake import add_cohort, add_reviewers
from reviewer_app.services.study import Study
from reviewer_app.storage.study.packs import PackLedger
from tests.support.study_fixtures import (
    ENROLLED,
    STUDY_PASSPHRASE,
    cohort_bytes,
    new_workspace,
    panel_bytes,
    snapshot,
)


@pytest.fixture
def loaded_study(empty_study: Path) -> Path:
    with Study.open(empty_study, STUDY_PASSPHRASE) as study:
        add_cohort(study, cohort_bytes(10), "cohort.csv")
        add_reviewers(study, panel_bytes(), "reviewers.csv")
    return empty_study


def _enrol_all(section, tmp_path: Path, refs=("R01", "R02", "R03", "R04")) -> dict[str, str]:
    shown = {}
    for ref in refs:
        session, request = new_workspace(tmp_path / f"ws-{ref}", ref)
        session.close()
        path = tmp_path / f"enrolment-request-{ref}.json"
        path.write_bytes(request)
        result = section.enrolment.enrol(ref, path)
        assert result is not None, section.message.text()
        shown[ref] = section.enrolment.fingerprint.text()
        assert result.key_fingerprint in shown[ref]
    return shown


def test_allocate_shows_the_pairs_the_service_stored(open_window, loaded_study):
    window = open_window(loaded_study)
    window.show_section(2)
    section = window.section("allocation")
    section.allocate_button.click()
    stored = allocation(window.desk.study)
    assert len(stored.pairs) == 10
    shown = {r.key: (r.values[1], r.values[2]) for r in section.pairs.model.rows}
    assert shown == stored.pairs
    assert "10 cases allocated" in section.message.text()
    assert "10 cases allocated" in section.report.toPlainText()


def test_allocate_without_a_panel_is_refused_in_words(open_window, empty_study):
    window = open_window(empty_study)
    section = window.section("allocation")
    before = snapshot(window.desk.study.db)
    section.allocate()
    assert "import the cohort first" in section.message.text()
    assert section.message.property("severity") == "error"
    assert snapshot(window.desk.study.db) == before


def test_pair_by_hand_and_joint_mode(open_window, loaded_study):
    window = open_window(loaded_study)
    section = window.section("allocation")
    section.allocate()
    case = section.pairs.model.rows[0].key
    assert section.pairs.select_key(case)
    section.first.setCurrentText("R01")
    section.second.setCurrentText("R01")
    before = snapshot(window.desk.study.db)
    section.pair()
    assert "two different reviewers" in section.message.text()
    assert snapshot(window.desk.study.db) == before
    section.second.setCurrentText("R04")
    section.pair()
    assert f"Hand-made pair for {case} saved" in section.message.text()
    section.allocate()
    row = next(r for r in section.pairs.model.rows if r.key == case)
    assert row.values[1:3] == ("R01", "R04") and row.values[4] == "by hand"
    assert section.pairs.select_key(case)
    section.mode.setCurrentIndex(2)  # joint
    section.set_mode()
    row = next(r for r in section.pairs.model.rows if r.key == case)
    assert row.values[3] == "joint (set for this case)"
    others = {r.values[3] for r in section.pairs.model.rows if r.key != case}
    assert others == {"independent"}


def test_acting_without_a_selected_case_says_so(open_window, loaded_study):
    window = open_window(loaded_study)
    section = window.section("allocation")
    section.refresh()
    section.pair()
    assert "Select a case" in section.message.text()


def test_enrol_shows_the_fingerprint_to_read_out(open_window, loaded_study, tmp_path):
    window = open_window(loaded_study)
    window.show_section(2)
    section = window.section("allocation")
    panel = section.enrolment.reviewers
    _enrol_all(section, tmp_path, refs=("R01",))
    enrolled_col = panel.model.columns.index("Enrolled")
    words = {r.key: r.values[enrolled_col] for r in panel.model.rows}
    assert words["R01"].startswith("enrolled") and words["R02"] == "not enrolled"
    assert "Enrolled R01 (Reviewer R01)." in section.enrolment.result.toPlainText()


def test_packs_are_made_into_the_shared_folder(open_window, enrolled_world, tmp_path):
    window = open_window(enrolled_world.study_dir)
    window.show_section(2)
    section = window.section("allocation")
    shared = tmp_path / "shared"
    section.make_packs(shared)
    packs = sorted(p.name for p in shared.glob("assignment-*.p7m"))
    assert len(packs) == 4
    assert "4 pack(s) written" in section.message.text()
    assert all(name in section.report.toPlainText() for name in packs)
    assert section.default_pack_folder() == str(shared.resolve())


def test_cancel_stops_between_packs_and_making_again_makes_the_rest(
    open_window, enrolled_world, tmp_path
):
    window = open_window(enrolled_world.study_dir)
    window.show_section(2)
    section = window.section("allocation")
    start = section.work.start

    def start_then_cancel(text, *, cancellable):
        assert cancellable  # the Cancel button is offered
        progress = start(text, cancellable=cancellable)

        def cancelling(done, total, label):
            progress(done, total, label)
            if done == 1:  # the first pack is made; Cancel pressed while the second is
                section.work.request_cancel()

        return cancelling

    section.work.start = start_then_cancel
    shared = tmp_path / "shared"
    section.make_packs(shared)
    assert "Stopped" in section.message.text() and section.message.property("severity") == "warning"
    first = sorted(p.name for p in shared.glob("assignment-*.p7m"))
    assert len(first) == 2  # the pack being made when Cancel was pressed is finished whole
    assert "make the packs again" in section.report.toPlainText()
    assert not section.busy
    section.work.start = start
    section.make_packs(shared)
    assert "2 pack(s) written" in section.message.text()
    assert len(list(shared.glob("assignment-*.p7m"))) == 4
    with enrolled_world.study() as study:
        assert sorted(p.reviewer_ref for p in PackLedger(study.db).all()) == list(ENROLLED)


def test_enrolling_twice_is_refused_and_revoking_needs_a_reason(
    open_window, enrolled_world, tmp_path
):
    window = open_window(enrolled_world.study_dir)
    section = window.section("allocation")
    section.refresh()
    session, request = new_workspace(tmp_path / "ws-new", "R02")  # a new laptop, a new key
    session.close()
    again = tmp_path / "enrolment-request-R02.json"
    again.write_bytes(request)
    before = snapshot(window.desk.study.db)
    assert section.enrolment.enrol("R02", again) is None
    assert "already enrolled with another key" in section.message.text()
    assert section.message.property("severity") == "error"
    assert snapshot(window.desk.study.db) == before
    (tmp_path / "garbled.json").write_bytes(b"{not json")
    assert section.enrolment.enrol("R03", tmp_path / "garbled.json") is None
    assert section.message.property("severity") == "error"
    assert snapshot(window.desk.study.db) == before
    panel = section.enrolment
    panel.confirm = lambda _question: True
    assert panel.reviewers.select_key("R02")
    assert panel.revoke() is None  # no reason given
    assert "Give the reason" in section.message.text()
    panel.reason.setText("laptop lost")
    result = panel.revoke()
    assert result is not None and not result.already
    assert "Revoked R02" in section.message.text()
    column = panel.reviewers.model.columns.index("Enrolled")
    assert next(r for r in panel.reviewers.model.rows if r.key == "R02").values[column] == "revoked"


def test_revoking_is_not_done_when_the_coordinator_says_no(open_window, enrolled_world):
    window = open_window(enrolled_world.study_dir)
    section = window.section("allocation")
    section.refresh()
    panel = section.enrolment
    panel.confirm = lambda _question: False
    panel.reviewers.select_key("R03")
    panel.reason.setText("left the panel")
    before = snapshot(window.desk.study.db)
    assert panel.revoke() is None
    assert snapshot(window.desk.study.db) == before
