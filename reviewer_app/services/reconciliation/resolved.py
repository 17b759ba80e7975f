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

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.case_model import ResolvedCase, ValueSource
from reviewer_app.services.reconciliation.merge import ReviewIn, resolve_case
from reviewer_app.services.reconciliation.standing import (
    CaseStanding,
    ConsensusIn,
    plan_of,
    standing_of,
)
from reviewer_app.services.reconciliation.study_reviews import StudyReviews, read_reviews
from reviewer_app.services.study import Study

__all__ = ["ResolvedCase", "ValueSource", "resolve_from", "resolved_cases", "standings_from"]


def resolve_from(reviews: StudyReviews) -> list[ResolvedCase]:
    """Every case with at least one review in force (second-stage reviews alone do not make
    a case), sorted by case reference. A case whose inputs are what an earlier read resolved
    (``reviews.known_resolved``: the same versions by content hash, mode, pair, consensus
    records and second-stage reviews) is that read's result: ``resolve_case`` is pure."""
    found: list[ResolvedCase] = []
    for case in _cases(reviews):
        known = reviews.known_resolved.get(case.case_ref)
        if case.inputs is not None and known is not None and known[0] == case.inputs:
            resolved = known[1]
        else:
            resolved = resolve_case(
                case.case_ref,
                reviews.definition_of(case.primary[0]),
                case.primary,
                mode=case.mode,
                pair=case.pair,
                consensus=case.records,
                second_stage=case.second,
            )
        if case.inputs is not None:
            reviews.found_resolved[case.case_ref] = (case.inputs, resolved)
        found.append(resolved)
    return found


def standings_from(reviews: StudyReviews) -> list[CaseStanding]:
    """Where each case of ``resolve_from`` stands, in the same order, without merging the
    values (``standing.standing_of``, which ``resolve_case`` builds on): what the stages
    need, at about a quarter of the cost. A case an earlier read resolved from the same
    inputs is that read's resolved case (it stands as it did)."""
    found: list[CaseStanding] = []
    for case in _cases(reviews):
        known = reviews.known_resolved.get(case.case_ref)
        if case.inputs is not None and known is not None and known[0] == case.inputs:
            found.append(known[1])
            continue
        definition = reviews.definition_of(case.primary[0])
        plan = plan_of(case.primary, case.mode)
        found.append(standing_of(case.case_ref, definition, plan, case.records))
    return found


@dataclass(frozen=True)
class _Case:
    case_ref: str
    primary: list[ReviewIn]
    second: list[ReviewIn] | tuple[()]
    mode: ReviewMode | None
    pair: tuple[str, str] | None
    records: Mapping[str, ConsensusIn]
    inputs: tuple[Any, ...] | None


def _cases(reviews: StudyReviews) -> Iterator[_Case]:
    """Each case with a review in force, by case reference, with what resolving it reads."""
    consensus = reviews.consensus
    for case_ref in sorted(reviews.primary):
        primary = reviews.primary[case_ref]
        if not primary:
            continue
        mode, pair = reviews.modes.get(case_ref), reviews.pairs.get(case_ref)
        records = consensus.get(case_ref, {})
        second = reviews.second_stage_reviews.get(case_ref, ())
        inputs = _inputs(primary, second, mode, pair, records)
        yield _Case(case_ref, primary, second, mode, pair, records, inputs)


def _inputs(
    primary: list[ReviewIn], second: list[ReviewIn] | tuple[()], *rest: Any
) -> tuple[Any, ...] | None:
    """Everything ``resolve_case`` reads, comparable across reads (None: a review without
    a content hash, which is never reused)."""
    versions = [(r.reviewer_ref, r.version, r.outcome, r.content_sha256) for r in primary]
    versions += [(r.reviewer_ref, r.version, r.outcome, r.content_sha256) for r in second]
    if any(v[-1] is None for v in versions):
        return None
    return (tuple(versions), len(primary), *rest)


def resolved_cases(study: Study) -> list[ResolvedCase]:
    """Every case with at least one review in force, sorted by case reference."""
    return resolve_from(read_reviews(study))
