"""Choosing files and folders: one place, so tests stand a chooser in for the dialogs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


class Chooser:
    """Asks the coordinator for a file or folder (None when they cancel)."""

    def open_file(self, parent: QWidget, title: str, pattern: str, start: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, start, pattern)
        return Path(name) if name else None

    def save_file(self, parent: QWidget, title: str, pattern: str, start: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, start, pattern)
        return Path(name) if name else None

    def folder(self, parent: QWidget, title: str, start: str = "") -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, start)
        return Path(name) if name else None


CHOOSER = Chooser()
