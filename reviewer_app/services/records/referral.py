"""The identifiable referral for the responsible provider, one per escalation
(``coordinator escalation referral STUDY ESC_ID --out FILE.pdf``).

It must identify the patient to be acted on, so it carries the cohort record's identifiers
(name, NHS number, date of birth, hospital number) beside what the signed review says about
the escalation (its triggers, destination, organisations, the care concerned, the factual
description, harm, avoidability, Duty of Candour) and who reviewed it. Every page is marked
"for a secure route only"; the file is written atomically with mode 0600. Nothing about the
patient goes to the log or to an error message.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer
from reviewer_app.errors import NotFoundError
from reviewer_app.services.records.escalation_log import EscalationEntry, escalation_entry
from reviewer_app.services.records.review_escalations import NOT_ASKED
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.panel import PanelStore

SECURE_ROUTE = "IDENTIFIABLE: FOR A SECURE ROUTE ONLY"
REFERRAL_MODE = 0o600
_ANSWER_WORDS = {
    None: "Not answered",
    NOT_ASKED: "Not asked",
    "yes": "Yes",
    "no": "No",
    "unsure": "Unsure",
    "unknown": "Unknown",
    "probably": "Probably",
}


def _word(value: str | None) -> str:
    return _ANSWER_WORDS.get(value, value or "Not answered")


def referral_pdf(study: Study, esc_id: str) -> bytes:
    """The referral PDF's bytes for one escalation."""
    entry = escalation_entry(study, esc_id)
    case = next((c for c in CohortStore(study.db).cases() if c.case_ref == entry.case_ref), None)
    if case is None:
        raise NotFoundError(
            f"Case {entry.case_ref} is no longer in the study's cohort, so its referral cannot "
            "name the patient. Check the cohort (coordinator add-cohort)."
        )
    reviewer = PanelStore(study.db).get(entry.reviewer_ref)
    return render_referral(entry, case, reviewer, study_name=study.info.name)


def write_referral(study: Study, esc_id: str, out: Path) -> None:
    atomic_write_bytes(out, referral_pdf(study, esc_id), mode=REFERRAL_MODE)


def render_referral(
    entry: EscalationEntry, case: Case, reviewer: Reviewer | None, *, study_name: str
) -> bytes:
    from reportlab.lib.units import mm

    from reviewer_app.services.pdf.blocks import Grid, boxed, gap, para, section, subheading
    from reviewer_app.services.pdf.fonts import ensure_fonts
    from reviewer_app.services.pdf.styles import PALE_RED, RED, uk_date
    from reviewer_app.services.records import pdf_pages

    ensure_fonts()
    size = pdf_pages.PORTRAIT
    width = pdf_pages.frame_width(size)
    quarter = (width * 0.19, width * 0.31, width * 0.19, width * 0.31)

    def grid(pairs: list[tuple[str, str]], wide: list[tuple[str, str]] | None = None) -> Any:
        return Grid(widths=quarter, pairs=pairs, wide=wide or []).table()

    avoidability = "Not answered" if entry.avoidability is None else entry.avoidability.label
    doc = entry.duty_of_candour
    story: list[Any] = [
        boxed(
            [
                [
                    para(
                        "This referral identifies a patient. Send it only by a secure route "
                        "(for example nhs.net to nhs.net e-mail) to the responsible provider's "
                        "patient-safety team, and do not forward it otherwise. Duty of Candour "
                        "falls on the provider: this referral records it, it does not "
                        "discharge it.",
                        "banner",
                    )
                ]
            ],
            [width],
            background=PALE_RED,
            border=RED,
        ),
        gap(),
    ]
    story += section(
        "Patient",
        [
            grid(
                [
                    ("Name", case.display_name),
                    ("NHS number", _nhs(case.nhs_number)),
                    ("Date of birth", uk_date(case.date_of_birth)),
                    ("Hospital number", case.hospital_number or "Not recorded"),
                    ("Sex", case.sex.value.capitalize()),
                    ("Postcode", case.postcode or "Not recorded"),
                    ("Admitted", uk_date(case.admission_date)),
                    ("Discharged", uk_date(case.discharge_date)),
                    ("Died", uk_date(case.date_of_death)),
                    ("Place of death", case.place_of_death.label),
                    ("Site", case.site or "Not recorded"),
                    ("Specialty", case.specialty or "Not recorded"),
                    ("GP practice", case.gp_practice_code or "Not recorded"),
                    ("Study case", case.case_ref),
                ]
            )
        ],
    )
    story += section(
        "Referred to",
        [
            grid(
                [
                    ("Escalated to", "; ".join(entry.destination_labels) or "Not answered"),
                    ("Lead organisation", entry.lead_organisation or "Not answered"),
                ],
                [("Organisation(s) responsible", entry.organisations or "Not answered")],
            )
        ],
    )
    story += section(
        "The concern",
        [
            grid(
                [
                    ("Trigger(s)", "; ".join(entry.trigger_labels) or "Not answered"),
                    ("Phase of care", entry.phase_label or _word(entry.phase)),
                    ("Date of the care", uk_date(entry.care_date)),
                    ("Led to harm", _word(entry.harm)),
                    ("Harm severity", _word(entry.harm_severity).capitalize()),
                    ("Family aware", _word(entry.family_aware)),
                ],
                [
                    ("Avoidability of death", avoidability),
                    ("Care scores", entry.scores or "Not answered"),
                ],
            ),
            gap(),
            subheading("Factual description (as the reviewer signed it)"),
            para(entry.description or "Not answered", "body"),
        ],
    )
    story += section(
        "Duty of Candour",
        [
            grid(
                [
                    ("Required (reviewer)", _word(doc.required)),
                    ("Provider owing it", doc.provider or "Not answered"),
                    ("Family notified", _word(doc.notified) if doc.notified else "Not recorded"),
                    ("Notified on", uk_date(doc.notified_on)),
                    ("Notified by", doc.notified_by or "Not recorded"),
                    ("In writing", _word(doc.in_writing) if doc.in_writing else "Not recorded"),
                ],
                [("Why not required", doc.no_reason)] if doc.no_reason else None,
            )
        ],
    )
    reviewer_text = (
        "Not in the panel"
        if reviewer is None
        else f"{reviewer.name} ({reviewer.profession.value}, {reviewer.sector.value} care)"
    )
    story += section(
        "Review",
        [
            grid(
                [
                    ("Reviewer", reviewer_text),
                    ("Reviewer ref", entry.reviewer_ref),
                    (
                        "Registration",
                        (reviewer.registration if reviewer else None) or "Not recorded",
                    ),
                    ("Review version", f"{entry.version}, signed {_when(entry.signed_at)}"),
                    ("Escalation id", entry.esc_id),
                    ("Definition", f"{entry.definition_id} v{entry.definition_version}"),
                    ("Log status", entry.status.label),
                    ("Receiving reference", entry.reference or "Not recorded"),
                ]
            )
        ],
    )

    furniture = pdf_pages.page_furniture(
        size,
        title="Referral: possible patient-safety incident",
        subtitle=f"{study_name} · case {entry.case_ref}",
        marking=SECURE_ROUTE,
        marking_red=True,
        note=f"Escalation {entry.esc_id}. From the signed review, version {entry.version}.",
        footer_marking=SECURE_ROUTE,
    )

    frame = pdf_pages.Frame(size, top=24 * mm, bottom=26 * mm)
    return pdf_pages.render(story, frame=frame, furniture=furniture, title="Referral")


def _nhs(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


def _when(moment: dt.datetime) -> str:
    from reviewer_app.services.pdf.styles import uk_datetime

    return uk_datetime(moment)
