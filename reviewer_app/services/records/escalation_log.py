"""The coordinator's escalation log: every returned escalation, and what has happened to it.

Public read function for the report and the coordinator's desktop: :func:`escalation_entries`
(typed, frozen rows: what the signed review says, the current status with its date, the
receiving system's reference, the Duty of Candour follow-up, the lead organisation, and the
whole history of updates). Writing is ``escalation_updates.update_escalation``, which checks
the transition (``domain.records.transition_refusal``) and appends; nothing is overwritten.

An escalation is one item of ``escalation.items`` in a review version in force; its id is
``<case_ref>/<reviewer_ref>/<item id>`` (e.g. ``PRAC-0007/R02/e1``), stable across amendments
that keep the item. Until the coordinator records an update, its status is what the review
said (v1 asked the reviewer; "draft" means not yet sent), else "not yet sent".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.avoidability import Avoidability
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.records import (
    ACK_WORKING_DAYS,
    REVIEW_STATUS_WORDS,
    EscalationStatus,
    acknowledgement_due,
    acknowledgement_overdue,
)
from reviewer_app.domain.triggers import FiredTriggers
from reviewer_app.errors import NotFoundError
from reviewer_app.services.collection.records import ReturnedState, in_force_contents
from reviewer_app.services.collection.triggers import kept_triggers
from reviewer_app.services.records.review_escalations import (
    NOT_ASKED,
    ReviewEscalation,
    escalations_in,
    load_definition,
    option_label,
    trigger_label,
)
from reviewer_app.services.study import Study
from reviewer_app.storage.study.escalation_log import (
    EscalationLogStore,
    LogRow,
)

__all__ = [
    "ACK_WORKING_DAYS",
    "NOT_ASKED",
    "DutyOfCandour",
    "EscalationEntry",
    "LogUpdate",
    "ReviewEscalation",
    "escalation_entries",
    "escalation_entry",
    "overdue_acknowledgements",
    "withdrawn_escalations",
]

DEFAULT_RECORDER = "coordinator"


@dataclass(frozen=True)
class LogUpdate:
    """One update of the log, as recorded: the state after it."""

    seq: int
    status: EscalationStatus
    status_date: dt.date | None
    reference: str | None
    doc_notified: str | None
    doc_date: dt.date | None
    doc_by: str | None
    doc_in_writing: str | None
    lead_organisation: str | None
    note: str | None
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class DutyOfCandour:
    """What the review said Duty of Candour needs, and the provider's follow-up so far."""

    required: str | None  # yes / no / unsure from the review; None: not answered; NOT_ASKED
    provider: str | None  # the provider the review named as owing it
    no_reason: str | None  # v2: the reviewer's reason it is not required
    notified: str | None  # "yes" / "no" once recorded; None: not recorded yet
    notified_on: dt.date | None
    notified_by: str | None  # a role
    in_writing: str | None  # "yes" / "no" / None


@dataclass(frozen=True)
class EscalationEntry:
    """One returned escalation and its place in the log."""

    esc_id: str
    case_ref: str
    reviewer_ref: str
    version: int  # the review version in force it comes from
    item_id: str
    definition_id: str
    definition_version: str
    signed_at: dt.datetime
    triggers: tuple[str, ...]
    trigger_labels: tuple[str, ...]
    triggers_derived: bool
    destinations: tuple[str, ...]
    destination_labels: tuple[str, ...]
    organisations: str | None
    proposed_lead: str | None  # what the review proposed
    lead_organisation: str | None  # the log's, else the proposed one
    phase: str | None
    phase_label: str | None
    care_date: dt.date | None
    description: str | None  # free text as signed: may identify; see deidentified.py
    harm: str | None
    harm_severity: str | None
    avoidability: Avoidability | None
    scores: str | None
    family_aware: str | None
    duty_of_candour: DutyOfCandour
    review_status: str | None  # the review's own status word, if it asked
    status: EscalationStatus
    status_date: dt.date | None
    sent_date: dt.date | None
    reference: str | None  # the receiving system's reference
    history: tuple[LogUpdate, ...]  # the coordinator's updates, oldest first

    @property
    def acknowledgement_due(self) -> dt.date | None:
        return None if self.sent_date is None else acknowledgement_due(self.sent_date)

    def overdue(self, today: dt.date, working_days: int = ACK_WORKING_DAYS) -> bool:
        """Sent and not acknowledged ``working_days`` working days after it was sent."""
        return acknowledgement_overdue(self.status, self.sent_date, today, working_days)

    def to_json(
        self, today: dt.date | None = None, working_days: int = ACK_WORKING_DAYS
    ) -> dict[str, object]:
        """For ``escalation list --json`` (the signed free text is left out: it may
        identify; the referral and the de-identified log carry it)."""
        doc = self.duty_of_candour
        found: dict[str, object] = {
            "esc_id": self.esc_id,
            "case_ref": self.case_ref,
            "reviewer_ref": self.reviewer_ref,
            "version": self.version,
            "triggers": list(self.triggers),
            "destinations": list(self.destinations),
            "organisations": self.organisations,
            "lead_organisation": self.lead_organisation,
            "harm": self.harm,
            "harm_severity": self.harm_severity,
            "avoidability_rcp": None if self.avoidability is None else self.avoidability.rcp_grade,
            "status": self.status.value,
            "status_label": self.status.label,
            "status_date": _iso(self.status_date),
            "sent_date": _iso(self.sent_date),
            "reference": self.reference,
            "duty_of_candour": {
                "required": doc.required,
                "provider": doc.provider,
                "notified": doc.notified,
                "notified_on": _iso(doc.notified_on),
                "notified_by": doc.notified_by,
                "in_writing": doc.in_writing,
            },
            "history": [
                {
                    "seq": u.seq,
                    "status": u.status.value,
                    "status_date": _iso(u.status_date),
                    "reference": u.reference,
                    "doc_notified": u.doc_notified,
                    "lead_organisation": u.lead_organisation,
                    "noted": u.note is not None,  # the note itself is free text: not listed
                    "recorded_by": u.recorded_by,
                    "recorded_at": u.recorded_at.isoformat(),
                }
                for u in self.history
            ],
        }
        if today is not None:
            found["overdue"] = self.overdue(today, working_days)
        return found


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def esc_id_of(case_ref: str, reviewer_ref: str, item_id: str) -> str:
    return f"{case_ref}/{reviewer_ref}/{item_id}"


def escalation_entries(
    study: Study,
    contents: Iterable[tuple[ReturnedState, dict[str, Any]]] | None = None,
    *,
    known: Mapping[str, list[ReviewEscalation]] | None = None,
    found_in: dict[str, list[ReviewEscalation]] | None = None,
    fired: Mapping[str, FiredTriggers] | None = None,
) -> list[EscalationEntry]:
    """Every escalation in the reviews in force, by case, reviewer and item. ``contents``: the
    versions in force as ``in_force_contents`` gives them, when the caller has read them.
    ``known``: each content's escalations as an earlier call found them, by the content's
    SHA-256 (a signed content and its definition never change), not worked out again;
    ``found_in``, if given, is filled with every content's, for the next call. ``fired``: the
    triggers known by content SHA-256 (by default those the study keeps)."""
    history = EscalationLogStore(study.db).history()
    fired = kept_triggers(study) if fired is None else fired
    found: list[EscalationEntry] = []
    for state, document in in_force_contents(study) if contents is None else contents:
        definition = load_definition(document)
        items = (known or {}).get(state.content_sha256)
        if items is None:
            triggers = fired.get(state.content_sha256)
            ids = None if triggers is None else tuple(t.id for t in triggers.escalation)
            items = escalations_in(document, definition, ids)
        if found_in is not None:
            found_in[state.content_sha256] = items
        for item in items:
            esc_id = esc_id_of(state.case_ref, state.reviewer_ref, item.item_id)
            found.append(_entry(state, document, definition, item, history.get(esc_id, [])))
    found.sort(key=lambda e: (e.case_ref, e.reviewer_ref, e.item_id))
    return found


def withdrawn_escalations(study: Study) -> list[str]:
    """Ids with log updates whose escalation is no longer in a review in force (an amendment
    took it out): their history is kept, and listed apart so that nothing is lost quietly."""
    logged = set(EscalationLogStore(study.db).history())
    return sorted(logged - {e.esc_id for e in escalation_entries(study)})


def escalation_entry(study: Study, esc_id: str) -> EscalationEntry:
    wanted = esc_id.strip()
    for entry in escalation_entries(study):
        if entry.esc_id == wanted:
            return entry
    raise NotFoundError(
        f"There is no escalation {wanted[:80]} in the reviews collected. See coordinator "
        "escalation list for the ids (case/reviewer/item)."
    )


def overdue_acknowledgements(
    entries: list[EscalationEntry], today: dt.date, working_days: int = ACK_WORKING_DAYS
) -> list[EscalationEntry]:
    return [e for e in entries if e.overdue(today, working_days)]


def by_urgency(
    entries: list[EscalationEntry], today: dt.date, working_days: int = ACK_WORKING_DAYS
) -> list[EscalationEntry]:
    """The log in the order it is worked through: overdue acknowledgements, then not yet
    sent, then open, then closed; the oldest first within each."""

    def urgency(entry: EscalationEntry) -> int:
        if entry.overdue(today, working_days):
            return 0
        if entry.status is EscalationStatus.TO_SEND:
            return 1
        return 3 if entry.status is EscalationStatus.CLOSED else 2

    return sorted(entries, key=lambda e: (urgency(e), e.signed_at))


def _entry(
    state: ReturnedState,
    document: dict[str, Any],
    defn: ReviewDefinition | None,
    item: ReviewEscalation,
    rows: list[LogRow],
) -> EscalationEntry:
    esc_id = esc_id_of(state.case_ref, state.reviewer_ref, item.item_id)
    updates = tuple(_update(r) for r in rows)
    initial = _initial_status(item)
    latest = updates[-1] if updates else None
    status = latest.status if latest else initial
    status_date = latest.status_date if latest else (item.date_sent if initial.rank >= 1 else None)
    info = document.get("definition")
    meta = info if isinstance(info, dict) else {}
    return EscalationEntry(
        esc_id=esc_id,
        case_ref=state.case_ref,
        reviewer_ref=state.reviewer_ref,
        version=state.version,
        item_id=item.item_id,
        definition_id=str(meta.get("id", "")),
        definition_version=str(meta.get("version", "")),
        signed_at=state.signed_at,
        triggers=item.triggers,
        trigger_labels=tuple(trigger_label(defn, t) for t in item.triggers),
        triggers_derived=item.triggers_derived,
        destinations=item.destinations,
        destination_labels=tuple(
            option_label(defn, "escalation.item.destination", d) for d in item.destinations
        ),
        organisations=item.organisations,
        proposed_lead=item.proposed_lead,
        lead_organisation=(latest.lead_organisation if latest else None) or item.proposed_lead,
        phase=item.phase,
        phase_label=(
            None
            if item.phase in (None, NOT_ASKED)
            else option_label(defn, "escalation.item.phase", item.phase)
        ),
        care_date=item.care_date,
        description=item.description,
        harm=item.harm,
        harm_severity=item.harm_severity,
        avoidability=item.avoidability,
        scores=item.scores,
        family_aware=item.family_aware,
        duty_of_candour=_candour(item, latest),
        review_status=item.review_status,
        status=status,
        status_date=status_date,
        sent_date=_sent_date(item, initial, updates),
        reference=(latest.reference if latest else None) or item.external_reference,
        history=updates,
    )


def _candour(item: ReviewEscalation, latest: LogUpdate | None) -> DutyOfCandour:
    """The review's Duty of Candour answers, with the follow-up: the log's once recorded,
    else what a v2 review already knew (the family told, when and by whom)."""
    notified: str | None = None
    on: dt.date | None = None
    by: str | None = None
    writing: str | None = None
    if latest is not None and latest.doc_notified is not None:
        notified, on = latest.doc_notified, latest.doc_date
        by, writing = latest.doc_by, latest.doc_in_writing
    elif item.duty_of_candour_notified_on is not None:
        notified, on = "yes", item.duty_of_candour_notified_on
        by = item.duty_of_candour_notified_by
    return DutyOfCandour(
        required=item.duty_of_candour,
        provider=item.duty_of_candour_provider,
        no_reason=item.duty_of_candour_no_reason,
        notified=notified,
        notified_on=on,
        notified_by=by,
        in_writing=writing,
    )


def _initial_status(item: ReviewEscalation) -> EscalationStatus:
    if item.review_status in REVIEW_STATUS_WORDS:
        return REVIEW_STATUS_WORDS[item.review_status]
    return EscalationStatus.SENT if item.date_sent is not None else EscalationStatus.TO_SEND


def _sent_date(
    item: ReviewEscalation, initial: EscalationStatus, updates: tuple[LogUpdate, ...]
) -> dt.date | None:
    """When it was sent: the latest update that marked it sent, else the review's date."""
    for update in reversed(updates):
        if update.status is EscalationStatus.SENT:
            return update.status_date
    if any(u.status is EscalationStatus.TO_SEND for u in updates):
        return None
    return item.date_sent if initial.rank >= 1 else None


def _update(row: LogRow) -> LogUpdate:
    return LogUpdate(
        seq=row.seq,
        status=EscalationStatus(row.status),
        status_date=row.status_date,
        reference=row.reference,
        doc_notified=row.doc_notified,
        doc_date=row.doc_date,
        doc_by=row.doc_by,
        doc_in_writing=row.doc_in_writing,
        lead_organisation=row.lead_org,
        note=row.note,
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )
