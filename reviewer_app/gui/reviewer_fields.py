"""The reviewer's details as form rows: editable in the first-run assistant (what the
enrolment request will say), read-only in Settings (what the enrolment put in the workspace)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget

from reviewer_app.gui.settings import ReviewerDetailsForm

PROFESSIONS = (("doctor", "Doctor"), ("nurse", "Nurse"), ("other", "Other"))


def labelled_line(
    parent: QWidget, form: QFormLayout, label: str, value: str, accessible: str
) -> QLineEdit:
    """A line edit with a buddy label (so Alt+letter reaches it) and an accessible name."""
    edit = QLineEdit(value, parent)
    edit.setAccessibleName(accessible)
    text = QLabel(label, parent)
    text.setBuddy(edit)
    form.addRow(text, edit)
    return edit


@dataclass
class ReviewerFields:
    """Name, profession, registration and email rows added to ``form``."""

    name: QLineEdit
    profession: QComboBox
    registration: QLineEdit
    email: QLineEdit

    @classmethod
    def add_to(
        cls, parent: QWidget, form: QFormLayout, details: ReviewerDetailsForm
    ) -> ReviewerFields:
        name = labelled_line(parent, form, "&Name:", details.name, "Your name")
        profession = QComboBox(parent)
        profession.setAccessibleName("Profession")
        for value, text in PROFESSIONS:
            profession.addItem(text, value)
        profession.setCurrentIndex(max(0, profession.findData(details.profession)))
        profession_label = QLabel("&Profession:", parent)
        profession_label.setBuddy(profession)
        form.addRow(profession_label, profession)
        registration = labelled_line(
            parent, form, "&Registration:", details.registration, "Professional registration"
        )
        registration.setPlaceholderText("For example GMC 1234567 or NMC 12A3456B")
        email = labelled_line(parent, form, "&Email:", details.email, "Email address")
        return cls(name, profession, registration, email)

    def details(self) -> ReviewerDetailsForm:
        return ReviewerDetailsForm(
            name=self.name.text().strip(),
            profession=str(self.profession.currentData()),
            registration=self.registration.text().strip(),
            email=self.email.text().strip(),
        )


# -- the enrolled identity, shown read-only in Settings ----------------------------------------

HOW_TO_CHANGE = (
    "These details are the ones in your certificate, which the study coordinator issued when "
    "you enrolled; they are what your signatures and the audit trail name. They cannot be "
    "edited here. To change them, ask the study coordinator to enrol you again: your next "
    "assignment pack then brings the new certificate."
)
NOT_ENROLLED = (
    "This workspace has no enrolled identity yet. Your certificate arrives with your first "
    "assignment pack, after the study coordinator has enrolled you."
)

REQUESTED = (
    "The details above are those of your enrolment request; to change them, ask the study "
    "coordinator."
)


def profession_label(value: str) -> str:
    return dict(PROFESSIONS).get(value, value)


@dataclass(frozen=True)
class EnrolledDetails:
    """Who this workspace signs as: what the enrolment put in the workspace (never typed)."""

    name: str
    profession: str
    registration: str
    reviewer_ref: str | None
    certificate_fingerprint: str | None  # None until the certificate has arrived
    enrolled: bool

    @classmethod
    def of(cls, identity: StoredIdentityLike | None) -> EnrolledDetails | None:
        """The details of a stored identity (None: the workspace has none)."""
        if identity is None:
            return None
        fingerprint = None
        if identity.cert_pem is not None:
            from cryptography import x509

            from reviewer_app.services.trust.authority import fingerprint as cert_fingerprint

            fingerprint = cert_fingerprint(x509.load_pem_x509_certificate(identity.cert_pem))
        return cls(
            name=identity.name,
            profession=identity.profession,
            registration=identity.registration,
            reviewer_ref=identity.reviewer_ref,
            certificate_fingerprint=fingerprint,
            enrolled=identity.cert_pem is not None and identity.reviewer_ref is not None,
        )


class StoredIdentityLike(Protocol):
    """What ``EnrolledDetails.of`` reads of the session's identity (storage's StoredIdentity)."""

    @property
    def name(self) -> str: ...
    @property
    def profession(self) -> str: ...
    @property
    def registration(self) -> str: ...
    @property
    def reviewer_ref(self) -> str | None: ...
    @property
    def cert_pem(self) -> bytes | None: ...


def _read_only(
    parent: QWidget, form: QFormLayout, label: str, value: str, accessible: str
) -> QLineEdit:
    """A read-only, selectable line (Tab reaches it, the screen reader reads it)."""
    edit = QLineEdit(value, parent)
    edit.setReadOnly(True)
    edit.setObjectName("readOnlyDetail")
    edit.setAccessibleName(accessible)
    edit.setAccessibleDescription("Read-only: set by your enrolment")
    edit.setCursorPosition(0)
    # Wide enough for the whole value (a fingerprint is read out by phone: never cut it off).
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(value) + 24)
    form.addRow(QLabel(label, parent), edit)
    return edit


@dataclass
class EnrolledRows:
    """The enrolled identity as read-only rows, with how to change it."""

    lines: dict[str, QLineEdit]
    note: QLabel

    @classmethod
    def add_to(
        cls, parent: QWidget, form: QFormLayout, details: EnrolledDetails | None
    ) -> EnrolledRows:
        lines: dict[str, QLineEdit] = {}
        if details is not None:
            not_yet = "Not yet (arrives with your first assignment pack)"
            for key, label, value in (
                ("name", "Name:", details.name),
                ("profession", "Profession:", profession_label(details.profession)),
                ("registration", "Registration:", details.registration or "None given"),
                ("reviewer_ref", "Reviewer reference:", details.reviewer_ref or not_yet),
                (
                    "fingerprint",
                    "Certificate fingerprint:",
                    details.certificate_fingerprint or not_yet,
                ),
            ):
                lines[key] = _read_only(parent, form, label, value, label.rstrip(":"))
        if details is None:
            text = NOT_ENROLLED
        elif details.enrolled:
            text = HOW_TO_CHANGE
        else:
            text = f"{NOT_ENROLLED} {REQUESTED}"
        note = QLabel(text, parent)
        note.setWordWrap(True)
        note.setObjectName("hint")
        note.setAccessibleName("How to change your details")
        form.addRow(note)
        return cls(lines, note)
