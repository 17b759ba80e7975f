"""Escalations: the log as records.escalation_log gives it, by urgency and age; updates through
escalation_updates (refusals in words, nothing written); the referral only after the
identifiable-document reminder; the de-identified log."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from reviewer_app.domain.records import EscalationStatus
from reviewer_app.services.records.escalation_log import escalation_entries
from tests.support.study_fixtures import snapshot


@pytest.fixture
def section(collected_window):
    collected_window.show_section(5)
    found = collected_window.section("escalations")
    assert collected_window.current is found
    return found


def test_the_log_lists_every_escalation_by_urgency_then_age(section):
    entries = escalation_entries(section.desk.study)
    assert entries, "the practice study returns escalations"
    keys = section.log.model.keys()
    assert sorted(keys) == sorted(e.esc_id for e in entries)
    by_id = {e.esc_id: e for e in entries}
    today = dt.datetime.now(dt.UTC).date()
    ranks = [
        (not by_id[k].overdue(today), by_id[k].status is EscalationStatus.CLOSED) for k in keys
    ]
    assert ranks == sorted(ranks)
    shown = repr([r.values for r in section.log.model.rows])
    for case in section.desk.cohort_cases():  # no patient identifier, no signed free text
        assert case.nhs_number not in shown and case.family_name not in shown
    for entry in entries:
        if entry.description:
            assert entry.description not in shown


def test_an_update_is_recorded_and_a_bad_one_changes_nothing(section):
    first = section.log.model.rows[0].key
    assert section.log.select_key(first)
    section.status.setCurrentIndex(section.status.findData(EscalationStatus.SENT.value))
    section.status_date.setText("31/02/2026")  # no such day
    before = snapshot(section.desk.study.db)
    assert section.update_selected() is None
    assert section.message.property("severity") == "error"
    assert snapshot(section.desk.study.db) == before
    today = dt.date.today().isoformat()
    section.status_date.setText(today)
    section.reference.setText("PSIRF-2026-001")
    entry = section.update_selected()
    assert entry is not None and entry.status is EscalationStatus.SENT
    assert entry.reference == "PSIRF-2026-001"
    row = next(r for r in section.log.model.rows if r.key == first)
    assert row.values[3] == EscalationStatus.SENT.label and row.values[-1] == "PSIRF-2026-001"


def test_the_referral_needs_the_reminder_and_is_written_for_the_owner_only(section, tmp_path):
    section.log.select_key(section.log.model.rows[0].key)
    asked: list[str] = []
    section.confirm = lambda text: asked.append(text) or False
    out = tmp_path / "referral.pdf"
    assert section.save_referral(out) is None and not out.exists()
    assert "IDENTIFIABLE" in asked[0] and "secure route" in asked[0]
    section.confirm = lambda text: True
    assert section.save_referral(out) == out
    assert out.read_bytes().startswith(b"%PDF")
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    assert "secure route only" in section.message.text()


def test_the_de_identified_log_as_csv(section, tmp_path):
    out = tmp_path / "log.csv"
    assert section.save_log(out) == out
    text = out.read_text(encoding="utf-8-sig")
    for case in section.desk.cohort_cases():
        assert case.nhs_number not in text and case.family_name not in text
    assert f"({len(escalation_entries(section.desk.study))} escalations)" in section.message.text()
