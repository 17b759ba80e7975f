"""A screenshot of the first painted window, then quit: the real-X smoke test's hook.

Used only with ``--demo`` and ``REVIEWER_APP_SMOKE_SCREENSHOT`` (see ``reviewer_app.app``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer

log = logging.getLogger(__name__)

SMOKE_TIMEOUT_MS = 60_000


def screenshot_when_painted(app: Any, window: Any, target: Path) -> None:
    """Save ``window`` as a PNG once it is on screen and painted, then quit (smoke tests)."""

    def grab() -> None:
        screen = window.screen()
        picture = screen.grabWindow(window.winId()) if screen is not None else None
        if picture is None or picture.isNull():
            picture = window.grab()
        ok = picture.save(str(target), "PNG")
        if not ok:
            log.error("the smoke-test screenshot could not be saved")
        app.exit(0 if ok else 1)

    class PaintWatch(QObject):
        def eventFilter(self, watched: Any, event: Any) -> bool:
            handle = window.windowHandle()
            if event.type() == QEvent.Type.Paint and handle is not None and handle.isExposed():
                window.removeEventFilter(self)
                QTimer.singleShot(300, grab)  # let the backing store reach the display
            return False

    watch = PaintWatch(window)
    window.installEventFilter(watch)
    window.update()

    def give_up() -> None:
        log.error("no window was painted for the smoke-test screenshot")
        app.exit(3)

    QTimer.singleShot(SMOKE_TIMEOUT_MS, give_up)
