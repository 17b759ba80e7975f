"""Start the Qt application: fonts, stylesheet, icon (crash handling: gui/crash_dialog.py)."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.crash_dialog import install_crash_handler
from reviewer_app.resources import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, resource

log = logging.getLogger(__name__)

__all__ = ["APP_DISPLAY_NAME", "application", "install_crash_handler", "window_title"]

APP_DISPLAY_NAME = "Case review"
TITLE_SEPARATOR = " — "


SYNTHETIC_MARK = "SYNTHETIC DATA"
"""On every window of the demo workspace and the practice study (title and banner)."""


def window_title(*parts: str) -> str:
    """A window title naming the app once, at the end: "NSR-0004 — SYNTHETIC DATA — Case review".

    Qt (xcb, Windows) appends the application display name to a window title that does not
    already end with it, so a title built this way reads the same on every platform."""
    return TITLE_SEPARATOR.join([*(p for p in parts if p), APP_DISPLAY_NAME])


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
    app = QApplication(argv or sys.argv[:1])
    app.setApplicationName("reviewer-app")
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName("reviewer-app")
    app.setWindowIcon(QIcon(str(resource("icon.svg"))))
    for name in (FONT_REGULAR, FONT_BOLD, FONT_ITALIC):
        if QFontDatabase.addApplicationFont(str(resource(name))) < 0:
            log.warning("could not load bundled font %s", name)
    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    return app
