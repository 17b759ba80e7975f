"""The two kinds of error, shown (architecture.md, habit 4).

A ``UserError`` gets a plain dialog with its message, which says what to do. Anything else is
a bug: it goes to the log with its frames, and the person sees a calm crash dialog with a
report they can copy and send. The report names the exception's type and where it happened,
never its message: messages of library exceptions can quote the input, which can be patient
data.
"""

from __future__ import annotations

import logging
import platform
import traceback
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app import __version__
from reviewer_app.errors import UserError
from reviewer_app.gui.launch import crash_log_hint, install_crash_handler

log = logging.getLogger(__name__)

__all__ = [
    "CrashDialog",
    "crash_report",
    "install_crash_handler",
    "report_bug",
    "report_exception",
    "report_uncaught",
    "show_user_error",
    "user_error_box",
]


def crash_report(kind: type[BaseException], tb: TracebackType | None) -> str:
    """A report safe to send: versions, the exception type and its frames; no message."""
    frames = traceback.extract_tb(tb)
    where = (
        "\n".join(f"  {Path(f.filename).name}:{f.lineno} in {f.name}" for f in frames[-12:])
        or "  (no frames)"
    )
    return (
        f"reviewer-app {__version__} · Python {platform.python_version()} · "
        f"PySide6 {pyside_version} · {platform.system()} {platform.release()}\n"
        f"{kind.__module__}.{kind.__qualname__}\n{where}\n"
        "(The error's message is left out on purpose: it could contain patient details.)"
    )


class CrashDialog(QDialog):
    """Tells the person what happened and what to do, with a report they can copy."""

    def __init__(self, report: str, log_hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setAccessibleName("Something went wrong")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "The app hit a problem it did not expect. Your saved work is safe.\n\n"
            "Please copy the report below and send it to the study coordinator. It contains "
            "no patient details.\n"
            f"The full details are also in the log: {log_hint}",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.report = QPlainTextEdit(report, self)
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Problem report")
        self.report.setMinimumSize(520, 160)
        layout.addWidget(self.report)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = QPushButton("&Copy report", self)
        self.copy_button.setAccessibleName("Copy report")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_report)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report.toPlainText())


def user_error_box(err: UserError, parent: QWidget | None = None) -> QMessageBox:
    """The plain dialog for an error the person can fix (its message says what to do)."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Case review", str(err), parent=parent)
    box.setAccessibleName("Problem")
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def show_user_error(err: UserError, parent: QWidget | None = None) -> None:
    box = user_error_box(err, parent)
    box.exec()
    box.deleteLater()  # on the GUI thread, never left to a garbage collection elsewhere


def report_bug(
    kind: type[BaseException],
    value: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    """Log a bug (frames only; the log's formatter withholds the message) and show it."""
    log.error("unexpected error", exc_info=(kind, value, tb))
    if QGuiApplication.instance() is None:
        return
    dialog = CrashDialog(crash_report(kind, tb), crash_log_hint(), parent)
    dialog.exec()
    dialog.deleteLater()  # on the GUI thread, never left to a garbage collection elsewhere


def report_exception(exc: BaseException, parent: QWidget | None = None) -> None:
    """Show an exception delivered from background work: plain dialog or crash dialog."""
    if isinstance(exc, UserError):
        log.info("user error shown: %s", type(exc).__name__)
        show_user_error(exc, parent)
    else:
        report_bug(type(exc), exc, exc.__traceback__, parent)


def report_uncaught(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """What the hook ``install_crash_handler`` (gui/launch.py) sets does with an uncaught
    exception: a plain dialog for a ``UserError``, the crash dialog for anything else."""
    if isinstance(value, UserError):
        show_user_error(value)
        return
    report_bug(kind, value, tb)
