"""Start the Qt application: fonts, stylesheet, icon, crash handling, the first window."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from reviewer_app.resources import FONT_BOLD, FONT_ITALIC, FONT_REGULAR, resource

log = logging.getLogger(__name__)


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
    app.setApplicationDisplayName("Case review")
    app.setOrganizationName("reviewer-app")
    app.setWindowIcon(QIcon(str(resource("icon.svg"))))
    for name in (FONT_REGULAR, FONT_BOLD, FONT_ITALIC):
        if QFontDatabase.addApplicationFont(str(resource(name))) < 0:
            log.warning("could not load bundled font %s", name)
    app.setStyleSheet(resource("style.qss").read_text(encoding="utf-8"))
    return app


def install_crash_handler(log_file_hint: str) -> Callable[..., None]:
    """Bugs go to the log with their traceback; the user sees a short, copyable report."""

    def hook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.error("unhandled error", exc_info=(kind, value, tb))
        # The report names the error type and where it happened, never its message:
        # messages of library exceptions can carry patient data.
        frames = traceback.extract_tb(tb)
        where = "\n".join(
            f"  {f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames[-6:]
        )
        report = f"{kind.__name__}\n{where}"
        if QGuiApplication.instance() is not None:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Something went wrong",
                "The app hit a problem it did not expect. Your saved work is safe.\n"
                f"Details are in the log: {log_file_hint}",
            )
            box.setDetailedText(report)
            box.exec()

    sys.excepthook = hook
    return hook
