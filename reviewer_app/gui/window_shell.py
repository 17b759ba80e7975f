"""What the reviewer's window and the coordinator's window set up alike: the SYNTHETIC DATA
banner of a demo or practice window, and the triggers that lock the window after idle time or
on sleep, from the settings' idle minutes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from reviewer_app.gui.launch import SYNTHETIC_MARK
from reviewer_app.gui.lock import LockTriggers
from reviewer_app.gui.settings import DEFAULT_IDLE_LOCK_MINUTES

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from reviewer_app.gui.settings import AppSettings


def synthetic_banner(parent: QWidget, what: str, passphrase: str | None, whose: str) -> QLabel:
    """The SYNTHETIC DATA banner: ``what`` is invented, and the public passphrase (``whose``
    names it: "Demo workspace", "Practice study") when there is one."""
    text = f"{SYNTHETIC_MARK}: {what}"
    if passphrase:
        text += f"   {whose} passphrase: {passphrase}"
    banner = QLabel(text, parent)
    banner.setObjectName("bannerSynthetic")
    banner.setAccessibleName("Synthetic data notice")
    banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return banner


def idle_minutes(settings: AppSettings | None) -> int:
    """The idle minutes before the window locks (the settings', else the default)."""
    return settings.idle_lock_minutes if settings else DEFAULT_IDLE_LOCK_MINUTES


def lock_triggers(
    window: QObject,
    settings: AppSettings | None,
    idle_ms: int | None,
    lock: Callable[[str], object],
    *,
    listen_to_system: bool,
) -> LockTriggers:
    """The window's lock triggers (``idle_ms``, when given, instead of the settings' minutes),
    each calling ``lock(reason)``."""
    triggers = LockTriggers(
        idle_ms if idle_ms is not None else idle_minutes(settings) * 60_000,
        window,
        listen_to_system=listen_to_system,
    )
    triggers.lock_requested.connect(lock)
    return triggers
