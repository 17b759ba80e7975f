"""Where the main window opens: maximised on a laptop screen, else where it was left.

The first time (nothing remembered), the window opens maximised on a screen up to
``MAXIMISE_UP_TO_PX`` wide (a 1366 x 768 or 1440 x 900 laptop: every pixel is needed for the
form), and at a comfortable size, centred, on a wider one. On closing, its geometry
(position, size, maximised or not: Qt's ``saveGeometry`` bytes, nothing else) is kept in the
app's settings file (``AppPaths``' settings.ini, group ``window``), and restored next time.
No case, name or any patient detail goes there.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QWidget

MAXIMISE_UP_TO_PX = 1440
WIDE_SCREEN_SIZE = (1360, 860)
GEOMETRY_KEY = "window/geometry"


def opens_maximised(screen_width: int) -> bool:
    """A screen up to 1440 px wide: the window opens maximised."""
    return screen_width <= MAXIMISE_UP_TO_PX


class WindowGeometry:
    """Remembers one window's geometry in the settings file at ``path`` (or nowhere)."""

    def __init__(self, path: Path | None) -> None:
        self._settings = None if path is None else QSettings(str(path), QSettings.Format.IniFormat)

    def remembered(self) -> QByteArray | None:
        if self._settings is None:
            return None
        value = self._settings.value(GEOMETRY_KEY)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def restore(self, window: QWidget) -> None:
        """Before the window is shown: where it was left, else the first-time rule (a window
        without a settings file, as in most tests, keeps the size it was given)."""
        if self._settings is None:
            return
        saved = self.remembered()
        if saved is not None and window.restoreGeometry(saved):
            return
        screen = window.screen()
        if screen is None:
            return
        free = screen.availableGeometry()
        if opens_maximised(free.width()):
            window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
            return
        width, height = (
            min(WIDE_SCREEN_SIZE[0], free.width()),
            min(WIDE_SCREEN_SIZE[1], free.height()),
        )
        window.resize(width, height)
        window.move(free.center().x() - width // 2, free.center().y() - height // 2)

    def save(self, window: QWidget) -> None:
        if self._settings is None:
            return
        self._settings.setValue(GEOMETRY_KEY, window.saveGeometry())
        self._settings.sync()
