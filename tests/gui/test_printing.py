"""Print, Open and Save as hand out the STORED signed summary.

The print path is tested by printing to a PDF-format ``QPrinter``: one sheet per page of the
stored PDF, A4. The system print dialog itself is replaced here (it is modal and belongs to
the platform); it was checked by hand (see the sign-off GUI report: a screenshot of the
dialog rendered offscreen over the app).
"""

from __future__ import annotations

import gc
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QLabel

from reviewer_app.gui.signing import summary_actions
from reviewer_app.gui.signing.desk import SigningDesk
from reviewer_app.gui.signing.summary_actions import CopyChoiceDialog, print_pdf
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.storage.signatures import DocumentKind
from tests.unit.signoff_fixtures import Bench, make_bench

CASE = "SIG-0001"
A4_POINTS = (595.28, 841.89)
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    made.sign(CASE)
    yield made
    made.workspace.close()


@pytest.fixture
def desk(
    qapp: Any, bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[SigningDesk]:
    def bug(err: BaseException, _parent: Any = None) -> None:
        raise AssertionError(f"unexpected {type(err).__name__}: {err}")

    monkeypatch.setattr(summary_actions, "report_exception", bug)
    yield SigningDesk(
        bench.workspace, SyncTaskRunner(), tmp_path / "app-tmp", actor="R01", synthetic=True
    )
    gc.collect()  # see test_signing_dialogs.settle
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def choose(desk: SigningDesk, kind: DocumentKind = DocumentKind.FULL) -> list[QDialog]:
    """Answer the copy-and-reminder dialog with ``kind``."""
    shown: list[QDialog] = []

    def exec_dialog(dialog: QDialog) -> int:
        shown.append(dialog)
        assert isinstance(dialog, CopyChoiceDialog)
        dialog.choice.choose(kind)
        dialog.ok_button.click()
        return dialog.result()

    desk.exec_dialog = exec_dialog
    return shown


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def pages_of(data: bytes) -> list[tuple[float, float]]:
    return [
        (round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2))
        for p in PdfReader(io.BytesIO(data)).pages
    ]


def assert_a4(size: tuple[float, float]) -> None:
    assert abs(size[0] - A4_POINTS[0]) < 1.5 and abs(size[1] - A4_POINTS[1]) < 1.5, size


# --- printing ---------------------------------------------------------------------------------


def test_printing_renders_every_stored_page_onto_a4(bench: Bench, tmp_path: Path, qapp) -> None:
    stored = bench.signoff.document(CASE).pdf
    expected = len(pages_of(stored))
    assert expected >= 2  # a real multi-page summary
    out = tmp_path / "printed.pdf"
    printer = summary_actions.new_printer(
        summary_actions.StoredSummary(CASE, 1, DocumentKind.FULL, 1, stored)
    )
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(out))
    assert print_pdf(stored, printer) == expected
    printed = pages_of(out.read_bytes())
    assert len(printed) == expected
    for size in printed:
        assert_a4(size)


def test_print_action_goes_through_the_print_dialog_to_the_printer(
    desk: SigningDesk, bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "via-dialog.pdf"
    asked: list[str] = []

    class FakePrintDialog:
        """Stands in for the system dialog: the person chose "print to file" and OK."""

        PrintDialogOption = summary_actions.QPrintDialog.PrintDialogOption

        def __init__(self, printer: QPrinter, _parent: Any) -> None:
            self.printer = printer

        def setWindowTitle(self, title: str) -> None:
            asked.append(title)

        def setOption(self, *_args: Any) -> None:
            return None

        def exec(self) -> QDialog.DialogCode:
            asked.append(self.printer.docName())
            self.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.printer.setOutputFileName(str(out))
            return QDialog.DialogCode.Accepted

        def deleteLater(self) -> None:
            return None

    monkeypatch.setattr(summary_actions, "QPrintDialog", FakePrintDialog)
    shown = choose(desk, DocumentKind.TASKFORCE)
    desk.print_summary(CASE, None)
    assert "identifiable clinical document" in shown[0].findChild(QLabel, "warningBox").text()
    assert asked == ["Print the signed summary", f"Case summary {CASE} v1"]
    stored = bench.signoff.document(CASE, DocumentKind.TASKFORCE).pdf
    printed = pages_of(out.read_bytes())
    assert len(printed) == len(pages_of(stored)) == desk.summaries.last_printed_pages
    for size in printed:
        assert_a4(size)


def test_cancelling_the_print_dialog_prints_nothing(desk: SigningDesk, tmp_path: Path) -> None:
    choose(desk)
    desk.summaries.ask_printer = lambda _printer, _parent: False
    notes: list[str] = []
    desk.notify = notes.append
    desk.print_summary(CASE, None)
    assert desk.summaries.last_printed_pages == 0
    assert notes == ["Printing cancelled."]


def test_a_damaged_pdf_is_refused_plainly(tmp_path: Path, qapp) -> None:
    from reviewer_app.errors import DamagedFileError

    with pytest.raises(DamagedFileError):
        print_pdf(b"%PDF-1.7 not really", pdf_printer(tmp_path / "x.pdf"))


def test_qtpdf_and_signing_libraries_load_only_when_used() -> None:
    """Importing the window and the signing GUI loads neither QtPdf nor pyHanko/reportlab."""
    heavy = ["pyhanko", "reportlab", "PySide6.QtPdf", "pypdf"]
    code = (
        "import sys, json\n"
        "import reviewer_app.gui.main_window, reviewer_app.gui.signing.desk\n"
        f"heavy = {heavy!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if any(m == h or m.startswith(h + '.') for h in heavy))))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, env=env, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


# --- open and save as -------------------------------------------------------------------------


def test_open_writes_a_private_temp_copy_of_the_stored_bytes(
    desk: SigningDesk, bench: Bench, tmp_path: Path
) -> None:
    opened: list[Path] = []
    desk.summaries.open_in_viewer = lambda path: opened.append(path) or True
    choose(desk)
    desk.open_summary(CASE, None)
    assert len(opened) == 1
    path = opened[0]
    assert path.parent == tmp_path / "app-tmp" / "open"
    assert path.name == f"{CASE}-v1.pdf"
    assert path.read_bytes() == bench.signoff.document(CASE).pdf
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left
    desk.close()  # the window closes: the copy handed to the viewer goes
    assert not path.exists()


def test_save_as_writes_exactly_the_stored_bytes_of_the_chosen_copy(
    desk: SigningDesk, bench: Bench, tmp_path: Path
) -> None:
    target = tmp_path / "out"
    target.mkdir()
    suggested: list[Path] = []

    def ask(_parent: Any, proposal: Path) -> Path:
        suggested.append(proposal)
        return target / "chosen-name"  # no suffix: .pdf is added

    desk.summaries.ask_save_path = ask
    for kind in DocumentKind:
        choose(desk, kind)
        desk.save_summary(CASE, None)
        saved = target / "chosen-name.pdf"
        assert saved.read_bytes() == bench.signoff.document(CASE, kind).pdf
    assert [p.name for p in suggested] == [f"{CASE}-v1.pdf", f"{CASE}-v1-taskforce.pdf"]
    assert sorted(p.name for p in target.iterdir()) == ["chosen-name.pdf"]


def test_unsigned_case_has_no_summary_to_hand_out(desk: SigningDesk) -> None:
    shown: list[QDialog] = []
    desk.exec_dialog = lambda dialog: shown.append(dialog) or 0
    desk.save_summary("SIG-0002", None)
    assert len(shown) == 1
    assert "has not been signed" in shown[0].text()  # type: ignore[attr-defined]
