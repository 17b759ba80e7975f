"""Print, Open and Save as for a case's STORED signed summary (never a re-rendered one).

Each action first shows one small dialog that names the case and version, offers the full
signed summary or the taskforce copy, and reminds that a printed, opened or saved summary is
an identifiable clinical document (the taskforce copy OFFICIAL-SENSITIVE too). Then:

* **Print**: the system print dialog (``QPrintDialog``); each page of the stored PDF is
  rendered through QtPdf (``QPdfDocument.render``) onto the ``QPrinter``, fitted to the paper.
  QtPdf is imported only here, only when printing (start-up stays light).
* **Open**: first a check that this computer has a PDF viewer (``pdf_viewer_available``;
  when there is none, nothing is written). Then a copy written atomically, readable only by
  this user, into the app's temp folder (``AppPaths.temp_dir``/open), handed to the default
  PDF viewer; when no viewer opens it, the copy is deleted at once. The copies are deleted
  when the window closes (``clear_open_copies``) and, after a crash, at the next start
  (``paths.sweep_open_copies``).
* **Save as**: ``QFileDialog``; the stored bytes are written atomically, readable only by
  this user (either copy).

Fetching the bytes and writing files run off the GUI thread through the runner; printing
paints on the GUI thread (QPrinter and QPainter belong to it), with a busy cursor.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QVBoxLayout, QWidget

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import DamagedFileError, UserError
from reviewer_app.gui.crash_dialog import report_exception
from reviewer_app.gui.signing.common import (
    DIALOG_STYLE,
    CopyChoice,
    button_box,
    heading,
    paragraph,
    primary_button,
    reminder,
)
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.paths import OPEN_COPIES_FOLDER
from reviewer_app.services.signing.background import StoredSummary
from reviewer_app.services.signing.rules import CaseSigning

log = logging.getLogger(__name__)

PRINT_DPI_CAP = 300
"""Pages are rendered at the printer's resolution, at most this (an A4 page at 300 dpi is a
35 MB image; more adds nothing a clinician can see on paper)."""
OPEN_FOLDER = OPEN_COPIES_FOLDER  # the one name, kept by paths.py (start-up sweeps it)
PRIVATE_FILE_MODE = 0o600

FetchSummary = Callable[[str, DocumentKind], StoredSummary]

_VERBS = {
    "print": ("Print", "&Print…", "printed"),
    "open": ("Open", "&Open", "opened"),
    "save": ("Save", "&Save as…", "saved"),
}


class CopyChoiceDialog(QDialog):
    """Which copy, and the reminder: shown before every Print, Open and Save as."""

    def __init__(self, action: str, state: CaseSigning, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        verb, button_text, done = _VERBS[action]
        version = state.latest_signed_version
        self.setWindowTitle(f"{verb} summary: case {state.case_ref}")
        self.setAccessibleName(f"{verb} the signed summary of case {state.case_ref}")
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            heading(f"{verb} the signed summary of case {state.case_ref}, version {version}", self)
        )
        if state.version != version:
            layout.addWidget(
                paragraph(
                    f"Version {state.version} is not signed yet, so this is the summary "
                    f"signed for version {version}.",
                    self,
                )
            )
        layout.addWidget(paragraph("Which copy?", self))
        self.choice = CopyChoice(self)
        layout.addWidget(self.choice)
        layout.addWidget(
            reminder(
                self,
                f"A {done} summary is an identifiable clinical document. The taskforce copy "
                "is de-identified, not anonymous: it is OFFICIAL-SENSITIVE too. Keep either, "
                "share it and dispose of it only through approved routes (secure email, "
                "confidential waste), and delete copies you no longer need.",
            )
        )
        layout.addStretch(1)
        self.ok_button = primary_button(button_text, f"{verb} the chosen copy", self)
        self.buttons, self.cancel_button = button_box(self.ok_button, self)
        self.ok_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.choice.full.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def kind(self) -> DocumentKind:
        return self.choice.kind()


# --- printing -----------------------------------------------------------------------------------


def new_printer(summary: StoredSummary) -> QPrinter:
    """A high-resolution printer set to A4 portrait, the summary's own page size."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(f"Case summary {summary.case_ref} v{summary.version}")
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)  # the summary carries its own margins
    return printer


def ask_printer(printer: QPrinter, parent: QWidget | None) -> bool:
    """The system print dialog (checked by hand; tests replace this function)."""
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle("Print the signed summary")
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
    accepted = dialog.exec() == QDialog.DialogCode.Accepted
    dialog.deleteLater()
    return accepted


def print_pdf(pdf: bytes, printer: QPrinter, *, dpi_cap: int = PRINT_DPI_CAP) -> int:
    """Render every page of ``pdf`` onto ``printer``, one sheet each, fitted and centred.

    Returns the number of pages printed. The bytes are read from memory, never from a file.
    """
    from PySide6.QtPdf import QPdfDocument

    data = QByteArray(pdf)
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document = QPdfDocument()
    try:
        document.load(buffer)
        count = document.pageCount()
        if document.status() != QPdfDocument.Status.Ready or count < 1:
            raise DamagedFileError(
                "The stored summary could not be read for printing. Save it instead and "
                "report this to the study coordinator."
            )
        dpi = min(printer.resolution(), dpi_cap)
        painter = QPainter()
        if not painter.begin(printer):
            raise UserError("The printer could not be started. Check it and try again.")
        try:
            for index in range(count):
                if index:
                    printer.newPage()
                _paint_page(document, index, painter, printer, dpi)
        finally:
            painter.end()
        return count
    finally:
        document.close()
        buffer.close()


def _paint_page(document: Any, index: int, painter: QPainter, printer: QPrinter, dpi: int) -> None:
    points = document.pagePointSize(index)
    image = document.render(
        index,
        QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72))),
    )
    paper = QRectF(printer.paperRect(QPrinter.Unit.DevicePixel))
    paper.moveTo(0, 0)
    scale = min(paper.width() / image.width(), paper.height() / image.height())
    width, height = image.width() * scale, image.height() * scale
    target = QRectF(
        QPointF((paper.width() - width) / 2, (paper.height() - height) / 2),
        QRectF(0, 0, width, height).size(),
    )
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
    painter.drawImage(target, image)


# --- opening and saving -----------------------------------------------------------------------


def write_open_copy(temp_dir: Path, summary: StoredSummary) -> Path:
    """A private copy for the default viewer, in the app's temp folder, written atomically."""
    folder = temp_dir / OPEN_FOLDER
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.name == "posix":
        folder.chmod(0o700)  # private even when an older run made it with the umask's mode
    target = folder / summary.file_name
    try:
        atomic_write_bytes(target, summary.pdf, mode=PRIVATE_FILE_MODE)
    except PermissionError:
        # The viewer may still hold an earlier copy open (Windows): use a new name.
        target = folder / f"{target.stem}-{secrets.token_hex(3)}.pdf"
        atomic_write_bytes(target, summary.pdf, mode=PRIVATE_FILE_MODE)
    return target


def clear_open_copies(temp_dir: Path) -> int:
    """Delete the copies handed to the viewer (when the window closes). Returns how many."""
    folder = temp_dir / OPEN_FOLDER
    removed = 0
    if not folder.is_dir():
        return 0
    for path in folder.glob("*.pdf"):
        with contextlib.suppress(OSError):  # a viewer on Windows may still hold it open
            path.unlink()
            removed += 1
    return removed


def open_in_viewer(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


NO_VIEWER_MESSAGE = (
    "No PDF viewer opened the summary. Use Save summary as… instead, or ask IT to set a "
    "default PDF viewer."
)


def pdf_viewer_available() -> bool | None:
    """Whether this computer has a default PDF viewer: True, False, or None (cannot tell).

    Qt offers no such query (``QDesktopServices`` only tries), so ask the platform: the
    file association on Windows, ``xdg-mime`` on Linux and the BSDs; macOS always has Preview.
    Only a definite "no" stops Open before the copy is written."""
    if sys.platform == "darwin":
        return True
    if os.name == "nt":
        return _windows_pdf_association()
    xdg_mime = shutil.which("xdg-mime")
    if xdg_mime is None:
        # Qt opens files through xdg-open, or through a desktop portal in a sandbox.
        sandboxed = bool(os.environ.get("FLATPAK_ID") or os.environ.get("SNAP"))
        return None if shutil.which("xdg-open") or sandboxed else False
    try:
        result = subprocess.run(  # noqa: S603 (a found program, fixed arguments, no shell)
            [xdg_mime, "query", "default", "application/pdf"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return bool(result.stdout.strip())


def _windows_pdf_association() -> bool | None:
    """``AssocQueryStringW(ASSOCSTR_EXECUTABLE, ".pdf", "open")``: is a program set for PDFs?"""
    try:
        import ctypes
        from ctypes import wintypes

        shlwapi = ctypes.WinDLL("shlwapi")  # type: ignore[attr-defined]
        size = wintypes.DWORD(0)
        ignore_unknown, executable, s_false = 0x400, 2, 1  # ASSOCF_INIT_IGNOREUNKNOWN, ...
        status = shlwapi.AssocQueryStringW(
            ignore_unknown, executable, ".pdf", "open", None, ctypes.byref(size)
        )
        return status in (0, s_false) and size.value > 1
    except (OSError, AttributeError, ValueError):
        return None


def ask_save_path(parent: QWidget | None, suggested: Path) -> Path | None:
    path, _selected = QFileDialog.getSaveFileName(
        parent, "Save the signed summary as", str(suggested), "PDF files (*.pdf)"
    )
    return Path(path) if path else None


def with_pdf_suffix(path: Path) -> Path:
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def save_copy(path: Path, summary: StoredSummary) -> Path:
    """Write the stored bytes exactly, atomically, readable only by you (either copy: the
    taskforce copy is OFFICIAL-SENSITIVE too)."""
    try:
        atomic_write_bytes(path, summary.pdf, mode=PRIVATE_FILE_MODE)
    except OSError as err:
        raise UserError(
            f"The summary could not be written to {path} ({err.strerror or 'write failed'}). "
            "Choose another folder."
        ) from None
    return path


# --- the three actions ----------------------------------------------------------------------------


class SummaryActions:
    """Print / Open / Save as for one case at a time; ``notify(text)`` reports in the status bar."""

    def __init__(
        self,
        fetch: FetchSummary,
        runner: Runner,
        temp_dir: Path,
        *,
        notify: Callable[[str], None] = lambda _text: None,
        exec_dialog: Callable[[QDialog], int] | None = None,
    ) -> None:
        self._fetch = fetch
        self._runner = runner
        self.temp_dir = temp_dir
        self.notify = notify
        self.exec_dialog: Callable[[QDialog], int] = exec_dialog or (lambda d: d.exec())
        self.ask_printer: Callable[[QPrinter, QWidget | None], bool] = ask_printer
        self.ask_save_path: Callable[[QWidget | None, Path], Path | None] = ask_save_path
        self.open_in_viewer: Callable[[Path], bool] = open_in_viewer
        self.viewer_available: Callable[[], bool | None] = pdf_viewer_available
        self.save_folder: Path = Path.home()
        self.last_printed_pages = 0
        self.last_opened: Path | None = None
        self.last_saved: Path | None = None

    def _choose(
        self, action: str, state: CaseSigning, parent: QWidget | None
    ) -> DocumentKind | None:
        dialog = CopyChoiceDialog(action, state, parent)
        try:
            if self.exec_dialog(dialog) != QDialog.DialogCode.Accepted:
                return None
            return dialog.kind
        finally:
            dialog.deleteLater()

    def _fetch_then(
        self,
        state: CaseSigning,
        kind: DocumentKind,
        then: Callable[[StoredSummary], None],
        parent: QWidget | None,
        label: str,
    ) -> None:
        case_ref = state.case_ref

        def work(_progress: Progress) -> StoredSummary:
            return self._fetch(case_ref, kind)

        def done(result: Any) -> None:
            assert isinstance(result, StoredSummary)
            then(result)

        self._runner.run(
            work, done, lambda err: report_exception(err, parent), label=label, parent=parent
        )

    # Print

    def print_summary(self, state: CaseSigning, parent: QWidget | None = None) -> None:
        kind = self._choose("print", state, parent)
        if kind is not None:
            self._fetch_then(
                state, kind, lambda s: self._print(s, parent), parent, "Preparing to print…"
            )

    def _print(self, summary: StoredSummary, parent: QWidget | None) -> None:
        printer = new_printer(summary)
        if not self.ask_printer(printer, parent):
            self.notify("Printing cancelled.")
            return
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            pages = print_pdf(summary.pdf, printer)
        except UserError as err:
            QApplication.restoreOverrideCursor()
            report_exception(err, parent)
            return
        QApplication.restoreOverrideCursor()
        self.last_printed_pages = pages
        log.info("printed a signed summary (%d pages)", pages)
        self.notify(
            f"Sent {pages} page(s) of the {_what(summary)} of case {summary.case_ref} "
            "to the printer."
        )

    # Open

    def open_summary(self, state: CaseSigning, parent: QWidget | None = None) -> None:
        kind = self._choose("open", state, parent)
        if kind is None:
            return
        temp_dir = self.temp_dir
        viewer_available = self.viewer_available

        def work(_progress: Progress) -> tuple[StoredSummary, Path]:
            if viewer_available() is False:  # never write an identifiable copy for nobody
                raise UserError(NO_VIEWER_MESSAGE)
            summary = self._fetch(state.case_ref, kind)
            return summary, write_open_copy(temp_dir, summary)

        self._runner.run(
            work,
            lambda result: self._opened(*result, parent=parent),
            lambda err: report_exception(err, parent),
            label="Opening the summary…",
            parent=parent,
        )

    def _opened(self, summary: StoredSummary, path: Path, *, parent: QWidget | None) -> None:
        self.last_opened = path
        try:
            opened = self.open_in_viewer(path)
        except Exception:
            path.unlink(missing_ok=True)
            raise
        if not opened:
            path.unlink(missing_ok=True)  # nobody will read it: do not leave it behind
            report_exception(UserError(NO_VIEWER_MESSAGE), parent)
            return
        self.notify(
            f"Opened the {_what(summary)} of case {summary.case_ref} in your PDF viewer. "
            "Close it when you are done; the app deletes its copy when it closes."
        )

    # Save as

    def save_summary(self, state: CaseSigning, parent: QWidget | None = None) -> None:
        kind = self._choose("save", state, parent)
        if kind is None or state.latest_signed_version is None:
            return
        from reviewer_app.services.signing.background import summary_file_name

        name = summary_file_name(state.case_ref, state.latest_signed_version, kind)
        chosen = self.ask_save_path(parent, self.save_folder / name)
        if chosen is None:
            return
        path = with_pdf_suffix(chosen)
        self.save_folder = path.parent

        def work(_progress: Progress) -> tuple[StoredSummary, Path]:
            summary = self._fetch(state.case_ref, kind)
            return summary, save_copy(path, summary)

        self._runner.run(
            work,
            lambda result: self._saved(*result),
            lambda err: report_exception(err, parent),
            label="Saving the summary…",
            parent=parent,
        )

    def _saved(self, summary: StoredSummary, path: Path) -> None:
        # Here, not at the top: the summary package loads reportlab (start-up stays light).
        from reviewer_app.services.summary.taskforce import TASKFORCE_REMINDER

        self.last_saved = path
        log.info("saved a signed summary (%s)", summary.kind.value)
        extra = (
            f" {TASKFORCE_REMINDER}"
            if summary.kind is DocumentKind.TASKFORCE
            else " It is an identifiable clinical document."
        )
        self.notify(f"Saved the {_what(summary)} of case {summary.case_ref} to {path}.{extra}")


def _what(summary: StoredSummary) -> str:
    return "taskforce copy" if summary.kind is DocumentKind.TASKFORCE else "signed summary"
