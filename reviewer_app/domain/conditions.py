"""Declarative conditions used by the review definition (relevance, rules, triggers).

Conditions are data, not code, so that a taskforce can change when a question is asked or a
rule fires by editing the definition file. Each condition names the questions it reads by id;
the definition checks at load time that every id exists, so a typo fails loudly at startup
instead of silently never firing.

Semantics (documented here because the file's authors rely on them):

- ``equals``: the answer equals ``value``; for a multiple-choice answer, ``value`` is selected.
- ``in``: the answer is one of ``values``; for multiple choice, any of ``values`` is selected.
- ``answered``: the question has an answer (any answer, including "no" or "not applicable").
- ``all`` / ``any`` / ``not``: logic.
- ``any_item``: some item of a repeating group satisfies ``condition`` (evaluated per item).
- ``avoidability_rcp_at_most``: the avoidability answer, converted to the RCP SJR scale, is at
  most ``grade`` (RCP 3 is "more likely than not avoidable", whatever scale it was given on).
- ``any_score_in``: some care score in a section of ``section_kind`` is one of ``values``;
  this lets a rule say "any phase scored 1" without listing the phases.

An unanswered or not-relevant question never satisfies ``equals``/``in``/``answered``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from reviewer_app.domain.avoidability import to_rcp_grade
from reviewer_app.domain.values import JsonValue

ConditionValue = StrictStr | StrictInt


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Equals(_Frozen):
    op: Literal["equals"]
    question: str
    value: ConditionValue


class In(_Frozen):
    op: Literal["in"]
    question: str
    values: tuple[ConditionValue, ...] = Field(min_length=1)


class Answered(_Frozen):
    op: Literal["answered"]
    question: str


class All(_Frozen):
    op: Literal["all"]
    conditions: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(_Frozen):
    op: Literal["any"]
    conditions: tuple[Condition, ...] = Field(min_length=1)


class Not(_Frozen):
    op: Literal["not"]
    condition: Condition


class AnyItem(_Frozen):
    op: Literal["any_item"]
    group: str
    condition: Condition


class AvoidabilityRcpAtMost(_Frozen):
    op: Literal["avoidability_rcp_at_most"]
    question: str
    grade: int = Field(ge=1, le=6)


class AnyScoreIn(_Frozen):
    op: Literal["any_score_in"]
    section_kind: str
    values: tuple[int, ...] = Field(min_length=1)


Condition = Annotated[
    Equals | In | Answered | All | AnyOf | Not | AnyItem | AvoidabilityRcpAtMost | AnyScoreIn,
    Field(discriminator="op"),
]

for _model in (All, AnyOf, Not, AnyItem):
    _model.model_rebuild()


class ConditionContext(Protocol):
    """What a condition needs to read: answers in scope, group items, care scores by kind."""

    def value(self, question_id: str) -> JsonValue | None:
        """The effective answer, or None when unanswered or not relevant."""

    def items(self, group_id: str) -> Sequence[ConditionContext]:
        """One context per item of a group, scoped to that item's answers."""

    def scores_in_kind(self, section_kind: str) -> Sequence[JsonValue]:
        """Effective care-score answers in sections of that kind."""


def evaluate(condition: Condition, ctx: ConditionContext) -> bool:
    """True when the condition holds for the answers in ``ctx``."""
    if isinstance(condition, Equals):
        return _matches(ctx.value(condition.question), (condition.value,))
    if isinstance(condition, In):
        return _matches(ctx.value(condition.question), condition.values)
    if isinstance(condition, Answered):
        return ctx.value(condition.question) is not None
    if isinstance(condition, All):
        return all(evaluate(c, ctx) for c in condition.conditions)
    if isinstance(condition, AnyOf):
        return any(evaluate(c, ctx) for c in condition.conditions)
    if isinstance(condition, Not):
        return not evaluate(condition.condition, ctx)
    if isinstance(condition, AnyItem):
        return any(evaluate(condition.condition, item) for item in ctx.items(condition.group))
    if isinstance(condition, AvoidabilityRcpAtMost):
        rcp = to_rcp_grade(ctx.value(condition.question))
        return rcp is not None and rcp <= condition.grade
    scores = ctx.scores_in_kind(condition.section_kind)
    return any(_matches(score, condition.values) for score in scores)


def _matches(answer: JsonValue | None, wanted: Sequence[str | int]) -> bool:
    if answer is None or isinstance(answer, bool | dict | float):
        return False
    if isinstance(answer, list):
        return any(isinstance(a, str | int) and _same(a, wanted) for a in answer)
    return _same(answer, wanted)


def _same(answer: str | int, wanted: Sequence[str | int]) -> bool:
    # Compare type as well as value: the score 1 is not the option "1".
    return any(type(answer) is type(w) and answer == w for w in wanted)


def walk(
    condition: Condition, path: str, scope: str | None = None
) -> Iterator[tuple[str, Condition, str | None]]:
    """Yield ``(path, node, group_scope)`` for a condition and every condition inside it.

    ``group_scope`` is the repeating group whose item questions the node may name (inside
    ``any_item``), so the loader can check each id against the right group.
    """
    yield path, condition, scope
    if isinstance(condition, All | AnyOf):
        for i, inner in enumerate(condition.conditions):
            yield from walk(inner, f"{path}.conditions[{i}]", scope)
    elif isinstance(condition, Not):
        yield from walk(condition.condition, f"{path}.condition", scope)
    elif isinstance(condition, AnyItem):
        yield from walk(condition.condition, f"{path}.condition", condition.group)
