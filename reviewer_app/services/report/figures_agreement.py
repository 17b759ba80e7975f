"""Section 7, agreement between the two independent reviews of a pair (the reliability
statement), with the caveat that single-reviewer avoidability judgements are unreliable.

Computed from the originals (``ResolvedCase.reviews``, never the consensus) of every complete
independent pair, with ``agreement.py``: percentage agreement; Cohen's kappa on avoidability
dichotomised (more likely than not vs not) with its 95% interval, PABAK and positive and
negative specific agreement; quadratic-weighted kappa (linear beside it) on each care score
and on the six-point grade (in RCP orientation). Not applicable, not answered and the other
special states take a pair out of an item's kappa and are counted apart (``excluded``).
Reconciliation's own agreement statement (``ReportInput.agreement``), when given, is printed
as it is in the JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.avoidability import parse_avoidability
from reviewer_app.services.report.agreement import Agreement, agreement
from reviewer_app.services.report.source import ReportInput

CAVEAT = (
    "Agreement between two reviewers judging avoidability from the same records is only "
    "moderate in published two-stage reviews (kappa about 0.4 to 0.45): a single review's "
    "avoidability judgement is unreliable, which is why cases are double reviewed and "
    "discordant judgements reconciled."
)
MLTN = "more_likely_than_not"
NOT_MLTN = "not_more_likely_than_not"
SPECIAL = ("not_applicable", "not_answered", "not_asked", "invalid")


@dataclass(frozen=True)
class AgreementRow:
    item: str
    label: str
    kind: str  # dichotomy, score, grade
    result: Agreement

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "item": self.item,
            "label": self.label,
            "kind": self.kind,
            "pairs": r.pairs,
            "n": r.n,
            "excluded": sum(r.excluded.values()),
            **r.statistics_json(),
            "marginal_first": {str(k): v for k, v in r.marginal_first.items()},
            "marginal_second": {str(k): v for k, v in r.marginal_second.items()},
            "discordant_pairs": len(r.discordant),
        }


@dataclass(frozen=True)
class AgreementFigures:
    pairs: int
    rows: tuple[AgreementRow, ...]
    discordant_cases: int
    unreconciled_cases: int
    statement: Mapping[str, Any] | None

    def items(self) -> list[dict[str, Any]]:
        """One row per item as the report prints it: reconciliation's statement when given
        (it also covers the themes), else the figures computed here. Each row has ``kind``
        (dichotomy, grade, score, theme), ``label``, ``n``, ``pairs``, ``excluded`` (pairs
        left out for a special state), the agreement and the kappas (``None``: not defined)."""
        if self.statement is None:
            rows = []
            for r in self.rows:
                row = r.to_json()
                rows.append(row)
            return rows
        st = self.statement
        found: list[dict[str, Any]] = []
        parts = [
            ("dichotomy", [st.get("avoidability_dichotomised")]),
            ("grade", [st.get("avoidability_grade_rcp")]),
            ("score", list(st.get("care_scores") or ())),
            ("theme", list(st.get("themes_issue_identified") or ())),
        ]
        for kind, entries in parts:
            for e in entries:
                if not isinstance(e, Mapping):
                    continue
                excluded = e.get("excluded")
                left_out = (
                    sum(int(x.get("pairs", 0)) for x in excluded)
                    if isinstance(excluded, list)
                    else int(excluded or 0)
                )
                label = str(e.get("label") or e.get("item"))
                if kind == "grade" and "RCP" not in label:
                    label += " (6 points, RCP orientation)"
                found.append({**dict(e), "kind": kind, "label": label, "excluded": left_out})
        return found

    def reviewer_rates(self) -> list[Mapping[str, Any]]:
        """Each reviewer's own rates (reconciliation's statement; empty without it)."""
        if self.statement is None:
            return []
        return [r for r in self.statement.get("reviewers") or () if isinstance(r, Mapping)]

    def discordant_list(self) -> list[Mapping[str, Any]]:
        if self.statement is None:
            return []
        return [d for d in self.statement.get("discordant_cases") or () if isinstance(d, Mapping)]

    def to_json(self) -> dict[str, Any]:
        return {
            "pairs": self.pairs,
            "items": [r.to_json() for r in self.rows],
            "discordant_cases": self.discordant_cases,
            "unreconciled_cases": self.unreconciled_cases,
            "caveat": CAVEAT,
            "reconciliation_statement": None if self.statement is None else dict(self.statement),
        }


def _value(review: Mapping[str, Any], qid: str) -> Any:
    answers = review.get("answers", review)
    entry = answers.get(qid) if isinstance(answers, Mapping) else None
    if not isinstance(entry, Mapping):
        return "not_answered"
    state = entry.get("state")
    if state == "answered":
        return entry.get("value")
    return "not_asked" if state == "not_asked" else "not_answered"


def _score(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
        return value
    return value if value in SPECIAL else "invalid"


def _grade(value: Any) -> Any:
    if isinstance(value, str) and value in SPECIAL:
        return value
    parsed = parse_avoidability(value)
    return "invalid" if parsed is None else parsed.rcp_grade


def _dichotomy(value: Any) -> Any:
    grade = _grade(value)
    if isinstance(grade, int):
        return MLTN if grade <= 3 else NOT_MLTN
    return grade


def _row(  # noqa: PLR0917
    item: str,
    label: str,
    kind: str,
    reviews: tuple[list[Mapping[str, Any]], list[Mapping[str, Any]]],
    code: Callable[[Any], Any],
    categories: list[Any],
    positive: Any = None,
) -> AgreementRow:
    """One item's agreement over the pairs, each review's answer coded into ``categories``."""
    firsts, seconds = reviews
    return AgreementRow(
        item,
        label,
        kind,
        agreement(
            [code(_value(r, item)) for r in firsts],
            [code(_value(r, item)) for r in seconds],
            categories,
            special=SPECIAL,
            positive=positive,
            item=item,
        ),
    )


def agreement_figures(inp: ReportInput) -> AgreementFigures:
    pairs = [
        c
        for c in inp.cases
        if c.double_reviewed and getattr(c, "pair_complete", True) and c.outcome == "full_review"
    ]
    reviews = ([c.reviews[0] for c in pairs], [c.reviews[1] for c in pairs])
    q = "avoidability.grade"
    rows = [
        _row(
            q,
            "Avoidability: more likely than not vs not",
            "dichotomy",
            reviews,
            _dichotomy,
            [MLTN, NOT_MLTN],
            positive=MLTN,
        ),
        _row(
            q,
            "Avoidability grade (6 points, RCP orientation)",
            "grade",
            reviews,
            _grade,
            [1, 2, 3, 4, 5, 6],
        ),
    ]
    for phase in inp.definition.phases:
        for question in phase.questions:
            if question.type == "care_score":
                rows.append(
                    _row(
                        question.id,
                        f"Care score: {phase.title}",
                        "score",
                        reviews,
                        _score,
                        [1, 2, 3, 4, 5],
                    )
                )
    discordant = sum(1 for c in pairs if getattr(c, "discordances", ()))
    unreconciled = sum(1 for c in pairs if c.unreconciled)
    if inp.agreement is not None:
        pairs_n = int(inp.agreement.get("pairs", len(pairs)))
        listed = inp.agreement.get("discordant_cases")
        discordant = len(listed) if isinstance(listed, list) else discordant
        return AgreementFigures(pairs_n, tuple(rows), discordant, unreconciled, inp.agreement)
    return AgreementFigures(len(pairs), tuple(rows), discordant, unreconciled, None)
