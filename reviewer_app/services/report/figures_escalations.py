"""Section 5, escalations: referrals by trigger, destination, responsible and lead
organisation and status; Duty of Candour required (yes / no / unsure) by provider; LeDeR
notifications; immediate safety concerns; and deaths judged more likely than not against the
investigations requested (which should be all of them).

Referrals are read from the coordinator's escalation log (``records``: one entry per returned
escalation, as ``EscalationEntry.to_json()``); a case escalated by both reviewers of a pair has
two referrals. The case-level figures read the resolved answers. Organisation names are free
text: they pass through the identifier gate like every other text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer_app.domain.report import AnswerCode
from reviewer_app.services.reconciliation.resolved import ResolvedCase
from reviewer_app.services.report.source import (
    ReportInput,
    answer,
    option_labels,
    rcp_grade,
    text_answer,
)
from reviewer_app.services.report.tables import CountTable, SectionTables, make_table, num

DOC_COLUMNS = {"yes": "Required", "no": "Not required", "unsure": "Unsure"}
NOT_RECORDED = "Not recorded"
ESCALATED = "Escalated (investigation requested)"
NOT_ESCALATED = "Not escalated"


@dataclass(frozen=True)
class EscalationFigures(SectionTables):
    referrals: int
    cases_escalated: int
    by_trigger: CountTable
    by_destination: CountTable
    by_status: CountTable
    by_organisation: CountTable
    duty_of_candour: CountTable
    mltn_against_escalation: CountTable
    leder_needed: int
    leder_notified: int
    immediate_concerns: int
    overdue_acknowledgements: int

    def to_json(self) -> dict[str, Any]:
        return {
            "referrals": self.referrals,
            "cases_escalated": self.cases_escalated,
            "leder": {"needed": self.leder_needed, "notified": self.leder_notified},
            "immediate_safety_concerns": self.immediate_concerns,
            "overdue_acknowledgements": self.overdue_acknowledgements,
        }


Gate = Callable[[str, str], str]


def _text(gate: Gate, case_ref: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        return NOT_RECORDED
    return " ".join(gate(case_ref, value.strip()).split())


@dataclass
class _LogCounts:
    """The escalation log counted once: each table's cells, and statuses in log order."""

    by_trigger: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_destination: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_status: Counter[tuple[str, str]] = field(default_factory=Counter)
    by_org: Counter[tuple[str, str]] = field(default_factory=Counter)
    doc: Counter[tuple[str, str]] = field(default_factory=Counter)
    status_order: list[str] = field(default_factory=list)

    def add(self, entry: Mapping[str, Any], gate: Gate, labels: _Labels) -> None:
        ref = str(entry.get("case_ref", ""))
        for t in entry.get("triggers") or ():
            self.by_trigger[(labels.triggers.get(str(t), str(t)), "Referrals")] += 1
        for d in entry.get("destinations") or ():
            self.by_destination[(labels.destinations.get(str(d), str(d)), "Referrals")] += 1
        label = str(entry.get("status_label") or entry.get("status") or NOT_RECORDED)
        if label not in self.status_order:
            self.status_order.append(label)
        self.by_status[(label, "Referrals")] += 1
        responsible = _text(gate, ref, entry.get("organisations"))
        lead = _text(gate, ref, entry.get("lead_organisation"))
        self.by_org[(responsible, "Responsible")] += 1
        self.by_org[(lead, "Lead")] += 1
        duty: Mapping[str, Any] = entry.get("duty_of_candour") or {}
        provider = _text(gate, ref, duty.get("provider"))
        required = DOC_COLUMNS.get(str(duty.get("required")), AnswerCode.NOT_ANSWERED.label)
        self.doc[(provider, required)] += 1


@dataclass(frozen=True)
class _Labels:
    triggers: dict[str, str]
    destinations: dict[str, str]


def _labels(inp: ReportInput) -> _Labels:
    triggers = {t.id: t.label for t in inp.definition.escalation_triggers}
    triggers.update(option_labels(inp.definition, "escalation.item.triggers"))
    return _Labels(triggers, option_labels(inp.definition, "escalation.item.destination"))


def _in_definition_order(labels: Mapping[str, str], counts: Counter[tuple[str, str]]) -> list[str]:
    """The rows counted, in the definition's order, then any other value alphabetically."""
    rows = [v for v in labels.values() if any(r == v for r, _ in counts)]
    return rows + sorted({r for r, _ in counts} - set(rows))


def _referral_table(  # noqa: PLR0917
    n: int,
    key: str,
    title: str,
    header: str,
    counts: Counter[tuple[str, str]],
    rows: list[str] | None = None,
    multi: bool = False,
) -> CountTable:
    order = rows if rows is not None else sorted({r for r, _ in counts})
    note = " A referral may name several, so no totals are shown." if multi else ""
    return make_table(
        key,
        title,
        header,
        order,
        ["Referrals"],
        dict(counts),
        "referrals",
        f"Denominator: the {num(n)} referrals in the escalation log.{note}",
        totals=not multi,
        share=None,
    )


def _named_referrals(
    n: int, what: str, labels: Mapping[str, str], counts: Counter[tuple[str, str]]
) -> CountTable:
    """Referrals by a multiple choice of the escalation (trigger, destination): a row per
    option named, in the definition's order."""
    return _referral_table(
        n,
        f"escalations_by_{what}",
        f"Referrals by {what}",
        what.capitalize(),
        counts,
        _in_definition_order(labels, counts),
        multi=True,
    )


def _mltn_counts(
    reviewed: list[ResolvedCase], escalated_refs: set[str]
) -> Counter[tuple[str, str]]:
    mltn: Counter[tuple[str, str]] = Counter()
    for case in reviewed:
        grade = rcp_grade(case)
        row = (
            "Not graded"
            if grade is None
            else "More likely than not (RCP 1-3)"
            if grade <= 3
            else "Not more likely than not"
        )
        escalated = (
            answer(case, "escalation.decision") == "escalate" or case.case_ref in escalated_refs
        )
        mltn[(row, ESCALATED if escalated else NOT_ESCALATED)] += 1
    return mltn


def _leder_and_immediate(inp: ReportInput) -> tuple[int, int, int]:
    """LeDeR notifications needed and made, and immediate safety concerns, over every case."""
    leder_needed = 0
    leder_notified = 0
    immediate = 0
    for case in inp.cases:
        if "yes" in (
            answer(case, "screening.learning_disability"),
            answer(case, "screening.autism"),
        ):
            leder_needed += 1
            date = text_answer(case, "screening.leder_date")
            reference = text_answer(case, "screening.leder_reference")
            if date is not None or reference is not None:
                leder_notified += 1
        immediate += answer(case, "immediate.concern") == "yes"
    return leder_needed, leder_notified, immediate


def _organisation_table(n: int, counts: _LogCounts) -> CountTable:
    return make_table(
        "escalations_by_organisation",
        "Referrals by responsible and lead organisation",
        "Organisation",
        sorted({r for r, _ in counts.by_org}),
        ["Responsible", "Lead"],
        dict(counts.by_org),
        "referrals",
        f"Denominator: the {num(n)} referrals; each counted once as responsible (as the "
        "review named them) and once as lead organisation.",
        totals=False,
        share=None,
    )


def _duty_of_candour_table(n: int, counts: _LogCounts) -> CountTable:
    doc_columns = [*DOC_COLUMNS.values()]
    if any(c == AnswerCode.NOT_ANSWERED.label for _, c in counts.doc):
        doc_columns.append(AnswerCode.NOT_ANSWERED.label)
    return make_table(
        "duty_of_candour",
        "Duty of Candour required, by responsible provider",
        "Provider",
        sorted({r for r, _ in counts.doc}),
        doc_columns,
        dict(counts.doc),
        "referrals",
        f"Denominator: the {num(n)} referrals. The provider owes Duty of Candour; the review "
        "records it, it does not discharge it.",
        share="row",
    )


def _mltn_table(reviewed: list[ResolvedCase], mltn: Counter[tuple[str, str]]) -> CountTable:
    return make_table(
        "mltn_against_escalation",
        "Deaths judged more likely than not avoidable against investigations requested",
        "Avoidability judgement",
        ["More likely than not (RCP 1-3)", "Not more likely than not", "Not graded"],
        [ESCALATED, NOT_ESCALATED],
        dict(mltn),
        "cases",
        f"Denominator: the {num(len(reviewed))} fully reviewed cases. Every death judged more "
        "likely than not due to problems in care should have an investigation requested.",
        share="row",
        # the cases escalated are stated in the text: the column totals are known
        known=frozenset({(3, 0), (3, 1), (3, 2)}),
    )


def escalation_figures(inp: ReportInput, gate: Gate) -> EscalationFigures:
    log = list(inp.escalation_log)
    n = len(log)
    labels = _labels(inp)
    counts = _LogCounts()
    for entry in log:
        counts.add(entry, gate, labels)
    reviewed = inp.full_reviews()
    escalated_refs = {str(e.get("case_ref")) for e in log}
    leder_needed, leder_notified, immediate = _leder_and_immediate(inp)
    cases_escalated = len(
        escalated_refs
        | {c.case_ref for c in reviewed if answer(c, "escalation.decision") == "escalate"}
    )
    return EscalationFigures(
        referrals=n,
        cases_escalated=cases_escalated,
        by_trigger=_named_referrals(n, "trigger", labels.triggers, counts.by_trigger),
        by_destination=_named_referrals(
            n, "destination", labels.destinations, counts.by_destination
        ),
        by_status=_referral_table(
            n,
            "escalations_by_status",
            "Referrals by status",
            "Status",
            counts.by_status,
            counts.status_order,
        ),
        by_organisation=_organisation_table(n, counts),
        duty_of_candour=_duty_of_candour_table(n, counts),
        mltn_against_escalation=_mltn_table(reviewed, _mltn_counts(reviewed, escalated_refs)),
        leder_needed=leder_needed,
        leder_notified=leder_notified,
        immediate_concerns=immediate,
        overdue_acknowledgements=sum(1 for e in log if e.get("overdue") is True),
    )
