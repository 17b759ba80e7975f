"""The coordinator and reviewer commands end to end, as people would type them."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

import pytest

from reviewer_app import cli
from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV
from reviewer_app.services.demo.synthetic import (
    cohort_csv,
    panel_csv,
    synthetic_cases,
    synthetic_reviewers,
)
from reviewer_app.storage import keys
from tests.support.cli_runner import run_cli as run
from tests.support.sample_data import SAMPLE_DATA

STUDY_PASS = "the coordinator's passphrase"
WS_PASS = "a reviewer's passphrase"


@pytest.fixture(autouse=True)
def fast_kdf_and_passphrases(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI uses production Argon2 parameters; tests swap in the cheap ones."""
    monkeypatch.setattr(keys, "PRODUCTION_KDF", keys.TEST_KDF)
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, STUDY_PASS)
    monkeypatch.setenv(cli.PASSPHRASE_ENV, WS_PASS)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # non-interactive unless a test says


def _flow(tmp_path: Path, capsys, cohort: Path, reviewers: Path, enrol: list[str]) -> dict:
    study = tmp_path / "study"
    code, out, err = run(capsys, "coordinator", "init", str(study), "--name", "Flow study")
    assert code == 0, err
    fp = out.strip().splitlines()[-1]
    code, out, _ = run(capsys, "coordinator", "fingerprint", str(study))
    assert code == 0 and out.strip() == fp
    code, out, err = run(capsys, "coordinator", "add-cohort", str(study), str(cohort))
    assert code == 0, err
    assert "added" in out
    code, out, err = run(capsys, "coordinator", "add-reviewers", str(study), str(reviewers))
    assert code == 0, err
    for ref in enrol:
        ws, req = tmp_path / f"ws-{ref}", tmp_path / f"{ref}.request.json"
        code, out, err = run(
            capsys, "identity", "create", "--workspace", str(ws), "--name", f"Reviewer {ref}",
            "--profession", "doctor", "--registration", "GMC 1234567",
            "--email", f"{ref.lower()}@example.nhs.uk", "--request-out", str(req),
        )  # fmt: skip
        assert code == 0, err
        key_fp = out.strip().splitlines()[-1]
        code, out, err = run(
            capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", ref
        )
        assert code == 0, err
        assert out.strip().splitlines()[2] == key_fp  # both sides see the same key
    alloc = tmp_path / "allocation.csv"
    code, out, err = run(capsys, "coordinator", "allocate", str(study), "--csv", str(alloc))
    assert code == 0, err
    rows = csv.DictReader(io.StringIO(alloc.read_text(encoding="utf-8")))
    pairs = {r["case_ref"]: (r["reviewer_1"], r["reviewer_2"]) for r in rows}
    drive = tmp_path / "shared-drive"
    code, out, err = run(capsys, "coordinator", "make-packs", str(study), "--out", str(drive))
    assert code == 0, err
    for ref in enrol:
        pack = drive / f"assignment-{ref}-0001.p7m"
        assert pack.exists()
        ws = tmp_path / f"ws-{ref}"
        code, out, err = run(capsys, "import", str(pack), "--workspace", str(ws))
        assert code == 1 and fp in err and "--trust-fingerprint" in err
        code, out, err = run(
            capsys, "import", str(pack), "--workspace", str(ws), "--trust-fingerprint", fp
        )
        assert code == 0, err
        code, out, _ = run(capsys, "cases", "--workspace", str(ws))
        listed = {line.split()[0] for line in out.splitlines()[1:]}
        assert listed == {c for c, p in pairs.items() if ref in p}
    return {"study": study, "fp": fp, "pairs": pairs, "drive": drive}


def test_the_whole_flow_with_the_shared_synthetic_files(tmp_path: Path, capsys) -> None:
    result = _flow(
        tmp_path, capsys, SAMPLE_DATA / "cohort.csv", SAMPLE_DATA / "reviewers.csv",
        ["R01", "R02"],
    )  # fmt: skip
    assert len(result["pairs"]) >= 30


def test_the_whole_flow_with_a_large_generated_cohort(tmp_path: Path, capsys) -> None:
    cohort, panel = tmp_path / "cohort.csv", tmp_path / "reviewers.csv"
    cohort.write_text(cohort_csv(synthetic_cases(1500, seed=5)), encoding="utf-8")
    panel.write_text(panel_csv(synthetic_reviewers(10)), encoding="utf-8")
    result = _flow(tmp_path, capsys, cohort, panel, ["R01", "R02", "R03"])
    assert len(result["pairs"]) > 1400
    # The same file again changes nothing and says so.
    code, out, _ = run(capsys, "coordinator", "add-cohort", str(result["study"]), str(cohort))
    assert code == 0 and out.startswith("Nothing changed")


def test_interactive_first_import_asks_to_confirm(tmp_path: Path, capsys, monkeypatch) -> None:
    from tests.support.study_fixtures import cohort_bytes, panel_bytes

    cohort, panel = tmp_path / "c.csv", tmp_path / "r.csv"
    cohort.write_bytes(cohort_bytes(6))
    panel.write_bytes(panel_bytes())
    study, ws, req = tmp_path / "study", tmp_path / "ws", tmp_path / "req.json"
    run(capsys, "coordinator", "init", str(study), "--name", "S", "--mode", "joint")
    run(capsys, "coordinator", "add-cohort", str(study), str(cohort))
    run(capsys, "coordinator", "add-reviewers", str(study), str(panel))
    run(
        capsys, "identity", "create", "--workspace", str(ws), "--name", "Dr One",
        "--profession", "doctor", "--registration", "GMC 1", "--email", "one@example.nhs.uk",
        "--request-out", str(req),
    )  # fmt: skip
    run(capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", "R01")
    run(capsys, "coordinator", "allocate", str(study))
    run(capsys, "coordinator", "make-packs", str(study), "--out", str(tmp_path / "drive"))
    pack = tmp_path / "drive" / "assignment-R01-0001.p7m"
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    answers = iter(["n", "y"])
    monkeypatch.setattr("builtins.input", lambda _prompt: next(answers))
    code, _, err = run(capsys, "import", str(pack), "--workspace", str(ws))
    assert code == 1 and "not confirmed" in err
    code, out, err = run(capsys, "import", str(pack), "--workspace", str(ws))
    assert code == 0, err
    assert "fingerprint" in out and "Imported pack 1" in out


# --- error paths: one clear line (or the full list for a CSV), exit 1; usage exit 2 ---------


def _study(tmp_path: Path, capsys) -> Path:
    study = tmp_path / "study"
    assert run(capsys, "coordinator", "init", str(study), "--name", "Errors")[0] == 0
    return study


def test_init_twice_and_wrong_passphrase(tmp_path: Path, capsys, monkeypatch) -> None:
    study = _study(tmp_path, capsys)
    code, _, err = run(capsys, "coordinator", "init", str(study), "--name", "Again")
    assert code == 1 and "already a study" in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv(STUDY_PASSPHRASE_ENV, "not the passphrase at all")
    code, _, err = run(capsys, "coordinator", "fingerprint", str(study))
    assert code == 1 and "passphrase" in err and len(err.strip().splitlines()) == 1


def test_no_passphrase_without_a_terminal(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv(STUDY_PASSPHRASE_ENV)
    code, _, err = run(capsys, "coordinator", "init", str(tmp_path / "s"), "--name", "X")
    assert code == 1 and STUDY_PASSPHRASE_ENV in err


def test_usage_errors_exit_2(tmp_path: Path, capsys) -> None:
    code, _, err = run(capsys, "coordinator", "init", str(tmp_path / "s"))  # --name missing
    assert code == 2 and "--name" in err and not (tmp_path / "s").exists()
    code, _, err = run(capsys, "identity", "create", "--workspace", str(tmp_path), "--name", "X")
    assert code == 2 and "--profession" in err
    assert run(capsys, "coordinator")[0] == 2


def test_cohort_errors_are_listed_and_nothing_imported(tmp_path: Path, capsys) -> None:
    study = _study(tmp_path, capsys)
    bad = tmp_path / "bad.csv"
    text = cohort_csv(synthetic_cases(5)).splitlines()
    text[2] = text[2].replace("acute_hospital", "moon").replace("care_home", "moon")
    text[3] = text[3].replace(",female,", ",x,").replace(",male,", ",x,")
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    code, _, err = run(capsys, "coordinator", "add-cohort", str(study), str(bad))
    assert code == 1 and "nothing has been changed" in err and "line 4" in err
    code, _, err = run(capsys, "coordinator", "allocate", str(study))
    assert code == 1 and "no cases" in err
    for junk in (b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"just,some,columns\n1,2,3\n"):
        path = tmp_path / "junk.csv"
        path.write_bytes(junk)
        code, _, err = run(capsys, "coordinator", "add-cohort", str(study), str(path))
        assert code == 1 and "Traceback" not in err
    code, _, err = run(capsys, "coordinator", "add-cohort", str(study), str(tmp_path / "none"))
    assert code == 1 and "There is no cohort file" in err


def test_enrol_errors(tmp_path: Path, capsys) -> None:
    from tests.support.study_fixtures import panel_bytes

    study = _study(tmp_path, capsys)
    panel = tmp_path / "r.csv"
    panel.write_bytes(panel_bytes())
    run(capsys, "coordinator", "add-reviewers", str(study), str(panel))
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "something else"}')
    code, _, err = run(capsys, "coordinator", "enrol", str(study), str(junk), "--reviewer", "R01")
    assert code == 1 and "not an enrolment request" in err
    req = tmp_path / "req.json"
    run(
        capsys, "identity", "create", "--workspace", str(tmp_path / "ws"), "--name", "Dr X",
        "--profession", "doctor", "--registration", "GMC 2", "--email", "x@example.nhs.uk",
        "--request-out", str(req),
    )  # fmt: skip
    code, _, err = run(capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", "R77")
    assert code == 1 and "no reviewer R77" in err
    assert run(capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", "R01")[0] == 0
    code, _, err = run(capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", "R01")
    assert code == 1 and "--replace" in err
    code, out, _ = run(
        capsys, "coordinator", "enrol", str(study), str(req), "--reviewer", "R01", "--replace"
    )
    assert code == 0 and out.startswith("Re-enrolled")


def test_import_errors(tmp_path: Path, capsys) -> None:
    ws = tmp_path / "ws"
    code, _, err = run(capsys, "import", str(tmp_path / "nope.p7m"), "--workspace", str(ws))
    assert code == 1 and "There is no assignment pack" in err
    req = tmp_path / "req.json"
    run(
        capsys, "identity", "create", "--workspace", str(ws), "--name", "Dr X",
        "--profession", "doctor", "--registration", "GMC 2", "--email", "x@example.nhs.uk",
        "--request-out", str(req),
    )  # fmt: skip
    junk = tmp_path / "junk.p7m"
    junk.write_bytes(b"\x30\x03\x02\x01\x00")
    code, _, err = run(capsys, "import", str(junk), "--workspace", str(ws))
    assert code == 1 and "not an assignment pack" in err
    code, _, err = run(
        capsys, "identity", "export", "--workspace", str(ws), "--out", str(tmp_path / "x.p12")
    )
    assert code == 1 and "first assignment pack" in err


def test_identity_create_without_email_is_a_usage_error(tmp_path: Path, capsys) -> None:
    code, _, err = run(
        capsys, "identity", "create", "--workspace", str(tmp_path / "ws"), "--name", "Dr X",
        "--profession", "doctor", "--registration", "GMC 2", "--request-out",
        str(tmp_path / "r.json"),
    )  # fmt: skip
    assert code == 2 and "--email" in err
