"""The contract between reconciliation and the report: each case's values in use.

The report, the exports and the coordinator's window never merge two reviews themselves: they
read :func:`resolved_cases`, which says, for every collected case, which answer each figure
uses and where it came from (a single review, a joint review, the pair's common value, a
recorded consensus, the documented default rule for an unreconciled discordance, or both
reviews combined). The rules are in ``merge.py`` and ``value_rules.py``; the model in
``case_model.py`` (re-exported here).

``answers`` has the shape of a canonical content's ``answers``: question id ->
``{"state": "answered", "value": ...}`` or another state (``unanswered``, and from
definition v2 ``not_asked``). Originals are in ``reviews`` (each reviewer's canonical content
in force), untouched, for the agreement statistics.
"""

from __future__ import annotations

from reviewer_app.services.reconciliation.case_model import ResolvedCase, ValueSource
from reviewer_app.services.reconciliation.merge import resolve_case
from reviewer_app.services.reconciliation.study_reviews import StudyReviews, read_reviews
from reviewer_app.services.study import Study

__all__ = ["ResolvedCase", "ValueSource", "resolve_from", "resolved_cases"]


def resolve_from(reviews: StudyReviews) -> list[ResolvedCase]:
    """Every case with at least one review in force (second-stage reviews alone do not make
    a case), sorted by case reference."""
    found: list[ResolvedCase] = []
    for case_ref in sorted(reviews.primary):
        primary = reviews.primary[case_ref]
        if not primary:
            continue
        found.append(
            resolve_case(
                case_ref,
                reviews.definition_of(primary[0]),
                primary,
                mode=reviews.modes.get(case_ref),
                pair=reviews.pairs.get(case_ref),
                consensus=reviews.consensus.get(case_ref, {}),
                second_stage=reviews.second_stage_reviews.get(case_ref, ()),
            )
        )
    return found


def resolved_cases(study: Study) -> list[ResolvedCase]:
    """Every case with at least one review in force, sorted by case reference."""
    return resolve_from(read_reviews(study))
