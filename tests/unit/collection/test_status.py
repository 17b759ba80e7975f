"""``coordinator status``: every figure checked against what the practice study's plan says
each reviewer did (counted here independently of the status code), before and after
collection, with overdue, quarantine and the CLI's text and JSON.

The practice study (16 cases, 4 reviewers, seed 7) is built once per run and copied.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.cli import main
from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.vocabulary import CaseState, ReviewerCaseState, ReviewMode
from reviewer_app.services.collection import status as status_module
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.collection.status import (
    StudyStatus,
    concern_counts,
    study_status,
)
from reviewer_app.services.collection.status_text import status_lines
from reviewer_app.services.demo import practice_answers as pa
from reviewer_app.services.demo.practice import PRACTICE_PREFIX, PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.demo.practice_plan import Fate, PracticePlan
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.study import Study
from tests.support import study_fixtures
from tests.support.practice_fixtures import Practice, practice_copy


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return practice_copy(tmp_path_factory.mktemp("status") / "p", tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def collected(practice: Practice) -> Practice:
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        report = collect(study, practice.layout.shared)
    assert report.totals().get("quarantined", 0) == 0, report.summary_lines()
    return practice


@pytest.fixture
def study(collected: Practice) -> Iterator[Study]:
    with Study.open(collected.layout.study, PRACTICE_STUDY_PASSPHRASE) as opened:
        yield opened


# --- what the plan says, counted here --------------------------------------------------


def expected_case_states(plan: PracticePlan) -> dict[str, CaseState]:
    found = {}
    for case_ref, (first, second) in plan.pairs.items():
        if case_ref in plan.joint:
            done = plan.fates[(first, case_ref)].returned
            found[case_ref] = CaseState.JOINT_SIGNED if done else CaseState.AWAITING_RETURNS
            continue
        fates = [plan.fates[(first, case_ref)], plan.fates[(second, case_ref)]]
        if Fate.HANDED_BACK in fates:
            found[case_ref] = CaseState.HANDED_BACK
        elif Fate.RECORDS_MISSING in fates:
            found[case_ref] = CaseState.RECORDS_MISSING
        else:
            found[case_ref] = [
                CaseState.AWAITING_RETURNS,
                CaseState.ONE_OF_TWO_RETURNED,
                CaseState.BOTH_RETURNED,
            ][sum(f.returned for f in fates)]
    return found


def expected_owed(plan: PracticePlan) -> dict[str, list[str]]:
    owed: dict[str, list[str]] = {}
    for ref in plan.reviewers():
        refs = sorted(c for c, f in plan.held_by(ref).items() if not f.returned)
        if refs:
            owed[ref] = refs
    return owed


def expected_concerns(plan: PracticePlan) -> tuple[set[str], set[str], int, int]:
    """Cases escalated and with an immediate concern, and the reviews of each, from the
    answers the seed gives (what each reviewer signed)."""
    definition = default_definition()
    cases = {c.case_ref: c for c in synthetic_cases(len(plan.pairs), plan.seed, PRACTICE_PREFIX)}
    escalated: list[str] = []
    immediate: list[str] = []
    for (ref, case_ref), fate in plan.fates.items():
        if not fate.returned or fate in (Fate.RECORDS_MISSING, Fate.HANDED_BACK):
            continue
        case = cases[case_ref]
        if fate is Fate.URGENT:
            answers = pa.escalating_answers(definition, case, plan.seed)
        else:
            answers = pa.first_answers(definition, case, plan.seed)
            if plan.pairs[case_ref][1] == ref:
                answers = pa.second_answers(definition, case, answers, plan.seed)
        if answers.get("escalation.decision") == "escalate":
            escalated.append(case_ref)
        if answers.get("immediate.concern") == "yes" or fate is Fate.URGENT:
            immediate.append(case_ref)
    return set(escalated), set(immediate), len(escalated), len(immediate)


# --- before collection ---------------------------------------------------------------------


@pytest.fixture
def basetemp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp()


def test_before_collection_every_case_awaits_and_everything_is_owed(
    practice: Practice, tmp_path: Path, basetemp: Path
) -> None:
    fresh = practice_copy(tmp_path / "p", basetemp)  # the template copied again
    with Study.open(fresh.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        status = study_status(study)
    counts = status.case_counts()
    assert counts[CaseState.AWAITING_RETURNS] == len(fresh.plan.pairs)
    held = {ref: sorted(fresh.plan.held_by(ref)) for ref in fresh.plan.reviewers()}
    assert status.chase_list() == held
    assert all(r.state is ReviewerCaseState.PACK_SENT for c in status.cases for r in c.reviewers)
    assert status.concerns.escalation_reviews == status.concerns.immediate_reviews == 0


# --- after collection ----------------------------------------------------------------------


def test_case_states_match_the_plan(collected: Practice, study: Study) -> None:
    status = study_status(study)
    assert {c.case_ref: c.state for c in status.cases} == expected_case_states(collected.plan)
    counts = status.case_counts()
    assert sum(counts.values()) == 16
    assert counts[CaseState.JOINT_SIGNED] + counts[CaseState.AWAITING_RETURNS] >= 1
    assert counts[CaseState.RECORDS_MISSING] >= 1
    assert counts[CaseState.HANDED_BACK] >= 1
    assert counts[CaseState.BOTH_RETURNED] > counts[CaseState.ONE_OF_TWO_RETURNED]


def test_each_reviewer_on_each_case_matches_the_plan(collected: Practice, study: Study) -> None:
    plan = collected.plan
    for case in study_status(study).cases:
        joint = case.case_ref in plan.joint
        assert case.mode is (ReviewMode.JOINT if joint else ReviewMode.INDEPENDENT)
        assert case.co_reviewer_ref == (plan.pairs[case.case_ref][1] if joint else None)
        assert [r.reviewer_ref for r in case.reviewers] == list(
            plan.pairs[case.case_ref][: 1 if joint else 2]
        )
        for row in case.reviewers:
            fate = plan.fates[(row.reviewer_ref, case.case_ref)]
            assert row.pack_sent_at is not None
            assert row.returned is fate.returned, (case.case_ref, row)
            if not fate.returned:
                assert row.state is ReviewerCaseState.PACK_SENT
                assert row.version is None and row.outcome is None and row.signed_at is None
                continue
            assert row.state is ReviewerCaseState.RETURNED
            assert row.version == (2 if fate is Fate.AMENDED else 1)
            assert row.amended is (fate is Fate.AMENDED)
            outcome = fate.value if fate in (Fate.RECORDS_MISSING, Fate.HANDED_BACK) else None
            assert row.outcome == (outcome or "full_review")
            assert row.signed_at is not None and not row.conflict


def test_reviewer_figures_and_the_chase_list_match_the_plan(
    collected: Practice, study: Study
) -> None:
    plan = collected.plan
    status = study_status(study)
    owed = expected_owed(plan)
    assert owed, "the practice study has laggards"
    assert status.chase_list() == owed
    for r in status.reviewers:
        held = plan.held_by(r.reviewer_ref)
        assert r.allocated == len(held)
        assert r.returned == sum(f.returned for f in held.values())
        assert r.allocated == r.returned + len(r.owed)
        assert r.overdue == 0 and r.not_sent == 0 and r.quarantined_files == 0
    for ref in plan.slow + plan.late:
        assert ref in owed


def test_escalations_and_immediate_concerns_are_counted_from_the_returned_contents(
    collected: Practice, study: Study
) -> None:
    escalated, immediate, escalation_reviews, immediate_reviews = expected_concerns(collected.plan)
    concerns = study_status(study).concerns
    assert immediate, "the practice study has an immediate safety concern"
    assert concerns.escalation_cases == len(escalated)
    assert concerns.escalation_reviews == escalation_reviews
    assert concerns.immediate_cases == len(immediate)
    assert concerns.immediate_reviews == immediate_reviews


def test_concern_counting_reads_only_answered_values() -> None:
    def content(case: str, **answers: object) -> dict[str, object]:
        return {"case": {"case_ref": case}, "answers": answers}

    escalate = {"state": "answered", "value": "escalate"}
    counts = concern_counts(
        [
            content("A", **{"escalation.decision": escalate}),
            content(
                "A",
                **{
                    "escalation.decision": escalate,
                    "immediate.concern": {"state": "answered", "value": "yes"},
                },
            ),
            content("B", **{"escalation.decision": {"state": "unanswered"}}),
            content("C", **{"immediate.concern": {"state": "answered", "value": "no"}}),
            content("D"),
            {"case": {"case_ref": "E"}},
        ]
    )
    assert (counts.escalation_reviews, counts.escalation_cases) == (2, 1)
    assert (counts.immediate_reviews, counts.immediate_cases) == (1, 1)


def test_overdue_counts_packs_past_their_due_date(collected: Practice, study: Study) -> None:
    owed = expected_owed(collected.plan)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=29)
    status = study_status(study, now=later)  # default 28 days
    assert {r.reviewer_ref: r.overdue_refs for r in status.reviewers if r.owed} == owed
    assert all(r.overdue == len(r.owed) for r in status.reviewers)
    assert study_status(study, now=later, overdue_days=30).reviewers[0].overdue == 0
    with pytest.raises(ValueError):
        study_status(study, overdue_days=-1)


def test_a_quarantined_file_is_counted_for_its_reviewer(
    collected: Practice, tmp_path: Path, basetemp: Path
) -> None:
    copy = practice_copy(tmp_path / "q", basetemp)
    ref = copy.plan.slow[0]
    (copy.layout.shared / f"return-{ref}-0099.p7m").write_bytes(b"not a bundle at all")
    with Study.open(copy.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, copy.layout.shared)
        status = study_status(study)
    assert status.quarantined_files == 1
    (mine,) = [r for r in status.reviewers if r.reviewer_ref == ref]
    assert mine.quarantined_files == 1
    rows = [r for c in status.cases for r in c.reviewers if r.reviewer_ref == ref]
    assert {r.may_be_in_quarantine for r in rows if not r.returned} == {True}
    assert {r.may_be_in_quarantine for r in rows if r.returned} == {False}
    assert any("quarantine" in line for line in status_lines(status))


def test_cases_not_yet_sent_are_not_chased(tmp_path: Path, basetemp: Path) -> None:
    world = study_fixtures.world(tmp_path, basetemp / "status-world")
    with world.study() as study:
        status = study_status(study)
        assert {c.state for c in status.cases} <= {CaseState.AWAITING_RETURNS}
        assert all(r.state is ReviewerCaseState.NOT_SENT for c in status.cases for r in c.reviewers)
        assert status.chase_list() == {}
        assert sum(r.not_sent for r in status.reviewers) == sum(
            r.allocated for r in status.reviewers
        )
        pack_maker.make_packs(study, world.packs_dir)
        assert study_status(study).chase_list()


# --- the command line ---------------------------------------------------------------------


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_cli_prints_counts_reviewers_chase_list_and_cases_without_identifiers(
    collected: Practice, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", PRACTICE_STUDY_PASSPHRASE)
    code, out, _ = _run(["coordinator", "status", str(collected.layout.study)], capsys)
    assert code == 0
    assert "Chase list" in out and "Reviewers" in out
    for ref, refs in expected_owed(collected.plan).items():
        assert f"  {ref}: {len(refs)} owed: {' '.join(refs)}" in out
    for case_ref in collected.plan.pairs:
        assert f"  {case_ref}: " in out
    cohort = synthetic_cases(16, seed=collected.plan.seed, prefix=PRACTICE_PREFIX)
    for case in cohort:
        assert case.nhs_number not in out and case.family_name not in out
    code, brief, _ = _run(
        ["coordinator", "status", str(collected.layout.study), "--no-cases"], capsys
    )
    assert code == 0 and "Cases:" not in brief and "Chase list" in brief


def test_the_cli_json_says_the_same(
    collected: Practice,
    study: Study,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", PRACTICE_STUDY_PASSPHRASE)
    code, out, _ = _run(
        ["coordinator", "status", str(collected.layout.study), "--json", "--overdue-days", "5"],
        capsys,
    )
    assert code == 0
    doc = json.loads(out)
    expected: StudyStatus = study_status(study, overdue_days=5)
    assert doc["overdue_days"] == 5
    assert doc["case_counts"] == {k.value: v for k, v in expected.case_counts().items()}
    assert {c["case_ref"]: c["state"] for c in doc["cases"]} == {
        k: v.value for k, v in expected_case_states(collected.plan).items()
    }
    assert {e["reviewer_ref"]: e["owed"] for e in doc["chase_list"]} == expected_owed(
        collected.plan
    )
    assert doc["concerns"] == expected.concerns.to_json()
    assert [r["reviewer_ref"] for r in doc["reviewers"]] == collected.plan.reviewers()


def test_the_cli_refuses_a_missing_study_and_a_negative_overdue(
    tmp_path: Path, collected: Practice, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _run(["coordinator", "status", str(tmp_path / "nothing")], capsys)
    assert code != 0 and "There is no study" in err
    code, _, err = _run(
        ["coordinator", "status", str(collected.layout.study), "--overdue-days", "-3"], capsys
    )
    assert code == 2 and "--overdue-days" in err


def test_the_cli_text_prints_the_overdue_total_the_window_shows(
    collected: Practice,
    study: Study,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The overview's overdue figure is ``StudyStatus.overdue_total`` (the window's snapshot
    reads ``study_status``); the text says the same number, for the same overdue days."""
    from reviewer_app.services.reconciliation.study_snapshot import read_snapshot

    monkeypatch.setenv("REVIEWER_APP_STUDY_PASSPHRASE", PRACTICE_STUDY_PASSPHRASE)
    owed = sum(len(refs) for refs in expected_owed(collected.plan).values())
    assert owed > 0
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    monkeypatch.setattr(status_module, "utc_now", lambda: tomorrow)
    for days in (0, 28):
        code, out, _ = _run(
            ["coordinator", "status", str(collected.layout.study), "--overdue-days", str(days)],
            capsys,
        )
        assert code == 0
        expected = owed if days == 0 else 0  # the packs were all sent today: due today + days
        window = read_snapshot(study).status if days == 28 else study_status(study, overdue_days=0)
        assert window.overdue_total == expected
        line = (
            f"Overdue: {expected} reviewer assignment(s) (not returned, past the due date: the "
            f"day first sent + {days} days)."
        )
        assert line in out.splitlines()


# --- the reads behind it -------------------------------------------------------------------


def test_the_contents_in_force_are_the_stored_contents_without_their_pdfs(study: Study) -> None:
    from reviewer_app.services.collection.records import in_force_contents, returned_states
    from reviewer_app.storage.study.returns import ReturnsStore

    store = ReturnsStore(study.db)
    got = list(in_force_contents(study))
    assert [s for s, _ in got] == list(returned_states(study).values()) and got
    for state, content in got:
        text, pdf_full, pdf_taskforce = store.content(
            state.case_ref, state.reviewer_ref, state.version
        )
        assert content == json.loads(text) and pdf_full and pdf_taskforce
        assert store.content_text(state.case_ref, state.reviewer_ref, state.version) == text
    with pytest.raises(KeyError):
        store.content_text(got[0][0].case_ref, got[0][0].reviewer_ref, 99)


def test_the_version_summaries_are_read_from_the_covering_index(study: Study) -> None:
    """Versions, newest versions and hand-backs never read a row of the table (whose PDFs,
    stored before ``bundle_id`` and the dates, are about 190 KB a version)."""
    from reviewer_app.storage.study.returns import StoredVersion
    from reviewer_app.storage.study.rows import columns_of

    for sql in (
        f"SELECT {columns_of(StoredVersion)} FROM returned_versions "
        "ORDER BY case_ref, reviewer_ref, version",
        "SELECT DISTINCT case_ref, reviewer_ref FROM returned_versions "
        "WHERE outcome = 'handed_back'",
    ):
        plan = " ".join(str(r[-1]) for r in study.db.query_all(f"EXPLAIN QUERY PLAN {sql}"))
        assert "COVERING INDEX returned_versions_summary" in plan, plan
