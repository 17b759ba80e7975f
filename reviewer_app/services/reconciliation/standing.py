"""Where one case's reviews stand against each other, read without merging their values.

A case's stage (``stages.stage_of``) needs only this: the outcome in use, whether an
independent pair is complete, the discordances, which of them a current consensus settles and
which consensus records went stale because a review was amended since. ``merge.resolve_case``
builds every resolved case on this same reading (``standing_of``), so a case's stage and its
values in use can never disagree; reading the standing alone costs about a third of resolving
the case, which is what lets the coordinator's window show every case's stage first and the
merged values just after (``study_snapshot``).

Also here, shared with the merge: a review and a consensus record as both read them, and what
both read of a definition on every case (``form_of``, worked out once per definition).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.questions import AnyQuestion, TextQuestion
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.discordance import (
    FULL_REVIEW,
    OUTCOME_ITEM,
    Discordance,
    discordances,
)
from reviewer_app.services.reconciliation.states import answered, state_of

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


@dataclass(frozen=True)
class Standing:
    """One case's reviews against each other (see the module docstring); the same names as
    the ``ResolvedCase`` fields they become."""

    case_ref: str
    outcome: str
    pair_complete: bool = True
    discordances: tuple[Discordance, ...] = ()
    open_discordances: frozenset[str] = field(default_factory=frozenset)
    consensus_items: frozenset[str] = field(default_factory=frozenset)
    stale_consensus: frozenset[str] = field(default_factory=frozenset)


class CaseStanding(Protocol):
    """What a case's stage is read from: a ``Standing``, or a ``ResolvedCase`` (which has the
    same fields, from the same reading)."""

    @property
    def case_ref(self) -> str: ...
    @property
    def outcome(self) -> str: ...
    @property
    def pair_complete(self) -> bool: ...
    @property
    def discordances(self) -> tuple[Discordance, ...]: ...
    @property
    def open_discordances(self) -> frozenset[str]: ...
    @property
    def consensus_items(self) -> frozenset[str]: ...
    @property
    def stale_consensus(self) -> frozenset[str]: ...


@dataclass(frozen=True)
class Plan:
    """Which reviews give a case its values: one review (a joint review, a single review, or
    one of a pair so far: ``second`` None) or both of an independent pair."""

    first: ReviewIn
    second: ReviewIn | None = None
    joint: bool = False
    pair_complete: bool = True


def plan_of(reviews: Sequence[ReviewIn], mode: ReviewMode | None) -> Plan:
    """A review handed back is not a review of the case (it counts only when nothing else is
    in); an independent pair is complete with both in."""
    if not reviews:
        raise ValueError("a case needs at least one review to resolve")
    usable = [r for r in reviews if r.outcome != HANDED_BACK] or list(reviews[:1])
    if mode is ReviewMode.JOINT:
        return Plan(usable[0], joint=True)
    if len(usable) < 2:
        expected = 2 if mode is ReviewMode.INDEPENDENT else len(reviews)
        return Plan(usable[0], pair_complete=len(reviews) >= expected)
    return Plan(usable[0], usable[1])


def standing_of(
    case_ref: str,
    definition: ReviewDefinition,
    plan: Plan,
    consensus: Mapping[str, ConsensusIn],
) -> Standing:
    """Where the case stands (see the module docstring)."""
    first, second = plan.first, plan.second
    if second is None:
        return Standing(case_ref, first.outcome, pair_complete=plan.pair_complete)
    found = tuple(
        discordances(
            definition,
            first.answers,
            second.answers,
            first_outcome=first.outcome,
            second_outcome=second.outcome,
        )
    )
    if first.outcome != second.outcome:
        return _outcomes_differ(case_ref, first, second, consensus, found)
    applied, stale = consensus_use(definition, first, second, consensus)
    return Standing(
        case_ref,
        first.outcome,
        discordances=found,
        open_discordances=frozenset(d.item for d in found if d.item not in applied),
        consensus_items=frozenset(applied),
        stale_consensus=frozenset(stale),
    )


def _outcomes_differ(
    case_ref: str,
    first: ReviewIn,
    second: ReviewIn,
    consensus: Mapping[str, ConsensusIn],
    found: tuple[Discordance, ...],
) -> Standing:
    """Two different outcomes: the agreed one, else a full review if either is one."""
    record = consensus.get(OUTCOME_ITEM)
    a, b = answered(first.outcome), answered(second.outcome)
    if record is not None and current(record, first, second, a, b):
        outcome = str(record.agreed_value.get("value"))
        applied, stale = frozenset({OUTCOME_ITEM}), frozenset[str]()
    else:
        outcome = FULL_REVIEW if FULL_REVIEW in (first.outcome, second.outcome) else first.outcome
        applied = frozenset()
        stale = frozenset() if record is None else frozenset({OUTCOME_ITEM})
    open_items = frozenset() if applied else frozenset({OUTCOME_ITEM})
    return Standing(case_ref, outcome, True, found, open_items, applied, stale)


def current(record: ConsensusIn, first: ReviewIn, second: ReviewIn, a: Any, b: Any) -> bool:
    """Whether a consensus still applies: made on these two reviewers' values as they are."""
    return (
        record.first_reviewer == first.reviewer_ref
        and record.second_reviewer == second.reviewer_ref
        and record.first_value == a
        and record.second_value == b
    )


def consensus_use(
    definition: ReviewDefinition,
    first: ReviewIn,
    second: ReviewIn,
    consensus: Mapping[str, ConsensusIn],
) -> tuple[set[str], set[str]]:
    """The questions whose consensus is applied (still current) and those whose consensus
    went stale, among the questions the two reviews answer differently."""
    applied: set[str] = set()
    stale: set[str] = set()
    known = form_of(definition).top_set
    first_answers, second_answers = first.answers, second.answers
    for qid, record in consensus.items():
        if qid not in known and qid not in first_answers and qid not in second_answers:
            continue  # not a question of these reviews (e.g. the outcome, now agreed)
        a, b = state_of(first_answers, qid), state_of(second_answers, qid)
        if a != b:
            (applied if current(record, first, second, a, b) else stale).add(qid)
    return applied, stale


@dataclass(frozen=True)
class Form:
    """What merging reads of a definition on every case, worked out once per definition."""

    order: dict[str, int]  # every question id (items included) -> its place in form order
    top_ids: tuple[str, ...]  # the top-level questions, in form order
    top_set: frozenset[str]
    text_ids: tuple[str, ...]  # the top-level free-text questions, in form order
    questions: dict[str, AnyQuestion | None]  # top-level question id -> its question


# by the definition object itself (kept alive with its form): two definitions of one id and
# version may differ (a test's, a taskforce's folder); loaded ones are cached, so few exist
_FORMS: dict[int, tuple[ReviewDefinition, Form]] = {}


def form_of(definition: ReviewDefinition) -> Form:
    kept = _FORMS.get(id(definition))
    if kept is not None and kept[0] is definition:
        return kept[1]
    order = definition.question_order()
    top = sorted({q.id for _, q in definition.top_questions()}, key=lambda q: place(order, q))
    form = Form(
        order,
        tuple(top),
        frozenset(top),
        tuple(q.id for _, q in definition.top_questions() if isinstance(q, TextQuestion)),
        {qid: question_of(definition, qid) for qid in top},
    )
    if len(_FORMS) >= 64:  # (tests make many; the app loads a few)
        _FORMS.clear()
    _FORMS[id(definition)] = (definition, form)
    return form


def place(order: Mapping[str, int], qid: str) -> tuple[int, str]:
    """A question's place in form order (ids the definition does not know last, by id)."""
    return (order.get(qid, len(order)), qid)


def question_of(definition: ReviewDefinition, qid: str) -> AnyQuestion | None:
    found = definition.find(qid)
    return None if found is None else found.question
