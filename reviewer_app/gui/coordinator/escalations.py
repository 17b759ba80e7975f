"""Escalations: the coordinator's log of every returned escalation, by urgency and age;
status updates, references and Duty of Candour follow-up; the identifiable referral (with the
reminder that it goes by a secure route only) and the de-identified log for the taskforce.

The services are ``records.escalation_log.escalation_entries`` (and ``overdue``: read in the
window's one shared read of the study, ``reconciliation.study_snapshot``, off the GUI thread),
``records.escalation_updates.update_escalation`` (every refusal in words, nothing written),
``records.referral.write_referral`` and ``records.deidentified.write_log_pdf`` /
``write_log_csv``; dates are read with the CLI's parser (``intake.csv_reader.parse_date``).
The signed free text is never shown here (it may identify).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QMessageBox, QWidget

from reviewer_app.errors import InvalidInputError
from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.reconciliation import recorder
from reviewer_app.gui.coordinator.section import SnapshotSection
from reviewer_app.gui.coordinator.widgets import TablePanel, button, caption_grid, combo, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.services.reconciliation.study_snapshot import StudySnapshot

COLUMNS = (
    "Escalation",
    "Case",
    "Reviewer",
    "Status",
    "Since",
    "Sent",
    "Acknowledgement due",
    "Overdue",
    "Triggers",
    "Destinations",
    "Duty of Candour",
    "Reference",
)
STATUS_COLUMN = 3
OVERDUE_COLUMN = 7
OVERDUE = "OVERDUE"
REFERRAL_REMINDER = (
    "The referral is an IDENTIFIABLE document (it names the patient, so that the provider can "
    "act on it). Send it by a secure route only (e.g. nhs.net to nhs.net), never as an "
    "ordinary attachment, and delete local copies once sent. Save it?"
)
YES_NO = (("(not recorded)", None), ("Yes", "yes"), ("No", "no"))


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


class EscalationsSection(SnapshotSection):
    title = "Escalations"
    intro = (
        "Every returned escalation, overdue acknowledgements first. Record each response, "
        "the receiving system's reference and the Duty of Candour follow-up."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.confirm = self._ask
        self.button_row(
            button("Sa&ve referral…", self, "Save the identifiable referral", self.save_referral),
            button("Save de-identified &log…", self, "Save the de-identified log", self.save_log),
        )
        self.add_status_rows()
        self.log = TablePanel("escalations", COLUMNS, self)
        self.body.addWidget(self.log, 1)
        self._form()
        self.entries: list[Any] = []

    def _form(self) -> None:
        from reviewer_app.domain.records import EscalationStatus

        grid = QGridLayout()
        self.status = combo(self, "New status")
        for status in EscalationStatus:
            self.status.addItem(status.label, status.value)
        self.status_date = named(QLineEdit(self), "Date of the status", "A date, e.g. 2026-03-14")
        self.reference = named(QLineEdit(self), "Receiving system's reference")
        self.lead = named(QLineEdit(self), "Lead organisation")
        self.doc_notified = combo(self, "Duty of Candour: family notified")
        for label, value in YES_NO:
            self.doc_notified.addItem(label, value)
        self.doc_date = named(QLineEdit(self), "Duty of Candour: date notified")
        self.doc_by = named(QLineEdit(self), "Duty of Candour: notified by (a role)")
        self.doc_writing = combo(self, "Duty of Candour: in writing")
        for label, value in YES_NO:
            self.doc_writing.addItem(label, value)
        self.note = named(QLineEdit(self), "Note (no names)")
        self.note.returnPressed.connect(self.update_selected)
        cells = (
            ("&Status:", self.status),
            ("&Date:", self.status_date),
            ("Reference:", self.reference),
            ("Lead organisation:", self.lead),
            ("DoC notif&ied:", self.doc_notified),
            ("DoC date:", self.doc_date),
            ("DoC &by (role):", self.doc_by),
            ("In &writing:", self.doc_writing),
        )
        caption_grid(grid, self, cells, per_row=4)
        note_label = QLabel("Note:", self)
        note_label.setBuddy(self.note)
        grid.addWidget(note_label, 2, 0)
        grid.addWidget(self.note, 2, 1, 1, 5)
        grid.addWidget(
            button("Record &update", self, "Record the update", self.update_selected), 2, 7
        )
        self.body.addLayout(grid)

    # -- reading

    def show_snapshot(self, snapshot: StudySnapshot) -> None:
        from reviewer_app.services.records.escalation_log import by_urgency

        self.entries = list(snapshot.escalations)
        today = _today()
        ordered = by_urgency(self.entries, today)
        kept = self.log.current_key()
        self.log.set_rows([_row(e, today) for e in ordered])
        self.log.table.setSortingEnabled(False)  # the order above is the point
        if kept:
            self.log.select_key(kept)

    def clear(self) -> None:
        self.log.clear()
        self.entries = []
        for edit in (self.status_date, self.reference, self.lead, self.doc_date, self.doc_by):
            edit.clear()
        self.note.clear()
        super().clear()

    def apply_link(self, value: str) -> None:
        if value == "awaiting_ack":
            self.log.filter_exact(OVERDUE_COLUMN, OVERDUE, "Acknowledgement overdue")
        else:
            self.log.clear_filter()

    def overdue_count(self) -> int:
        from reviewer_app.services.records.escalation_log import overdue_acknowledgements

        return len(overdue_acknowledgements(self.entries, _today()))

    # -- acting

    def _selected(self) -> str | None:
        esc_id = self.log.current_key()
        if esc_id is None:
            self.message.say("Select an escalation in the log first.", "warning")
        return esc_id

    def update_selected(self) -> Any:
        from reviewer_app.domain.records import EscalationStatus
        from reviewer_app.services.records.escalation_updates import update_escalation

        esc_id = self._selected()
        if esc_id is None:
            return None

        def run() -> Any:
            return update_escalation(
                self.desk.study,
                esc_id,
                status=EscalationStatus(self.status.currentData()),
                status_date=_date(self.status_date.text(), "The date"),
                reference=_text(self.reference),
                doc_notified=self.doc_notified.currentData(),
                doc_date=_date(self.doc_date.text(), "The Duty of Candour date"),
                doc_by=_text(self.doc_by),
                doc_in_writing=self.doc_writing.currentData(),
                lead_organisation=_text(self.lead),
                note=_text(self.note),
                recorded_by=recorder(),
            )

        entry = self.attempt(run)
        if entry is None:
            return None
        when = entry.status_date.isoformat() if entry.status_date else "no date"
        self.message.say(
            f"Escalation {entry.esc_id}: {entry.status.label} ({when}); "
            f"update {len(entry.history)} recorded."
        )
        for edit in (self.status_date, self.reference, self.lead, self.doc_date, self.doc_by):
            edit.clear()
        self.note.clear()
        self.refresh()
        self.changed.emit()
        return entry

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.warning(
            self,
            "Identifiable document",
            text,
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Save

    def save_referral(self, out: Path | None = None) -> Path | None:
        from reviewer_app.services.records.referral import write_referral

        esc_id = self._selected()
        if esc_id is None or not self.confirm(REFERRAL_REMINDER):
            return None
        out = out or self.chooser.save_file(
            self, "Save the identifiable referral", "PDF (*.pdf)", f"referral-{esc_id}.pdf"
        )
        if out is None:
            return None
        target = out
        done = self.attempt(
            lambda: _writing(target, lambda: write_referral(self.desk.study, esc_id, target)),
            f"Referral for {esc_id} saved to {out} (identifiable: send it by a secure route only).",
        )
        return out if done is not None else None

    def save_log(self, out: Path | None = None) -> Path | None:
        from reviewer_app.services.records.deidentified import write_log_csv, write_log_pdf

        out = out or self.chooser.save_file(
            self,
            "Save the de-identified escalation log",
            "PDF (*.pdf);;CSV (*.csv)",
            "escalation-log.pdf",
        )
        if out is None:
            return None
        target = out
        write = write_log_csv if out.suffix.lower() == ".csv" else write_log_pdf
        count = self.attempt(
            lambda: _writing(target, lambda: write(self.desk.study, target)),
            lambda n: f"De-identified escalation log ({n} escalations) saved to {out}.",
        )
        return out if count is not None else None


def _writing(out: Path, write: Any) -> Any:
    from reviewer_app.errors import UserError

    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist. Create it or choose another.")
    try:
        return write()
    except OSError as err:
        raise UserError(
            f"{out} could not be written: {err.strerror or 'not writable'}. Check the folder "
            "exists and you may write to it."
        ) from None


def _text(edit: QLineEdit) -> str | None:
    return edit.text().strip() or None


def _date(text: str, what: str) -> dt.date | None:
    from reviewer_app.services.intake.csv_reader import parse_date

    if not text.strip():
        return None
    try:
        return parse_date(text.strip())
    except ValueError as err:
        raise InvalidInputError(f"{what} {err}.") from None


def _row(entry: Any, today: dt.date) -> Row:
    doc = entry.duty_of_candour
    candour = f"required: {doc.required or 'not answered'}"
    if doc.notified:
        candour += f"; notified: {doc.notified}"
    due = entry.acknowledgement_due
    overdue = entry.overdue(today)
    return Row(
        entry.esc_id,
        (
            entry.esc_id,
            entry.case_ref,
            entry.reviewer_ref,
            entry.status.label,
            entry.status_date.isoformat() if entry.status_date else "",
            entry.sent_date.isoformat() if entry.sent_date else "",
            due.isoformat() if due else "",
            OVERDUE if overdue else "",
            ", ".join(entry.trigger_labels),
            ", ".join(entry.destination_labels),
            candour,
            entry.reference or "",
        ),
        emphasis="acknowledgement overdue" if overdue else "",
    )
