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

from reviewer_app.errors import UserError
from reviewer_app.gui.signing import summary_actions
from reviewer_app.gui.signing.menu_actions import SigningDesk
from reviewer_app.gui.signing.summary_actions import CopyChoiceDialog, print_pdf
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.storage.workspace.signatures import DocumentKind
from tests.support.signoff_fixtures import Bench, make_bench

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
        "import reviewer_app.gui.main_window, reviewer_app.gui.signing.menu_actions\n"
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
    desk.summaries.viewer_available = lambda: True
    desk.summaries.open_in_viewer = lambda path: opened.append(path) or True
    choose(desk)
    desk.open_summary(CASE, None)
    assert len(opened) == 1
    path = opened[0]
    assert path.parent == tmp_path / "app-tmp" / "open"
    assert path.name == f"{CASE}-v1-identifiable.pdf"
    assert path.read_bytes() == bench.signoff.document(CASE).pdf
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temp files left
    desk.close()  # the window closes: the copy handed to the viewer goes
    assert not path.exists()


def reported(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    errors: list[BaseException] = []
    monkeypatch.setattr(
        summary_actions, "report_exception", lambda err, _p=None: errors.append(err)
    )
    return errors


def open_folder_files(tmp_path: Path) -> list[str]:
    folder = tmp_path / "app-tmp" / "open"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_open_writes_nothing_when_there_is_no_pdf_viewer(
    desk: SigningDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    errors = reported(monkeypatch)
    handed: list[Path] = []
    desk.summaries.viewer_available = lambda: False
    desk.summaries.open_in_viewer = lambda path: handed.append(path) or True
    choose(desk)
    desk.open_summary(CASE, None)
    assert handed == []
    assert open_folder_files(tmp_path) == [], "no identifiable copy written for nobody"
    assert len(errors) == 1 and isinstance(errors[0], UserError)
    assert "Save summary as" in str(errors[0])


@pytest.mark.parametrize("viewer_known", [None, True])
def test_a_copy_no_viewer_opened_is_deleted_at_once(
    desk: SigningDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, viewer_known: Any
) -> None:
    errors = reported(monkeypatch)
    handed: list[Path] = []
    desk.summaries.viewer_available = lambda: viewer_known  # None: the check is impossible
    desk.summaries.open_in_viewer = lambda path: handed.append(path) or False
    choose(desk)
    desk.open_summary(CASE, None)
    assert len(handed) == 1, "the copy was handed over"
    assert not handed[0].exists(), "and deleted when no viewer took it"
    assert open_folder_files(tmp_path) == []
    assert len(errors) == 1 and "No PDF viewer" in str(errors[0])


@pytest.mark.skipif(os.name != "posix", reason="xdg-mime is how Linux and the BSDs answer")
@pytest.mark.parametrize(
    ("tools", "expected"),
    [
        ({"xdg-mime": "echo org.gnome.Evince.desktop"}, True),
        ({"xdg-mime": "echo", "xdg-open": "true"}, False),  # no default PDF application
        ({"xdg-mime": "exit 3", "xdg-open": "true"}, None),  # xdg-mime broke: cannot tell
        ({"xdg-open": "true"}, None),  # no way to ask, but Qt could still try
        ({}, False),  # nothing Qt could open a file with
    ],
)
def test_viewer_lookup_on_linux(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tools: dict[str, str], expected: Any
) -> None:
    if sys.platform == "darwin":
        pytest.skip("macOS always has Preview")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in tools.items():
        script = bin_dir / name
        script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("FLATPAK_ID", raising=False)
    monkeypatch.delenv("SNAP", raising=False)
    assert summary_actions.pdf_viewer_available() is expected


def test_the_start_up_sweep_clears_the_folder_open_copies_go_to(tmp_path: Path) -> None:
    from reviewer_app.app import sweep_open_copies
    from reviewer_app.services.signing.background import StoredSummary

    temp_dir = tmp_path / "app-tmp"
    summary = StoredSummary(CASE, 1, DocumentKind.FULL, 1, b"%PDF-1.7 stored bytes")
    copy = summary_actions.write_open_copy(temp_dir, summary)
    if os.name == "posix":
        assert copy.stat().st_mode & 0o777 == 0o600
        assert copy.parent.stat().st_mode & 0o777 == 0o700
    leftover = copy.parent / f".{copy.name}.abc123.tmp"  # an atomic write cut short
    leftover.write_bytes(b"%PDF-partial")
    keep = temp_dir / "not-a-copy.txt"
    keep.write_text("other temp use", encoding="utf-8")
    assert sweep_open_copies(temp_dir) == 2
    assert list(copy.parent.iterdir()) == []
    assert keep.exists(), "only the viewer-copy folder is swept"
    assert sweep_open_copies(temp_dir / "missing") == 0


def test_copies_left_by_a_crash_are_deleted_when_the_app_next_starts(
    tmp_path: Path, isolated_home: Path
) -> None:
    """The real start-up (``python -m reviewer_app --demo``), offscreen, quitting after its
    first paint through REVIEWER_APP_SMOKE_SCREENSHOT."""
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.demo.build import build_demo_workspace
    from reviewer_app.storage.keys import TEST_KDF

    demo = tmp_path / "demo"
    build_demo_workspace(demo, kdf=TEST_KDF, case_count=3)
    paths = AppPaths.from_environment({"REVIEWER_APP_HOME": str(isolated_home)})
    stale = paths.temp_dir / "open" / "SYN-0001-v1.pdf"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"%PDF-1.7 an identifiable copy a crashed run left behind")
    shot = tmp_path / "shot.png"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "REVIEWER_APP_HOME": str(isolated_home),
        "REVIEWER_APP_SMOKE_SCREENSHOT": str(shot),
    }
    result = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "--demo", "--workspace", str(demo)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists(), "the smoke hook saved the first painted window"
    assert not stale.exists()
    assert list(stale.parent.iterdir()) == []


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
    assert [p.name for p in suggested] == [
        f"{CASE}-v1-identifiable.pdf",
        f"{CASE}-v1-taskforce.pdf",
    ]
    assert sorted(p.name for p in target.iterdir()) == ["chosen-name.pdf"]


def test_save_as_writes_either_copy_private_and_says_what_it_is(
    desk: SigningDesk, tmp_path: Path
) -> None:
    """B12: the taskforce copy is OFFICIAL-SENSITIVE: written 0600 as the full copy is, and
    the status bar says it is de-identified, not anonymous."""
    target = tmp_path / "out"
    target.mkdir()
    notes: list[str] = []
    desk.notify = notes.append
    for kind in DocumentKind:
        saved = target / f"{kind.value}.pdf"
        saved.write_bytes(b"old")
        saved.chmod(0o644)
        desk.summaries.ask_save_path = lambda _parent, _proposal, saved=saved: saved
        choose(desk, kind)
        desk.save_summary(CASE, None)
        if os.name == "posix":
            assert saved.stat().st_mode & 0o777 == 0o600, kind
    full, taskforce = notes[-2:]
    assert "identifiable clinical document" in full
    assert "taskforce copy" in taskforce and "OFFICIAL-SENSITIVE" in taskforce
    assert "not anonymous" in taskforce


def test_unsigned_case_has_no_summary_to_hand_out(desk: SigningDesk) -> None:
    shown: list[QDialog] = []
    desk.exec_dialog = lambda dialog: shown.append(dialog) or 0
    desk.save_summary("SIG-0002", None)
    assert len(shown) == 1
    assert "has not been signed" in shown[0].text()  # type: ignore[attr-defined]
