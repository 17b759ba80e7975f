"""The Allocation section's Enrolment tab: enrol a reviewer from their request file (with the
key fingerprint to read out by phone), and revoke a reviewer's certificate.

``trust.enrolment_desk.enrol`` and ``revoke``, as ``coordinator enrol`` and ``revoke`` call
them; the reviewers and their enrolment state come from the panel and the enrolments.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.coordinator.cohort import reviewer_rows
from reviewer_app.gui.coordinator.widgets import ReportBox, TablePanel, button, controls_row, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.allocation import AllocationSection

REQUEST_PATTERN = "Enrolment requests (*.json);;All files (*)"


class EnrolmentPanel(QWidget):
    def __init__(self, section: AllocationSection, parent: QWidget) -> None:
        super().__init__(parent)
        self.section = section
        layout = QVBoxLayout(self)
        self.reviewers = TablePanel(
            "panel reviewers",
            ("Reviewer", "Name", "Profession", "Sector", "Organisation", "Enrolled"),
            self,
        )
        layout.addWidget(self.reviewers, 1)
        self.replace = named(
            QCheckBox("Replace the existing certificate", self),
            "Replace the reviewer's existing certificate",
        )
        controls_row(
            layout,
            button(
                "Enrol from req&uest…",
                self,
                "Enrol the selected reviewer from a request",
                self.choose_request,
            ),
            self.replace,
        )
        self.fingerprint = named(QLabel("", self), "Key fingerprint to read out")
        self.fingerprint.setObjectName("fingerprint")
        self.fingerprint.setWordWrap(True)
        self.fingerprint.setTextInteractionFlags(
            self.fingerprint.textInteractionFlags()
            | self.fingerprint.textInteractionFlags().TextSelectableByMouse
        )
        layout.addWidget(self.fingerprint)
        self.result = ReportBox(self, "Enrolment result")
        layout.addWidget(self.result)
        revoke_row = QHBoxLayout()
        self.reason = named(QLineEdit(self), "Reason for revoking")
        self.reason.setPlaceholderText('Why revoke, e.g. "laptop lost"')
        revoke_row.addWidget(self.reason, 1)
        revoke_row.addWidget(
            button(
                "Re&voke certificate…",
                self,
                "Revoke the selected reviewer's certificate",
                self.revoke,
            )
        )
        layout.addLayout(revoke_row)
        self.confirm = self._ask

    def refresh(self) -> None:
        desk = self.section.desk
        reviewers = self.section.attempt(desk.panel_reviewers)
        enrolled = self.section.attempt(desk.enrolled)
        self.reviewers.set_rows(
            reviewer_rows(
                reviewers if isinstance(reviewers, list | tuple) else [],
                enrolled if isinstance(enrolled, dict) else {},
            )
        )

    def clear(self) -> None:
        self.reviewers.clear()
        self.result.clear()
        self.fingerprint.clear()
        self.reason.clear()

    def _selected(self) -> str | None:
        ref = self.reviewers.current_key()
        if ref is None:
            self.section.message.say("Select the reviewer in the table first.", "warning")
        return ref

    def choose_request(self) -> None:
        ref = self._selected()
        if ref is None:
            return
        path = self.section.chooser.open_file(
            self, f"Enrolment request of {ref}", REQUEST_PATTERN, self.section.default_pack_folder()
        )
        if path is not None:
            self.enrol(ref, path)

    def enrol(self, ref: str, path: Path) -> Any:
        from reviewer_app.services.trust.enrolment_desk import enrol
        from reviewer_app.user_files import read_user_file

        def run() -> Any:
            data = read_user_file(path, "enrolment request")
            return enrol(self.section.desk.study, data, ref, replace=self.replace.isChecked())

        result = self.section.attempt(run)
        if result is None:
            return None
        action = "Re-enrolled" if result.replaced_fingerprint else "Enrolled"
        self.fingerprint.setText(
            f"Key fingerprint: confirm by phone that {result.reviewer_ref} sees exactly this:\n"
            f"{result.key_fingerprint}"
        )
        self.fingerprint.setAccessibleDescription(result.key_fingerprint)
        lines = [f"{action} {result.reviewer_ref} ({result.name})."]
        lines += [f"Check: {note}." for note in result.notes]
        lines += [f"Warning: {w}" for w in result.warnings]
        self.result.show_lines(lines)
        self.section.message.say(lines[0])
        self.replace.setChecked(False)
        self.refresh()
        self.section.changed.emit()
        return result

    def _ask(self, question: str) -> bool:
        answer = QMessageBox.question(self, "Revoke a certificate", question)
        return answer == QMessageBox.StandardButton.Yes

    def revoke(self) -> Any:
        from reviewer_app.services.trust.enrolment_desk import revoke

        ref = self._selected()
        if ref is None:
            return None
        reason = self.reason.text()
        if not self.confirm(
            f"Revoke {ref}'s certificate from now on? Returns it signs from now on are "
            "quarantined; reviews it signed before stay valid."
        ):
            return None
        result = self.section.attempt(lambda: revoke(self.section.desk.study, ref, reason))
        if result is None:
            return None
        when = f"{result.revoked_at:%Y-%m-%d %H:%M:%S} UTC"
        first = (
            f"{ref}'s certificate was already revoked at {when}."
            if result.already
            else f"Revoked {ref}'s certificate from {when}."
        )
        self.result.show_lines(
            [
                first,
                f"Certificate fingerprint: {result.cert_fingerprint}",
                "No more packs are made for it. Re-enrol the reviewer from a new request "
                "with “Replace the existing certificate”, then allocate and make the packs.",
            ]
        )
        self.section.message.say(first)
        self.reason.clear()
        self.refresh()
        self.section.changed.emit()
        return result
