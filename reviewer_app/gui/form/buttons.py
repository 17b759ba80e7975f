"""The form's push buttons: named for screen readers, never a dialog's default button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton, QWidget


def push_button(text: str, name: str, parent: QWidget, slot: Callable[[], None]) -> QPushButton:
    button = QPushButton(text, parent)
    button.setAccessibleName(name)
    button.setAutoDefault(False)
    button.clicked.connect(lambda _=False: slot())
    return button
