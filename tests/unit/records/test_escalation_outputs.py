"""What leaves the study about escalations: the taskforce's de-identified log (CSV and PDF,
no identifiers, free text through the identifier gate) and the identifiable referral (the
patient named, every page marked for a secure route, mode 0600, written atomically)."""

from __future__ import annotations

import csv
import io
import stat
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app.domain.case import Case
from reviewer_app.domain.records import EscalationStatus
from reviewer_app.errors import NotFoundError
from reviewer_app.services.intake.csv_export import csv_unescape
from reviewer_app.services.records.deidentified import (
    CSV_COLUMNS,
    taskforce_rows,
    write_log_csv,
    write_log_pdf,
)
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.records.escalation_updates import update_escalation
from reviewer_app.services.records.referral import SECURE_ROUTE, write_referral
from reviewer_app.services.study import Study
from reviewer_app.services.summary.redaction import redact_text
from reviewer_app.storage.study.cohort import CohortStore
from tests.unit.records.conftest import (
    TODAY,
    content,
    escalation_item,
    fixed_clock,
    put_review,
)


def _case(study: Study) -> Case:
    return CohortStore(study.db).cases()[0]


def _identifiers(case: Case) -> list[str]:
    born = case.date_of_birth
    return [
        case.family_name,
        case.given_names.split()[0],
        case.nhs_number,
        f"{case.nhs_number[:3]} {case.nhs_number[3:6]} {case.nhs_number[6:]}",
        born.isoformat(),
        f"{born.day:02d}/{born.month:02d}/{born.year}",
        *(x for x in (case.hospital_number, case.postcode) if x),
    ]


@pytest.fixture
def logged(study: Study) -> Case:
    """Two escalations for the first case, one with identifiers typed into its free text."""
    case = _case(study)
    born = case.date_of_birth
    leaky = (
        f"Mr {case.family_name} (NHS {case.nhs_number}, born {born:%d/%m/%Y}) was not reviewed. "
        "The early warning score was not acted on for six hours."
    )
    items = [
        escalation_item("e1", description=leaky, care_date="2026-01-12"),
        escalation_item(
            "e2", status="sent", date_sent="2026-03-02", duty_of_candour=None, phase=None
        ),
    ]
    put_review(study, "R01", content(case.case_ref, items))
    update_escalation(
        study,
        f"{case.case_ref}/R01/e1",
        status=EscalationStatus.SENT,
        reference="PSE-2026-0042",
        note=f"Told the ward about {case.family_name}.",
        clock=fixed_clock(),
    )
    return case


def test_the_taskforce_rows_gate_free_text_and_keep_states_apart(
    study: Study, logged: Case
) -> None:
    first, second = taskforce_rows(study, today=TODAY)
    (signed,) = [e for e in escalation_entries(study) if e.esc_id == first.esc_id]
    assert signed.description is not None
    assert first.description == redact_text(signed.description, logged).text  # the gate's
    assert (
        first.latest_note == redact_text(f"Told the ward about {logged.family_name}.", logged).text
    )
    for identifier in _identifiers(logged):
        assert identifier not in first.description and identifier not in first.latest_note
    assert "The early warning score was not acted on for six hours." in first.description
    assert first.reference == "PSE-2026-0042"
    assert first.care_month == "2026-01"
    assert first.status == "Sent" and first.sent_date == TODAY.isoformat()
    assert (first.doc_notified, first.doc_notified_on) == ("not recorded", "not recorded")
    assert second.duty_of_candour_required == "not answered"
    assert second.phase == "not answered"
    # sent 2 March, due 9 March: overdue on 18 March
    assert second.acknowledgement_due == "2026-03-09" and second.acknowledgement_overdue
    assert not first.acknowledgement_overdue


def test_the_csv_carries_no_identifier_and_reads_back(
    study: Study, logged: Case, tmp_path: Path
) -> None:
    out = tmp_path / "escalations.csv"
    assert write_log_csv(study, out, clock=fixed_clock()) == 2
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    text = raw.decode("utf-8-sig")
    for identifier in _identifiers(logged):
        assert identifier not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [csv_unescape(r["esc_id"]) for r in rows] == [
        f"{logged.case_ref}/R01/e1",
        f"{logged.case_ref}/R01/e2",
    ]
    assert rows[1]["acknowledgement_overdue"] == "yes"
    assert rows[1]["duty_of_candour_required"] == "not answered"


def test_the_log_pdf_carries_no_identifier(study: Study, logged: Case, tmp_path: Path) -> None:
    out = tmp_path / "log.pdf"
    assert write_log_pdf(study, out, clock=fixed_clock()) == 2
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    reader = PdfReader(out)
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "De-identified" in text and "PSE-2026-0042" in text
    assert "Acknowledgement" in text and "overdue" in text
    flat = " ".join(text.split())
    for identifier in _identifiers(logged):
        assert identifier not in flat


def test_the_referral_names_the_patient_and_every_page_says_secure_route(
    study: Study, logged: Case, tmp_path: Path
) -> None:
    out = tmp_path / "referral.pdf"
    long_text = " ".join(["The score was not acted on for six hours."] * 120)
    put_review(
        study, "R02", content(logged.case_ref, [escalation_item("e9", description=long_text)])
    )
    write_referral(study, f"{logged.case_ref}/R02/e9", out)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    reader = PdfReader(out)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert page.extract_text().count(SECURE_ROUTE) == 2  # header and footer
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert logged.family_name.upper() in text
    assert f"{logged.nhs_number[:3]} {logged.nhs_number[3:6]} {logged.nhs_number[6:]}" in text
    assert "Problem in care that led to harm" in text  # the trigger
    assert "Provider patient-safety team" in text
    assert "Nurse Test 2 (nurse" in text  # the reviewer, from the panel
    assert "Probably avoidable" in text


def test_a_referral_for_an_unknown_escalation_writes_nothing(
    study: Study, logged: Case, tmp_path: Path
) -> None:
    out = tmp_path / "referral.pdf"
    with pytest.raises(NotFoundError):
        write_referral(study, "nope/R01/e1", out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["study"]  # no temporary file either


def test_dates_of_care_and_status_dates_in_the_log(study: Study, logged: Case) -> None:
    rows = taskforce_rows(study, today=date(2026, 3, 9))
    assert not rows[1].acknowledgement_overdue  # due that day
