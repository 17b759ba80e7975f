"""The report's reliability statement: agreement between the two independent reviews of each
pair, per item, with n and both marginal distributions (``coordinator agreement``).

Computed on the **original** reviews (consensus values never feed agreement) of every pair
whose two independent reviews are both in and both full reviews; a pair whose outcomes differ
is counted apart (``pairs_outcome_differs``), as are incomplete pairs and joint reviews (not
pairs at all). Per item:

- avoidability dichotomised (more likely than not, RCP <= 3, vs not): percentage agreement,
  Cohen's kappa with its 95% interval, PABAK, positive and negative specific agreement;
- the 6-point avoidability grade, converted to the RCP orientation (1 definitely avoidable ...
  6 definitely not), whichever scale each reviewer used: weighted kappa (quadratic, with
  linear as a sensitivity figure);
- each phase's care score and the overall score (1-5): quadratic-weighted kappa, with linear
  as a sensitivity figure; "not applicable" and unanswered are counted apart, never a score;
- each theme's "issue identified" (yes vs no): kappa, with "not applicable", "cannot tell" and
  "unknown" reported apart, by value, never pooled with "no".

Then the discordant cases (each with its discordant items) and each reviewer's own rates over
their full reviews in force in independent review (joint reviews are the pair's, not one
rater's): the share judged more likely than not avoidable (with its Wilson interval), the mean
overall score and the share of overall scores 1-2, each with its n.

The statistics are ``services/report/agreement.py`` and ``proportions.py`` (tested against
scikit-learn and statsmodels); this module only feeds them the pairs.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.domain.definition import ReviewDefinition, default_definition
from reviewer_app.domain.questions import CareScoreQuestion, YesNoQuestion
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.discordance import AVOIDABILITY_ITEM, FULL_REVIEW
from reviewer_app.services.reconciliation.resolved import resolve_from
from reviewer_app.services.reconciliation.states import NOT_ASKED, state_of, value_of
from reviewer_app.services.reconciliation.study_reviews import (
    StudyReviews,
    definition_of,
    read_reviews,
)
from reviewer_app.services.report.agreement import Agreement, agreement
from reviewer_app.services.report.proportions import Proportion, proportion
from reviewer_app.services.study import Study

MORE_LIKELY: Final = "more_likely_than_not"
NOT_MORE_LIKELY: Final = "not_more_likely_than_not"
SCORES: Final = (1, 2, 3, 4, 5)
GRADES: Final = (1, 2, 3, 4, 5, 6)
THEME_SPECIAL: Final = ("not_applicable", "cannot_tell", "unknown", NOT_ASKED)
SCORE_SPECIAL: Final = ("not_applicable", NOT_ASKED)
INVALID: Final = "invalid"
OVERALL_SCORE: Final = "phase.overall.score"


def _key(value: Hashable) -> str:
    return "not_answered" if value is None else str(value)


@dataclass(frozen=True)
class ItemAgreement:
    """One item's agreement (``stats``: the full result of ``report.agreement``)."""

    item: str
    label: str
    stats: Agreement

    def to_json(self) -> dict[str, Any]:
        s = self.stats
        return {
            "item": self.item,
            "label": self.label,
            "pairs": s.pairs,
            "n": s.n,
            "labels": [_key(v) for v in s.labels],
            "table": [list(row) for row in s.table],
            "marginal_first": {_key(k): v for k, v in s.marginal_first.items()},
            "marginal_second": {_key(k): v for k, v in s.marginal_second.items()},
            "special_first": {_key(k): v for k, v in s.special_first.items()},
            "special_second": {_key(k): v for k, v in s.special_second.items()},
            "excluded": [
                {"first": _key(a), "second": _key(b), "pairs": n}
                for (a, b), n in sorted(s.excluded.items(), key=lambda kv: repr(kv[0]))
            ],
            **s.statistics_json(),
        }


def _share(p: Proportion | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {"count": p.count, "n": p.n, "share": p.share, "ci95": [p.lower, p.upper]}


@dataclass(frozen=True)
class ReviewerRates:
    reviewer_ref: str
    reviews: int  # full reviews in force in independent review
    more_likely: Proportion | None  # of the reviews with a valid grade
    overall_n: int  # reviews with an overall score 1-5
    overall_mean: float | None
    poor_overall: Proportion | None  # overall 1-2, of overall_n

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewer_ref": self.reviewer_ref,
            "reviews": self.reviews,
            "more_likely_than_not": _share(self.more_likely),
            "overall_scored": self.overall_n,
            "overall_mean": self.overall_mean,
            "overall_poor_1_2": _share(self.poor_overall),
        }


@dataclass(frozen=True)
class AgreementStatement:
    pairs: int  # complete independent pairs, both full reviews
    pairs_outcome_differs: int  # complete pairs whose outcomes differ (not in the statistics)
    pairs_incomplete: int  # independent pairs with one review in
    avoidability: ItemAgreement
    avoidability_grade: ItemAgreement
    care_scores: tuple[ItemAgreement, ...]
    themes: tuple[ItemAgreement, ...]
    discordant_cases: tuple[tuple[str, tuple[str, ...]], ...]
    reviewers: tuple[ReviewerRates, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "pairs_outcome_differs": self.pairs_outcome_differs,
            "pairs_incomplete": self.pairs_incomplete,
            "avoidability_dichotomised": self.avoidability.to_json(),
            "avoidability_grade_rcp": self.avoidability_grade.to_json(),
            "care_scores": [i.to_json() for i in self.care_scores],
            "themes_issue_identified": [i.to_json() for i in self.themes],
            "discordant_cases": [
                {"case_ref": ref, "items": list(items)} for ref, items in self.discordant_cases
            ],
            "reviewers": [r.to_json() for r in self.reviewers],
        }


def _dichotomised(answers: Mapping[str, Any]) -> str | None:
    grade = parse_avoidability(value_of(answers, AVOIDABILITY_ITEM))
    if grade is None:
        return None
    return MORE_LIKELY if grade.more_likely_than_not_avoidable else NOT_MORE_LIKELY


def _grade(answers: Mapping[str, Any]) -> int | None:
    grade = parse_avoidability(value_of(answers, AVOIDABILITY_ITEM))
    return None if grade is None else grade.rcp_grade


def _coded(answers: Mapping[str, Any], qid: str, labels: Sequence[Hashable]) -> Hashable:
    """A value as the agreement sees it: a category, a special state by name, or None."""
    state = state_of(answers, qid)
    if state.get("state") == NOT_ASKED:
        return NOT_ASKED
    value = value_of(answers, qid)
    if value is None:
        return None
    if value in labels and not isinstance(value, bool):
        return value  # type: ignore[no-any-return]
    return value if isinstance(value, str) and value in THEME_SPECIAL else INVALID


def _item(
    item: str,
    label: str,
    pairs: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
    *,
    labels: Sequence[Hashable],
    special: Sequence[Hashable],
    positive: Hashable | None = None,
    coder: Any = None,
) -> ItemAgreement:
    code = coder or (lambda answers: _coded(answers, item, labels))
    first = [code(a) for a, _ in pairs]
    second = [code(b) for _, b in pairs]
    stats = agreement(
        first,
        second,
        labels,
        special=(*special, INVALID),
        positive=positive,
        item=item,
    )
    return ItemAgreement(item, label, stats)


def _pairs(cases: Sequence[ResolvedCase]) -> tuple[list[ResolvedCase], int, int]:
    used: list[ResolvedCase] = []
    differ = incomplete = 0
    for case in cases:
        if case.mode is ReviewMode.JOINT:
            continue
        if not case.pair_complete:
            incomplete += 1
            continue
        if len(case.reviews) < 2:
            continue
        outcomes = [r.get("review", {}).get("outcome") for r in case.reviews[:2]]
        if outcomes != [FULL_REVIEW, FULL_REVIEW]:
            differ += int(outcomes[0] != outcomes[1])
            continue
        used.append(case)
    return used, differ, incomplete


def _rates(reviews: StudyReviews) -> tuple[ReviewerRates, ...]:
    by_ref: dict[str, list[Mapping[str, Any]]] = {}
    for case_ref, got in reviews.primary.items():
        if reviews.modes.get(case_ref) is ReviewMode.JOINT:
            continue
        for review in got:
            if review.outcome == FULL_REVIEW:
                by_ref.setdefault(review.reviewer_ref, []).append(review.answers)
    rates: list[ReviewerRates] = []
    for ref in sorted(by_ref):
        answers = by_ref[ref]
        graded = [g for g in (_dichotomised(a) for a in answers) if g is not None]
        scores = [
            s
            for s in (value_of(a, OVERALL_SCORE) for a in answers)
            if isinstance(s, int) and not isinstance(s, bool) and 1 <= s <= 5
        ]
        rates.append(
            ReviewerRates(
                reviewer_ref=ref,
                reviews=len(answers),
                more_likely=proportion(sum(g == MORE_LIKELY for g in graded), len(graded)),
                overall_n=len(scores),
                overall_mean=float(Fraction(sum(scores), len(scores))) if scores else None,
                poor_overall=proportion(sum(s <= 2 for s in scores), len(scores)),
            )
        )
    return tuple(rates)


def statement_from(reviews: StudyReviews, definition: ReviewDefinition) -> AgreementStatement:
    cases = resolve_from(reviews)
    used, differ, incomplete = _pairs(cases)
    pairs = [(c.reviews[0].get("answers", {}), c.reviews[1].get("answers", {})) for c in used]
    scores = tuple(
        _item(q.id, section.title, pairs, labels=SCORES, special=SCORE_SPECIAL)
        for section in definition.phases
        for q in section.questions
        if isinstance(q, CareScoreQuestion)
    )
    themes = tuple(
        _item(
            q.id,
            section.title,
            pairs,
            labels=("yes", "no"),
            special=THEME_SPECIAL,
            positive="yes",
        )
        for section in definition.themes
        for q in section.questions
        if isinstance(q, YesNoQuestion) and q.id.endswith(".issue")
    )
    return AgreementStatement(
        pairs=len(used),
        pairs_outcome_differs=differ,
        pairs_incomplete=incomplete,
        avoidability=_item(
            "avoidability.more_likely_than_not",
            "Avoidability: more likely than not (RCP 1-3) vs not",
            pairs,
            labels=(MORE_LIKELY, NOT_MORE_LIKELY),
            special=(),
            positive=MORE_LIKELY,
            coder=_dichotomised,
        ),
        avoidability_grade=_item(
            "avoidability.grade",
            "Avoidability grade (RCP orientation, 1 definitely avoidable)",
            pairs,
            labels=GRADES,
            special=(),
            coder=_grade,
        ),
        care_scores=scores,
        themes=themes,
        discordant_cases=tuple(
            (c.case_ref, tuple(d.item for d in c.discordances)) for c in cases if c.discordances
        ),
        reviewers=_rates(reviews),
    )


def agreement_statement(study: Study) -> AgreementStatement:
    """The reliability statement of a study (see the module docstring)."""
    reviews = read_reviews(study)
    first = next((r for got in reviews.primary.values() for r in got), None)
    if first is None:
        return statement_from(reviews, default_definition())
    return statement_from(reviews, definition_of(first.content))
