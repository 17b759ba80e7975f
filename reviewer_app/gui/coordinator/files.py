"""Choosing files and folders: one place, so tests stand a chooser in for the dialogs.

Each dialog opens in the folder the coordinator last chose from this window (or their home
folder the first time), never in the folder the app was started from: a referral or the
report saved there could land in a program's or a repository's folder. A suggested name
("taskforce-report.pdf") is offered in that folder.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


class Chooser:
    """Asks the coordinator for a file or folder (None when they cancel)."""

    def __init__(self, home: Path | None = None) -> None:
        self._last: Path | None = None
        self._home = home

    def starting_point(self, start: str = "") -> str:
        """Where a dialog opens: ``start`` if it names a folder or an absolute path, else the
        last folder chosen (or home) with ``start``'s name in it."""
        if start and Path(start).is_absolute():
            return start
        folder = self._last or self._home or Path.home()
        return str(folder / start) if start else str(folder)

    def _chosen(self, name: str, *, is_folder: bool = False) -> Path | None:
        if not name:
            return None
        path = Path(name)
        self._last = path if is_folder else path.parent
        return path

    def open_file(self, parent: QWidget, title: str, pattern: str, start: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(parent, title, self.starting_point(start), pattern)
        return self._chosen(name)

    def save_file(self, parent: QWidget, title: str, pattern: str, start: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(parent, title, self.starting_point(start), pattern)
        return self._chosen(name)

    def folder(self, parent: QWidget, title: str, start: str = "") -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, title, self.starting_point(start))
        return self._chosen(name, is_folder=True)


CHOOSER = Chooser()
