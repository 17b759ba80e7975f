"""Proportions with a Wilson score interval (the report's "share more likely than not").

Pure Python (``math``, ``statistics``). The interval is Wilson's (1927) score interval::

    centre = (p + z^2 / (2n)) / (1 + z^2 / n)
    half   = z sqrt(p (1 - p) / n + z^2 / (4 n^2)) / (1 + z^2 / n)

with ``p = count / n`` and ``z`` the normal quantile for the level (1.959964 for 95%): the
formula of statsmodels' ``proportion_confint(count, nobs, alpha, method="wilson")``, which the
tests match to 1e-9. At ``count == 0`` the lower bound is exactly 0 and at ``count == n`` the
upper bound exactly 1 (the formula gives them up to rounding). With ``n == 0`` there is no
proportion and no interval: ``None``, where statsmodels returns ``nan``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist


@dataclass(frozen=True)
class Proportion:
    """``count`` out of ``n``, its share and Wilson interval at ``level``."""

    count: int
    n: int
    share: float
    lower: float
    upper: float
    level: float

    @property
    def percent(self) -> float:
        return 100.0 * self.share


def wilson_interval(count: int, n: int, level: float = 0.95) -> tuple[float, float] | None:
    """The Wilson score interval for ``count`` successes in ``n`` (``None`` when ``n == 0``)."""
    _check(count, n, level)
    if n == 0:
        return None
    z = NormalDist().inv_cdf(0.5 + level / 2)
    z2 = z * z
    p = count / n
    denominator = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denominator
    lower = 0.0 if count == 0 else max(0.0, centre - half)
    upper = 1.0 if count == n else min(1.0, centre + half)
    return lower, upper


def proportion(count: int, n: int, level: float = 0.95) -> Proportion | None:
    """``count`` of ``n`` with its share and Wilson interval (``None`` when ``n == 0``)."""
    interval = wilson_interval(count, n, level)
    if interval is None:
        return None
    return Proportion(count, n, count / n, interval[0], interval[1], level)


def _check(count: int, n: int, level: float) -> None:
    if isinstance(count, bool) or isinstance(n, bool):
        raise TypeError("counts are whole numbers, not booleans")
    if not isinstance(count, int) or not isinstance(n, int):
        raise TypeError("counts are whole numbers")
    if n < 0 or not 0 <= count <= n:
        raise ValueError(f"a count must be between 0 and n: {count} of {n}")
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level}")
