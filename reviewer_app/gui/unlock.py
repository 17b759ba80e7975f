"""Asking for the workspace passphrase, and showing errors a person can fix."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox


def ask_passphrase(where: str) -> str | None:
    """The passphrase typed by the user, or None if they cancelled."""
    text, ok = QInputDialog.getText(
        None,
        "Unlock workspace",
        f"Passphrase for the workspace in\n{where}",
        QLineEdit.EchoMode.Password,
    )
    return text if ok else None


def show_error(message: str) -> None:
    QMessageBox.warning(None, "Case review", message)
