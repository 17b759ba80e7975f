"""The contract between reconciliation and the report: each case's values in use.

The report, the exports and the coordinator's window never merge two reviews themselves: they
read :func:`resolved_cases`, which says, for every collected case, which answer each figure
uses and where it came from (a single review, a joint review, the pair's common value, a
recorded consensus, or the documented default rule for an unreconciled discordance).

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

from reviewer_app.services.study import Study


class ValueSource(Enum):
    """Where the value a figure uses came from."""

    SINGLE = "single"  # the only review of the case (single review or one of a pair so far)
    JOINT = "joint"  # one review written by the pair together
    AGREED = "agreed"  # both independent reviews gave the same value
    CONSENSUS = "consensus"  # a recorded consensus
    RULE = "rule"  # unreconciled discordance: the documented default rule chose


@dataclass(frozen=True)
class ResolvedCase:
    """One case as the report counts it."""

    case_ref: str
    outcome: str  # full_review, records_missing, handed_back, outside_method
    definition_id: str
    definition_version: str
    answers: Mapping[str, Mapping[str, Any]]
    sources: Mapping[str, ValueSource]  # question id -> where its value came from
    reviews: tuple[Mapping[str, Any], ...]  # each reviewer's canonical content in force
    reviewer_refs: tuple[str, ...]
    unreconciled: frozenset[str] = field(default_factory=frozenset)  # question ids

    @property
    def double_reviewed(self) -> bool:
        return len(self.reviews) >= 2


def resolved_cases(study: Study) -> list[ResolvedCase]:
    """Every case with at least one review in force, sorted by case reference."""
    raise NotImplementedError("reconciliation is being built in this round (issue 13)")
