"""``coordinator status`` in words: counts, reviewers, the chase list, then every case.

Case and reviewer references only: no patient identifier is ever printed.
"""

from __future__ import annotations

from reviewer_app.domain.vocabulary import CaseState, ReviewerCaseState, ReviewMode
from reviewer_app.services.collection.status import CaseStatus, ReviewerOnCase, StudyStatus

_STATE_WORDS = {
    ReviewerCaseState.NOT_SENT: "not sent",
    ReviewerCaseState.PACK_SENT: "pack sent",
    ReviewerCaseState.RETURNED: "returned",
    ReviewerCaseState.CONFLICT: "CONFLICT",
}


def status_lines(status: StudyStatus, *, cases: bool = True) -> list[str]:
    """The whole status as lines; ``cases=False`` leaves out the per-case table."""
    lines = [*_totals(status), "", *_reviewers(status), "", *_chase(status)]
    if cases:
        lines += ["", "Cases:", *(case_line(c) for c in status.cases)]
    return lines


def _totals(status: StudyStatus) -> list[str]:
    counts = status.case_counts()
    shown = ", ".join(f"{n} {state.label}" for state, n in counts.items() if n)
    c = status.concerns
    lines = [
        f"{len(status.cases)} cases: {shown or 'none'}.",
        f"Returned: {c.escalation_reviews} review(s) escalating ({c.escalation_cases} "
        f"case(s)); {c.immediate_reviews} immediate safety concern(s) "
        f"({c.immediate_cases} case(s)).",
        f"Overdue: {status.overdue_total} reviewer assignment(s) (not returned, past the due "
        f"date: the day first sent + {status.overdue_days} days).",
    ]
    if status.quarantined_files:
        lines.append(
            f"Quarantined: {status.quarantined_files} bundle file(s) "
            "(see the study's quarantine folder and collect's report)."
        )
    return lines


def _reviewers(status: StudyStatus) -> list[str]:
    lines = [
        f"Reviewers (overdue: not returned, past the day first sent + {status.overdue_days} days):",
        f"  {'ref':<8} {'allocated':>9} {'returned':>8} {'owed':>5} {'overdue':>7}  notes",
    ]
    for r in status.reviewers:
        notes = []
        if r.not_sent:
            notes.append(f"{r.not_sent} not yet sent")
        if r.quarantined_files:
            notes.append(f"{r.quarantined_files} quarantined file(s)")
        if r.conflicts:
            notes.append(f"{r.conflicts} conflict(s)")
        if r.revoked:
            notes.append("certificate revoked")
        lines.append(
            f"  {r.reviewer_ref:<8} {r.allocated:>9} {r.returned:>8} {len(r.owed):>5} "
            f"{r.overdue:>7}  {'; '.join(notes)}".rstrip()
        )
    return lines


def _chase(status: StudyStatus) -> list[str]:
    chase = [r for r in status.reviewers if r.owed]
    if not chase:
        return ["Chase list: nothing owed."]
    lines = ["Chase list (case refs still owed, overdue marked *):"]
    for r in chase:
        overdue = set(r.overdue_refs)
        refs = " ".join(f"{ref}*" if ref in overdue else ref for ref in r.owed)
        lines.append(f"  {r.reviewer_ref}: {len(r.owed)} owed: {refs}")
    return lines


def _reviewer_word(row: ReviewerOnCase) -> str:
    word = f"{row.reviewer_ref} {_STATE_WORDS[row.state]}"
    if row.returned:
        word += f" v{row.version} {row.outcome}"
        if row.amended:
            word += " amended"
    elif row.overdue:
        word += " OVERDUE"
    if row.may_be_in_quarantine:
        word += " (may be in quarantine)"
    return word


def case_line(case: CaseStatus) -> str:
    if case.state is CaseState.NOT_ALLOCATED:
        return f"  {case.case_ref}: not allocated"
    joint, alone = ReviewMode.JOINT.value, ReviewMode.INDEPENDENT.value
    mode = f"{joint} with {case.co_reviewer_ref}" if case.co_reviewer_ref else alone
    who = "; ".join(_reviewer_word(r) for r in case.reviewers)
    return f"  {case.case_ref}: {case.state.label} ({mode}): {who}"
