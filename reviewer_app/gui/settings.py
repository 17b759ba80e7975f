"""The app's preferences: shared folder, idle-lock minutes, theme, reviewer details.

Kept in an INI file through QSettings at ``AppPaths.settings_file`` (the app's config
folder, or ``$REVIEWER_APP_HOME/config`` when that is set: tests and portable use never touch
the real profile). Nothing about patients is ever stored here: things that can name a case
(last case open, last section) live in the encrypted workspace (storage's ui_state). Nor is
anything the app trusts: the audit trail's actor comes from the workspace's enrolled identity
(app.py's ``audit_actor``), since anyone can edit this file.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QSettings

DEFAULT_IDLE_LOCK_MINUTES = 10
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 60


class ReviewerDetailsForm(NamedTuple):
    """The reviewer's own details as typed (not patient data)."""

    name: str = ""
    profession: str = ""
    registration: str = ""
    email: str = ""


class AppSettings:
    """Typed access to the settings file; every setter writes through at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._q = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        self._q.sync()

    # -- shared folder

    @property
    def shared_folder(self) -> Path | None:
        value = self._q.value("shared/folder", "")
        return Path(str(value)) if value else None

    @shared_folder.setter
    def shared_folder(self, folder: Path | None) -> None:
        self._q.setValue("shared/folder", str(folder) if folder else "")
        self._q.sync()

    # -- locking

    @property
    def idle_lock_minutes(self) -> int:
        raw = self._q.value("lock/idle_minutes", DEFAULT_IDLE_LOCK_MINUTES)
        try:
            minutes = int(str(raw))
        except ValueError:
            return DEFAULT_IDLE_LOCK_MINUTES
        return min(max(minutes, MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)

    @idle_lock_minutes.setter
    def idle_lock_minutes(self, minutes: int) -> None:
        minutes = min(max(int(minutes), MIN_IDLE_LOCK_MINUTES), MAX_IDLE_LOCK_MINUTES)
        self._q.setValue("lock/idle_minutes", minutes)
        self._q.sync()

    # -- look

    @property
    def theme(self) -> str:
        value = str(self._q.value("look/theme", "system"))
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, name: str) -> None:
        self._q.setValue("look/theme", name)
        self._q.sync()

    # -- reviewer

    @property
    def reviewer(self) -> ReviewerDetailsForm:
        return ReviewerDetailsForm(
            name=str(self._q.value("reviewer/name", "")),
            profession=str(self._q.value("reviewer/profession", "")),
            registration=str(self._q.value("reviewer/registration", "")),
            email=str(self._q.value("reviewer/email", "")),
        )

    @reviewer.setter
    def reviewer(self, details: ReviewerDetailsForm) -> None:
        for key in ("name", "profession", "registration", "email"):
            self._q.setValue(f"reviewer/{key}", getattr(details, key))
        self._q.sync()
