"""Where every case stands: ``reviewer-app coordinator status STUDY``.

Computed, read only, from what the study holds: the allocation and each case's review mode,
the packs made (which case went to whom, when), and what collection stored
(``collection.records``: the version in force per case and reviewer, conflicts, quarantine,
revocations). Nothing here writes.

- Per case and allocated reviewer (for a joint case, the pack holder; the co-reviewer signs
  on their copy): the ``ReviewerCaseState``, when the pack sent it, the version in force and
  its outcome, when it was signed, whether it was amended, and whether the reviewer has
  bundles in quarantine (a quarantined file is refused whole, so it is not known which cases
  it held: "may be in quarantine" is said only of cases still owed).
- Per case, the ``CaseState``: handed back or records missing (any current reviewer's
  outcome), joint signed, both, one of two, or awaiting returns.
- Per reviewer: allocated, returned, owed, overdue (not returned, and past the due date: the
  UK day after the day first sent + N days, the rule the reviewer's case list uses too),
  quarantined files, conflicts, revoked.
- The chase list: per reviewer, the case refs still owed (refs only, never a patient
  identifier), overdue first.
- Escalations and immediate safety concerns returned, read from the versions in force
  (the answers ``escalation.decision`` = escalate and ``immediate.concern`` = yes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from reviewer_app.domain.review_timing import (
    RETURN_WINDOW_DAYS,
    due_date_for,
    is_past_due,
    uk_today,
)
from reviewer_app.domain.vocabulary import CaseState, ReviewerCaseState, ReviewMode
from reviewer_app.services.collection import records
from reviewer_app.services.collection.records import ReturnedState
from reviewer_app.services.study import Study
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.allocation import AllocationStore
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.packs import PackLedger

InForce = tuple[ReturnedState, dict[str, Any]]
DEFAULT_OVERDUE_DAYS: Final = RETURN_WINDOW_DAYS  # the packs' due dates count the same days
ESCALATION_QUESTION: Final = "escalation.decision"
ESCALATE: Final = "escalate"
IMMEDIATE_QUESTION: Final = "immediate.concern"
YES: Final = "yes"
# A returned outcome other than a full review puts the case in the state of the same name
# (handed back first: a conflict of interest outranks the rest).
_OUTCOME_STATES: Final = (
    CaseState.HANDED_BACK,
    CaseState.RECORDS_MISSING,
    CaseState.OUTSIDE_METHOD,
)


@dataclass(frozen=True)
class ReviewerOnCase:
    reviewer_ref: str
    state: ReviewerCaseState
    pack_sent_at: dt.datetime | None = None
    version: int | None = None  # the returned version in force
    outcome: str | None = None  # canonical outcome of that version
    signed_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    amended: bool = False
    conflict: bool = False
    may_be_in_quarantine: bool = False
    overdue: bool = False

    @property
    def returned(self) -> bool:
        return self.version is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewer_ref": self.reviewer_ref,
            "state": self.state.value,
            "pack_sent_at": _iso(self.pack_sent_at),
            "returned_version": self.version,
            "outcome": self.outcome,
            "signed": self.signed_at is not None,
            "signed_at": _iso(self.signed_at),
            "returned_at": _iso(self.returned_at),
            "amended": self.amended,
            "conflict": self.conflict,
            "may_be_in_quarantine": self.may_be_in_quarantine,
            "overdue": self.overdue,
        }


@dataclass(frozen=True)
class CaseStatus:
    case_ref: str
    state: CaseState
    mode: ReviewMode | None  # None: not allocated
    reviewers: tuple[ReviewerOnCase, ...] = ()
    co_reviewer_ref: str | None = None  # joint: the second reviewer, who co-signs

    def to_json(self) -> dict[str, Any]:
        return {
            "case_ref": self.case_ref,
            "state": self.state.value,
            "mode": self.mode.value if self.mode else None,
            "co_reviewer_ref": self.co_reviewer_ref,
            "reviewers": [r.to_json() for r in self.reviewers],
        }


@dataclass
class ReviewerStatus:
    reviewer_ref: str
    allocated: int = 0
    returned: int = 0
    overdue: int = 0
    not_sent: int = 0
    quarantined_files: int = 0
    conflicts: int = 0
    revoked: bool = False
    owed: list[str] = field(default_factory=list)  # case refs, overdue first then by ref
    overdue_refs: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "reviewer_ref": self.reviewer_ref,
            "allocated": self.allocated,
            "returned": self.returned,
            "owed": len(self.owed),
            "overdue": self.overdue,
            "not_sent": self.not_sent,
            "quarantined_files": self.quarantined_files,
            "conflicts": self.conflicts,
            "revoked": self.revoked,
        }


@dataclass(frozen=True)
class ConcernCounts:
    """Escalations and immediate safety concerns in the versions in force."""

    escalation_reviews: int = 0
    escalation_cases: int = 0
    immediate_reviews: int = 0
    immediate_cases: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "escalation_reviews": self.escalation_reviews,
            "escalation_cases": self.escalation_cases,
            "immediate_concern_reviews": self.immediate_reviews,
            "immediate_concern_cases": self.immediate_cases,
        }


@dataclass(frozen=True)
class StudyStatus:
    now: dt.datetime
    overdue_days: int
    cases: tuple[CaseStatus, ...]
    reviewers: tuple[ReviewerStatus, ...]
    concerns: ConcernCounts
    quarantined_files: int
    unattributed_quarantine: int  # quarantined files that did not say whose they were

    def case_counts(self) -> dict[CaseState, int]:
        counts = dict.fromkeys(CaseState, 0)
        for case in self.cases:
            counts[case.state] += 1
        return counts

    @property
    def overdue_total(self) -> int:
        """Reviewer assignments overdue across the study (the overview's figure)."""
        return sum(r.overdue for r in self.reviewers)

    def chase_list(self) -> dict[str, list[str]]:
        """reviewer ref -> case refs still owed (overdue first), for reviewers owing any."""
        return {r.reviewer_ref: list(r.owed) for r in self.reviewers if r.owed}

    def to_json(self) -> dict[str, Any]:
        return {
            "now": _iso(self.now),
            "overdue_days": self.overdue_days,
            "overdue_total": self.overdue_total,
            "case_counts": {k.value: v for k, v in self.case_counts().items()},
            "concerns": self.concerns.to_json(),
            "quarantined_files": self.quarantined_files,
            "unattributed_quarantined_files": self.unattributed_quarantine,
            "reviewers": [r.to_json() for r in self.reviewers],
            "chase_list": [
                {"reviewer_ref": r.reviewer_ref, "owed": r.owed, "overdue": r.overdue_refs}
                for r in self.reviewers
                if r.owed
            ],
            "cases": [c.to_json() for c in self.cases],
        }


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None


# --- computing it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Inputs:
    case_refs: list[str]
    pairs: dict[str, tuple[str, str]]
    modes: dict[str, ReviewMode]
    sent: dict[tuple[str, str], dt.datetime]  # (reviewer, case) -> first sent (PackLedger)
    returned: dict[tuple[str, str], ReturnedState]
    quarantined: dict[str | None, int]
    revoked: set[str]


def _read(study: Study, contents: Sequence[InForce] | None) -> _Inputs:
    allocation = AllocationStore(study.db).get()
    stored_modes = AllocationStore(study.db).case_modes()
    study_mode = study.review_mode
    modes = {ref: ReviewMode(stored_modes.get(ref, study_mode.value)) for ref in allocation.pairs}
    return _Inputs(
        case_refs=CohortStore(study.db).case_refs(),
        pairs=dict(allocation.pairs),
        modes=modes,
        sent=PackLedger(study.db).first_sent(),
        returned=(
            records.returned_states(study)
            if contents is None
            else {(state.case_ref, state.reviewer_ref): state for state, _ in contents}
        ),
        quarantined=records.quarantined_by_reviewer(study),
        revoked=set(records.revoked_reviewers(study)),
    )


def study_status(
    study: Study,
    *,
    overdue_days: int = DEFAULT_OVERDUE_DAYS,
    now: dt.datetime | None = None,
    contents: Sequence[InForce] | None = None,
) -> StudyStatus:
    """The status of every case and reviewer (see the module docstring). ``contents``: the
    versions in force as ``records.in_force_contents`` gives them, when the caller has read
    them already (then neither they nor the returned states are read again)."""
    if overdue_days < 0:
        raise ValueError("overdue_days must not be negative")
    now = now or utc_now()
    inputs = _read(study, contents)
    late = _Lateness(uk_today(now), overdue_days)
    cases = tuple(_case_status(inputs, ref, late) for ref in inputs.case_refs)
    reviewers = _reviewer_statuses(inputs, cases)
    return StudyStatus(
        now=now,
        overdue_days=overdue_days,
        cases=cases,
        reviewers=reviewers,
        concerns=concern_counts(
            content
            for _, content in (records.in_force_contents(study) if contents is None else contents)
        ),
        quarantined_files=sum(inputs.quarantined.values()),
        unattributed_quarantine=inputs.quarantined.get(None, 0),
    )


@dataclass(frozen=True)
class _Lateness:
    today: dt.date  # the UK day at ``now``
    window_days: int

    def overdue(self, first_sent: dt.datetime | None) -> bool:
        """Not returned and past its due date (never on the due date itself)."""
        if first_sent is None:
            return False
        return is_past_due(due_date_for(first_sent, self.window_days), self.today)


def _case_status(inputs: _Inputs, case_ref: str, late: _Lateness) -> CaseStatus:
    pair = inputs.pairs.get(case_ref)
    if pair is None:
        return CaseStatus(case_ref, CaseState.NOT_ALLOCATED, None)
    mode = inputs.modes[case_ref]
    holders = pair if mode is ReviewMode.INDEPENDENT else pair[:1]
    rows = tuple(_on_case(inputs, case_ref, ref, late) for ref in holders)
    co = pair[1] if mode is ReviewMode.JOINT else None
    return CaseStatus(case_ref, _case_state(mode, rows), mode, rows, co)


def _on_case(inputs: _Inputs, case_ref: str, ref: str, late: _Lateness) -> ReviewerOnCase:
    sent = inputs.sent.get((ref, case_ref))
    got = inputs.returned.get((case_ref, ref))
    if got is None:
        state = ReviewerCaseState.PACK_SENT if sent is not None else ReviewerCaseState.NOT_SENT
        return ReviewerOnCase(
            ref,
            state,
            pack_sent_at=sent,
            may_be_in_quarantine=inputs.quarantined.get(ref, 0) > 0,
            overdue=late.overdue(sent),
        )
    return ReviewerOnCase(
        ref,
        ReviewerCaseState.CONFLICT if got.conflict else ReviewerCaseState.RETURNED,
        pack_sent_at=sent,
        version=got.version,
        outcome=got.outcome,
        signed_at=got.signed_at,
        returned_at=got.returned_at,
        amended=got.amended,
        conflict=got.conflict,
    )


def _case_state(mode: ReviewMode, rows: tuple[ReviewerOnCase, ...]) -> CaseState:
    outcomes = {r.outcome for r in rows if r.returned}
    for state in _OUTCOME_STATES:
        if state.value in outcomes:
            return state
    returned = sum(1 for r in rows if r.returned)
    if mode is ReviewMode.JOINT:
        return CaseState.JOINT_SIGNED if returned else CaseState.AWAITING_RETURNS
    if returned >= 2:
        return CaseState.BOTH_RETURNED
    return CaseState.ONE_OF_TWO_RETURNED if returned == 1 else CaseState.AWAITING_RETURNS


def _reviewer_statuses(inputs: _Inputs, cases: Iterable[CaseStatus]) -> tuple[ReviewerStatus, ...]:
    refs = {ref for pair in inputs.pairs.values() for ref in pair}
    refs |= {ref for ref in inputs.quarantined if ref is not None}
    found = {ref: ReviewerStatus(ref, revoked=ref in inputs.revoked) for ref in sorted(refs)}
    for ref, count in inputs.quarantined.items():
        if ref is not None:
            found[ref].quarantined_files = count
    for case in cases:
        for row in case.reviewers:
            status = found[row.reviewer_ref]
            status.allocated += 1
            if row.returned:
                status.returned += 1
                status.conflicts += int(row.conflict)
            elif row.state is ReviewerCaseState.NOT_SENT:
                status.not_sent += 1
            else:
                status.owed.append(case.case_ref)
                if row.overdue:
                    status.overdue_refs.append(case.case_ref)
    for status in found.values():
        status.overdue = len(status.overdue_refs)
        overdue = set(status.overdue_refs)
        status.owed.sort(key=lambda ref: (ref not in overdue, ref))
    return tuple(found.values())


def _answered(content: dict[str, Any], question_id: str) -> Any:
    answer = content.get("answers", {}).get(question_id)
    if isinstance(answer, dict) and answer.get("state") == "answered":
        return answer.get("value")
    return None


def concern_counts(contents: Iterable[dict[str, Any]]) -> ConcernCounts:
    """Escalations and immediate safety concerns in canonical contents (reviews and cases)."""
    escalations: list[str] = []
    immediate: list[str] = []
    for content in contents:
        case_ref = str(content.get("case", {}).get("case_ref"))
        if _answered(content, ESCALATION_QUESTION) == ESCALATE:
            escalations.append(case_ref)
        if _answered(content, IMMEDIATE_QUESTION) == YES:
            immediate.append(case_ref)
    return ConcernCounts(
        escalation_reviews=len(escalations),
        escalation_cases=len(set(escalations)),
        immediate_reviews=len(immediate),
        immediate_cases=len(set(immediate)),
    )
