"""The report's headline sentences, worded once for the executive summary and the sections,
and only from what the published tables show (so a sentence never gives back a hidden count).
"""

from __future__ import annotations

from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.tables import is_hidden


def mltn_shown(f: ReportFigures) -> bool:
    """Whether the share more likely than not may be printed: its numerator is shown and so
    is the number of cases without a grade (the share's denominator is the graded cases, so
    publishing it beside a hidden "not graded" count would give that count back)."""
    if f.avoidability.more_likely_than_not is None:
        return False
    structure = f.published["avoidability_structure"]
    return not (is_hidden(structure.cells[0][-1]) or is_hidden(structure.cells[2][-1]))


def mltn_sentence(f: ReportFigures) -> str:
    """ "10 of 100 graded cases, 10.0% (95% Wilson interval 5.5% to 17.4%)", or why not."""
    a = f.avoidability
    p = a.more_likely_than_not
    if p is None:
        return "no case was graded, so no share can be given"
    if not mltn_shown(f):
        numerator = f.published["avoidability_structure"].cells[0][-1]
        shown = numerator if is_hidden(numerator) else "a number"
        return (
            f"{shown} of the graded cases (the share and its interval are suppressed in the "
            "publication copy)"
        )
    return (
        f"{a.mltn_count} of {a.graded} graded cases, {p.percent:.1f}% (95% Wilson interval "
        f"{100 * p.lower:.1f}% to {100 * p.upper:.1f}%)"
    )


def relatives_sentence(f: ReportFigures) -> str:
    """Relatives reached and not contacted, as the contact table prints them."""
    contact = f.published["relatives_contact"]
    rows = contact.table.row_labels
    reviewed = f.published["care_summary"].cells[-1][-1]

    def row_total(label: str) -> str:
        return contact.cells[rows.index(label)][-1] if label in rows else "0"

    from reviewer_app.services.report.figures_relatives import NOT_ATTEMPTED
    from reviewer_app.services.report.source import option_labels

    spoke = option_labels(f.input.definition, "relatives.outcome").get("spoke", "")
    return (
        f"reached (spoke with) for {row_total(spoke)}, contact not attempted for "
        f"{row_total(NOT_ATTEMPTED)}, of {reviewed} fully reviewed cases"
    )


def agreement_sentence(f: ReportFigures) -> str:
    """Agreement on avoidability (more likely than not vs not) in a few words."""
    publication = f.input.options.publication
    row = next((r for r in f.agreement.items() if r["kind"] == "dichotomy"), None)
    n = 0 if row is None else int(row.get("n") or 0)
    if n == 0:
        return "no complete independent pair yet"
    if publication and n < 5:
        return "fewer than 5 complete pairs: not published"
    pct = row.get("percent_agreement") if row else None
    agree = "" if pct is None else f"{pct:.0f}% agreement"
    kappa = row.get("kappa") if row else None
    if kappa is None:
        return (
            f"{agree} over {n} pairs; kappa not defined (both reviewers gave one and the same "
            "judgement throughout)"
        )
    return f"kappa {kappa:.2f}, {agree} over {n} pairs"
