"""The real start-up path, in a fresh interpreter: the demo opens marked as synthetic, and the
libraries used only for signing and PDFs are not loaded until needed.

The check is a probe run inside the started app (``SCRIPT``): once the window is visible it
lists the heavy modules present in ``sys.modules``. A probe that never reports anything would
pass the "nothing heavy" test too, so one test starts the app with a heavy module already
imported and expects the same probe to name it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.fresh_interpreter import run_probe

HEAVY = (
    "pyhanko",
    "reportlab",
    "pypdf",
    "qrcode",
    "PySide6.QtPdf",
    "cryptography.x509",
    "pandas",  # sqlite_utils imports these when installed (startup_imports.py keeps them out)
    "numpy",
)

SCRIPT = r"""
import importlib, json, sys
from pathlib import Path
for name in json.loads(sys.argv[3]):  # as if the start path had imported them
    importlib.import_module(name)
from PySide6.QtCore import QTimer
from reviewer_app.app import Shell
from reviewer_app.gui.launch import application
from reviewer_app.paths import AppPaths

app = application(["reviewer-app"])
shell = Shell(app, AppPaths.from_environment(), Path(sys.argv[1]), demo=True)
shell.start()
HEAVY = json.loads(sys.argv[2])

def probe():
    window = shell.window
    if window is None or not window.isVisible():
        return
    timer.stop()
    loaded = sorted(
        m for m in sys.modules if any(m == h or m.startswith(h + ".") for h in HEAVY)
    )
    print(json.dumps({
        "title": window.windowTitle(),
        "banner": window.banner.text(),
        "rows": window.case_list.model.rowCount(),
        "heavy": loaded,
    }))
    window.close()
    app.quit()

timer = QTimer()
timer.timeout.connect(probe)
timer.start(20)
QTimer.singleShot(60_000, app.quit)
app.exec()
shell.close()
"""


def _demo(tmp_path: Path) -> Path:
    from reviewer_app.services.demo.build import build_demo_workspace
    from reviewer_app.storage.keys import TEST_KDF

    folder = tmp_path / "demo"
    build_demo_workspace(folder, kdf=TEST_KDF, case_count=12)
    return folder


def run_start(folder: Path, home: Path, preload: tuple[str, ...] = ()) -> dict:
    """Start the app on ``folder`` in a fresh interpreter and return what the probe saw.

    ``preload`` names modules imported before the app starts (to show the probe sees them).
    """
    return run_probe(SCRIPT, str(folder), json.dumps(HEAVY), json.dumps(preload), home=home)


def test_demo_opens_marked_synthetic_with_its_passphrase(tmp_path: Path, isolated_home) -> None:
    from reviewer_app.services.demo.build import DEMO_PASSPHRASE

    out = run_start(_demo(tmp_path), isolated_home)
    assert "SYNTHETIC DATA" in out["title"]
    assert DEMO_PASSPHRASE in out["banner"]
    assert out["rows"] == 12


def test_signing_and_pdf_libraries_are_not_loaded_at_start(tmp_path: Path, isolated_home) -> None:
    out = run_start(_demo(tmp_path), isolated_home)
    assert out["heavy"] == []


def test_the_probe_reports_a_heavy_module_loaded_at_start(tmp_path: Path, isolated_home) -> None:
    """The check above can fail: the same start and probe, with a heavy module loaded, name it."""
    out = run_start(_demo(tmp_path), isolated_home, preload=("qrcode",))
    assert "qrcode" in out["heavy"]
    assert all(m == "qrcode" or m.startswith("qrcode.") for m in out["heavy"])
    assert out["rows"] == 12  # the app really started: the probe ran on its window


def test_quick_workspace_check_agrees_with_the_workspace_service(tmp_path: Path) -> None:
    from reviewer_app.app import has_workspace
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import TEST_KDF

    empty = tmp_path / "empty"
    empty.mkdir()
    assert has_workspace(empty) is Workspace.exists_in(empty) is False
    folder = tmp_path / "ws"
    Workspace.create(folder, "a long enough passphrase", kdf=TEST_KDF).close()
    assert has_workspace(folder) is Workspace.exists_in(folder) is True
