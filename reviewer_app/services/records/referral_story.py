"""The referral's story (``referral.render_referral``), a function per section: the banner,
the patient, where it is referred, the concern, Duty of Candour and the review. Imported only
when a referral is rendered (it loads reportlab)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.panel import Reviewer
from reviewer_app.services.pdf.blocks import Grid, boxed, gap, para, section, subheading
from reviewer_app.services.pdf.styles import PALE_RED, RED, uk_date, uk_datetime
from reviewer_app.services.records.escalation_log import EscalationEntry
from reviewer_app.services.records.review_escalations import NOT_ASKED

Pairs = list[tuple[str, str]]
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


class _Grids:
    """Two label-value pairs a row, a quarter of the width each (wide pairs span a row)."""

    def __init__(self, width: float) -> None:
        self.widths = (width * 0.19, width * 0.31, width * 0.19, width * 0.31)

    def __call__(self, pairs: Pairs, wide: Pairs | None = None) -> Any:
        return Grid(widths=self.widths, pairs=pairs, wide=wide or []).table()


def referral_story(
    entry: EscalationEntry, case: Case, reviewer: Reviewer | None, width: float
) -> list[Any]:
    grid = _Grids(width)
    story = _banner(width)
    story += section("Patient", [grid(_patient(case))])
    story += section("Referred to", [_referred_to(grid, entry)])
    story += section("The concern", _concern(grid, entry))
    story += section("Duty of Candour", [_duty_of_candour(grid, entry)])
    story += section("Review", [grid(_review(entry, reviewer))])
    return story


def _banner(width: float) -> list[Any]:
    return [
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


def _patient(case: Case) -> Pairs:
    return [
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


def _referred_to(grid: _Grids, entry: EscalationEntry) -> Any:
    return grid(
        [
            ("Escalated to", "; ".join(entry.destination_labels) or "Not answered"),
            ("Lead organisation", entry.lead_organisation or "Not answered"),
        ],
        [("Organisation(s) responsible", entry.organisations or "Not answered")],
    )


def _concern(grid: _Grids, entry: EscalationEntry) -> list[Any]:
    avoidability = "Not answered" if entry.avoidability is None else entry.avoidability.label
    return [
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
    ]


def _duty_of_candour(grid: _Grids, entry: EscalationEntry) -> Any:
    doc = entry.duty_of_candour
    return grid(
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


def _review(entry: EscalationEntry, reviewer: Reviewer | None) -> Pairs:
    reviewer_text = (
        "Not in the panel"
        if reviewer is None
        else f"{reviewer.name} ({reviewer.profession.value}, {reviewer.sector.value} care)"
    )
    return [
        ("Reviewer", reviewer_text),
        ("Reviewer ref", entry.reviewer_ref),
        ("Registration", (reviewer.registration if reviewer else None) or "Not recorded"),
        ("Review version", f"{entry.version}, signed {_when(entry.signed_at)}"),
        ("Escalation id", entry.esc_id),
        ("Definition", f"{entry.definition_id} v{entry.definition_version}"),
        ("Log status", entry.status.label),
        ("Receiving reference", entry.reference or "Not recorded"),
    ]


def _nhs(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


def _when(moment: dt.datetime) -> str:
    return uk_datetime(moment)
