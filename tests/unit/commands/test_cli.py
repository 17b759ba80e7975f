"""The CLI: headless use of the same services, with one kind of exit per kind of error."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer_app import cli
from reviewer_app.services.demo.build import DEMO_CASE_COUNT, DEMO_PASSPHRASE


@pytest.fixture
def demo_dir(demo_copy: Path) -> Path:
    """A private copy of the demo that tests/conftest.py builds once per run with `demo`."""
    return demo_copy


def test_demo_then_cases_json(demo_dir: Path, monkeypatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["cases", "--workspace", str(demo_dir), "--json"]) == 0
    cases = json.loads(capsys.readouterr().out)
    assert len(cases) == DEMO_CASE_COUNT
    first = cases[0]
    assert set(first) == {
        "case_ref",
        "patient_name",
        "date_of_birth",
        "admission_date",
        "discharge_date",
        "date_of_death",
        "place_of_death",
        "status",
        "version",
        "returned",
        "returned_version",
        "returned_at",
        "due_date",
    }
    assert first["case_ref"] == "DEMO-0001"
    # the demo's pack says when each case is due back: an ISO date, 28 days after sending
    assert dt.date.fromisoformat(first["due_date"]).isoformat() == first["due_date"]
    assert first["status"] == "not_started"
    assert (first["returned"], first["returned_version"], first["returned_at"]) == (
        False,
        None,
        None,
    )


def test_cases_table(demo_dir: Path, monkeypatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["cases", "--workspace", str(demo_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Case")
    assert len(lines) == DEMO_CASE_COUNT + 1


def test_building_the_demo_twice_keeps_the_first(demo_dir: Path, capsys) -> None:
    assert cli.main(["demo", "--workspace", str(demo_dir)]) == 0
    assert "already exists" in capsys.readouterr().out


def test_wrong_passphrase_is_one_clear_line(demo_dir: Path, monkeypatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, "not the right passphrase")
    assert cli.main(["cases", "--workspace", str(demo_dir)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "passphrase does not open" in err[0]


def test_missing_passphrase_without_terminal(demo_dir: Path, monkeypatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["cases", "--workspace", str(demo_dir)]) == 1
    assert cli.PASSPHRASE_ENV in capsys.readouterr().err


def test_no_workspace_here(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["cases", "--workspace", str(tmp_path / "empty")]) == 1
    assert "no workspace" in capsys.readouterr().err.lower()


def test_usage_error_exits_2(capsys) -> None:
    assert cli.main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: reviewer-app") and "invalid choice" in err
    assert "Traceback" not in err


# --- --workspace before or after the command: applied either way, never dropped ----------


def test_workspace_before_the_command_applies(demo_dir: Path, monkeypatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["--workspace", str(demo_dir), "cases", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert cli.main(["cases", "--json", "--workspace", str(demo_dir)]) == 0
    after = json.loads(capsys.readouterr().out)
    assert len(before) == DEMO_CASE_COUNT and before == after
    # The same folder in both places is not a conflict.
    assert cli.main(["--workspace", str(demo_dir), "cases", "--workspace", str(demo_dir)]) == 0


def test_workspace_before_the_command_is_not_the_default(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    missing = tmp_path / "elsewhere"
    assert cli.main(["--workspace", str(missing), "cases"]) == 1
    assert str(missing) in capsys.readouterr().err


def test_two_different_workspaces_are_refused(demo_dir: Path, tmp_path: Path, capsys) -> None:
    capsys.readouterr()
    other = tmp_path / "other"
    code = cli.main(["--workspace", str(demo_dir), "cases", "--workspace", str(other)])
    err = capsys.readouterr().err
    assert code == 2
    assert "usage: reviewer-app cases" in err and "given twice" in err
    assert not other.exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["coordinator", "fingerprint", "study"],
        ["coordinator", "make-packs", "study", "--out", "drive"],
    ],
)
def test_global_workspace_on_a_command_without_one_is_refused(
    argv: list[str], tmp_path: Path, capsys
) -> None:
    assert cli.main(["--workspace", str(tmp_path), *argv]) == 2
    err = capsys.readouterr().err
    assert "does not use a workspace" in err and "Traceback" not in err


def test_demo_with_a_command_is_refused(demo_dir: Path, capsys) -> None:
    capsys.readouterr()
    assert cli.main(["--demo", "cases", "--workspace", str(demo_dir)]) == 2
    assert "--demo" in capsys.readouterr().err


def test_the_default_workspace_is_used_when_none_is_given(
    isolated_home: Path, monkeypatch, capsys
) -> None:
    from reviewer_app.paths import AppPaths

    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["cases"]) == 1
    err = capsys.readouterr().err
    assert str(AppPaths.from_environment().default_workspace_dir) in err


def test_a_bug_is_logged_not_shown(
    demo_dir: Path, monkeypatch, capsys, isolated_home: Path
) -> None:
    capsys.readouterr()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)

    def broken(_self):
        raise RuntimeError("Zielińska 999 631 7064 should never be shown")

    monkeypatch.setattr("reviewer_app.services.session.ReviewerSession.list_cases", broken)
    assert cli.main(["cases", "--workspace", str(demo_dir)]) == cli.BUG_EXIT
    err = capsys.readouterr().err
    assert "Zielińska" not in err
    assert "did not expect" in err
    log_text = (isolated_home / "log" / "reviewer-app.log").read_text(encoding="utf-8")
    assert "RuntimeError" in log_text
    assert "Traceback" in log_text
    assert "Zielińska" not in log_text
    assert "631 7064" not in log_text


def test_entry_point_runs_as_a_module(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("reviewer-app ")


# --- return -------------------------------------------------------------------------------


def _cases_json(demo_dir: Path, capsys) -> list[dict]:
    capsys.readouterr()
    assert cli.main(["cases", "--workspace", str(demo_dir), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_return_writes_the_signed_reviews_then_has_nothing_to_return(
    demo_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    signed = [c for c in _cases_json(demo_dir, capsys) if c["status"] != "not_started"]
    assert cli.main(["return", "--workspace", str(demo_dir), "--to", str(shared)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Returned ") and "return-" in out and str(shared) in out
    files = sorted(p.name for p in shared.iterdir())
    assert files and all(f.startswith("return-") and f.endswith(".p7m") for f in files)
    assert all(name in out for name in files)
    after = {c["case_ref"]: c for c in _cases_json(demo_dir, capsys)}
    returned = [ref for ref, c in after.items() if c["returned"]]
    assert returned and set(returned) <= {c["case_ref"] for c in signed}
    assert all(after[ref]["returned_at"] and after[ref]["returned_version"] for ref in returned)
    capsys.readouterr()
    assert cli.main(["cases", "--workspace", str(demo_dir)]) == 0
    table = capsys.readouterr().out.splitlines()
    assert "Returned" in table[0] and any(
        f"v1 {after[returned[0]]['returned_at'][:10]}" in line for line in table
    )
    assert cli.main(["return", "--workspace", str(demo_dir), "--to", str(shared)]) == 0
    assert "Nothing to return" in capsys.readouterr().out
    assert sorted(p.name for p in shared.iterdir()) == files


def test_return_defaults_to_the_shared_folder_in_settings(
    demo_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    from reviewer_app.paths import AppPaths

    shared = tmp_path / "a shared, folder"
    shared.mkdir()
    settings = AppPaths.from_environment().settings_file
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text(f'[lock]\nidle_minutes=5\n\n[shared]\nfolder="{shared}"\n', "utf-8")
    monkeypatch.setenv(cli.PASSPHRASE_ENV, DEMO_PASSPHRASE)
    assert cli.main(["return", "--workspace", str(demo_dir)]) == 0
    assert any(p.name.startswith("return-") for p in shared.iterdir())


def test_return_without_a_folder_says_so_before_asking_for_a_passphrase(
    demo_dir: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["return", "--workspace", str(demo_dir)]) == 1
    err = capsys.readouterr().err
    assert "--to FOLDER" in err and cli.PASSPHRASE_ENV not in err
    assert cli.main(["return", "--workspace", str(demo_dir), "--to", str(tmp_path / "gone")]) == 1
    err = capsys.readouterr().err
    assert "There is no folder" in err and "Nothing was returned" in err


def test_the_demo_says_how_to_return_and_collect_and_that_works(
    demo_dir: Path, monkeypatch, capsys
) -> None:
    """Follow the commands `demo` prints, as a newcomer would: return, collect, status."""
    from reviewer_app.services.demo.build import DEMO_STUDY_PASSPHRASE

    assert cli.main(["demo", "--workspace", str(demo_dir)]) == 0
    printed = [
        line.strip().removeprefix("uv run reviewer-app ").split()
        for line in capsys.readouterr().out.splitlines()
        if line.strip().startswith("uv run reviewer-app ")
    ]
    assert [words[:2] for words in printed] == [
        ["return", "--workspace"],
        ["coordinator", "collect"],
        ["coordinator", "status"],
    ]
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", DEMO_PASSPHRASE)
    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", DEMO_STUDY_PASSPHRASE)
    assert cli.main(printed[0]) == 0
    returned = capsys.readouterr().out
    assert "return-" in returned and ".p7m" in returned
    assert cli.main([*printed[1], "--json"]) == 0
    collected = json.loads(capsys.readouterr().out)
    assert collected["quarantined"] == []
    assert collected["totals"]["new"] >= 1
    assert cli.main(printed[2]) == 0
    assert capsys.readouterr().out.strip()
