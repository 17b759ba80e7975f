"""The reviewer's details as form rows, shared by the first-run assistant and settings."""

from __future__ import annotations

from dataclasses import dataclass

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
