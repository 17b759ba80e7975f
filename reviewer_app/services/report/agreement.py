"""Agreement between the two independent reviews of a pair: the report's reliability statement.

Input is paired ratings: two sequences of the same length, ``first[k]`` and ``second[k]`` being
the two reviewers' answers to one item on the ``k``-th double-reviewed case. ``labels`` lists
the item's categories **in their order** (the order is what the weighted kappas weight: the
distance between categories ``i`` and ``j`` is ``|i - j|``, as scikit-learn's
``cohen_kappa_score`` uses the position in ``labels``). Categories nobody used still count: they
are rows and columns of zeros, and they count in ``k`` for PABAK.

Special states (not applicable, cannot tell, unknown, not answered) are never a category.
Values in ``special`` (and ``None``, counted as not answered) take a pair out of the kappa: the
pair is counted apart, with both raters' special values, in :attr:`Agreement.excluded` and in
the per-rater counts, and is never pooled with "no" (method rule 10). A value that is neither a
label nor special is an error (:class:`ValueError`), where scikit-learn would silently drop it.

Everything here is pure Python (``fractions``, ``math``, ``statistics``): the app ships without
numpy or scipy. Kappa and the proportions of agreement are computed in exact rational
arithmetic and only then turned into floats, so they equal scikit-learn's
``cohen_kappa_score(first, second, labels=labels, weights=None | "linear" | "quadratic")`` to
floating-point rounding (the tests compare to 1e-9).

Degenerate tables, where scikit-learn returns ``nan`` (with an ``UndefinedMetricWarning``):

* no usable pair at all (``n == 0``): every statistic is ``None``;
* both reviewers used one and the same category for every pair (all agree on one category):
  the chance-expected agreement is 1, kappa is 0/0 and is reported as ``None`` ("not
  defined"), beside a percentage agreement of 100%. PABAK and specific agreement stay defined.

A table where one category is empty (no reviewer used it) is not degenerate: kappa is defined
as usual and equals scikit-learn's. Where the raters disagree completely kappa is negative
(down to -1 for a symmetric two-category table) and is reported as such.

The confidence interval for unweighted kappa uses the large-sample standard error of Fleiss,
Cohen & Everitt (1969), the non-null variance (not the simpler Cohen 1960 approximation
``sqrt(po (1 - po) / n) / (1 - pe)``, which is also returned as
:attr:`Agreement.kappa_se_cohen1960` for reference)::

    var = (A + B - C) / (n (1 - pe)^2)
    A   = sum_i p_ii (1 - (p_i. + p_.i)(1 - kappa))^2
    B   = (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2
    C   = (kappa - pe (1 - kappa))^2

and the interval is ``kappa +/- z * se`` with ``z`` the normal quantile (1.959964 for 95%),
clipped to [-1, 1]; the same SE as statsmodels' ``cohens_kappa(...).std_kappa``. It is a
large-sample interval: with few pairs it is too narrow, and with perfect agreement its width is
zero. It is ``None`` where kappa is.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from statistics import NormalDist
from typing import Any, Literal

Weights = Literal["linear", "quadratic"] | None
Table = tuple[tuple[int, ...], ...]

NOT_ANSWERED: None = None
"""An unanswered item (no value stored): counted apart like the other special states."""


@dataclass(frozen=True)
class KappaInterval:
    """A confidence interval for unweighted kappa (Fleiss, Cohen & Everitt 1969 SE)."""

    lower: float
    upper: float
    level: float


@dataclass(frozen=True)
class Agreement:
    """The agreement statistics of one item over the double-reviewed pairs.

    ``table[i][j]`` counts the pairs where the first review said ``labels[i]`` and the second
    ``labels[j]``; ``n`` is its total (the pairs with a category from both reviewers).
    ``pairs`` is every pair offered, ``excluded`` the pairs left out because either review held
    a special state, keyed by the two values ``(first, second)`` (one of which may be a
    category). A statistic that is not defined is ``None`` (see the module docstring).
    """

    item: str
    labels: tuple[Hashable, ...]
    table: Table
    n: int
    pairs: int
    marginal_first: dict[Hashable, int]
    marginal_second: dict[Hashable, int]
    special_first: dict[Hashable, int]
    special_second: dict[Hashable, int]
    excluded: dict[tuple[Hashable, Hashable], int]
    observed_agreement: float | None
    expected_agreement: float | None
    kappa: float | None
    kappa_linear: float | None
    kappa_quadratic: float | None
    kappa_se: float | None
    kappa_se_cohen1960: float | None
    kappa_interval: KappaInterval | None
    pabak: float | None
    positive: Hashable | None = None
    positive_agreement: float | None = None
    negative_agreement: float | None = None
    discordant: tuple[int, ...] = field(default=())

    def statistics_json(self) -> dict[str, Any]:
        """The statistics as the report's JSON and the agreement statement both write them."""
        interval = self.kappa_interval
        return {
            "percent_agreement": self.percent_agreement,
            "kappa": self.kappa,
            "kappa_ci95": None if interval is None else [interval.lower, interval.upper],
            "kappa_linear": self.kappa_linear,
            "kappa_quadratic": self.kappa_quadratic,
            "pabak": self.pabak,
            "positive_agreement": self.positive_agreement,
            "negative_agreement": self.negative_agreement,
        }

    @property
    def percent_agreement(self) -> float | None:
        """Observed agreement as a percentage (``None`` with no usable pair)."""
        return None if self.observed_agreement is None else 100.0 * self.observed_agreement


def confusion_table(
    first: Sequence[Hashable], second: Sequence[Hashable], labels: Sequence[Hashable]
) -> Table:
    """The k x k table of counts (rows: first review, columns: second) of pairs whose two
    values are both in ``labels``. Other pairs are not counted (filter special states first:
    :func:`agreement` does)."""
    if len(first) != len(second):
        raise ValueError(f"paired ratings differ in length: {len(first)} and {len(second)}")
    index = _label_index(labels)
    cells = [[0] * len(labels) for _ in labels]
    for a, b in zip(first, second, strict=True):
        if a in index and b in index:
            cells[index[a]][index[b]] += 1
    return tuple(tuple(row) for row in cells)


def observed_agreement(table: Table) -> float | None:
    """The share of pairs on the diagonal, ``po`` (``None`` for an empty table)."""
    po = _observed_agreement_exact(table)
    return None if po is None else float(po)


def cohen_kappa(table: Table, weights: Weights = None) -> float | None:
    """Cohen's kappa of a square table, unweighted or linear/quadratic weighted.

    ``1 - sum(w * observed) / sum(w * expected)`` with ``w[i][j]`` = 1 off the diagonal
    (unweighted), ``|i - j|`` (linear) or ``(i - j)^2`` (quadratic): scikit-learn's formula,
    computed exactly. ``None`` where the denominator is zero (no pair, or both raters used
    one and the same category throughout), where scikit-learn returns ``nan``.
    """
    value = _kappa_exact(table, weights)
    return None if value is None else float(value)


def kappa_standard_error(table: Table) -> float | None:
    """The Fleiss, Cohen & Everitt (1969) large-sample SE of unweighted kappa (``None`` where
    kappa is not defined)."""
    n = _total(table)
    kappa = _kappa_exact(table, None)
    if kappa is None:
        return None
    k = len(table)
    p = [[Fraction(table[i][j], n) for j in range(k)] for i in range(k)]
    row = [sum(p[i]) for i in range(k)]
    col = [sum(p[i][j] for i in range(k)) for j in range(k)]
    pe = sum(row[i] * col[i] for i in range(k))
    a = sum(p[i][i] * (1 - (row[i] + col[i]) * (1 - kappa)) ** 2 for i in range(k))
    b = (1 - kappa) ** 2 * sum(
        p[i][j] * (col[i] + row[j]) ** 2 for i in range(k) for j in range(k) if i != j
    )
    c = (kappa - pe * (1 - kappa)) ** 2
    variance = (a + b - c) / (n * (1 - pe) ** 2)
    # exact arithmetic: the variance is never negative, though it may be exactly zero
    return math.sqrt(max(float(variance), 0.0))


def kappa_standard_error_cohen1960(table: Table) -> float | None:
    """Cohen's (1960) simpler SE, ``sqrt(po (1 - po) / n) / (1 - pe)`` (for reference)."""
    n = _total(table)
    if _kappa_exact(table, None) is None:
        return None
    po = _observed_agreement_exact(table)
    pe = _expected_agreement_exact(table)
    assert po is not None and pe is not None
    return math.sqrt(float(po * (1 - po) / n)) / float(1 - pe)


def kappa_interval(table: Table, level: float = 0.95) -> KappaInterval | None:
    """``kappa +/- z * se`` (Fleiss, Cohen & Everitt 1969 SE), clipped to [-1, 1]."""
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level}")
    kappa = cohen_kappa(table)
    se = kappa_standard_error(table)
    if kappa is None or se is None:
        return None
    z = NormalDist().inv_cdf(0.5 + level / 2)
    return KappaInterval(max(-1.0, kappa - z * se), min(1.0, kappa + z * se), level)


def pabak(table: Table) -> float | None:
    """Prevalence-adjusted bias-adjusted kappa, ``(k po - 1) / (k - 1)`` with ``k`` the
    number of categories (declared, used or not); ``2 po - 1`` for two. ``None`` for fewer
    than two categories or no pair."""
    k = len(table)
    po = _observed_agreement_exact(table)
    if k < 2 or po is None:
        return None
    return float((k * po - 1) / (k - 1))


def specific_agreement(table: Table, positive: int = 0) -> tuple[float | None, float | None]:
    """Positive and negative specific agreement of a 2 x 2 table, ``2a / (2a + b + c)`` and
    ``2d / (2d + b + c)``, ``a`` being the pairs where both said the category at index
    ``positive`` and ``d`` where both said the other. Each is ``None`` where its denominator
    is zero (neither rater ever used that category)."""
    if len(table) != 2:
        raise ValueError("specific agreement needs exactly two categories")
    if positive not in (0, 1):
        raise ValueError("positive is the index of a category: 0 or 1")
    other = 1 - positive
    a = table[positive][positive]
    d = table[other][other]
    off = table[0][1] + table[1][0]
    pos = None if 2 * a + off == 0 else float(Fraction(2 * a, 2 * a + off))
    neg = None if 2 * d + off == 0 else float(Fraction(2 * d, 2 * d + off))
    return pos, neg


def agreement(
    first: Sequence[Hashable],
    second: Sequence[Hashable],
    labels: Sequence[Hashable],
    *,
    special: Collection[Hashable] = (),
    positive: Hashable | None = None,
    item: str = "",
    level: float = 0.95,
) -> Agreement:
    """All the agreement statistics of one item (see the module docstring).

    ``labels`` are the ordered categories; ``special`` the values counted apart (``None`` is
    always special: not answered). ``positive`` names the positive category of a
    two-category item (e.g. "more likely than not") for specific agreement; without it the
    specific agreements are ``None``. ``discordant`` lists the indices of the pairs (in the
    input order) whose two categories differ.
    """
    index = _check_ratings(first, second, labels, special, positive)
    split = _split_pairs(first, second, set(special))
    kept_first, kept_second = split.kept_first, split.kept_second
    excluded, discordant = split.excluded, split.discordant
    special_first, special_second = split.special_first, split.special_second

    table = confusion_table(kept_first, kept_second, labels)
    n = _total(table)
    k = len(labels)
    pe = _expected_agreement_exact(table)
    pos_agree: float | None = None
    neg_agree: float | None = None
    if positive is not None and n:
        pos_agree, neg_agree = specific_agreement(table, index[positive])
    return Agreement(
        item=item,
        labels=tuple(labels),
        table=table,
        n=n,
        pairs=len(first),
        marginal_first={labels[i]: sum(table[i]) for i in range(k)},
        marginal_second={labels[j]: sum(table[i][j] for i in range(k)) for j in range(k)},
        special_first=dict(special_first),
        special_second=dict(special_second),
        excluded=dict(excluded),
        observed_agreement=observed_agreement(table),
        expected_agreement=None if pe is None else float(pe),
        kappa=cohen_kappa(table),
        kappa_linear=cohen_kappa(table, "linear"),
        kappa_quadratic=cohen_kappa(table, "quadratic"),
        kappa_se=kappa_standard_error(table),
        kappa_se_cohen1960=kappa_standard_error_cohen1960(table),
        kappa_interval=kappa_interval(table, level),
        pabak=pabak(table),
        positive=positive,
        positive_agreement=pos_agree,
        negative_agreement=neg_agree,
        discordant=tuple(discordant),
    )


@dataclass
class _Split:
    """Pairs with a category from both reviewers, and the rest counted apart."""

    kept_first: list[Hashable] = field(default_factory=list)
    kept_second: list[Hashable] = field(default_factory=list)
    excluded: Counter[tuple[Hashable, Hashable]] = field(default_factory=Counter)
    special_first: Counter[Hashable] = field(default_factory=Counter)
    special_second: Counter[Hashable] = field(default_factory=Counter)
    discordant: list[int] = field(default_factory=list)


def _check_ratings(
    first: Sequence[Hashable],
    second: Sequence[Hashable],
    labels: Sequence[Hashable],
    special: Collection[Hashable],
    positive: Hashable | None,
) -> dict[Hashable, int]:
    """Refuse ratings :func:`agreement` cannot count; the labels' positions."""
    if len(first) != len(second):
        raise ValueError(f"paired ratings differ in length: {len(first)} and {len(second)}")
    index = _label_index(labels)
    special_set = set(special)
    if overlap := [label for label in labels if label in special_set]:
        raise ValueError(f"a category cannot also be a special state: {overlap!r}")
    if positive is not None:
        if len(labels) != 2:
            raise ValueError("a positive category needs an item with exactly two categories")
        if positive not in index:
            raise ValueError(f"positive category {positive!r} is not one of {list(labels)!r}")
    unknown = sorted(
        {repr(v) for v in (*first, *second) if v not in index and not _is_special(v, special_set)}
    )
    if unknown:
        raise ValueError(f"values neither a category nor a special state: {', '.join(unknown)}")
    return index


def _is_special(value: Hashable, special: Collection[Hashable]) -> bool:
    return value is None or value in special


def _split_pairs(
    first: Sequence[Hashable], second: Sequence[Hashable], special: Collection[Hashable]
) -> _Split:
    split = _Split()
    for position, (a, b) in enumerate(zip(first, second, strict=True)):
        if _is_special(a, special):
            split.special_first[a] += 1
        if _is_special(b, special):
            split.special_second[b] += 1
        if _is_special(a, special) or _is_special(b, special):
            split.excluded[(a, b)] += 1
            continue
        split.kept_first.append(a)
        split.kept_second.append(b)
        if a != b:
            split.discordant.append(position)
    return split


def _label_index(labels: Sequence[Hashable]) -> dict[Hashable, int]:
    index = {label: i for i, label in enumerate(labels)}
    if len(index) != len(labels):
        raise ValueError(f"categories repeat: {list(labels)!r}")
    if None in index:
        raise ValueError("None is 'not answered', never a category")
    return index


def _total(table: Table) -> int:
    if any(len(row) != len(table) for row in table):
        raise ValueError("an agreement table must be square")
    return sum(sum(row) for row in table)


def _observed_agreement_exact(table: Table) -> Fraction | None:
    """``po``, the share of pairs on the diagonal, exactly (``None`` for an empty table)."""
    n = _total(table)
    if n == 0:
        return None
    return Fraction(sum(table[i][i] for i in range(len(table))), n)


def _expected_agreement_exact(table: Table) -> Fraction | None:
    n = _total(table)
    if n == 0:
        return None
    k = len(table)
    return sum(
        (Fraction(sum(table[i]) * sum(table[r][i] for r in range(k)), n * n) for i in range(k)),
        Fraction(0),
    )


def _kappa_exact(table: Table, weights: Weights) -> Fraction | None:
    if weights not in (None, "linear", "quadratic"):
        raise ValueError(f"weights must be None, 'linear' or 'quadratic', not {weights!r}")
    n = _total(table)
    if n == 0:
        return None
    k = len(table)
    row = [sum(table[i]) for i in range(k)]
    col = [sum(table[i][j] for i in range(k)) for j in range(k)]

    def weight(i: int, j: int) -> int:
        if weights is None:
            return 0 if i == j else 1
        if weights == "linear":
            return abs(i - j)
        return (i - j) ** 2

    observed = sum(weight(i, j) * table[i][j] for i in range(k) for j in range(k))
    # expected counts are row[i] * col[j] / n; scale both sums by n to stay in integers
    expected = sum(weight(i, j) * row[i] * col[j] for i in range(k) for j in range(k))
    if expected == 0:
        return None
    return 1 - Fraction(observed * n, expected)
