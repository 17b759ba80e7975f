"""The app's preferences: shared folder, idle-lock minutes, theme, reviewer details.

Kept in an INI file through QSettings, in the app's config folder, or under
``$REVIEWER_APP_HOME/config`` when that is set (tests and portable use never touch the real
profile). Nothing about patients is ever stored here: things that can name a case (last case
open, last section) live in the encrypted workspace (storage's ui_state).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings

from reviewer_app.paths import APP_AUTHOR, APP_NAME, HOME_ENV

DEFAULT_IDLE_LOCK_MINUTES = 10
MIN_IDLE_LOCK_MINUTES = 1
MAX_IDLE_LOCK_MINUTES = 60
SETTINGS_FILE = "settings.ini"


def settings_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the settings file lives (not created here)."""
    env = os.environ if environ is None else environ
    home = env.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / "config" / SETTINGS_FILE
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR, roaming=False)) / SETTINGS_FILE


@dataclass(frozen=True)
class ReviewerDetailsForm:
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
