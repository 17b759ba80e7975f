"""Resolving one case from its reviews: the pure core of ``resolved_cases``.

- One review of a single-review case, or of an independent pair with the other still out:
  its values, ``ValueSource.SINGLE`` (the pair is marked incomplete; nothing is compared).
- A joint review: its values, ``ValueSource.JOINT``.
- Both reviews of a pair in: per question, the recorded consensus (``CONSENSUS``) if one is
  current, the common value where both agree (``AGREED``), otherwise the default rule
  (``value_rules``: ``RULE``, flagged unreconciled, or ``COMBINED`` for choices, items and
  texts). A consensus is current only while both reviews still hold the values it was made
  on: a review amended since makes it stale (listed, not applied).
- Outcomes: a review handed back is not a review of the case (it counts only when nothing else
  is in). Two different outcomes are a discordance: the consensus says which holds; until
  then a full review wins (flagged), and only the reviews with the outcome in use give values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.case_model import ResolvedCase, ValueSource
from reviewer_app.services.reconciliation.standing import (
    HANDED_BACK,
    ConsensusIn,
    Plan,
    ReviewIn,
    Standing,
    form_of,
    place,
    plan_of,
    question_of,
    standing_of,
)
from reviewer_app.services.reconciliation.states import is_answered, state_of
from reviewer_app.services.reconciliation.value_rules import combines, rule_value

__all__ = ["HANDED_BACK", "ConsensusIn", "ReviewIn", "resolve_case"]


def _ids(definition: ReviewDefinition, reviews: Sequence[ReviewIn]) -> Sequence[str]:
    """Every top-level question and every other id a review answers, in form order (ids the
    definition does not know last, by id)."""
    form = form_of(definition)
    extra = {qid for r in reviews for qid in r.answers if qid not in form.top_set}
    if not extra:
        return form.top_ids
    return sorted(extra | form.top_set, key=lambda q: place(form.order, q))


def _texts(
    definition: ReviewDefinition, reviews: Sequence[ReviewIn]
) -> dict[str, tuple[tuple[str, str], ...]]:
    text_ids = form_of(definition).text_ids
    found: dict[str, list[tuple[str, str]]] = {}
    for review in reviews:
        answers = review.answers
        for qid, state in ((q, state_of(answers, q)) for q in text_ids if q in answers):
            if is_answered(state):
                found.setdefault(qid, []).append((review.reviewer_ref, str(state["value"])))
    return {qid: tuple(found[qid]) for qid in text_ids if qid in found}


def _one_review(
    case_ref: str,
    definition: ReviewDefinition,
    review: ReviewIn,
    source: ValueSource,
    **extra: Any,
) -> ResolvedCase:
    ids = _ids(definition, [review])
    return ResolvedCase(
        case_ref=case_ref,
        outcome=review.outcome,
        definition_id=definition.id,
        definition_version=str(definition.version),
        answers={qid: state_of(review.answers, qid) for qid in ids},
        sources=dict.fromkeys(ids, source),
        reviews=(review.content,),
        reviewer_refs=(review.reviewer_ref,),
        texts=_texts(definition, [review]),
        **extra,
    )


def resolve_case(
    case_ref: str,
    definition: ReviewDefinition,
    reviews: Sequence[ReviewIn],
    *,
    mode: ReviewMode | None,
    pair: tuple[str, str] | None,
    consensus: Mapping[str, ConsensusIn] | None = None,
    second_stage: Sequence[ReviewIn] = (),
) -> ResolvedCase:
    """The values in use of one case (see the module docstring). ``reviews`` are the pair's
    versions in force, in pair order (one, two, or the joint review)."""
    consensus = consensus or {}
    plan = plan_of(reviews, mode)
    standing = standing_of(case_ref, definition, plan, consensus)
    extra: dict[str, Any] = {
        "mode": mode,
        "pair": pair,
        "second_stage_refs": tuple(r.reviewer_ref for r in second_stage),
        "second_stage_reviews": tuple(r.content for r in second_stage),
    }
    if plan.second is None:
        source = ValueSource.JOINT if plan.joint else ValueSource.SINGLE
        return _one_review(
            case_ref, definition, plan.first, source, pair_complete=plan.pair_complete, **extra
        )
    return _pair(definition, plan, standing, consensus, extra)


def _pair(
    definition: ReviewDefinition,
    plan: Plan,
    standing: Standing,
    consensus: Mapping[str, ConsensusIn],
    extra: dict[str, Any],
) -> ResolvedCase:
    first, second = plan.first, plan.second
    assert second is not None
    base: dict[str, Any] = {
        "reviews": (first.content, second.content),
        "reviewer_refs": (first.reviewer_ref, second.reviewer_ref),
        "discordances": standing.discordances,
        "open_discordances": standing.open_discordances,
        "consensus_items": standing.consensus_items,
        "stale_consensus": standing.stale_consensus,
    }
    if first.outcome != second.outcome:
        # the answers are those of the review whose outcome is in use, alone
        chosen = first if first.outcome == standing.outcome else second
        single = _one_review(standing.case_ref, definition, chosen, ValueSource.SINGLE, **extra)
        return replace(
            single, **base, outcome=standing.outcome, unreconciled=standing.open_discordances
        )
    answers, sources = _merged_answers(definition, first, second, consensus, standing)
    ruled = {qid for qid, s in sources.items() if s is ValueSource.RULE}
    return ResolvedCase(
        case_ref=standing.case_ref,
        outcome=standing.outcome,
        definition_id=definition.id,
        definition_version=str(definition.version),
        answers=answers,
        sources=sources,
        texts=_texts(definition, [first, second]),
        unreconciled=frozenset(ruled | standing.open_discordances),
        **base,
        **extra,
    )


def _merged_answers(
    definition: ReviewDefinition,
    first: ReviewIn,
    second: ReviewIn,
    consensus: Mapping[str, ConsensusIn],
    standing: Standing,
) -> tuple[dict[str, Mapping[str, Any]], dict[str, ValueSource]]:
    """Each item's value in use and where it came from: the consensus (where still current:
    ``standing.consensus_items``), the agreed answer, or the default rule (combined for
    lists)."""
    applied = standing.consensus_items
    first_answers, second_answers = first.answers, second.answers
    questions = form_of(definition).questions
    ids = _ids(definition, [first, second])
    # most questions hold the same stored state in both reviews: those are agreed as they are
    # (the same stored entry reads as the same state); only the others go through the rules
    answers: dict[str, Mapping[str, Any]] = {q: state_of(first_answers, q) for q in ids}
    sources = dict.fromkeys(ids, ValueSource.AGREED)
    for qid in [q for q in ids if first_answers.get(q) != second_answers.get(q)]:
        a, b = answers[qid], state_of(second_answers, qid)
        if a == b:
            continue
        if qid in applied:
            answers[qid], sources[qid] = consensus[qid].agreed_value, ValueSource.CONSENSUS
            continue
        question = questions[qid] if qid in questions else question_of(definition, qid)
        answers[qid] = rule_value(question, a, b, first.reviewer_ref, second.reviewer_ref)
        sources[qid] = ValueSource.COMBINED if combines(question) else ValueSource.RULE
    return answers, sources
