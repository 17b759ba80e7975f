"""Agreement statistics against figures worked by hand, scikit-learn and statsmodels."""

from __future__ import annotations

import math
import warnings
from collections.abc import Hashable, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import cohens_kappa

from reviewer_app.domain.values import CANNOT_TELL, NO, NOT_APPLICABLE, UNKNOWN, YES
from reviewer_app.services.report.agreement import (
    agreement,
    cohen_kappa,
    confusion_table,
    kappa_interval,
    kappa_standard_error,
    pabak,
    specific_agreement,
)

SPECIAL = {NOT_APPLICABLE, CANNOT_TELL, UNKNOWN}
WEIGHTS: tuple[str | None, ...] = (None, "linear", "quadratic")


def _pairs(table: Sequence[Sequence[int]], labels: Sequence[Hashable]) -> tuple[list, list]:  # type: ignore[type-arg]
    first: list[Hashable] = []
    second: list[Hashable] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            first += [labels[i]] * count
            second += [labels[j]] * count
    return first, second


def _sklearn(first: list, second: list, labels: list, weights: str | None) -> float:  # type: ignore[type-arg]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        return float(cohen_kappa_score(first, second, labels=labels, weights=weights))


def test_2x2_worked_by_hand() -> None:
    """Avoidability dichotomised, 50 pairs (rows: first review, columns: second)::

                      second: MLTN   not | total
        first: MLTN            20     5  |  25
               not             10    15  |  25
                               30    20  |  50

    po = (20 + 15) / 50 = 0.70; pe = (25*30 + 25*20) / 50^2 = 1250 / 2500 = 0.50;
    kappa = (0.70 - 0.50) / (1 - 0.50) = 0.40. PABAK = 2 * 0.70 - 1 = 0.40.
    Positive agreement 2*20 / (2*20 + 5 + 10) = 40/55 = 0.7272...; negative 2*15 / (30 + 15)
    = 0.6666...

    Fleiss-Cohen-Everitt SE, p = table / 50 = [[.4, .1], [.2, .3]], row marginals .5, .5,
    column marginals .6, .4, 1 - kappa = .6:
      A = .4 (1 - (.5 + .6) .6)^2 + .3 (1 - (.5 + .4) .6)^2 = .4 * .34^2 + .3 * .46^2
        = .04624 + .06348 = .10972
      B = .6^2 (.1 (.6 + .5)^2 + .2 (.4 + .5)^2) = .36 (.121 + .162) = .10188
      C = (.4 - .5 * .6)^2 = .01
      var = (.10972 + .10188 - .01) / (50 * .5^2) = .2016 / 12.5 = .016128; SE = .126996
      95%: .4 -/+ 1.959964 * .126996 = (.151092, .648908).
    Cohen 1960 SE: sqrt(.7 * .3 / 50) / .5 = .129615.
    """
    labels = ["mltn", "not"]
    first, second = _pairs([[20, 5], [10, 15]], labels)
    result = agreement(first, second, labels, positive="mltn", item="avoidability")
    assert result.n == 50 and result.pairs == 50
    assert result.table == ((20, 5), (10, 15))
    assert result.marginal_first == {"mltn": 25, "not": 25}
    assert result.marginal_second == {"mltn": 30, "not": 20}
    assert result.observed_agreement == pytest.approx(0.70, abs=1e-15)
    assert result.percent_agreement == pytest.approx(70.0, abs=1e-12)
    assert result.expected_agreement == pytest.approx(0.50, abs=1e-15)
    assert result.kappa == pytest.approx(0.40, abs=1e-15)
    assert result.kappa_linear == result.kappa_quadratic == result.kappa
    assert result.pabak == pytest.approx(0.40, abs=1e-15)
    assert result.positive_agreement == pytest.approx(40 / 55, abs=1e-15)
    assert result.negative_agreement == pytest.approx(30 / 45, abs=1e-15)
    assert result.kappa_se == pytest.approx(math.sqrt(0.016128), abs=1e-12)
    assert result.kappa_se == pytest.approx(0.126996, abs=1e-6)
    assert result.kappa_se_cohen1960 == pytest.approx(math.sqrt(0.7 * 0.3 / 50) / 0.5, abs=1e-12)
    interval = result.kappa_interval
    assert interval is not None
    assert interval.lower == pytest.approx(0.151092, abs=1e-6)
    assert interval.upper == pytest.approx(0.648908, abs=1e-6)
    assert len(result.discordant) == 15
    # and the references agree
    assert result.kappa == pytest.approx(_sklearn(first, second, labels, None), abs=1e-12)
    reference = cohens_kappa([[20, 5], [10, 15]], return_results=True)
    assert result.kappa_se == pytest.approx(reference.std_kappa, abs=1e-12)


def test_hand_made_tables_equal_sklearn() -> None:
    cases: list[tuple[list[list[int]], list[Hashable]]] = [
        (
            [[3, 1, 0, 0, 0], [1, 5, 2, 0, 0], [0, 2, 8, 1, 0], [0, 0, 1, 6, 1], [0, 0, 0, 2, 4]],
            [1, 2, 3, 4, 5],
        ),
        ([[0, 4], [6, 0]], ["yes", "no"]),  # complete disagreement
        ([[5, 0, 0], [0, 3, 0], [0, 0, 0]], ["a", "b", "c"]),  # one category empty
        ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], ["x", "y", "z"]),
        (
            [
                [0, 0, 1, 0, 0, 0],
                [0, 2, 1, 0, 0, 0],
                [0, 0, 4, 2, 0, 0],
                [0, 0, 0, 3, 1, 0],
                [0, 0, 0, 0, 1, 1],
                [0, 0, 0, 0, 0, 0],
            ],
            [1, 2, 3, 4, 5, 6],
        ),  # RCP grade
    ]
    for table, labels in cases:
        first, second = _pairs(table, labels)
        result = agreement(first, second, labels)
        assert result.table == tuple(tuple(r) for r in table)
        for weights, ours in zip(
            WEIGHTS, (result.kappa, result.kappa_linear, result.kappa_quadratic), strict=True
        ):
            assert ours is not None
            assert ours == pytest.approx(_sklearn(first, second, labels, weights), abs=1e-9)


def test_complete_disagreement_is_minus_one() -> None:
    assert cohen_kappa(((0, 5), (5, 0))) == pytest.approx(-1.0, abs=1e-15)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(
                st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), min_size=1, max_size=80
            ),
        )
    )
)
def test_random_ratings_equal_sklearn(case: tuple[int, list[tuple[int, int]]]) -> None:
    k, pairs = case
    labels = [f"c{i}" for i in range(k)]
    first = [labels[a] for a, _ in pairs]
    second = [labels[b] for _, b in pairs]
    result = agreement(first, second, labels)
    for weights, ours in zip(
        WEIGHTS, (result.kappa, result.kappa_linear, result.kappa_quadratic), strict=True
    ):
        theirs = _sklearn(first, second, labels, weights)
        if math.isnan(theirs):
            assert ours is None
        else:
            assert ours == pytest.approx(theirs, abs=1e-9)
    assert result.pabak == pytest.approx((k * result.observed_agreement - 1) / (k - 1), abs=1e-12)  # type: ignore[operator]


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    st.integers(2, 5).flatmap(
        lambda k: st.lists(
            st.lists(st.integers(0, 30), min_size=k, max_size=k), min_size=k, max_size=k
        )
    )
)
def test_random_tables_se_equals_statsmodels(table: list[list[int]]) -> None:
    frozen = tuple(tuple(r) for r in table)
    se = kappa_standard_error(frozen)
    if cohen_kappa(frozen) is None:
        assert se is None
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        reference = cohens_kappa(table, return_results=True)
    assert se == pytest.approx(math.sqrt(max(reference.var_kappa, 0.0)), abs=1e-9)


def test_all_agree_on_one_category() -> None:
    """Both reviewers said "not" for every pair: chance agreement is 1, kappa is 0/0.
    scikit-learn returns nan (with a warning); we return None, and say 100% agreement."""
    labels = ["mltn", "not"]
    first = second = ["not"] * 12
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(cohen_kappa_score(first, second, labels=labels))
    with pytest.warns(UndefinedMetricWarning):
        assert math.isnan(cohen_kappa_score(first, second, labels=labels, weights="quadratic"))
    result = agreement(first, second, labels, positive="mltn")
    assert result.kappa is None and result.kappa_linear is None and result.kappa_quadratic is None
    assert result.kappa_interval is None and result.kappa_se is None
    assert result.percent_agreement == 100.0
    assert result.pabak == 1.0
    assert result.positive_agreement is None  # nobody said "more likely than not"
    assert result.negative_agreement == 1.0
    assert result.marginal_first == {"mltn": 0, "not": 12}


def test_one_category_empty_is_not_degenerate() -> None:
    labels = [1, 2, 3, 4, 5]
    first = [1, 2, 2, 3, 3, 4, 4, 4]
    second = [1, 2, 3, 3, 4, 4, 4, 3]  # nobody scored 5
    result = agreement(first, second, labels)
    assert result.marginal_first[5] == 0 and result.marginal_second[5] == 0
    for weights, ours in zip(
        WEIGHTS, (result.kappa, result.kappa_linear, result.kappa_quadratic), strict=True
    ):
        assert ours == pytest.approx(_sklearn(first, second, labels, weights), abs=1e-9)
    # PABAK counts the five declared categories, used or not
    assert result.pabak == pytest.approx((5 * 5 / 8 - 1) / 4, abs=1e-15)


def test_no_usable_pair() -> None:
    result = agreement([NOT_APPLICABLE, None], [NO, CANNOT_TELL], [YES, NO], special=SPECIAL)
    assert result.n == 0 and result.pairs == 2
    assert result.kappa is None and result.observed_agreement is None and result.pabak is None
    assert result.percent_agreement is None and result.kappa_interval is None


def test_special_states_are_counted_apart_never_pooled_with_no() -> None:
    """A theme's "issue identified": not applicable, cannot tell and unanswered are reported
    apart and leave the kappa; treating them as "no" would change it."""
    first = [YES, YES, NO, NO, NO, YES, NOT_APPLICABLE, CANNOT_TELL, None, NO]
    second = [YES, NO, NO, NO, YES, YES, NOT_APPLICABLE, NO, NO, UNKNOWN]
    result = agreement(first, second, [YES, NO], special=SPECIAL, positive=YES)
    assert result.n == 6 and result.pairs == 10
    assert result.excluded == {
        (NOT_APPLICABLE, NOT_APPLICABLE): 1,
        (CANNOT_TELL, NO): 1,
        (None, NO): 1,
        (NO, UNKNOWN): 1,
    }
    assert result.special_first == {NOT_APPLICABLE: 1, CANNOT_TELL: 1, None: 1}
    assert result.special_second == {NOT_APPLICABLE: 1, UNKNOWN: 1}
    kept = agreement(first[:6], second[:6], [YES, NO])
    assert (
        result.kappa
        == kept.kappa
        == pytest.approx(_sklearn(first[:6], second[:6], [YES, NO], None), abs=1e-12)
    )
    pooled = [NO if v in SPECIAL or v is None else v for v in first]
    pooled_second = [NO if v in SPECIAL or v is None else v for v in second]
    assert agreement(pooled, pooled_second, [YES, NO]).kappa != result.kappa
    assert result.discordant == (1, 4)


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="neither a category"):
        agreement([YES, "maybe"], [YES, NO], [YES, NO])
    with pytest.raises(ValueError, match="length"):
        agreement([YES], [YES, NO], [YES, NO])
    with pytest.raises(ValueError, match="repeat"):
        agreement([YES], [YES], [YES, YES])
    with pytest.raises(ValueError, match="special"):
        agreement([YES], [YES], [YES, NOT_APPLICABLE], special=SPECIAL)
    with pytest.raises(ValueError, match="exactly two"):
        agreement([1], [1], [1, 2, 3], positive=1)
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa(((1, 0), (0, 1)), "cubic")  # type: ignore[arg-type]


def test_small_helpers() -> None:
    table = confusion_table(["a", "b", "a"], ["a", "a", "a"], ["a", "b", "c"])
    assert table == ((2, 0, 0), (1, 0, 0), (0, 0, 0))
    assert pabak(((3,),)) is None  # one category
    assert specific_agreement(((0, 0), (0, 4))) == (None, 1.0)
    assert specific_agreement(((4, 1), (1, 4)), positive=1) == (0.8, 0.8)
    perfect = kappa_interval(((6, 0), (0, 4)))
    assert perfect is not None and perfect.lower == perfect.upper == 1.0
    wide = kappa_interval(((1, 1), (1, 1)), level=0.99)
    assert wide is not None and wide.lower >= -1.0 and wide.level == 0.99
