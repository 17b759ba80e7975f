"""Scripted entry: ``answers --json`` / ``--set``, ``amend`` and ``outcome`` on the command line.

Everything goes through the same services as the form: what the form refuses, these refuse,
with a message naming the file and the question, and nothing changes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.cli import main
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.scripted.answers_file import FORMAT, ReviewAnswers
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.review_fixtures import SCREENING
from tests.support.signoff_fixtures import PASSPHRASE, make_bench, signed_with_a_finding
from tests.support.study_fixtures import snapshot

RECORDS_MISSING = {"records.reviewed": ["gp"], "records.missing": ["acute"]}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SIG-0001 signed; SIG-0002 complete (ready to sign); SIG-0003, SIG-0004 not opened;
    SIG-0005 signed with a finding (escalated); SIG-0006 "records missing", not signed."""
    bench = make_bench(tmp_path_factory.mktemp("review-cmds") / "ws", case_count=6)
    with bench.workspace:
        bench.sign("SIG-0001")
        bench.complete_review("SIG-0002", seed=2)
        signed_with_a_finding(bench, "SIG-0005")
        opened = bench.reviews.open("SIG-0006", "R01")
        bench.reviews.save(opened.review_id, {**SCREENING, **RECORDS_MISSING}, "R01")  # type: ignore[arg-type,dict-item]
        bench.reviews.set_outcome(
            opened.review_id, ReviewStatus.RECORDS_MISSING, "The acute notes were lost.", "R01"
        )
    return bench.workspace.folder


@pytest.fixture
def folder(template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the template; the passphrase in the environment."""
    shutil.copytree(template, tmp_path / "ws")
    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    yield tmp_path / "ws"


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def printed(capsys: pytest.CaptureFixture[str], folder: Path, ref: str) -> dict[str, Any]:
    code, out, err = run(capsys, "answers", ref, "--workspace", folder, "--json")
    assert code == 0, err
    document: dict[str, Any] = json.loads(out)
    return document


def state(folder: Path) -> dict[str, list[tuple[Any, ...]]]:
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        return snapshot(workspace.db)


def answers_of(folder: Path, ref: str) -> tuple[dict[str, Any], ReviewStatus, list[Any]]:
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        store = ReviewStore(workspace.db)
        review = store.latest(ref)
        assert review is not None
        entries = AuditLog(workspace.db).entries(review.id)
        return store.answers(review.id), review.status, entries


def write(tmp_path: Path, document: dict[str, Any] | str, name: str = "answers.json") -> Path:
    path = tmp_path / name
    text = document if isinstance(document, str) else json.dumps(document)
    path.write_text(text, encoding="utf-8")
    return path


# --- answers --json ---------------------------------------------------------------------------


def test_json_lists_every_question_with_its_value_or_its_state(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewer_app.domain.definition import default_definition

    document = printed(capsys, folder, "SIG-0002")
    ReviewAnswers.model_validate(document)  # the documented shape (schema/ is generated from it)
    assert document["format"] == FORMAT and document["format_version"] == 1
    assert (document["case_ref"], document["review_version"]) == ("SIG-0002", 1)
    assert document["status"] == "ready_to_sign"
    definition = default_definition()
    assert list(document["answers"]) == [q.id for _, q in definition.top_questions()]
    stored, _, _ = answers_of(folder, "SIG-0002")
    states = {e["state"] for e in document["answers"].values()}
    assert states == {"answered", "unanswered", "not_asked"}
    for question_id, entry in document["answers"].items():
        if entry["state"] == "answered":
            assert entry["value"] == stored[question_id]
        else:
            assert "value" not in entry
    # "no" is a value, never a state; a hidden follow-up is not asked, never "no"
    assert document["answers"]["immediate.concern"] == {"state": "answered", "value": "no"}
    assert document["answers"]["immediate.who_told"] == {"state": "not_asked"}
    assert document["answers"]["readiness.note"] == {"state": "unanswered"}


def test_json_of_a_case_not_yet_opened_opens_nothing(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(folder)
    document = printed(capsys, folder, "SIG-0003")
    assert document["review_version"] is None and document["status"] == "not_started"
    assert "answered" not in {e["state"] for e in document["answers"].values()}
    assert state(folder) == before
    code, _, err = run(capsys, "answers", "NOPE-1", "--workspace", folder, "--json")
    assert code == 1 and "There is no case NOPE-1" in err


# --- answers --set ----------------------------------------------------------------------------


def test_setting_the_printed_json_again_changes_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for ref in ("SIG-0002", "SIG-0001", "SIG-0003"):  # ready, signed, not opened
        path = write(tmp_path, printed(capsys, folder, ref))
        before = state(folder)
        code, out, err = run(capsys, "answers", ref, "--workspace", folder, "--set", path)
        assert code == 0, err
        assert out.startswith(f"No answers changed: case {ref}")
        assert state(folder) == before, ref


def test_set_changes_answers_as_the_form_does_and_audits_them(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = printed(capsys, folder, "SIG-0002")
    answers = document["answers"]
    answers["readiness.note"] = {"state": "answered", "value": "Checked with the ward notes."}
    old_comment = answers["avoidability.comment"]
    answers["avoidability.comment"] = {"state": "unanswered"}  # cleared: never stored as "no"
    path = write(tmp_path, document, "fix.json")
    _, _, audit_before = answers_of(folder, "SIG-0002")
    code, out, err = run(capsys, "answers", "SIG-0002", "--workspace", folder, "--set", path)
    assert code == 0, err
    assert "Set 2 answer(s) of case SIG-0002 version 1 from fix.json" in out
    stored, status, audit = answers_of(folder, "SIG-0002")
    assert stored["readiness.note"] == "Checked with the ward notes."
    assert "avoidability.comment" not in stored
    new = audit[len(audit_before) :]
    answered = [e for e in new if e.action == "answer"]
    assert {e.field for e in answered} == {"readiness.note", "avoidability.comment"}
    assert {e.actor for e in new} == {"R01"}, "the enrolled reviewer, as in the form"
    assert {e.reason for e in answered} == {"entered from fix.json"}
    # The status follows the answers, as after any save of the form.
    if old_comment["state"] == "answered":
        assert status is not ReviewStatus.SIGNED
    assert printed(capsys, folder, "SIG-0002")["answers"]["readiness.note"]["value"] == (
        "Checked with the ward notes."
    )


def _bad_documents(good: dict[str, Any]) -> dict[str, tuple[dict[str, Any] | str, str]]:
    """name -> (document, what the refusal must say besides the file name)."""

    def changed(**answers: Any) -> dict[str, Any]:
        return {**good, "answers": {**good["answers"], **answers}}

    return {
        "not json": ("{not json", "not valid JSON"),
        "wrong format": ({**good, "format": "something-else"}, "format"),
        "unknown question": (
            changed(**{"phase.lunch.score": {"state": "answered", "value": 3}}),
            "'phase.lunch.score'",
        ),
        "value that does not fit": (
            changed(**{"phase.overall.score": {"state": "answered", "value": 9}}),
            "'phase.overall.score'",
        ),
        "answered without a value": (
            changed(**{"readiness.note": {"state": "answered"}}),
            "answers.readiness.note",
        ),
        "a question the form would not ask": (
            changed(**{"immediate.who_told": {"state": "answered", "value": "Ward sister"}}),
            "'immediate.who_told'",
        ),
        "another case": ({**good, "case_ref": "SIG-0004"}, "case SIG-0004"),
        "another form version": (
            {**good, "definition": {**good["definition"], "version": 99}},
            "version 99",
        ),
        "another review version": ({**good, "review_version": 7}, "version 7"),
    }


def test_a_bad_file_is_refused_naming_the_file_and_question_and_changes_nothing(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = printed(capsys, folder, "SIG-0002")
    good["answers"]["readiness.note"] = {"state": "answered", "value": "A real change here."}
    before = state(folder)
    for name, (document, said) in _bad_documents(good).items():
        path = write(tmp_path, document, "bad.json")
        code, out, err = run(capsys, "answers", "SIG-0002", "--workspace", folder, "--set", path)
        assert code == 1, name
        assert "bad.json" in err and said in err, (name, err)
        assert "Nothing was changed" in err, name
        assert out == "", name
        assert state(folder) == before, name


def test_a_group_item_question_at_the_top_level_is_refused(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewer_app.domain.definition import GroupQuestion, default_definition

    group = next(q for _, q in default_definition().top_questions() if isinstance(q, GroupQuestion))
    item_id = group.item_questions[0].id
    document = printed(capsys, folder, "SIG-0002")
    document["answers"][item_id] = {"state": "unanswered"}
    path = write(tmp_path, document)
    code, _, err = run(capsys, "answers", "SIG-0002", "--workspace", folder, "--set", path)
    assert code == 1 and repr(item_id) in err and repr(group.id) in err


def test_a_signed_review_is_not_changed_by_set(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = printed(capsys, folder, "SIG-0001")
    document["answers"]["readiness.note"] = {"state": "answered", "value": "Too late for this."}
    before = state(folder)
    path = write(tmp_path, document)
    code, _, err = run(capsys, "answers", "SIG-0001", "--workspace", folder, "--set", path)
    assert code == 1 and "answers.json" in err and "amendment" in err.lower()
    assert state(folder) == before


def test_set_on_a_case_not_opened_opens_it_as_the_form_would(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = printed(capsys, folder, "SIG-0003")
    document["answers"]["readiness.note"] = {"state": "answered", "value": "Started by script."}
    path = write(tmp_path, document)
    code, out, err = run(capsys, "answers", "SIG-0003", "--workspace", folder, "--set", path)
    assert code == 0 and "Set 1 answer(s) of case SIG-0003 version 1" in out, err
    stored, status, _ = answers_of(folder, "SIG-0003")
    assert stored == {"readiness.note": "Started by script."}
    assert status is ReviewStatus.IN_PROGRESS
    # and a refused file on another unopened case leaves it unopened
    document = printed(capsys, folder, "SIG-0004")
    document["answers"]["phase.overall.score"] = {"state": "answered", "value": 0}
    code, _, _ = run(
        capsys, "answers", "SIG-0004", "--workspace", folder, "--set", write(tmp_path, document)
    )
    assert code == 1
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        assert ReviewStore(workspace.db).latest("SIG-0004") is None


def test_answers_needs_json_or_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "answers", "SIG-0002", "--workspace", tmp_path)
    assert code == 2 and "--json" in err and "--set" in err


# --- amend and outcome ------------------------------------------------------------------------


def test_amend_starts_a_new_version_of_a_signed_review_only(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(folder)
    code, _, err = run(capsys, "amend", "SIG-0002", "--workspace", folder, "--reason", "x" * 30)
    assert code == 1 and "not signed" in err
    code, _, err = run(capsys, "amend", "SIG-0001", "--workspace", folder, "--reason", "typo")
    assert code == 1 and "reason" in err.lower()
    code, _, err = run(capsys, "amend", "SIG-0001", "--workspace", folder, "--reason", "!" * 20)
    assert code == 1 and "reason" in err.lower()
    assert state(folder) == before
    reason = "The date of death was entered a day late."
    code, out, err = run(capsys, "amend", "SIG-0001", "--workspace", folder, "--reason", reason)
    assert code == 0, err
    assert "Started version 2 of case SIG-0001, amending signed version 1" in out
    _, status, audit = answers_of(folder, "SIG-0001")
    assert status is ReviewStatus.AMENDMENT_IN_PROGRESS
    assert audit[-1].actor == "R01"


def test_outcome_is_recorded_with_the_form_rules(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(folder)
    code, _, err = run(
        capsys, "outcome", "SIG-0003", "records_missing", "--workspace", folder, "--reason", "no"
    )
    assert code == 1 and "reason" in err.lower()
    code, _, err = run(
        capsys,
        "outcome",
        "SIG-0003",
        "handed_back",
        "--workspace",
        folder,
        "--reason",
        "I worked on this ward at the time.",
    )
    assert code == 1 and "Before recording" in err  # the screening is not complete
    assert state(folder) == before, "a refused outcome leaves even an unopened case unopened"
    code, _, err = run(
        capsys,
        "outcome",
        "SIG-0001",
        "outside_method",
        "--workspace",
        folder,
        "--reason",
        "This was a maternal death after all.",
    )
    assert code == 1 and "amendment" in err.lower()  # signed: locked
    code, _, _ = run(capsys, "outcome", "SIG-0002", "lunch", "--workspace", folder, "--reason", "x")
    assert code == 2
    assert state(folder) == before


def test_outcome_on_an_amendment_of_a_review_with_a_finding_is_refused(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "The acute notes were the wrong patient's."
    code, _, err = run(capsys, "amend", "SIG-0005", "--workspace", folder, "--reason", reason)
    assert code == 0, err
    before = state(folder)
    code, out, err = run(
        capsys,
        "outcome",
        "SIG-0005",
        "records_missing",
        "--workspace",
        folder,
        "--reason",
        "The acute notes were recalled by the trust.",
    )
    assert code == 1 and "Recorded" not in out
    assert "cannot turn it into another outcome" in err
    assert state(folder) == before
    _, status, _ = answers_of(folder, "SIG-0005")
    assert status is ReviewStatus.AMENDMENT_IN_PROGRESS


def test_reopen_takes_a_review_out_of_its_outcome(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = state(folder)
    code, _, err = run(capsys, "reopen", "SIG-0006", "--workspace", folder, "--reason", "no")
    assert code == 1 and "reason" in err.lower()
    code, _, err = run(
        capsys, "reopen", "SIG-0001", "--workspace", folder, "--reason", "The notes were found."
    )
    assert code == 1 and "no recorded outcome" in err  # signed: amend it instead
    code, _, err = run(
        capsys, "reopen", "SIG-0002", "--workspace", folder, "--reason", "The notes were found."
    )
    assert code == 1 and "no recorded outcome" in err
    assert state(folder) == before
    code, out, err = run(
        capsys, "reopen", "SIG-0006", "--workspace", folder, "--reason", "The notes were found."
    )
    assert code == 0, err
    assert "Reopened case SIG-0006 version 1" in out
    answers, status, audit = answers_of(folder, "SIG-0006")
    assert not status.is_outcome
    assert answers["records.missing"] == ["acute"]  # the answers are kept
    assert audit[-1].actor == "R01"
    assert any(e.reason == "The notes were found." for e in audit)


def test_reopen_is_the_way_back_for_an_amendment_stuck_in_an_outcome(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "The acute notes were the wrong patient's."
    code, _, err = run(capsys, "amend", "SIG-0005", "--workspace", folder, "--reason", reason)
    assert code == 0, err
    with Workspace.unlock(folder, PASSPHRASE) as workspace:  # recorded before outcome refused
        store = ReviewStore(workspace.db)
        review = store.latest("SIG-0005")
        assert review is not None
        store.set_status(review.id, ReviewStatus.RECORDS_MISSING, "R01", "Notes recalled.")
    code, _, err = run(
        capsys, "reopen", "SIG-0005", "--workspace", folder, "--reason", "The notes were found."
    )
    assert code == 0, err
    _, status, _ = answers_of(folder, "SIG-0005")
    assert status is ReviewStatus.AMENDMENT_IN_PROGRESS
