"""What the sign and co-sign dialogs preview: the summary to be signed, and its key judgements.

Run off the GUI thread (``gui.tasks``), each call on its own connection
(``services.signing.background.own_connection``). No Qt here, and nothing rendered a second
way: the summary is rendered by the sign-off's own code from the sign-off's own input —
``SignoffService.summary_inputs``, sealing the warnings the sign-off will seal,
signed by the enrolled reviewer now — through ``render_summary_layout``, the renderer
``signed_pdfs.produce_signed_pdfs`` signs. The co-signer previews the STORED signed file, the
very bytes their signature is added to. The key judgements are the summary's own printed
answers (``services.summary.answers.AnswerSource``), so the dialog and the PDF say the same.

The bytes stay in memory: the dialog shows them from a ``QBuffer`` (``pdf_preview``), and
nothing here writes a file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer_app.domain.definition import AvoidabilityQuestion, CareScoreQuestion, SectionKind
from reviewer_app.domain.triggers import fired
from reviewer_app.domain.values import NOT_ANSWERED_LABEL as NOT_ANSWERED
from reviewer_app.domain.vocabulary import DocumentKind

if TYPE_CHECKING:
    from reviewer_app.services.signing.signoff import SignoffService
    from reviewer_app.services.summary.answers import AnswerSource
    from reviewer_app.services.summary.input import SummaryInput
    from reviewer_app.services.workspace import Workspace

K = SectionKind
NO_ESCALATION_TRIGGER = "None"


@dataclass(frozen=True)
class Judgement:
    """One key judgement as the summary prints it: its label and its printed answer."""

    label: str
    value: str


@dataclass(frozen=True)
class SummaryPreview:
    """The summary a signer is about to sign (or a co-signer to co-sign), in memory."""

    case_ref: str
    version: int
    judgements: tuple[Judgement, ...]
    pdfs: dict[DocumentKind, bytes] = field(default_factory=dict)
    """Rendered so far: the full summary first; the taskforce copy when it is asked for."""
    stored: bool = False
    """True: the stored signed file (co-signing); False: rendered now, not yet signed."""


def key_judgements(data: SummaryInput) -> tuple[Judgement, ...]:
    """Outcome, overall care score, the problems in care, avoidability (with its scale),
    immediate safety, the escalation decision and where each escalation goes, the triggers,
    and the second review: each only when the definition asks it of this review, worded as
    the summary prints it ("Not answered" as such)."""
    from reviewer_app.services.summary.answers import AnswerSource

    src = AnswerSource(data)
    found: list[Judgement] = []
    found += _asked(src, K.OUTCOME, {"single_choice"})
    for phase in src.definition.sections_of_kind(K.PHASE):
        if phase.key == "overall" and src.section_asked(phase):
            found += [
                Judgement("Overall care score", src.show(q))
                for q in phase.questions
                if isinstance(q, CareScoreQuestion) and src.asked(q)
            ]
    found += [  # the problems in care, as the summary counts them ("2 × problem")
        j for j in _asked(src, K.PROBLEMS, {"group", "single_choice"}) if j.value != NOT_ANSWERED
    ]
    for sec in src.definition.sections_of_kind(K.AVOIDABILITY):
        found += [
            Judgement(q.label, src.show(q))
            for q in sec.questions
            if isinstance(q, AvoidabilityQuestion) and src.section_asked(sec) and src.asked(q)
        ]
    found += _asked(src, K.IMMEDIATE_SAFETY, {"yes_no"})
    found += _asked(src, K.ESCALATION, {"single_choice"})
    found += _destinations(src)
    if src.definition.escalation_triggers:
        triggers = fired(src.definition.escalation_triggers, src.view)
        text = "; ".join(t.label for t in triggers) or NO_ESCALATION_TRIGGER
        found.append(Judgement("Escalation triggers", text))
    found += _asked(src, K.SECOND_REVIEW, {"yes_no"})
    if src.definition.second_review_triggers:
        second = fired(src.definition.second_review_triggers, src.view)
        text = "; ".join(t.label for t in second) or NO_ESCALATION_TRIGGER
        found.append(Judgement("Second review expected because", text))
    return tuple(found)


def _asked(src: AnswerSource, kind: SectionKind, types: set[str]) -> list[Judgement]:
    return [
        Judgement(q.label, src.show(q))
        for sec in src.definition.sections_of_kind(kind)
        if src.section_asked(sec)
        for q in sec.questions
        if q.type in types and src.asked(q)
    ]


def _destinations(src: AnswerSource) -> list[Judgement]:
    """Where each escalation goes (its multiple-choice "escalated to" answer)."""
    found: list[Judgement] = []
    for sec in src.definition.sections_of_kind(K.ESCALATION):
        if not src.section_asked(sec):
            continue
        for group in src.groups(sec):
            for item in src.items(group):
                found += [
                    Judgement(
                        f"{group.item_label or group.label} {item.number}: {q.label}",
                        src.show_item(q, item),
                    )
                    for q in group.item_questions
                    if q.type == "multiple_choice" and item.asked(q)
                ]
    return found


# --- the work, off the GUI thread ---------------------------------------------------------------


def _service(workspace: Workspace, synthetic: bool) -> SignoffService:
    from reviewer_app.services.signing.signoff import SignoffService

    return SignoffService(workspace, synthetic=synthetic)


def sign_preview(
    workspace: Workspace,
    review_id: int,
    kinds: tuple[DocumentKind, ...] = (DocumentKind.FULL,),
    *,
    synthetic: bool,
) -> SummaryPreview:
    """The summaries of ``review_id`` as signing would make them now, before the signature:
    the enrolled reviewer as signer, every warning the check finds sealed (signing needs
    each one acknowledged), the audit head as it stands."""
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.signing.background import own_connection
    from reviewer_app.services.signing.signing_inputs import reviewer_signer
    from reviewer_app.services.summary.input import Signer
    from reviewer_app.services.summary.pdf import render_summary_layout

    with own_connection(workspace) as ws:
        service = _service(ws, synthetic)
        stored = ReviewerSession(ws).identity()
        now = dt.datetime.now(dt.UTC)
        me = (
            Signer(name="Reviewer", profession="Reviewer", role="reviewer", signed_at=now)
            if stored is None
            else reviewer_signer(stored, now)
        )
        data = service.summary_inputs(review_id, me)
        pdfs = {kind: render_summary_layout(data[kind]).pdf for kind in kinds}
    full = data[DocumentKind.FULL]
    return SummaryPreview(full.case.case_ref, full.version, key_judgements(full), pdfs)


def stored_preview(
    workspace: Workspace,
    case_ref: str,
    review_id: int,
    kinds: tuple[DocumentKind, ...] = (DocumentKind.FULL,),
) -> SummaryPreview:
    """The latest stored signed summary, and its key judgements: what a co-signature is
    added to, and what a signature (or co-signature) just stored."""
    from reviewer_app.services.signing.background import own_connection, stored_summary
    from reviewer_app.services.summary.input import Signer

    with own_connection(workspace) as ws:
        service = _service(ws, synthetic=False)
        me = Signer(name="Reviewer", profession="Reviewer")  # not shown: answers only
        full = service.summary_inputs(review_id, me, sealing=False)[DocumentKind.FULL]
        judgements = key_judgements(full)
    pdfs = {kind: stored_summary(workspace, case_ref, kind).pdf for kind in kinds}
    return SummaryPreview(case_ref, full.version, judgements, pdfs, stored=True)
