"""``coordinator report`` and ``coordinator export`` as people type them, on a study with a
cohort and a panel (no review returned yet: every death is "not yet reviewed")."""

from __future__ import annotations

import io
import json
import stat
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app import cli
from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV
from reviewer_app.services.demo.synthetic import (
    cohort_csv,
    panel_csv,
    synthetic_cases,
    synthetic_reviewers,
)
from reviewer_app.storage import keys

STUDY_PASS = "the coordinator's passphrase"


@pytest.fixture
def study(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    monkeypatch.setattr(keys, "PRODUCTION_KDF", keys.TEST_KDF)
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, STUDY_PASS)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    folder = tmp_path / "study"
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(cohort_csv(synthetic_cases(12)), encoding="utf-8")
    panel = tmp_path / "panel.csv"
    panel.write_text(panel_csv(synthetic_reviewers(4)), encoding="utf-8")
    assert cli.main(["coordinator", "init", str(folder), "--name", "Report study"]) == 0
    assert cli.main(["coordinator", "add-cohort", str(folder), str(cohort)]) == 0
    assert cli.main(["coordinator", "add-reviewers", str(folder), str(panel)]) == 0
    capsys.readouterr()
    return folder


def test_report_writes_the_pdf_and_the_json(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, figures = tmp_path / "report.pdf", tmp_path / "figures.json"
    code = cli.main(
        [
            "coordinator",
            "report",
            str(study),
            "--out",
            str(pdf),
            "--json",
            str(figures),
            "--date",
            "2017-09-01",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "taskforce copy (not for publication)" in out
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    data = json.loads(figures.read_text(encoding="utf-8"))
    assert data["sections"]["cohort"]["identified"] == 12
    assert data["sections"]["cohort"]["statuses"]["awaiting"] == 12
    assert data["made_on"] == "2017-09-01"
    text = PdfReader(pdf).pages[0].extract_text()
    assert "Report study" in text and "FOR THE TASKFORCE ONLY" in text


def test_publication_report_and_export(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "public.pdf"
    assert cli.main(["coordinator", "report", str(study), "--out", str(pdf), "--publication"]) == 0
    assert "FOR PUBLICATION" in PdfReader(pdf).pages[0].extract_text()
    out_dir = tmp_path / "export"
    code = cli.main(["coordinator", "export", str(study), "--out", str(out_dir), "--publication"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (out_dir / "codebook.csv").exists() and (out_dir / "tables/cohort_by_place.csv")
    assert "publication copy" in out


def test_bad_arguments_are_refused_before_anything_is_written(
    study: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = tmp_path / "nowhere" / "report.pdf"
    assert cli.main(["coordinator", "report", str(study), "--out", str(pdf)]) != 0
    assert "There is no folder" in capsys.readouterr().err
    pdf = tmp_path / "report.pdf"
    assert (
        cli.main(["coordinator", "report", str(study), "--out", str(pdf), "--date", "1 Sept"]) != 0
    )
    assert "is not a date" in capsys.readouterr().err
    assert (
        cli.main(
            [
                "coordinator",
                "report",
                str(study),
                "--out",
                str(pdf),
                "--unacceptable-at-most",
                "3",
                "--lessons-at-most",
                "3",
            ]
        )
        != 0
    )
    assert "summary rule" in capsys.readouterr().err
    assert not pdf.exists()
    missing = tmp_path / "no-study"
    assert cli.main(["coordinator", "report", str(missing), "--out", str(pdf)]) != 0
    assert "There is no study" in capsys.readouterr().err
