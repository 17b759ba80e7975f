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

from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer
from reviewer_app.errors import NotFoundError
from reviewer_app.services.records.escalation_log import EscalationEntry, escalation_entry
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.panel import PanelStore

SECURE_ROUTE = "IDENTIFIABLE: FOR A SECURE ROUTE ONLY"
REFERRAL_MODE = 0o600


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

    from reviewer_app.services.pdf.fonts import ensure_fonts
    from reviewer_app.services.records import pdf_pages
    from reviewer_app.services.records.referral_story import referral_story

    ensure_fonts()
    size = pdf_pages.PORTRAIT
    story = referral_story(entry, case, reviewer, pdf_pages.frame_width(size))
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
