"""The triggers each collected review fires are worked out once, when it is collected, and kept
(``collection.triggers``, study schema v8): what is kept is exactly what the rules say, rows
kept under other rules are never used, and every reading of the study (the second-stage queue,
the escalation log, the window's snapshot) says the same with the rows or without them."""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.domain.definition import definition_named_in
from reviewer_app.domain.triggers import FiredTriggers, Trigger, all_triggers
from reviewer_app.services.collection import triggers as kept
from reviewer_app.services.collection.records import in_force_contents
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.reconciliation import study_reviews
from reviewer_app.services.reconciliation.second_stage import second_stage_queue
from reviewer_app.services.reconciliation.states import raw_answers
from reviewer_app.services.reconciliation.study_snapshot import read_snapshot
from reviewer_app.services.records.escalation_log import escalation_entries
from reviewer_app.services.study import Study
from reviewer_app.storage.study.triggers import TriggerStore
from tests.support.practice_fixtures import Practice, collected_copy

NOW = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
REPO = Path(__file__).resolve().parents[3]

# What the kept triggers depend on besides a content itself: every module of the app that
# working them out imports (found in a fresh interpreter, so a new dependency is included at
# once) and the definitions' files. Changing any of these may change what a review fires: then
# TRIGGER_RULES must change too (so every study works them out again), and this digest with it.
CLOSURE = r"""
import json, sys
import reviewer_app.domain.definition, reviewer_app.domain.triggers
import reviewer_app.services.reconciliation.states
print(json.dumps(sorted(
    module.__file__ for name, module in sys.modules.items()
    if name.split(".")[0] == "reviewer_app" and getattr(module, "__file__", None)
)))
"""
# and the two modules that work out what is kept, beside what they import
KEEPERS = ("services/collection/triggers.py", "services/reconciliation/study_reviews.py")
PINNED = ("1", "1b9f92828369dc56c1c5686d699f2bea9c52fe646af635f6bff3e28dbaf038ea")


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return collected_copy(tmp_path_factory, "triggers")


@pytest.fixture
def study(collected: Practice) -> Iterator[Study]:
    with Study.open(collected.layout.study, PRACTICE_STUDY_PASSPHRASE) as opened:
        yield opened


def _fresh(study: Study) -> dict[str, FiredTriggers]:
    found = {}
    for state, content in in_force_contents(study):
        definition = definition_named_in(content)
        assert definition is not None
        found[state.content_sha256] = all_triggers(definition, raw_answers(content["answers"]))
    return found


def _forget(study: Study) -> None:
    with study.db.transaction():
        study.db.execute("DELETE FROM review_triggers")


def test_collection_keeps_exactly_what_the_rules_say_each_review_fires(study: Study) -> None:
    fresh, stored = _fresh(study), kept.kept_triggers(study)
    # every version collected is kept (a superseded one too); those in force as worked out now
    assert stored.keys() >= fresh.keys() and {sha: stored[sha] for sha in fresh} == fresh
    # the practice study exercises both kinds (else this test would prove little)
    assert any(t.second_review for t in fresh.values())
    assert any(t.escalation for t in fresh.values())
    assert any(not t.second_review and not t.escalation for t in fresh.values())


def test_the_queue_and_the_log_are_the_same_with_the_kept_rows_or_without(
    study: Study, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_rows = (second_stage_queue(study), escalation_entries(study))
    evaluated: list[object] = []
    real = study_reviews.all_triggers

    def counted(definition, answers):  # type: ignore[no-untyped-def]
        evaluated.append(answers)
        return real(definition, answers)

    monkeypatch.setattr(study_reviews, "all_triggers", counted)
    assert second_stage_queue(study) == with_rows[0]
    assert evaluated == []  # kept: nothing worked out again
    _forget(study)
    try:
        assert (second_stage_queue(study), escalation_entries(study)) == with_rows
        assert evaluated  # worked out from the answers this time
    finally:
        kept.keep_triggers(study, _fresh(study).items())


def test_rows_kept_under_other_rules_are_never_used(study: Study) -> None:
    before = (second_stage_queue(study), escalation_entries(study))
    lying = FiredTriggers((Trigger("made_up", "Made up"),), (Trigger("made_up", "Made up"),))
    # every row kept under today's rules (superseded versions' too, whatever ran before)
    shas = sorted(set(_fresh(study)) | set(kept.kept_triggers(study)))
    try:
        TriggerStore(study.db).keep(
            "0", [(sha, (kept._encoded(lying.second_review), "[]")) for sha in shas]
        )
        assert kept.kept_triggers(study) == {}  # none under today's rules any more
        assert (second_stage_queue(study), escalation_entries(study)) == before
    finally:
        kept.keep_triggers(study, _fresh(study).items())
    fresh = _fresh(study)
    assert {sha: kept.kept_triggers(study)[sha] for sha in fresh} == fresh


def test_the_windows_read_keeps_what_a_study_collected_before_the_cache_lacks(
    study: Study,
) -> None:
    first = read_snapshot(study, now=NOW)
    _forget(study)
    assert kept.kept_triggers(study) == {}
    again = read_snapshot(study, now=NOW)
    assert again == first
    fired = {sha for sha, t in kept.kept_triggers(study).items()}
    full = {s.content_sha256 for s, _ in in_force_contents(study) if s.outcome == "full_review"}
    assert full and full <= fired  # the full reviews' triggers, worked out once, now kept
    kept.keep_triggers(study, _fresh(study).items())


def test_a_study_that_cannot_be_written_keeps_nothing_and_says_so(
    study: Study, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from reviewer_app.errors import DamagedFileError

    def refuse(*_args: object) -> int:
        raise DamagedFileError("the study database is locked")

    monkeypatch.setattr(TriggerStore, "keep", refuse)
    assert kept.keep_triggers(study, _fresh(study).items()) == 0
    assert "review triggers not kept: DamagedFileError" in caplog.text
    assert "locked" not in caplog.text  # the type only, never the message


def _trigger_sources() -> list[Path]:
    out = subprocess.run(
        [sys.executable, "-c", CLOSURE], capture_output=True, text=True, check=True, cwd=REPO
    )
    found = {Path(name) for name in json.loads(out.stdout)}
    return sorted(found | {REPO / "reviewer_app" / name for name in KEEPERS})


def _code_of(path: Path) -> bytes:
    """A module's code without its docstrings, comments or layout (its AST): rewording a
    docstring or reflowing a line is not a change in what the rules compute."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and isinstance(body, list)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, include_attributes=False).encode()


def test_the_pin_reads_code_not_docstrings_or_comments(tmp_path: Path) -> None:
    plain = tmp_path / "plain.py"
    plain.write_text("def f(x):\n    return x + 1\n")
    worded = tmp_path / "worded.py"
    worded.write_text(
        '"""A module."""\n\n\ndef f(x):  # one more\n    """Adds one."""\n    return x + 1\n'
    )
    changed = tmp_path / "changed.py"
    changed.write_text("def f(x):\n    return x + 2\n")
    assert _code_of(plain) == _code_of(worded)
    assert _code_of(plain) != _code_of(changed)


def test_the_trigger_rules_are_renamed_when_what_they_depend_on_changes() -> None:
    sources = _trigger_sources()
    names = {path.relative_to(REPO / "reviewer_app").as_posix() for path in sources}
    # what the rules are known to read (the closure finds these and anything they import)
    assert {"domain/conditions.py", "domain/avoidability.py", "domain/identifiers.py"} <= names
    assert "services/reconciliation/states.py" in names
    assert set(KEEPERS) <= names
    digest = hashlib.sha256()
    for path in sorted(sources):
        digest.update(path.relative_to(REPO).as_posix().encode() + b"\0" + _code_of(path))
    for path in sorted((REPO / "schema").glob("review-definition.v*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    assert (kept.TRIGGER_RULES, digest.hexdigest()) == PINNED, (
        "What the review triggers are worked out from has changed. If what a review fires "
        "may change, give collection.triggers.TRIGGER_RULES a new value (every study then "
        "works its triggers out again); then pin the new digest here."
    )


def test_a_content_whose_triggers_cannot_be_worked_out_never_stops_a_collection(
    study: Study, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_content: object) -> None:
        raise RuntimeError("a rule broke on PRAC-0001 Smith")

    monkeypatch.setattr(kept, "triggers_of", broken)
    assert kept.keep_triggers_of(study, [("0" * 64, "{}")]) == 0
    assert "not worked out at collection: RuntimeError" in caplog.text
    assert "Smith" not in caplog.text and "PRAC-0001" not in caplog.text
