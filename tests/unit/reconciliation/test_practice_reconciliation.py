"""Reconciliation on the collected practice study (real signed returns, through the real
collection path): each case's stage and values in use against what the practice plan says
each reviewer did (counted here from the plan, independently of the code)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.demo.practice_plan import Fate, PracticePlan
from reviewer_app.services.reconciliation.agreement_statement import agreement_statement
from reviewer_app.services.reconciliation.resolved import ValueSource, resolved_cases
from reviewer_app.services.reconciliation.stages import case_stages
from reviewer_app.services.study import Study
from tests.support.practice_fixtures import Practice, practice_copy


@pytest.fixture(scope="module")
def practice(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    copy = practice_copy(tmp_path_factory.mktemp("recon") / "p", tmp_path_factory.getbasetemp())
    with Study.open(copy.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        report = collect(study, copy.layout.shared)
    assert report.totals().get("quarantined", 0) == 0, report.summary_lines()
    return copy


@pytest.fixture
def study(practice: Practice) -> Iterator[Study]:
    with Study.open(practice.layout.study, PRACTICE_STUDY_PASSPHRASE) as opened:
        yield opened


def _returned(plan: PracticePlan, case_ref: str) -> dict[str, Fate]:
    return {
        ref: fate for (ref, case), fate in plan.fates.items() if case == case_ref and fate.returned
    }


def test_stages_match_the_plan(practice: Practice, study: Study) -> None:
    plan = practice.plan
    stages = {row.case_ref: row.stage for row in case_stages(study)}
    for case_ref in plan.pairs:
        got = _returned(plan, case_ref)
        if Fate.HANDED_BACK in got.values():
            want = {CaseStage.HANDED_BACK}
        elif case_ref in plan.joint:
            want = (
                {CaseStage.CLOSED, CaseStage.SECOND_STAGE} if got else {CaseStage.AWAITING_RETURNS}
            )
        elif not got:
            want = {CaseStage.AWAITING_RETURNS}
        elif len(got) == 1:
            want = {CaseStage.ONE_OF_TWO}
        elif set(got.values()) == {Fate.RECORDS_MISSING}:
            want = {CaseStage.RECORDS_MISSING}
        else:  # no consensus is recorded in the practice study
            want = {CaseStage.BOTH_RETURNED, CaseStage.SECOND_STAGE, CaseStage.CLOSED}
        assert stages[case_ref] in want, (case_ref, got, stages[case_ref])


def test_values_in_use_follow_the_mode_and_the_returns(practice: Practice, study: Study) -> None:
    plan = practice.plan
    found = {c.case_ref: c for c in resolved_cases(study)}
    for case_ref in plan.pairs:
        got = _returned(plan, case_ref)
        if not got:
            assert case_ref not in found
            continue
        case = found[case_ref]
        sources = set(case.sources.values())
        if case_ref in plan.joint:
            assert sources == {ValueSource.JOINT}
        elif len(got) == 1:
            assert not case.pair_complete and sources == {ValueSource.SINGLE}
            assert case.discordances == ()
        elif Fate.HANDED_BACK not in got.values():
            assert case.pair_complete and len(case.reviews) == 2
            assert ValueSource.SINGLE not in sources and ValueSource.JOINT not in sources
            assert case.reviewer_refs == plan.pairs[case_ref]


def test_agreement_counts_only_the_complete_independent_pairs(
    practice: Practice, study: Study
) -> None:
    plan = practice.plan
    full = {Fate.SIGNED, Fate.AMENDED, Fate.URGENT}
    complete = [
        c
        for c in plan.pairs
        if c not in plan.joint and len(got := _returned(plan, c)) == 2 and set(got.values()) <= full
    ]
    statement = agreement_statement(study)
    assert statement.pairs == len(complete)
    assert statement.avoidability.stats.pairs == len(complete)


def test_the_agreement_text_is_in_words_not_codes(study: Study) -> None:
    """What the coordinator reads (the window's Report tab, ``coordinator agreement``): the
    avoidability marginals and the values counted apart as words, never a Python dict or a
    stored code such as ``not_applicable``."""
    from reviewer_app.services.reconciliation.text import agreement_lines

    statement = agreement_statement(study)
    lines = agreement_lines(statement)
    text = "\n".join(lines)
    assert "{" not in text and "}" not in text
    marginal = next(line for line in lines if "first reviewer" in line)
    first = statement.avoidability.stats.marginal_first
    expected = ", ".join(f"{str(k).replace('_', ' ')} {n}" for k, n in first.items())
    assert f"first reviewer: {expected};" in marginal
    assert "more likely than not" in marginal
    apart = [line.split("counted apart: ", 1)[1] for line in lines if "counted apart: " in line]
    assert apart, "the practice study counts some answers apart"
    assert all("_" not in part for part in apart)
    assert any("not applicable/not applicable" in part for part in apart)
