"""Sections 5-9 of the taskforce report: escalations, relatives, agreement, learning,
actions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
)

from reviewer_app.services.pdf.blocks import boxed, gap, note, para, subheading
from reviewer_app.services.pdf.page import FRAME_WIDTH
from reviewer_app.services.pdf.styles import (
    PALE_AMBER,
    RED,
)
from reviewer_app.services.report.figures import ReportFigures
from reviewer_app.services.report.figures_agreement import CAVEAT, AgreementFigures
from reviewer_app.services.report.page_blocks import (
    count_text,
    fitted_table,
    number_text,
    section_heading,
    section_opening,
    table_block,
    text_para,
)


def section_escalations(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    e = f.escalations
    pubmode = f.input.options.publication
    flow = section_opening(
        5,
        f"{count_text(e.referrals, pubmode)} referral(s) in the escalation log, for "
        f"{count_text(e.cases_escalated, pubmode)} case(s). "
        f"Immediate safety concerns: {count_text(e.immediate_concerns, pubmode)}. LeDeR: "
        f"{count_text(e.leder_needed, pubmode)} deaths of people with a learning disability or "
        f"autism, {count_text(e.leder_notified, pubmode)} with a LeDeR notification recorded. "
        f"Acknowledgements overdue: {count_text(e.overdue_acknowledgements, pubmode)}.",
    )
    for key in ("escalations_by_trigger", "escalations_by_destination", "escalations_by_status"):
        flow += table_block(pub[key], shares=False, first_width=100 * mm)
    flow += table_block(pub["escalations_by_organisation"], shares=False, first_width=100 * mm)
    flow += table_block(pub["duty_of_candour"], first_width=62 * mm)
    flow += table_block(pub["mltn_against_escalation"], first_width=62 * mm)
    return flow


def section_relatives(f: ReportFigures) -> list[Flowable]:
    pub = f.published
    flow = section_opening(
        6,
        "Contact with relatives: attempted, reached, declined, no answer, no contact details; "
        "the concerns they raised, and those concerns against the reviewers' own findings.",
    )
    flow += table_block(pub["relatives_contact"], first_width=62 * mm)
    flow += table_block(pub["relatives_concerns_findings"], first_width=62 * mm)
    return flow


def section_agreement(f: ReportFigures) -> list[Flowable]:
    a = f.agreement
    pub = f.input.options.publication
    items = a.items()
    flow: list[Flowable] = [
        *section_heading(7),
        boxed([[para(CAVEAT, "cell_bold")]], [FRAME_WIDTH], background=PALE_AMBER, border=RED),
        gap(2),
        _agreement_intro(a, pub),
        *_agreement_table(items, pub),
    ]
    dich = next((r for r in items if r["kind"] == "dichotomy"), None)
    if dich is not None:
        flow.append(_specific_agreement(dich))
    discordant = a.discordant_list()
    if discordant and not pub:
        flow += _discordant_cases(f, discordant)
    rates = a.reviewer_rates()
    if rates and not pub:
        flow += _reviewer_rates(rates)
    elif rates:
        flow.append(text_para("Each reviewer's own rates are in the taskforce copy only."))
    return flow


def _agreement_intro(a: AgreementFigures, pub: bool) -> Flowable:
    return text_para(
        f"{count_text(a.pairs, pub)} cases were reviewed independently by both reviewers of "
        f"a pair; {count_text(a.discordant_cases, pub)} were discordant on at least one item, "
        f"{count_text(a.unreconciled_cases, pub)} "
        "still have an item decided by the default rule (the worse care score, the more "
        "avoidable grade) rather than a consensus. Statistics use each reviewer's original "
        "answers; pairs where either answer is not applicable or not answered are left out of "
        "an item and counted apart."
    )


def _agreement_row(r: Mapping[str, Any], pub: bool) -> list[Flowable]:
    n = int(r.get("n") or 0)
    left_out = int(r.get("excluded") or 0)
    if pub and 1 <= n <= 4:
        # statistics from fewer than five pairs would give the pairs' answers away
        return [
            para(r["label"]),
            para("<5"),
            *[para("suppressed") for _ in range(4)],
            para(count_text(left_out, pub)),
        ]
    ci = r.get("kappa_ci95")
    kappa = number_text(r.get("kappa")) + ("" if not ci else f" ({ci[0]:.2f} to {ci[1]:.2f})")
    weighted = (
        "-"
        if r["kind"] in ("dichotomy", "theme")
        else (f"q {number_text(r.get('kappa_quadratic'))}, l {number_text(r.get('kappa_linear'))}")
    )
    pct = r.get("percent_agreement")
    agree = "-" if pct is None else f"{pct:.0f}%"
    return [
        para(r["label"]),
        para(str(n)),
        para(agree),
        para(kappa),
        para(weighted),
        para(number_text(r.get("pabak"))),
        para(count_text(left_out, pub)),
    ]


def _agreement_table(items: Sequence[Mapping[str, Any]], pub: bool) -> list[Flowable]:
    header = ["Item", "Pairs", "Agree", "Kappa (95% CI)", "Weighted kappa", "PABAK", "Left out"]
    rows = [_agreement_row(r, pub) for r in items]
    widths = [52 * mm, 13 * mm, 14 * mm, 34 * mm, 32 * mm, 14 * mm, 15 * mm]
    return [
        fitted_table(header, rows, widths),
        note(
            "Pairs: cases with a category from both reviewers. Kappa: Cohen's, unweighted "
            "(avoidability dichotomised: more likely than not vs not; a theme's issue: yes vs "
            "no), 95% interval from the Fleiss-Cohen-Everitt standard error. Weighted: quadratic "
            "(q) and linear (l). PABAK: prevalence- and bias-adjusted kappa. Left out: pairs "
            "where either answer was not applicable, cannot tell, unknown or not answered "
            "(never pooled with no). Not defined: both reviewers used one category throughout, "
            "or no pair."
        ),
        gap(2),
    ]


def _specific_agreement(dich: Mapping[str, Any]) -> Flowable:
    return text_para(
        "Avoidability, specific agreement: positive "
        f"{number_text(dich.get('positive_agreement'))}, negative "
        f"{number_text(dich.get('negative_agreement'))} (more likely than not is rare, so "
        "kappa alone understates or overstates agreement: PABAK and the specific "
        "agreements are shown beside it)."
    )


def _discordant_cases(f: ReportFigures, discordant: Sequence[Mapping[str, Any]]) -> list[Flowable]:
    rows = [
        [
            para(str(d.get("case_ref", ""))),
            para("; ".join(_item_label(f, str(i)) for i in d.get("items") or ())),
        ]
        for d in discordant
    ]
    return [
        subheading("Discordant cases (taskforce copy only)"),
        fitted_table(["Case", "Discordant items"], rows, [30 * mm, FRAME_WIDTH - 30 * mm]),
        gap(2),
    ]


def _reviewer_rates(rates: Sequence[Mapping[str, Any]]) -> list[Flowable]:
    rows = []
    for rate in rates:
        mltn = rate.get("more_likely_than_not") or {}
        poor = rate.get("overall_poor_1_2") or {}
        mean = rate.get("overall_mean")
        rows.append(
            [
                para(str(rate.get("reviewer_ref", ""))),
                para(str(rate.get("reviews", 0))),
                para(rate_text(mltn)),
                para("-" if mean is None else f"{mean:.2f} (n {rate.get('overall_scored', 0)})"),
                para(rate_text(poor)),
            ]
        )
    return [
        subheading("Each reviewer's own rates (to spot an outlying rater)"),
        fitted_table(
            ["Reviewer", "Reviews", "RCP 1-3", "Mean overall score", "Overall 1-2"],
            rows,
            [26 * mm, 20 * mm, 46 * mm, 38 * mm, FRAME_WIDTH - 130 * mm],
        ),
        note(
            "Over each reviewer's full reviews in force in independent review; shares with "
            "their 95% Wilson interval."
        ),
    ]


def _item_label(f: ReportFigures, item: str) -> str:
    ref = f.input.definition.find(item)
    if ref is None:
        return item
    return ref.section.title if ref.question.type == "care_score" else ref.question.label


def rate_text(share: Any) -> str:
    if not share or share.get("n") in (None, 0):
        return "-"
    ci = share.get("ci95") or [0.0, 0.0]
    return (
        f"{share['count']} of {share['n']} ({100 * share['share']:.0f}%; "
        f"{100 * ci[0]:.0f}-{100 * ci[1]:.0f}%)"
    )


def section_learning(f: ReportFigures) -> list[Flowable]:
    per = f.input.options.learning_per_theme
    pubmode = f.input.options.publication
    flow = section_opening(
        8,
        '"Characteristics of poor care" and "good practice" as the reviewers wrote them, '
        "grouped by theme, after the identifier gate (anything that may identify a patient is "
        f"redacted). The {per} most frequent comments of each kind are shown per theme; the "
        "exports hold them all.",
    )
    for group in f.learning.groups:
        if not group.poor_care and not group.good_practice:
            continue
        rows: list[list[Any]] = []
        for kind, comments in (
            ("Poor care", group.poor_care),
            ("Good practice", group.good_practice),
        ):
            for text, n in comments[:per]:
                rows.append([para(kind), para(text), para(count_text(n, pubmode))])
            if len(comments) > per:
                rows.append(
                    [para(kind), para(f"and {len(comments) - per} other comments"), para("")]
                )
        flow += [
            subheading(group.theme),
            fitted_table(
                ["Kind", "Comment", "Cases"], rows, [26 * mm, FRAME_WIDTH - 44 * mm, 18 * mm]
            ),
            gap(2),
        ]
    return flow


def section_actions(f: ReportFigures) -> list[Flowable]:
    a = f.actions
    pub = f.published
    issue = pub["themes_issue"]
    flow = section_opening(
        9,
        "The action plan against the themes: how often each theme had an issue in this review, "
        "and the plan's actions for it by status (the board paper's 0-5 scale: 5 complete, "
        "4 on track, 3 some delay, 2 significant delay, 1 not yet commenced, 0 objective "
        "revised). Counts of actions are not suppressed.",
    )
    t = a.by_theme
    header = ["Theme", "Cases with an issue", *t.column_labels]
    rows = []
    for i, label in enumerate(t.row_labels):
        cases = (
            issue.cells[issue.table.row_labels.index(label)][0]
            if label in issue.table.row_labels
            else "-"
        )
        rows.append([para(label), para(cases), *[para(str(v)) for v in t.body[i]]])
    widths = [
        62 * mm,
        22 * mm,
        *[(FRAME_WIDTH - 84 * mm) / len(t.column_labels)] * len(t.column_labels),
    ]
    flow += [fitted_table(header, rows, widths), note(t.denominator), gap(3)]
    if a.rows:
        rows = [
            [
                para(r.reference),
                para(r.theme),
                para(r.action),
                para(r.lead),
                para(r.due_date),
                para(f"{r.status} {r.status_label}" + (" (overdue)" if r.overdue else "")),
            ]
            for r in a.rows
        ]
        flow += [
            subheading("The action plan"),
            fitted_table(
                ["Ref", "Theme", "Action", "Lead", "Due", "Status"],
                rows,
                [12 * mm, 34 * mm, 54 * mm, 26 * mm, 20 * mm, FRAME_WIDTH - 146 * mm],
            ),
        ]
    else:
        flow.append(text_para("No action plan has been recorded for this study."))
    return flow
