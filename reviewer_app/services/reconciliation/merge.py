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
from dataclasses import dataclass, field, replace
from typing import Any, Final

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.questions import AnyQuestion, TextQuestion
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.case_model import ResolvedCase, ValueSource
from reviewer_app.services.reconciliation.discordance import (
    FULL_REVIEW,
    OUTCOME_ITEM,
    discordances,
)
from reviewer_app.services.reconciliation.states import answered, is_answered, state_of
from reviewer_app.services.reconciliation.value_rules import combines, rule_value

HANDED_BACK: Final = "handed_back"


@dataclass(frozen=True)
class ReviewIn:
    """One reviewer's version in force of one case."""

    reviewer_ref: str
    version: int
    outcome: str
    content: Mapping[str, Any]
    content_sha256: str | None = None  # of the canonical content, when read from the study

    @property
    def answers(self) -> Mapping[str, Any]:
        found = self.content.get("answers", {})
        return found if isinstance(found, Mapping) else {}


@dataclass(frozen=True)
class ConsensusIn:
    """A consensus as the merge needs it: on whose values it was made, and the agreed value."""

    first_reviewer: str
    first_value: Any
    second_reviewer: str
    second_value: Any
    agreed_value: Mapping[str, Any]


def _question(definition: ReviewDefinition, qid: str) -> AnyQuestion | None:
    found = definition.find(qid)
    return None if found is None else found.question


@dataclass(frozen=True)
class _Form:
    """What merging reads of a definition on every case, worked out once per definition."""

    order: dict[str, int]  # every question id (items included) -> its place in form order
    top_ids: tuple[str, ...]  # the top-level questions, in form order
    top_set: frozenset[str]
    text_ids: tuple[str, ...]  # the top-level free-text questions, in form order
    questions: dict[str, AnyQuestion | None]  # top-level question id -> its question


_FORMS: dict[tuple[str, int], _Form] = {}  # a definition's id and version name one content


def _form(definition: ReviewDefinition) -> _Form:
    key = (definition.id, definition.version)
    found = _FORMS.get(key)
    if found is None:
        order = definition.question_order()
        top = sorted({q.id for _, q in definition.top_questions()}, key=lambda q: _place(order, q))
        found = _FORMS[key] = _Form(
            order,
            tuple(top),
            frozenset(top),
            tuple(q.id for _, q in definition.top_questions() if isinstance(q, TextQuestion)),
            {qid: _question(definition, qid) for qid in top},
        )
    return found


def _place(order: Mapping[str, int], qid: str) -> tuple[int, str]:
    return (order.get(qid, len(order)), qid)


def _ids(definition: ReviewDefinition, reviews: Sequence[ReviewIn]) -> Sequence[str]:
    """Every top-level question and every other id a review answers, in form order (ids the
    definition does not know last, by id)."""
    form = _form(definition)
    extra = {qid for r in reviews for qid in r.answers if qid not in form.top_set}
    if not extra:
        return form.top_ids
    return sorted(extra | form.top_set, key=lambda q: _place(form.order, q))


def _texts(
    definition: ReviewDefinition, reviews: Sequence[ReviewIn]
) -> dict[str, tuple[tuple[str, str], ...]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for review in reviews:
        answers = review.answers
        for qid in _form(definition).text_ids:
            if qid in answers and is_answered(state := state_of(answers, qid)):
                found.setdefault(qid, []).append((review.reviewer_ref, str(state["value"])))
    return {qid: tuple(found[qid]) for qid in _form(definition).text_ids if qid in found}


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


def _current(
    record: ConsensusIn | None,
    first: ReviewIn,
    second: ReviewIn,
    first_value: Any,
    second_value: Any,
) -> bool:
    return (
        record is not None
        and record.first_reviewer == first.reviewer_ref
        and record.second_reviewer == second.reviewer_ref
        and record.first_value == first_value
        and record.second_value == second_value
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
    if not reviews:
        raise ValueError("a case needs at least one review to resolve")
    consensus = consensus or {}
    extra: dict[str, Any] = {
        "mode": mode,
        "pair": pair,
        "second_stage_refs": tuple(r.reviewer_ref for r in second_stage),
        "second_stage_reviews": tuple(r.content for r in second_stage),
    }
    usable = [r for r in reviews if r.outcome != HANDED_BACK] or list(reviews[:1])
    if mode is ReviewMode.JOINT:
        return _one_review(case_ref, definition, usable[0], ValueSource.JOINT, **extra)
    expected = 2 if mode is ReviewMode.INDEPENDENT else len(reviews)
    if len(usable) < 2:
        complete = len(reviews) >= expected
        return _one_review(
            case_ref, definition, usable[0], ValueSource.SINGLE, pair_complete=complete, **extra
        )
    first, second = usable[0], usable[1]
    return _pair(case_ref, definition, first, second, consensus=consensus, extra=extra)


@dataclass
class _Consensus:
    """The pair's consensus records as they are used: applied where still current (both
    reviews as they were when it was agreed), stale otherwise."""

    records: Mapping[str, ConsensusIn]
    first: ReviewIn
    second: ReviewIn
    applied: set[str] = field(default_factory=set)
    stale: set[str] = field(default_factory=set)

    def agreed(self, qid: str, a: Any, b: Any) -> Mapping[str, Any] | None:
        record = self.records.get(qid)
        if record is None:
            return None
        if _current(record, self.first, self.second, a, b):
            self.applied.add(qid)
            return record.agreed_value
        self.stale.add(qid)
        return None


def _pair(
    case_ref: str,
    definition: ReviewDefinition,
    first: ReviewIn,
    second: ReviewIn,
    *,
    consensus: Mapping[str, ConsensusIn],
    extra: dict[str, Any],
) -> ResolvedCase:
    found = discordances(
        definition,
        first.answers,
        second.answers,
        first_outcome=first.outcome,
        second_outcome=second.outcome,
    )
    used = _Consensus(consensus, first, second)
    base: dict[str, Any] = {
        "reviews": (first.content, second.content),
        "reviewer_refs": (first.reviewer_ref, second.reviewer_ref),
        "discordances": tuple(found),
    }
    if first.outcome != second.outcome:
        return _outcomes_differ(case_ref, definition, used, base, extra)
    answers, sources = _merged_answers(definition, used)
    open_items = frozenset(d.item for d in found if d.item not in used.applied)
    ruled = {qid for qid, s in sources.items() if s is ValueSource.RULE}
    return ResolvedCase(
        case_ref=case_ref,
        outcome=first.outcome,
        definition_id=definition.id,
        definition_version=str(definition.version),
        answers=answers,
        sources=sources,
        texts=_texts(definition, [first, second]),
        unreconciled=frozenset(ruled | open_items),
        open_discordances=open_items,
        consensus_items=frozenset(used.applied),
        stale_consensus=frozenset(used.stale),
        **base,
        **extra,
    )


def _outcomes_differ(
    case_ref: str,
    definition: ReviewDefinition,
    used: _Consensus,
    base: dict[str, Any],
    extra: dict[str, Any],
) -> ResolvedCase:
    """The two reviews chose different outcomes: the agreed one, else a full review if
    either is one; the answers are the chosen review's alone."""
    first, second = used.first, used.second
    agreed = used.agreed(OUTCOME_ITEM, answered(first.outcome), answered(second.outcome))
    if agreed is not None:
        outcome = str(agreed.get("value"))
    else:
        outcome = FULL_REVIEW if FULL_REVIEW in (first.outcome, second.outcome) else first.outcome
    chosen = first if first.outcome == outcome else second
    single = _one_review(case_ref, definition, chosen, ValueSource.SINGLE, **extra)
    open_items = frozenset() if used.applied else frozenset({OUTCOME_ITEM})
    return replace(
        single,
        **base,
        outcome=outcome,
        unreconciled=open_items,
        open_discordances=open_items,
        consensus_items=frozenset(used.applied),
        stale_consensus=frozenset(used.stale),
    )


def _merged_answers(
    definition: ReviewDefinition, used: _Consensus
) -> tuple[dict[str, Mapping[str, Any]], dict[str, ValueSource]]:
    """Each item's value in use and where it came from: the consensus, the agreed answer,
    or the default rule (combined for lists)."""
    first, second = used.first, used.second
    answers: dict[str, Mapping[str, Any]] = {}
    sources: dict[str, ValueSource] = {}
    first_answers, second_answers = first.answers, second.answers
    questions = _form(definition).questions
    for qid in _ids(definition, [first, second]):
        a: Mapping[str, Any]
        b: Mapping[str, Any]
        a, b = state_of(first_answers, qid), state_of(second_answers, qid)
        if a == b:
            answers[qid], sources[qid] = a, ValueSource.AGREED
            continue
        question = questions[qid] if qid in questions else _question(definition, qid)
        agreed = used.agreed(qid, a, b)
        if agreed is not None:
            answers[qid], sources[qid] = agreed, ValueSource.CONSENSUS
        else:
            answers[qid] = rule_value(question, a, b, first.reviewer_ref, second.reviewer_ref)
            sources[qid] = ValueSource.COMBINED if combines(question) else ValueSource.RULE
    return answers, sources
