"""Recording a consensus on a discordant item, and the consensus records for export.

A consensus is recorded on one item (a question id, or ``outcome.type`` when the two
outcomes differ) of a case whose two independent reviews are both in and differ on it. The
record keeps both reviewers' values as they are now, the agreed value, the method, the reason,
who recorded it and when; it never changes a review. Recording again on the same item adds a
new version that supersedes the last. A consensus made on values a reviewer has since amended
is stale: it is no longer applied, and the item needs a consensus again.

The agreed value is typed as the coordinator would say it (``parse_agreed_value``): a care
score ``1``..``5`` or ``not_applicable``; an avoidability grade ``rcp:3`` or ``hogan:4``; an
option's value; several options separated by commas; a date ``YYYY-MM-DD``; and for a repeating
group (the problems in care) the reviewer ref whose items stand, or ``both``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from reviewer_app.domain.answers import InvalidAnswerError, validate_value
from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.questions import (
    AnyQuestion,
    AvoidabilityQuestion,
    CareScoreQuestion,
    GroupQuestion,
    MultipleChoiceQuestion,
)
from reviewer_app.domain.reconciliation import ConsensusMethod
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.discordance import OUTCOME_ITEM
from reviewer_app.services.reconciliation.resolved import resolve_from
from reviewer_app.services.reconciliation.states import answered, state_of
from reviewer_app.services.reconciliation.study_reviews import definition_of, read_reviews
from reviewer_app.services.reconciliation.value_rules import union_items
from reviewer_app.services.study import Study
from reviewer_app.storage.study.consensus import ConsensusStore, StoredConsensus

log = logging.getLogger(__name__)

OUTCOMES: Final = ("full_review", "records_missing", "outside_method")
BOTH: Final = "both"

CONSENSUS_COLUMNS: Final = (
    "case_ref",
    "item",
    "version",
    "supersedes_version",
    "current",
    "first_reviewer",
    "first_value",
    "second_reviewer",
    "second_value",
    "agreed_value",
    "method",
    "reason",
    "recorded_by",
    "recorded_at",
)


class ConsensusRefusedError(UserError):
    """A consensus cannot be recorded on this case or item (the message says why)."""


def parse_method(text: str) -> ConsensusMethod:
    try:
        return ConsensusMethod(text.strip())
    except ValueError:
        choices = ", ".join(m.value for m in ConsensusMethod)
        raise InvalidInputError(f"The method must be one of: {choices} (not {text!r}).") from None


def find_case(cases: list[ResolvedCase], case_ref: str) -> ResolvedCase:
    for case in cases:
        if case.case_ref == case_ref:
            return case
    raise NotFoundError(
        f"No review of case {case_ref} has been collected in this study (check the case ref)."
    )


def unpaired_reason(case: ResolvedCase) -> str | None:
    """Why ``case`` has no two reviews to compare or reconcile, in words that follow a colon;
    None when it has them. Each caller raises its own error."""
    if len(case.reviews) >= 2:
        return None
    if not case.pair_complete:
        return "the other review of the pair is not in yet (reviews stay blind until both are)"
    return "it has one review only (joint, single or handed back)"


def differing_items(case: ResolvedCase) -> list[str]:
    """The items a consensus may be recorded on: where the two reviews' states differ."""
    if len(case.reviews) < 2 or not case.pair_complete:
        return []
    first, second = (r.get("answers", {}) for r in case.reviews[:2])
    if any(d.item == OUTCOME_ITEM for d in case.discordances):
        return [OUTCOME_ITEM]
    return [q for q in case.answers if state_of(first, q) != state_of(second, q)]


def _scalar(question: AnyQuestion, text: str) -> Any:
    text = text.strip()
    if isinstance(question, CareScoreQuestion):
        return int(text) if text.isdigit() else text
    if isinstance(question, AvoidabilityQuestion):
        scale, _, grade = text.partition(":")
        scales = ", ".join(f"{s.value}:N" for s in AvoidabilityScale)
        if scale.strip() not in {s.value for s in AvoidabilityScale} or not grade.strip().isdigit():
            raise InvalidInputError(
                f"An avoidability grade is written {scales} (e.g. rcp:3), not {text!r}."
            )
        return {"scale": scale.strip(), "grade": int(grade)}
    if isinstance(question, MultipleChoiceQuestion):
        return [v.strip() for v in text.split(",") if v.strip()]
    return text


def parse_agreed_value(
    definition: ReviewDefinition, case: ResolvedCase, item: str, text: str
) -> Mapping[str, Any]:
    """The agreed value as a canonical answer state, checked against its question."""
    if item == OUTCOME_ITEM:
        if text.strip() not in OUTCOMES:
            raise InvalidInputError(f"The agreed outcome must be one of: {', '.join(OUTCOMES)}.")
        return answered(text.strip())
    found = definition.find(item)
    if found is None or found.group is not None:
        raise NotFoundError(f"There is no question {item!r} in the review definition.")
    question = found.question
    if isinstance(question, GroupQuestion):
        first, second = case.reviews[0]["answers"], case.reviews[1]["answers"]
        a, b = state_of(first, item), state_of(second, item)
        refs = case.reviewer_refs
        if text.strip() == BOTH:
            return union_items(a, b, refs[0], refs[1])
        if text.strip() in refs:
            chosen, ref = (a, refs[0]) if text.strip() == refs[0] else (b, refs[1])
            return union_items(chosen, {"state": "unanswered"}, ref, ref)
        raise InvalidInputError(
            f"For {item} give whose items stand: {refs[0]}, {refs[1]} or {BOTH}."
        )
    value = _scalar(question, text)
    try:
        validate_value(question, value)
    except InvalidAnswerError as err:
        raise InvalidInputError(f"The agreed value does not fit {item}: {err}") from None
    return answered(value)


@dataclass(frozen=True)
class ConsensusRecorded:
    record: StoredConsensus
    superseded: bool  # an earlier consensus on the item was replaced

    def summary(self) -> str:
        """What the coordinator is told, in words (the window and ``coordinator consensus``)."""
        r = self.record
        version = (
            f"version {r.version}, superseding version {r.version - 1}"
            if self.superseded
            else f"version {r.version}"
        )
        try:
            method = ConsensusMethod(r.method).label
        except ValueError:  # a method this version does not know: as stored
            method = str(r.method)
        return f"Consensus recorded on {r.case_ref} {r.item} ({version}); method: {method}."


def record_consensus(
    study: Study,
    case_ref: str,
    item: str,
    *,
    value: str,
    method: str,
    reason: str,
    recorded_by: str,
) -> ConsensusRecorded:
    """Record the agreed value of one differing item of a double-reviewed case (module
    docstring). Refused, changing nothing, when the pair is incomplete, the item does not
    differ, or the value, method or reason is not valid."""
    chosen_method = parse_method(method)
    if not reason.strip():
        raise InvalidInputError("Give the reason for the consensus (--reason): it is required.")
    if not recorded_by.strip():
        raise InvalidInputError("Say who records the consensus: it is required.")
    reviews = read_reviews(study)
    case = find_case(resolve_from(reviews), case_ref)
    why = unpaired_reason(case)
    if why is not None:
        raise ConsensusRefusedError(f"No consensus can be recorded on case {case_ref}: {why}.")
    items = differing_items(case)
    if item not in items:
        raise ConsensusRefusedError(
            f"The two reviews of case {case_ref} do not differ on {item!r}: no consensus is "
            f"needed. Items that differ: {', '.join(items) or 'none'}."
        )
    definition = definition_of(case.reviews[0])
    agreed = parse_agreed_value(definition, case, item, value)
    first, second = (r.get("answers", {}) for r in case.reviews[:2])
    if item == OUTCOME_ITEM:
        a = answered(case.reviews[0].get("review", {}).get("outcome"))
        b = answered(case.reviews[1].get("review", {}).get("outcome"))
    else:
        a, b = dict(state_of(first, item)), dict(state_of(second, item))
    store = ConsensusStore(study.db)
    before = (case_ref, item) in reviews.records
    record = store.record(
        case_ref=case_ref,
        item=item,
        first_reviewer=case.reviewer_refs[0],
        first_value=a,
        second_reviewer=case.reviewer_refs[1],
        second_value=b,
        agreed_value=dict(agreed),
        method=chosen_method.value,
        reason=reason.strip(),
        recorded_by=recorded_by.strip(),
    )
    log.info("recorded a consensus on one item (version %d, %s)", record.version, record.method)
    return ConsensusRecorded(record, before)


def _cell(value: Any) -> str:
    """A stored state as one CSV cell: the value as JSON, or the state's name."""
    if isinstance(value, Mapping) and value.get("state") == "answered":
        inner = value.get("value")
        return inner if isinstance(inner, str) else json.dumps(inner, sort_keys=True)
    if isinstance(value, Mapping):
        return str(value.get("state"))
    return json.dumps(value, sort_keys=True)


def consensus_rows(study: Study) -> list[dict[str, str]]:
    """Every consensus record, every version (``consensus.csv``: ``CONSENSUS_COLUMNS``), in
    the order recorded; ``current`` says which version is in force (free text: the reason)."""
    history = ConsensusStore(study.db).history()
    newest = {(r.case_ref, r.item): r.version for r in history}
    by_id = {r.id: r for r in history}
    rows: list[dict[str, str]] = []
    for r in history:
        superseded = by_id.get(r.supersedes) if r.supersedes is not None else None
        rows.append(
            {
                "case_ref": r.case_ref,
                "item": r.item,
                "version": str(r.version),
                "supersedes_version": "" if superseded is None else str(superseded.version),
                "current": "yes" if newest[(r.case_ref, r.item)] == r.version else "no",
                "first_reviewer": r.first_reviewer,
                "first_value": _cell(r.first_value),
                "second_reviewer": r.second_reviewer,
                "second_value": _cell(r.second_value),
                "agreed_value": _cell(r.agreed_value),
                "method": r.method,
                "reason": r.reason,
                "recorded_by": r.recorded_by,
                "recorded_at": r.recorded_at.isoformat(),
            }
        )
    return rows
