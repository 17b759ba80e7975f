"""The reconciliation commands' output in words (case and reviewer refs only: no patient
identifier is ever printed)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from reviewer_app.domain.reconciliation import CaseStage
from reviewer_app.services.reconciliation.agreement_statement import (
    AgreementStatement,
    ItemAgreement,
)
from reviewer_app.services.reconciliation.case_model import ResolvedCase
from reviewer_app.services.reconciliation.second_stage import SecondStageEntry
from reviewer_app.services.reconciliation.stages import CaseStageRow, stage_counts


def _f(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def discordant_lines(cases: list[ResolvedCase]) -> list[str]:
    found = [c for c in cases if c.discordances]
    if not found:
        return ["No discordant pair among the pairs with both reviews in."]
    open_cases = sum(1 for c in found if c.open_discordances)
    lines = [f"{len(found)} discordant case(s), {open_cases} with items awaiting a consensus:"]
    for case in found:
        pair = " and ".join(case.reviewer_refs)
        items = []
        for d in case.discordances:
            state = (
                "stale consensus"
                if d.item in case.stale_consensus
                else "consensus"
                if d.item in case.consensus_items
                else "OPEN"
            )
            items.append(f"{d.item} ({d.kind.value}, {state})")
        lines.append(f"  {case.case_ref} ({pair}): " + "; ".join(items))
    return lines


def queue_lines(entries: list[SecondStageEntry]) -> list[str]:
    if not entries:
        return ["The second-stage queue is empty: no returned review fires a trigger."]
    lines = [f"{len(entries)} case(s) for second-stage review:"]
    for e in entries:
        who = f" with {e.reviewer_ref}" if e.reviewer_ref else ""
        triggers = ", ".join(t for t, _ in e.triggers)
        lines.append(
            f"  {e.case_ref}: {e.state}{who}; triggers {triggers} "
            f"(from {', '.join(e.triggered_by) or 'the earlier allocation'})"
        )
    return lines


def stage_lines(rows: list[CaseStageRow]) -> list[str]:
    counts = stage_counts(rows)
    shown = ", ".join(f"{n} {stage.label.lower()}" for stage, n in counts.items() if n)
    lines = [f"{len(rows)} cases: {shown or 'none'}."]
    for row in rows:
        extra = ""
        if row.open_items:
            extra = " open: " + ", ".join(row.open_items)
        if row.stage is CaseStage.SECOND_STAGE and row.second_stage_reviewer:
            extra += f" second stage with {row.second_stage_reviewer}"
        lines.append(f"  {row.case_ref}: {row.stage.label}{extra}")
    return lines


def _word(value: object) -> str:
    """A stored answer as words: ``not_applicable`` -> "not applicable"; none -> "not answered"."""
    return "not answered" if value is None else str(value).replace("_", " ")


def _counts(marginal: Mapping[Hashable, int]) -> str:
    """{"more_likely_than_not": 1, ...} -> "more likely than not 1, ..." (in the order kept)."""
    return ", ".join(f"{_word(value)} {n}" for value, n in marginal.items()) or "none"


def _item_line(item: ItemAgreement, *, weighted: bool) -> str:
    s = item.stats
    text = f"  {item.item}: n {s.n} of {s.pairs} pairs, agreement {_f(s.percent_agreement, 1)}%"
    if weighted:
        text += f", kappa quadratic {_f(s.kappa_quadratic)} (linear {_f(s.kappa_linear)})"
    else:
        text += f", kappa {_f(s.kappa)}"
    if s.excluded:
        apart = ", ".join(
            f"{_word(a)}/{_word(b)} {n}"
            for (a, b), n in sorted(s.excluded.items(), key=lambda kv: repr(kv[0]))
        )
        text += f"; counted apart: {apart}"
    return text


def agreement_lines(statement: AgreementStatement) -> list[str]:
    a = statement.avoidability.stats
    ci = a.kappa_interval
    lines = [
        f"Agreement over {statement.pairs} complete pair(s) of independent full reviews "
        f"({statement.pairs_incomplete} pair(s) with one review in, "
        f"{statement.pairs_outcome_differs} whose outcomes differ: not included).",
        "Avoidability, more likely than not (RCP 1-3) vs not:",
        f"  n {a.n}; first reviewer: {_counts(a.marginal_first)}; second: "
        f"{_counts(a.marginal_second)}",
        f"  agreement {_f(a.percent_agreement, 1)}%, kappa {_f(a.kappa)} (95% CI "
        f"{_f(ci.lower) if ci else 'n/a'} to {_f(ci.upper) if ci else 'n/a'}), "
        f"PABAK {_f(a.pabak)}, positive agreement {_f(a.positive_agreement)}, "
        f"negative agreement {_f(a.negative_agreement)}",
        "  Single-review avoidability is unreliable: read it with these figures.",
        "Avoidability grade (RCP orientation), weighted:",
        _item_line(statement.avoidability_grade, weighted=True),
        "Care scores (1-5; not applicable and unanswered counted apart):",
        *(_item_line(i, weighted=True) for i in statement.care_scores),
        "Themes, issue identified (yes vs no; not applicable, cannot tell, unknown apart):",
        *(_item_line(i, weighted=False) for i in statement.themes),
        f"Discordant cases: {len(statement.discordant_cases)}"
        + (": " + ", ".join(ref for ref, _ in statement.discordant_cases))
        if statement.discordant_cases
        else "Discordant cases: none",
        "Each reviewer's own rates (full independent reviews in force):",
    ]
    for r in statement.reviewers:
        mltn = r.more_likely
        poor = r.poor_overall
        lines.append(
            f"  {r.reviewer_ref}: {r.reviews} review(s); RCP 1-3 "
            + (f"{mltn.count}/{mltn.n} ({mltn.percent:.1f}%)" if mltn else "n/a")
            + f"; mean overall {_f(r.overall_mean)} (n {r.overall_n}); overall 1-2 "
            + (f"{poor.count}/{poor.n} ({poor.percent:.1f}%)" if poor else "n/a")
        )
    return lines
