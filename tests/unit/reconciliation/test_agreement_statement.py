"""The reliability statement on a hand-made study, against figures worked by hand (and, for
the weighted kappas, scikit-learn on the same pairs).

Ten complete pairs (R01 first, R02 second), plus a blind single review by R01 and a pair whose
outcomes differ (R01 full review, R02 records missing): neither of those is a pair in the
statistics, but R01's two reviews count in R01's own rates.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sklearn.metrics import cohen_kappa_score

from reviewer_app.services.reconciliation.agreement_statement import (
    AgreementStatement,
    agreement_statement,
)
from tests.unit.reconciliation.hand_study import HandStudy, rcp

GRADES_1 = [2, 3, 3, 5, 4, 5, 6, 5, 4, 6]
GRADES_2 = [3, 1, 4, 2, 4, 6, 6, 5, 6, 5]
OVERALL_1 = [2, 3, 3, 4, 2, 4, 5, 3, 4, 4]
OVERALL_2 = [1, 4, 3, 2, 3, 4, 4, 3, 5, 4]
FLUIDS_1 = ["yes", "no", "no", "cannot_tell", "yes", "no", "not_applicable", "no", "no", "yes"]
FLUIDS_2 = ["yes", "no", "yes", "no", "yes", "no", "no", "no", "not_applicable", "no"]


CASES: list[str] = []  # the hand study's case refs, in order


@pytest.fixture(scope="module")
def statement(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgreementStatement]:
    h = HandStudy(tmp_path_factory.mktemp("agreement") / "study", cases=12)
    c = h.case_refs
    h.pair({ref: ("R01", "R02") for ref in c})
    for k in range(10):
        for ref, grades, overall, fluids in (
            ("R01", GRADES_1, OVERALL_1, FLUIDS_1),
            ("R02", GRADES_2, OVERALL_2, FLUIDS_2),
        ):
            # R02 writes avoidability on the Hogan scale: the same judgements, other numbers
            grade = rcp(grades[k]) if ref == "R01" else {"scale": "hogan", "grade": 7 - grades[k]}
            h.put(
                c[k],
                ref,
                {
                    "avoidability.grade": grade,
                    "phase.overall.score": overall[k],
                    "theme.fluids.issue": fluids[k],
                },
            )
    h.put(c[10], "R01", {"avoidability.grade": rcp(1), "phase.overall.score": 1})
    h.put(c[11], "R01", {"avoidability.grade": rcp(6), "phase.overall.score": 5})
    h.put(c[11], "R02", outcome="records_missing")
    try:
        CASES[:] = c
        yield agreement_statement(h.study)
    finally:
        h.close()


def test_pairs_counted(statement: AgreementStatement) -> None:
    assert (statement.pairs, statement.pairs_incomplete, statement.pairs_outcome_differs) == (
        10,
        1,
        1,
    )


def test_avoidability_dichotomised_by_hand(statement: AgreementStatement) -> None:
    s = statement.avoidability.stats
    # both more likely than not: pairs 1, 2; first only: 3; second only: 4; neither: 6
    assert s.table == ((2, 1), (1, 6)) and s.n == 10
    assert s.marginal_first == {"more_likely_than_not": 3, "not_more_likely_than_not": 7}
    assert s.marginal_second == {"more_likely_than_not": 3, "not_more_likely_than_not": 7}
    # po = 8/10; pe = 0.3*0.3 + 0.7*0.7 = 0.58; kappa = 0.22 / 0.42
    assert s.percent_agreement == pytest.approx(80.0)
    assert s.kappa == pytest.approx(0.22 / 0.42, abs=1e-12)
    assert s.pabak == pytest.approx(0.6, abs=1e-12)  # 2 * 0.8 - 1
    assert s.positive_agreement == pytest.approx(4 / 6, abs=1e-12)  # 2a / (2a + b + c)
    assert s.negative_agreement == pytest.approx(12 / 14, abs=1e-12)
    assert s.kappa_interval is not None
    assert s.kappa_interval.lower < s.kappa < s.kappa_interval.upper


def test_grade_and_scores_weighted_as_scikit_learn(statement: AgreementStatement) -> None:
    grade = statement.avoidability_grade.stats
    assert grade.n == 10  # both scales converted to RCP
    for weights, got in (("quadratic", grade.kappa_quadratic), ("linear", grade.kappa_linear)):
        want = cohen_kappa_score(GRADES_1, GRADES_2, labels=[1, 2, 3, 4, 5, 6], weights=weights)
        assert got == pytest.approx(want, abs=1e-9)
    overall = {i.item: i for i in statement.care_scores}["phase.overall.score"].stats
    assert overall.n == 10
    # exact agreement on pairs 3, 6, 8, 10: 40%
    assert overall.percent_agreement == pytest.approx(40.0)
    want = cohen_kappa_score(OVERALL_1, OVERALL_2, labels=[1, 2, 3, 4, 5], weights="quadratic")
    assert overall.kappa_quadratic == pytest.approx(want, abs=1e-9)
    assert overall.marginal_first == {1: 0, 2: 2, 3: 3, 4: 4, 5: 1}
    # phases nobody scored: no pair, no statistic (never zero)
    admission = {i.item: i for i in statement.care_scores}["phase.admission.score"].stats
    assert admission.n == 0 and admission.kappa is None
    assert admission.excluded == {(None, None): 10}


def test_theme_issue_keeps_not_applicable_and_cannot_tell_apart(
    statement: AgreementStatement,
) -> None:
    fluids = {i.item: i for i in statement.themes}["theme.fluids.issue"].stats
    # pairs 4, 7 and 9 hold a special state; the seven others: yes/yes 2, yes/no 1, no/yes 1,
    # no/no 3 -> po = 5/7, pe = 25/49, kappa = (10/49) / (24/49)
    assert fluids.n == 7 and fluids.table == ((2, 1), (1, 3))
    assert fluids.kappa == pytest.approx(10 / 24, abs=1e-12)
    assert fluids.excluded == {
        ("cannot_tell", "no"): 1,
        ("not_applicable", "no"): 1,
        ("no", "not_applicable"): 1,
    }
    assert fluids.special_first == {"cannot_tell": 1, "not_applicable": 1}
    assert fluids.special_second == {"not_applicable": 1}


def test_discordant_cases_and_each_reviewers_rates(statement: AgreementStatement) -> None:
    c = CASES
    # by hand: avoidability splits at 50:50 on pairs 3 (3/4) and 4 (5/2); the overall score
    # is 2 apart on pair 4 (4/2) and across poor/adequate on pair 5 (2/3), while pair 1 (2/1)
    # is poor for both; the twelfth case's outcomes differ; the blind eleventh is not compared
    assert dict(statement.discordant_cases) == {
        c[2]: ("avoidability.grade",),
        c[3]: ("avoidability.grade", "phase.overall.score"),
        c[4]: ("phase.overall.score",),
        c[11]: ("outcome.type",),
    }
    rates = {r.reviewer_ref: r for r in statement.reviewers}
    r1, r2 = rates["R01"], rates["R02"]
    assert r1.reviews == 12 and r2.reviews == 10  # records missing is not a full review
    assert r1.more_likely is not None and (r1.more_likely.count, r1.more_likely.n) == (4, 12)
    assert r2.more_likely is not None and (r2.more_likely.count, r2.more_likely.n) == (3, 10)
    assert r1.overall_mean == pytest.approx(40 / 12) and r2.overall_mean == pytest.approx(3.3)
    assert r1.poor_overall is not None and (r1.poor_overall.count, r1.poor_overall.n) == (3, 12)
    assert r2.poor_overall is not None and (r2.poor_overall.count, r2.poor_overall.n) == (2, 10)


def test_json_is_plain_and_complete(statement: AgreementStatement) -> None:
    data = json.loads(json.dumps(statement.to_json()))
    assert data["pairs"] == 10
    fluids = next(t for t in data["themes_issue_identified"] if t["item"] == "theme.fluids.issue")
    assert (
        fluids["n"] == 7
        and {"first": "cannot_tell", "second": "no", "pairs": 1} in (fluids["excluded"])
    )
    assert (
        data["avoidability_dichotomised"]["kappa_ci95"][0]
        < data["avoidability_dichotomised"]["kappa"]
    )
    assert len(data["themes_issue_identified"]) == 12
