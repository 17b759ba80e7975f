"""Wilson intervals against a figure worked by hand and statsmodels' proportion_confint."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from reviewer_app.services.report.proportions import proportion, wilson_interval


def _statsmodels(count: int, n: int, level: float) -> tuple[float, float]:
    low, high = proportion_confint(count, n, alpha=1 - level, method="wilson")
    return float(low), float(high)


def test_worked_by_hand() -> None:
    """6 of 40 deaths judged more likely than not avoidable, 95%: z = 1.959964, z^2 = 3.841459.
    p = .15; 1 + z^2/n = 1.096037; centre = (.15 + 3.841459/80) / 1.096037 = .198018/1.096037
    = .180668; half = 1.959964 sqrt(.15 * .85/40 + 3.841459/6400) / 1.096037
    = 1.959964 * sqrt(.0031875 + .00060023) / 1.096037 = 1.959964 * .0615445 / 1.096037
    = .120625 / 1.096037 = .110056; interval (.070612, .290724)."""
    result = proportion(6, 40)
    assert result is not None
    assert result.share == 0.15 and result.percent == pytest.approx(15.0)
    assert result.lower == pytest.approx(0.070612, abs=2e-6)
    assert result.upper == pytest.approx(0.290724, abs=2e-6)
    assert (result.lower, result.upper) == pytest.approx(_statsmodels(6, 40, 0.95), abs=1e-12)


@pytest.mark.parametrize(("count", "n"), [(0, 1), (0, 10), (10, 10), (1, 1), (0, 400), (400, 400)])
def test_edges_equal_statsmodels(count: int, n: int) -> None:
    interval = wilson_interval(count, n)
    assert interval is not None
    assert interval == pytest.approx(_statsmodels(count, n, 0.95), abs=1e-9)
    if count == 0:
        assert interval[0] == 0.0
    if count == n:
        assert interval[1] == 1.0


def test_no_denominator() -> None:
    """n = 0: statsmodels gives nan (and warns), we give None."""
    with pytest.warns(RuntimeWarning):
        low, high = proportion_confint(0, 0, method="wilson")
    assert math.isnan(low) and math.isnan(high)
    assert wilson_interval(0, 0) is None
    assert proportion(0, 0) is None


@settings(max_examples=400, derandomize=True, deadline=None)
@given(
    st.integers(1, 5000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from([0.8, 0.9, 0.95, 0.99]),
)
def test_random_counts_equal_statsmodels(case: tuple[int, int], level: float) -> None:
    count, n = case
    ours = wilson_interval(count, n, level)
    assert ours is not None
    theirs = _statsmodels(count, n, level)
    assert ours[0] == pytest.approx(theirs[0], abs=1e-9)
    assert ours[1] == pytest.approx(theirs[1], abs=1e-9)
    assert 0.0 <= ours[0] <= count / n <= ours[1] <= 1.0
    assert not math.isnan(ours[0])


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError):
        wilson_interval(5, 4)
    with pytest.raises(ValueError):
        wilson_interval(-1, 4)
    with pytest.raises(ValueError):
        wilson_interval(1, 4, level=1.0)
    with pytest.raises(TypeError):
        wilson_interval(True, 4)
    with pytest.raises(TypeError):
        wilson_interval(1.0, 4)  # type: ignore[arg-type]
