"""The taskforce's de-identified escalation log (PDF and CSV) and its rows for the report.

No name, NHS number, hospital number, postcode or date of birth: the structured fields carry
none, and every free text (the description, organisations, references, the coordinator's
notes) goes through the identifier gate of the taskforce summary
(``summary.redaction.redact_text``, with the case's own identifiers). The date of the care
concerned is coarsened to its month; the log's own dates (sent, acknowledged, Duty of Candour)
are administrative and kept whole, since the taskforce chases by them.

Unanswered and not asked stay distinct: "not answered" and "not asked" in the CSV and PDF,
never blank and never "no". :func:`taskforce_rows` is the public read for the report's
escalation section and ``escalations.csv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.case import Case
from reviewer_app.domain.records import ACK_WORKING_DAYS
from reviewer_app.services.intake.csv_export import write_csv
from reviewer_app.services.records.escalation_log import EscalationEntry, escalation_entries
from reviewer_app.services.records.review_escalations import NOT_ASKED
from reviewer_app.services.study import Study
from reviewer_app.services.summary.redaction import REDACTED, redact_text
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.cohort import CohortStore

NOT_ANSWERED_TEXT = "not answered"
NOT_ASKED_TEXT = "not asked"
NOT_RECORDED_TEXT = "not recorded"
UTF8_BOM = "\ufeff"

CSV_COLUMNS = (
    "esc_id",
    "case_ref",
    "reviewer_ref",
    "review_version",
    "triggers",
    "destinations",
    "organisations",
    "lead_organisation",
    "phase",
    "care_month",
    "harm",
    "harm_severity",
    "avoidability_rcp",
    "duty_of_candour_required",
    "duty_of_candour_provider",
    "duty_of_candour_no_reason",
    "doc_notified",
    "doc_notified_on",
    "doc_notified_by",
    "doc_in_writing",
    "status",
    "status_date",
    "sent_date",
    "acknowledgement_due",
    "acknowledgement_overdue",
    "reference",
    "description",
    "latest_note",
)


@dataclass(frozen=True)
class TaskforceEscalation:
    """One escalation as the taskforce may read it (every text value already gated)."""

    esc_id: str
    case_ref: str
    reviewer_ref: str
    review_version: int
    triggers: tuple[str, ...]  # labels
    destinations: tuple[str, ...]  # labels
    organisations: str
    lead_organisation: str
    phase: str
    care_month: str  # YYYY-MM, or "not answered"
    harm: str
    harm_severity: str
    avoidability_rcp: str  # "1".."6" or "not answered"
    duty_of_candour_required: str  # yes / no / unsure / not answered / not asked
    duty_of_candour_provider: str
    duty_of_candour_no_reason: str
    doc_notified: str  # yes / no / not recorded
    doc_notified_on: str
    doc_notified_by: str
    doc_in_writing: str
    status: str  # the status label
    status_date: str
    sent_date: str
    acknowledgement_due: str
    acknowledgement_overdue: bool
    reference: str
    description: str
    latest_note: str

    def csv_row(self) -> list[str]:
        values = {
            **self.__dict__,
            "triggers": "; ".join(self.triggers),
            "destinations": "; ".join(self.destinations),
            "review_version": str(self.review_version),
            "acknowledgement_overdue": "yes" if self.acknowledgement_overdue else "no",
        }
        return [str(values[c]) for c in CSV_COLUMNS]


def _answered(value: str | None) -> str:
    if value is None:
        return NOT_ANSWERED_TEXT
    return NOT_ASKED_TEXT if value == NOT_ASKED else value


def _day(value: dt.date | None) -> str:
    return NOT_RECORDED_TEXT if value is None else value.isoformat()


class _Gate:
    """The identifier gate per case; a case missing from the cohort redacts all its text."""

    def __init__(self, cases: Sequence[Case]) -> None:
        self._cases = {c.case_ref: c for c in cases}

    def __call__(self, case_ref: str, text: str | None) -> str:
        if text is None:
            return NOT_ANSWERED_TEXT
        if text == NOT_ASKED:
            return NOT_ASKED_TEXT
        case = self._cases.get(case_ref)
        if case is None:
            return REDACTED
        return redact_text(text, case).text


def taskforce_rows(
    study: Study,
    *,
    today: dt.date | None = None,
    working_days: int = ACK_WORKING_DAYS,
    entries: Sequence[EscalationEntry] | None = None,
) -> list[TaskforceEscalation]:
    """Every escalation, de-identified, in the log's order."""
    gate = _Gate(CohortStore(study.db).cases())
    day = today or utc_now().date()
    return [
        _row(e, gate, day, working_days)
        for e in (escalation_entries(study) if entries is None else entries)
    ]


def _row(e: EscalationEntry, gate: _Gate, today: dt.date, days: int) -> TaskforceEscalation:
    doc = e.duty_of_candour
    latest_note = next((u.note for u in reversed(e.history) if u.note), None)
    return TaskforceEscalation(
        esc_id=e.esc_id,
        case_ref=e.case_ref,
        reviewer_ref=e.reviewer_ref,
        review_version=e.version,
        triggers=e.trigger_labels,
        destinations=e.destination_labels,
        organisations=gate(e.case_ref, e.organisations),
        lead_organisation=gate(e.case_ref, e.lead_organisation),
        phase=_answered(e.phase_label if e.phase != NOT_ASKED else NOT_ASKED),
        care_month=NOT_ANSWERED_TEXT if e.care_date is None else f"{e.care_date:%Y-%m}",
        harm=_answered(e.harm),
        harm_severity=_answered(e.harm_severity),
        avoidability_rcp=(
            NOT_ANSWERED_TEXT if e.avoidability is None else str(e.avoidability.rcp_grade)
        ),
        duty_of_candour_required=_answered(doc.required),
        duty_of_candour_provider=gate(e.case_ref, doc.provider),
        duty_of_candour_no_reason=gate(e.case_ref, doc.no_reason),
        doc_notified=doc.notified or NOT_RECORDED_TEXT,
        doc_notified_on=_day(doc.notified_on),
        doc_notified_by=(
            NOT_RECORDED_TEXT if doc.notified_by is None else gate(e.case_ref, doc.notified_by)
        ),
        doc_in_writing=doc.in_writing or NOT_RECORDED_TEXT,
        status=e.status.label,
        status_date=_day(e.status_date),
        sent_date=_day(e.sent_date),
        acknowledgement_due=_day(e.acknowledgement_due),
        acknowledgement_overdue=e.overdue(today, days),
        reference=NOT_RECORDED_TEXT if e.reference is None else gate(e.case_ref, e.reference),
        description=gate(e.case_ref, e.description),
        latest_note="" if latest_note is None else gate(e.case_ref, latest_note),
    )


def log_csv(rows: Sequence[TaskforceEscalation]) -> str:
    """The de-identified log as CSV text (spreadsheet-safe cells, UTF-8 BOM first)."""
    return UTF8_BOM + write_csv(CSV_COLUMNS, [r.csv_row() for r in rows])


def write_log_csv(
    study: Study,
    out: Path,
    *,
    working_days: int = ACK_WORKING_DAYS,
    clock: Callable[[], dt.datetime] = utc_now,
) -> int:
    return _write_log(
        study, out, working_days, clock, lambda rows, _: log_csv(rows).encode("utf-8")
    )


def write_log_pdf(
    study: Study,
    out: Path,
    *,
    working_days: int = ACK_WORKING_DAYS,
    clock: Callable[[], dt.datetime] = utc_now,
) -> int:
    def pdf(rows: Sequence[TaskforceEscalation], today: dt.date) -> bytes:
        return render_log(rows, study_name=study.info.name, today=today, working_days=working_days)

    return _write_log(study, out, working_days, clock, pdf)


def _write_log(
    study: Study,
    out: Path,
    working_days: int,
    clock: Callable[[], dt.datetime],
    render: Callable[[Sequence[TaskforceEscalation], dt.date], bytes],
) -> int:
    """The log as of today, rendered and written atomically (mode 0600); its row count."""
    today = clock().date()
    rows = taskforce_rows(study, today=today, working_days=working_days)
    atomic_write_bytes(out, render(rows, today), mode=0o600)
    return len(rows)


_HEADER = (
    "Escalation",
    "Triggers",
    "Escalated to",
    "Organisation (lead)",
    "Harm",
    "RCP",
    "Duty of Candour",
    "Status",
    "Description (de-identified)",
)
_WIDTHS_MM = (37, 32, 28, 34, 16, 9, 32, 32, 49)


def render_log(
    rows: Sequence[TaskforceEscalation], *, study_name: str, today: dt.date, working_days: int
) -> bytes:
    from reportlab.lib.units import mm

    from reviewer_app.services.pdf.blocks import header_table, note
    from reviewer_app.services.pdf.fonts import ensure_fonts
    from reviewer_app.services.pdf.styles import uk_date
    from reviewer_app.services.records import pdf_pages

    ensure_fonts()
    size = pdf_pages.LANDSCAPE
    width = pdf_pages.frame_width(size)
    scale = width / (sum(_WIDTHS_MM) * mm)
    widths = [w * mm * scale for w in _WIDTHS_MM]
    story: list[Any] = []
    overdue = sum(r.acknowledgement_overdue for r in rows)
    story.append(
        note(
            f"{len(rows)} escalation(s); {overdue} with an acknowledgement overdue (not "
            f"acknowledged {working_days} working days after sending). Free text has been "
            "through the identifier gate; the date of care is shown as its month."
        )
    )
    if rows:
        body, extra = _log_table(rows)
        story.append(header_table(_HEADER, body, widths, extra))

    furniture = pdf_pages.page_furniture(
        size,
        title="Escalation log (de-identified)",
        subtitle=f"{study_name} · at {uk_date(today)}",
        marking="De-identified: for the clinical taskforce",
        marking_red=False,
        note="The identifiable referral goes to the responsible provider by a secure route; "
        "this log carries no patient identifiers.",
    )

    frame = pdf_pages.Frame(size, top=24 * mm, bottom=20 * mm)
    return pdf_pages.render(story, frame=frame, furniture=furniture, title="Escalation log")


def _log_table(
    rows: Sequence[TaskforceEscalation],
) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    """The log's table body, a row an escalation, and the red background of each row whose
    acknowledgement is overdue."""
    from reviewer_app.services.pdf.blocks import para
    from reviewer_app.services.pdf.styles import PALE_RED

    body: list[list[Any]] = []
    extra: list[tuple[Any, ...]] = []
    for r in rows:
        if r.acknowledgement_overdue:
            extra.append(("BACKGROUND", (7, len(body) + 1), (7, len(body) + 1), PALE_RED))
        harm = (
            r.harm if r.harm_severity in (NOT_ANSWERED_TEXT,) else (f"{r.harm} ({r.harm_severity})")
        )
        body.append(
            [
                para(f"{r.esc_id}\n{r.phase}, {r.care_month}", "cell_bold"),
                para("; ".join(r.triggers) or NOT_ANSWERED_TEXT),
                para("; ".join(r.destinations) or NOT_ANSWERED_TEXT),
                para(f"{r.organisations}\nLead: {r.lead_organisation}"),
                para(harm),
                para(r.avoidability_rcp),
                para(_doc_text(r)),
                para(_status_text(r)),
                para(r.description),
            ]
        )
    return body, extra


def _doc_text(r: TaskforceEscalation) -> str:
    doc = f"Required: {r.duty_of_candour_required}"
    if r.doc_notified != NOT_RECORDED_TEXT:
        doc += f"\nNotified: {r.doc_notified} {r.doc_notified_on}".rstrip()
        doc += f"\nIn writing: {r.doc_in_writing}"
    return doc


def _status_text(r: TaskforceEscalation) -> str:
    status = f"{r.status} ({r.status_date})"
    if r.reference != NOT_RECORDED_TEXT:
        status += f"\nRef {r.reference}"
    if r.acknowledgement_overdue:
        status += f"\nAcknowledgement overdue (due {r.acknowledgement_due})"
    return status
