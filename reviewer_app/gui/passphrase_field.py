"""The passphrase line edit every screen that asks for one uses (unlock, first run, signing):
it shows dots, never the passphrase, and says to a screen reader what it is for."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget


def hidden_field(name: str, parent: QWidget) -> QLineEdit:
    """A line edit that shows dots, not the passphrase typed into it."""
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


def add_passphrase_field(
    layout: QVBoxLayout,
    parent: QWidget,
    label: str,
    name: str,
    description: str | None = None,
) -> QLineEdit:
    """A hidden field under its label (whose mnemonic jumps to it), added to ``layout``."""
    text = QLabel(label, parent)
    field = hidden_field(name, parent)
    if description is not None:
        field.setAccessibleDescription(description)
    text.setBuddy(field)
    layout.addWidget(text)
    layout.addWidget(field)
    return field
