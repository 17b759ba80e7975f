"""``reviewer-app check``, and the refusals a tampered workspace meets on the command line:
each kind of tampering is caught through the CLI too, and nothing is signed over it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reviewer_app.cli import main
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import DatabaseKey
from tests.support.audit_tampering import tamper_file
from tests.support.signoff_fixtures import PASSPHRASE, make_bench


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, DatabaseKey]:
    """SIG-0001 signed, SIG-0002 complete and ready to sign (built once, copied per test)."""
    bench = make_bench(tmp_path_factory.mktemp("check-cli") / "ws", case_count=2)
    bench.sign("SIG-0001")
    review_id = bench.complete_review("SIG-0002", seed=2)
    assert not bench.signoff.check(review_id).errors
    folder, key = bench.workspace.folder, bench.workspace.key
    bench.workspace.close()
    return folder, key


@pytest.fixture
def workspace(
    template: tuple[Path, DatabaseKey], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, DatabaseKey]:
    """A private copy of the template; the passphrase in the environment."""
    folder = tmp_path / "ws"
    shutil.copytree(template[0], folder)
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    return folder, template[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_check_reports_an_intact_workspace(
    workspace: tuple[Path, DatabaseKey], capsys: pytest.CaptureFixture[str]
) -> None:
    folder, _ = workspace
    code, out, _ = run(capsys, "check", "--workspace", folder)
    assert code == 0
    assert "Audit trail:        ok (" in out and "Database file:      ok" in out
    assert "Signed summaries:   ok (1 signature(s), each audit head and content as signed)" in out
    assert out.strip().splitlines()[-1].startswith("INTACT")
    assert run(capsys, "--workspace", folder, "check")[0] == 0  # the global form


@pytest.mark.parametrize(
    ("how", "args", "said"),
    [
        ("edit", (3,), "entry 3 has been altered"),
        ("delete", (4,), "entry 4 is missing or out of order"),
        ("reorder", (2, 5), "entry 2 does not follow on from the one before"),
        ("rewrite_history", (), "the audit head it sealed"),
    ],
)
def test_each_tampering_is_caught_by_check_and_refused_everywhere_else(
    workspace: tuple[Path, DatabaseKey],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    how: str,
    args: tuple[int, ...],
    said: str,
) -> None:
    folder, key = workspace
    tamper_file(Workspace.db_path_in(folder), key, how, *args)
    code, out, _ = run(capsys, "check", "--workspace", folder)
    assert code == 1 and said in out
    assert out.strip().splitlines()[-1].startswith("NOT INTACT")
    assert "backup" in out and "coordinator" in out
    if how == "rewrite_history":
        assert "Audit trail:        ok" in out, "a re-hashed chain is valid on its own"
        assert "case SIG-0001 version 1 (reviewer's signature)" in out
    # Everything that opens the workspace refuses, names the problem and what to do.
    pdf = tmp_path / "out.pdf"
    for argv in (
        ("cases", "--workspace", folder),
        ("pdf", "SIG-0001", "--workspace", folder, "--out", pdf),
        ("sign", "SIG-0002", "--workspace", folder),
    ):
        code, out, err = run(capsys, *argv)
        assert code == 1, argv
        assert "has been changed outside the app" in err and "backup" in err, argv
        assert out == ""
    assert not pdf.exists()
    # Nothing was signed over the altered trail.
    with Workspace.unlock(folder, PASSPHRASE, check_integrity=False) as opened:
        from reviewer_app.storage.workspace.signatures import SignatureStore

        assert list(SignatureStore(opened.db).signed_review_ids()) == ["SIG-0001"]


def test_check_of_a_missing_workspace_or_wrong_passphrase_is_a_clear_error(
    workspace: tuple[Path, DatabaseKey],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, _, err = run(capsys, "check", "--workspace", tmp_path / "nowhere")
    assert code == 1 and "There is no workspace" in err
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", "not the passphrase at all")
    code, _, err = run(capsys, "check", "--workspace", workspace[0])
    assert code == 1 and "passphrase" in err.lower()
