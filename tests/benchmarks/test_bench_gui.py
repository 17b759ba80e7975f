"""App start benchmarks (issue 4). Each test says exactly what it times.

Both programs run in a fresh interpreter (the same one running the tests); the clock starts
just before the process is launched and stops when the child reports, from inside, that its
window is shown and has been painted once, so interpreter start, imports and Qt start-up are
all counted, exactly as a person waits for them.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import unlock_key
from tests.benchmarks.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 3

# Each child's own peak: VmHWM of its own address space. (getrusage's ru_maxrss is not it: Linux
# carries the parent's high-water mark across fork + exec, so every child reported pytest's.)
PEAK = r"""
def own_peak_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""

BARE = (
    PEAK
    + r"""
import json, time
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(["bare"])
window = QMainWindow()
window.resize(1093, 614)
window.show()
app.processEvents()
window.grab()
print(json.dumps({"ready": time.time(),
                  "peak_kib": own_peak_kib()}))
"""
)

APP = (
    PEAK
    + r"""
import json, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from reviewer_app.app import Shell
from reviewer_app.gui.launch import application
from reviewer_app.gui.theme import apply_theme
from reviewer_app.paths import AppPaths

typing_s = float(sys.argv[3])
app = application(["reviewer-app"])
shell = Shell(app, AppPaths.from_environment(), Path(sys.argv[1]), demo=False)
apply_theme(app, shell.settings.theme)
shell.start()                                   # the unlock screen (services load meanwhile)
screen = shell.start_window
app.processEvents()
screen.grab()
out = {"unlock_screen": time.time()}

def submit():
    screen.passphrase.setText(sys.argv[2])      # the passphrase, as if typed
    out["enter_pressed"] = time.time()
    screen.submit()                             # key derivation on a worker thread
    timer.start(1)

def probe():
    window = shell.window
    if window is None or not window.isVisible() or window.case_list.model.rowCount() == 0:
        return
    app.processEvents()
    window.grab()                               # painted once: usable
    out.update(ready=time.time(), rows=window.case_list.model.rowCount(),
               peak_kib=own_peak_kib())
    timer.stop()
    app.quit()

timer = QTimer()
timer.timeout.connect(probe)
QTimer.singleShot(round(typing_s * 1000), submit)
app.exec()
print(json.dumps(out))
shell.close()
"""
)


def _launch(code: str, *args: str) -> dict:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["started"] = started
    out["seconds"] = out["ready"] - started
    return out


def test_start_to_usable_case_list_10k(benchmark, workspace_10k: Path) -> None:
    """Times, on a 10,000-case workspace with production key derivation, against a bare PySide6
    window's launch-to-painted measured in the same run:

    * after the passphrase: Enter pressed -> case list shown, filled and painted (the person
      took 1.5 s to type; the services load meanwhile). Target: < 2 s; and, without the
      deliberate Argon2id key derivation (timed separately), <= 4x bare.
    * launch -> unlock screen painted (what a person waits before typing). Target: <= 4x bare.
    * launch -> case list with no typing time at all (reported, must be < 2 s... see below).
    * peak memory (max RSS) of both.
    """
    bare = [_launch(BARE) for _ in range(ROUNDS)]
    typed = [_launch(APP, str(workspace_10k), PASSPHRASE, "1.5") for _ in range(ROUNDS)]
    instant = [_launch(APP, str(workspace_10k), PASSPHRASE, "0") for _ in range(ROUNDS)]
    assert all(r["rows"] == 10_000 for r in typed + instant)
    bare_s = statistics.median(r["seconds"] for r in bare)
    after_pass_s = statistics.median(r["ready"] - r["enter_pressed"] for r in typed)
    # The Argon2id derivation (about 0.2 s, 64 MiB) is deliberate: it is what makes a stolen
    # laptop's workspace slow to attack. It is timed on its own and taken out of the ratio.
    key_file = Workspace.key_check_path_in(workspace_10k)
    kdf_runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        unlock_key(key_file, PASSPHRASE)
        kdf_runs.append(time.perf_counter() - t0)
    kdf_s = statistics.median(kdf_runs)
    to_unlock_s = statistics.median(r["unlock_screen"] - r["started"] for r in typed)
    instant_s = statistics.median(r["seconds"] for r in instant)
    figures = {
        "bare_window_s": round(bare_s, 3),
        "launch_to_unlock_screen_s": round(to_unlock_s, 3),
        "enter_to_case_list_s": round(after_pass_s, 3),
        "launch_to_case_list_no_typing_s": round(instant_s, 3),
        "ratio_after_passphrase_to_bare": round(after_pass_s / bare_s, 2),
        "kdf_s": round(kdf_s, 3),
        "ratio_after_passphrase_without_kdf_to_bare": round((after_pass_s - kdf_s) / bare_s, 2),
        "ratio_unlock_screen_to_bare": round(to_unlock_s / bare_s, 2),
        "bare_peak_mib": round(max(r["peak_kib"] for r in bare) / 1024, 1),
        "app_peak_mib": round(max(r["peak_kib"] for r in typed + instant) / 1024, 1),
    }
    benchmark.extra_info.update(figures)
    print(figures)
    benchmark.pedantic(lambda: _launch(APP, str(workspace_10k), PASSPHRASE, "0"), rounds=1)
    assert after_pass_s < 2.0, figures
    assert after_pass_s - kdf_s <= 4 * bare_s, figures
    assert to_unlock_s <= 4 * bare_s, figures
    assert instant_s < 2.0, figures
