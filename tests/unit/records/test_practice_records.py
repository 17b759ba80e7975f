"""The records on the real practice study: its action plan is there from the build, and its
collected reviews (signed for real, definition as shipped) give escalations that the log,
the referral and the de-identified log read. Uses the shared practice template
(``tests/support/practice_fixtures``), built once per run."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app.domain.records import ActionStatus, EscalationStatus
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.demo.practice_actions import PRACTICE_ACTIONS
from reviewer_app.services.records.action_plan import list_actions
from reviewer_app.services.records.deidentified import taskforce_rows
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.records.escalation_updates import update_escalation
from reviewer_app.services.records.referral import SECURE_ROUTE, write_referral
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from tests.support.practice_fixtures import Practice, practice_copy


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    built = practice_copy(tmp_path_factory.mktemp("records") / "p", tmp_path_factory.getbasetemp())
    with Study.open(built.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, built.layout.shared)
    return built


def test_the_practice_study_has_its_action_plan(practice: Practice) -> None:
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        actions = list_actions(study)
    # in the order a person numbers them (10.1 after 9.1, not after 1.2)
    expected = ["1.1", "1.2", "2.1", "3.1", "3.2", "4.1", "5.1", "6.1", "7.1", "9.1", "10.1"]
    assert [a.reference for a in actions] == [*expected, "12.1"]
    assert {p.reference for p in PRACTICE_ACTIONS} == {a.reference for a in actions}
    assert {a.status for a in actions} == set(ActionStatus)


def test_the_collected_escalations_are_logged_referred_and_de_identified(
    practice: Practice, tmp_path: Path
) -> None:
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        entries = escalation_entries(study)
        assert entries, "the practice study's reviews escalate some cases"
        for entry in entries:
            assert entry.triggers and entry.destinations and entry.description
            assert entry.status is EscalationStatus.TO_SEND
        first = entries[0]
        out = tmp_path / "referral.pdf"
        write_referral(study, first.esc_id, out)
        update_escalation(study, first.esc_id, status=EscalationStatus.SENT)
        rows = taskforce_rows(study)
        cases = {c.case_ref: c for c in CohortStore(study.db).cases()}
    reader = PdfReader(out)
    assert all(SECURE_ROUTE in page.extract_text() for page in reader.pages)
    case = cases[first.case_ref]
    assert case.family_name.upper() in " ".join(reader.pages[0].extract_text().split())
    assert rows[0].status == "Sent"
    for row in rows:
        patient = cases[row.case_ref]
        text = " ".join(map(str, row.csv_row()))
        assert patient.nhs_number not in text and patient.family_name not in text
