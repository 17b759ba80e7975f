"""Reading what reconciliation needs from an open study, once: the pairs and modes, each
reviewer's version in force (sorted into the pair's reviews, second-stage reviews and reviews
by reviewers no longer on the case), the consensus records and the second-stage allocations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from reviewer_app.domain.triggers import FiredTriggers, Trigger, all_triggers
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.collection.records import ReturnedState, in_force_contents
from reviewer_app.services.collection.triggers import kept_triggers
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.merge import ConsensusIn, ReviewIn
from reviewer_app.services.reconciliation.states import raw_answers
from reviewer_app.services.study import Study
from reviewer_app.storage.study.allocation import AllocationStore
from reviewer_app.storage.study.consensus import ConsensusStore, StoredConsensus
from reviewer_app.storage.study.second_stage import SecondStageAllocation, SecondStageStore

Pair = tuple[str, str]


@dataclass
class StudyReviews:
    pairs: dict[str, Pair]
    modes: dict[str, ReviewMode | None]  # None: not allocated (or only former reviewers in)
    primary: dict[str, list[ReviewIn]]  # the pair's reviews, in pair order
    second_stage_reviews: dict[str, list[ReviewIn]]
    second_stage: dict[str, SecondStageAllocation]  # the current second-stage allocation
    second_stage_refs: dict[str, set[str]]  # everyone ever given the case at second stage
    others: dict[str, list[ReviewIn]]  # reviewers no longer on the case (e.g. handed back)
    records: dict[tuple[str, str], StoredConsensus]
    _definitions: dict[tuple[str, str], ReviewDefinition] = field(default_factory=dict)
    # the triggers each content fires, by its SHA-256: known (kept in the study, or from an
    # earlier read), and every one this read used (``found_fired``, for the next read)
    known_fired: Mapping[str, FiredTriggers] = field(default_factory=dict)
    found_fired: dict[str, FiredTriggers] = field(default_factory=dict)
    # each case resolved, with what it was resolved from: known from an earlier read, and now
    known_resolved: Mapping[str, tuple[Any, ResolvedCase]] = field(default_factory=dict)
    found_resolved: dict[str, tuple[Any, ResolvedCase]] = field(default_factory=dict)

    @property
    def consensus(self) -> dict[str, dict[str, ConsensusIn]]:
        found: dict[str, dict[str, ConsensusIn]] = {}
        for (case_ref, item), r in self.records.items():
            found.setdefault(case_ref, {})[item] = ConsensusIn(
                r.first_reviewer, r.first_value, r.second_reviewer, r.second_value, r.agreed_value
            )
        return found

    def definition_of(self, review: ReviewIn) -> ReviewDefinition:
        return definition_of(review.content, self._definitions)

    def fired_triggers(self, review: ReviewIn) -> FiredTriggers:
        """The triggers a review fires (worked out once per content: a signed content and the
        definition it names never change; ``collection.triggers`` keeps them)."""
        sha = review.content_sha256
        found = self.known_fired.get(sha) if sha is not None else None
        if found is None:
            found = all_triggers(self.definition_of(review), raw_answers(review.answers))
        if sha is not None:
            self.found_fired[sha] = found
        return found

    def second_review_triggers(self, review: ReviewIn) -> list[Trigger]:
        """The second-review triggers a full review fires."""
        return list(self.fired_triggers(review).second_review)


def definition_of(
    content: Mapping[str, Any], cache: dict[tuple[str, str], ReviewDefinition] | None = None
) -> ReviewDefinition:
    """The definition a review was made with (named in its canonical content)."""
    ident = content.get("definition", {})
    key = (str(ident.get("id")), str(ident.get("version")))
    if cache is not None and key in cache:
        return cache[key]
    definition = load_definition_version(key[0], int(key[1]))
    if cache is not None:
        cache[key] = definition
    return definition


def _by_case(
    contents: Iterable[tuple[ReturnedState, dict[str, Any]]],
) -> dict[str, dict[str, ReviewIn]]:
    """case ref -> reviewer ref -> that reviewer's version in force."""
    found: dict[str, dict[str, ReviewIn]] = {}
    for state, content in contents:
        found.setdefault(state.case_ref, {})[state.reviewer_ref] = ReviewIn(
            state.reviewer_ref, state.version, state.outcome, content, state.content_sha256
        )
    return found


def read_reviews(
    study: Study,
    contents: Iterable[tuple[ReturnedState, dict[str, Any]]] | None = None,
    *,
    known_fired: Mapping[str, FiredTriggers] | None = None,
) -> StudyReviews:
    """What reconciliation needs, read once. ``contents``: the versions in force as
    ``in_force_contents`` gives them, when the caller has read them already (one decryption
    of the reviews for every figure: see ``study_snapshot``); ``known_fired``: the triggers
    known by content SHA-256 (by default those the study keeps)."""
    store = AllocationStore(study.db)
    allocation = store.get()
    stored_modes = store.case_modes()
    study_mode = study.review_mode
    pairs = dict(allocation.pairs)
    modes: dict[str, ReviewMode | None] = {
        ref: ReviewMode(stored_modes.get(ref, study_mode.value)) for ref in pairs
    }
    history = SecondStageStore(study.db).history()
    second_refs: dict[str, set[str]] = {}
    for row in history:
        second_refs.setdefault(row.case_ref, set()).add(row.reviewer_ref)
    by_case = _by_case(in_force_contents(study) if contents is None else contents)
    primary: dict[str, list[ReviewIn]] = {}
    second: dict[str, list[ReviewIn]] = {}
    others: dict[str, list[ReviewIn]] = {}
    for case_ref, got in by_case.items():
        staged = second_refs.get(case_ref, set())
        second[case_ref] = [got[ref] for ref in sorted(got) if ref in staged]
        pair = pairs.get(case_ref)
        if pair is None:
            on_case = [ref for ref in sorted(got) if ref not in staged]
            modes[case_ref] = None
        else:
            holders = pair if modes[case_ref] is ReviewMode.INDEPENDENT else pair[:1]
            on_case = [ref for ref in holders if ref in got]
        others[case_ref] = [
            got[ref] for ref in sorted(got) if ref not in on_case and ref not in staged
        ]
        if not on_case and others[case_ref]:
            # only reviewers no longer on the case have returned (e.g. a hand-back before
            # re-allocation): their returns stand for the case until the new pair's come in
            on_case = [r.reviewer_ref for r in others[case_ref]]
            others[case_ref] = []
            modes[case_ref] = None
        primary[case_ref] = [got[ref] for ref in on_case]
    return StudyReviews(
        pairs=pairs,
        modes=modes,
        primary=primary,
        second_stage_reviews=second,
        second_stage={row.case_ref: row for row in history},
        second_stage_refs=second_refs,
        others=others,
        records=ConsensusStore(study.db).current(),
        known_fired=kept_triggers(study) if known_fired is None else known_fired,
    )
