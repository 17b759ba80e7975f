"""``coordinator escalation ...`` and ``coordinator action ...`` as a coordinator types them:
what they print, what they refuse (exit codes), and that they name no patient."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from tests.support.cli_runner import run_cli as run
from tests.support.cli_runner import study_cli_env
from tests.support.study_fixtures import STUDY_PASSPHRASE
from tests.unit.records.conftest import content, escalation_item, put_review


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    study_cli_env(monkeypatch, fast_kdf=False)


@pytest.fixture
def esc(study_dir: Path) -> str:
    with Study.open(study_dir, STUDY_PASSPHRASE) as study:
        case = CohortStore(study.db).cases()[0]
        items = [escalation_item(description=f"Mr {case.family_name} was not reviewed.")]
        put_review(study, "R01", content(case.case_ref, items))
        return f"{case.case_ref}/R01/e1"


def test_escalation_list_update_and_json(
    study_dir: Path, esc: str, capsys: pytest.CaptureFixture[str]
) -> None:
    s = str(study_dir)
    code, out, err = run(capsys, "coordinator", "escalation", "list", s)
    assert code == 0, err
    assert "1 escalation." in out and f"{esc}  Not yet sent" in out
    code, out, err = run(
        capsys, "coordinator", "escalation", "update", s, esc, "--status", "sent",
        "--date", "02/03/2026", "--reference", "PSE-9", "--doc-notified", "yes",
        "--doc-date", "2026-03-03", "--doc-by", "Ward manager", "--doc-in-writing", "no",
        "--lead-org", "Community Trust",
    )  # fmt: skip
    assert code == 0, err
    assert "Sent (2026-03-02); update 1 recorded" in out
    code, out, _ = run(capsys, "coordinator", "escalation", "list", s, "--json")
    (row,) = json.loads(out)
    assert row["status"] == "sent" and row["reference"] == "PSE-9"
    assert row["duty_of_candour"]["notified_by"] == "Ward manager"
    assert row["lead_organisation"] == "Community Trust"
    assert row["overdue"] is True  # sent in March 2026, not acknowledged since
    assert "description" not in row
    assert [(h["seq"], h["status"], h["noted"]) for h in row["history"]] == [(1, "sent", False)]
    code, out, _ = run(
        capsys, "coordinator", "escalation", "list", s, "--overdue", "--ack-days", "5"
    )
    assert "1 overdue acknowledgement." in out and "OVERDUE" in out


def test_a_refused_transition_exits_1_with_the_reason(
    study_dir: Path, esc: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "coordinator", "escalation", "update", str(study_dir), esc, "--status", "closed"
    )
    assert code == 1 and "needs the date it was closed (--date)" in err
    code, _, err = run(
        capsys, "coordinator", "escalation", "update", str(study_dir), esc, "--status", "sent",
        "--date", "31/02/2026",
    )  # fmt: skip
    assert code == 2 and "--date is not a real date" in err
    code, _, err = run(
        capsys, "coordinator", "escalation", "update", str(study_dir), esc, "--status", "lost"
    )
    assert code == 2 and "invalid choice" in err


def test_referral_and_log_files(
    study_dir: Path, esc: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = str(study_dir)
    referral = tmp_path / "referral.pdf"
    code, out, err = run(
        capsys, "coordinator", "escalation", "referral", s, esc, "--out", str(referral)
    )
    assert code == 0, err
    assert "secure route" in out
    assert stat.S_IMODE(referral.stat().st_mode) == 0o600
    pdf, csv_file = tmp_path / "log.pdf", tmp_path / "log.csv"
    code, out, err = run(
        capsys, "coordinator", "escalation", "log", s, "--pdf", str(pdf), "--csv", str(csv_file)
    )
    assert code == 0, err
    assert pdf.read_bytes().startswith(b"%PDF") and csv_file.stat().st_size > 0
    code, _, err = run(capsys, "coordinator", "escalation", "log", s)
    assert code == 2 and "--pdf" in err
    code, _, err = run(
        capsys,
        "coordinator",
        "escalation",
        "referral",
        s,
        "x/y/z",
        "--out",
        str(tmp_path / "n.pdf"),
    )
    assert code == 1 and "no escalation" in err and not (tmp_path / "n.pdf").exists()


def test_action_commands(
    study_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    s = str(study_dir)
    code, out, err = run(
        capsys, "coordinator", "action", "add", s, "--ref", "1.1", "--theme", "deterioration",
        "--action", "E-observations on every ward", "--lead", "Deputy Medical Director",
        "--org", "Acute Trust", "--due", "2020-03-31", "--status", "4",
    )  # fmt: skip
    assert code == 0, err
    assert "status 4 (On track)" in out
    code, out, err = run(
        capsys,
        "coordinator",
        "action",
        "update",
        s,
        "1.1",
        "--status",
        "3",
        "--note",
        "Wards 19-24 late",
    )
    assert code == 0, err
    assert "2 progress update(s)" in out
    code, out, _ = run(capsys, "coordinator", "action", "list", s, "--overdue")
    assert "1 overdue action." in out and "OVERDUE" in out
    code, out, _ = run(capsys, "coordinator", "action", "list", s, "--json")
    (row,) = json.loads(out)
    assert row["status"] == 3 and [h["status"] for h in row["history"]] == [4, 3]
    exported = tmp_path / "plan.csv"
    code, out, err = run(capsys, "coordinator", "action", "export", s, "--out", str(exported))
    assert code == 0, err
    code, out, err = run(capsys, "coordinator", "action", "import", s, str(exported))
    assert code == 0, err
    assert "1 unchanged" in out
    appendix = tmp_path / "appendix.pdf"
    code, out, err = run(capsys, "coordinator", "action", "appendix", s, "--out", str(appendix))
    assert code == 0, err
    assert appendix.read_bytes().startswith(b"%PDF")
    code, _, err = run(capsys, "coordinator", "action", "update", s, "1.1", "--status", "9")
    assert code == 2 and "--status is not a status" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("reference,theme,action,lead,organisation,due_date,status\n2,x,a,b,c,d,e\n")
    code, _, err = run(capsys, "coordinator", "action", "import", s, str(bad))
    assert code == 1 and "bad.csv line 2, column theme" in err and "line 2, column status" in err
