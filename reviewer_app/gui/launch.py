"""Start the Qt application: fonts, stylesheet, icon, and the hook that routes uncaught
exceptions to the dialogs of gui/crash_dialog.py.

Nothing here imports the dialogs: they are imported when the first exception arrives, not
while the unlock screen is waiting to be painted (issue 15).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.theme import STYLE, STYLE_PROPERTY
from reviewer_app.resources import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, resource

log = logging.getLogger(__name__)

__all__ = [
    "APP_DISPLAY_NAME",
    "application",
    "crash_log_hint",
    "install_crash_handler",
    "window_title",
]

APP_DISPLAY_NAME = "Case review"
TITLE_SEPARATOR = " — "


SYNTHETIC_MARK = "SYNTHETIC DATA"
"""On every window of the demo workspace and the practice study (title and banner)."""


def window_title(*parts: str) -> str:
    """A window title naming the app once, at the end: "NSR-0004 — SYNTHETIC DATA — Case review".

    Qt (xcb, Windows) appends the application display name to a window title that does not
    already end with it, so a title built this way reads the same on every platform."""
    return TITLE_SEPARATOR.join([*(p for p in parts if p), APP_DISPLAY_NAME])


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]
DEFAULT_LOG_HINT = "the app's log folder"
_log_hint = DEFAULT_LOG_HINT


def crash_log_hint() -> str:
    """Where the crash dialog says the full details are (set by ``install_crash_handler``)."""
    return _log_hint


def install_crash_handler(log_hint: str) -> ExceptHook:
    """Route uncaught exceptions (including those raised in Qt slots) to the dialogs."""
    global _log_hint  # noqa: PLW0603 - one hint for the process, set once at start
    _log_hint = log_hint

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        from reviewer_app.gui.crash_dialog import report_uncaught

        report_uncaught(kind, value, tb)

    sys.excepthook = hook
    return hook


def _route_qt_messages() -> None:
    qt_log = logging.getLogger("qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(mode: QtMsgType, _context: object, message: str) -> None:
        qt_log.log(levels.get(mode, logging.WARNING), "%s", message)

    qInstallMessageHandler(handler)


def application(argv: list[str] | None = None) -> QApplication:
    """The one QApplication, styled and with the bundled Unicode font available."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    _route_qt_messages()
    # The style comes in on the command line, so that Qt makes it in C++: ``setStyle`` would
    # hand Python the QStyle, and its first wrapper builds QStyle's enums (~5 ms, a twentieth
    # of a bare window's start) before the unlock screen can be painted.
    app = QApplication([*(argv or sys.argv[:1]), "-style", STYLE])
    app.setProperty(STYLE_PROPERTY, STYLE)
    app.setApplicationName("reviewer-app")
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName("reviewer-app")
    app.setWindowIcon(QIcon(str(resource("icon.svg"))))
    for name in (FONT_REGULAR, FONT_BOLD, FONT_ITALIC):
        if QFontDatabase.addApplicationFont(str(resource(name))) < 0:
            log.warning("could not load bundled font %s", name)
    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    return app
