"""The contract between reconciliation and the report: each case's values in use.

The report, the exports and the coordinator's window never merge two reviews themselves: they
read :func:`~reviewer_app.services.reconciliation.resolved.resolved_cases`, which says, for
every collected case, which answer each figure uses and where it came from (a single review,
a joint review, the pair's common value, a recorded consensus, the documented default rule for
an unreconciled difference, or both reviews combined).

``answers`` has the shape of a canonical content's ``answers``: question id ->
``{"state": "answered", "value": ...}`` or another state (``unanswered``, and from
definition v2 ``not_asked``). Originals are in ``reviews`` (each reviewer's canonical content
in force), untouched, for the agreement statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.reconciliation.discordance import Discordance


class ValueSource(Enum):
    """Where the value a figure uses came from."""

    SINGLE = "single"  # the only review of the case (single review or one of a pair so far)
    JOINT = "joint"  # one review written by the pair together
    AGREED = "agreed"  # both independent reviews gave the same value
    CONSENSUS = "consensus"  # a recorded consensus
    RULE = "rule"  # unreconciled discordance: the documented default rule chose
    COMBINED = "combined"  # both reviews kept: union of choices or items, both texts


@dataclass(frozen=True)
class ResolvedCase:
    """One case as the report counts it.

    ``pair_complete`` is False while an independent pair has only one review in: the values
    are then that review's (``ValueSource.SINGLE``) and nothing is compared (blind until both
    are collected). ``unreconciled`` lists the questions whose value came from the default
    rule, and every discordant item still without a consensus (``open_discordances``).
    """

    case_ref: str
    outcome: str  # full_review, records_missing, handed_back, outside_method
    definition_id: str
    definition_version: str
    answers: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, ValueSource]  # question id -> where its value came from
    reviews: tuple[Mapping[str, Any], ...]  # each reviewer's canonical content in force
    reviewer_refs: tuple[str, ...]
    unreconciled: frozenset[str] = field(default_factory=frozenset)  # question ids
    mode: ReviewMode | None = None  # None: the case is not in the allocation
    pair: tuple[str, str] | None = None  # the allocated pair, in allocation order
    pair_complete: bool = True
    discordances: tuple[Discordance, ...] = ()
    open_discordances: frozenset[str] = field(default_factory=frozenset)
    consensus_items: frozenset[str] = field(default_factory=frozenset)
    stale_consensus: frozenset[str] = field(default_factory=frozenset)  # reviews changed since
    texts: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    second_stage_refs: tuple[str, ...] = ()  # reviewers given the case at the second stage
    second_stage_reviews: tuple[Mapping[str, Any], ...] = ()  # their contents in force

    @property
    def double_reviewed(self) -> bool:
        return len(self.reviews) >= 2

    @property
    def discordant(self) -> bool:
        return bool(self.discordances)
