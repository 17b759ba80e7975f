"""The app on a real X server (Xvfb), not the offscreen plugin the other GUI tests use.

A fixture starts ``Xvfb :N`` on a free display number; the app then starts as a reviewer
would start it (``python -m reviewer_app --demo``) with ``QT_QPA_PLATFORM=xcb``, and quits
after saving a picture of its first painted window (``REVIEWER_APP_SMOKE_SCREENSHOT``).
Skipped, with the reason, where Xvfb is not installed (CI installs it).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
XVFB = shutil.which("Xvfb")
X_SOCKETS = Path("/tmp/.X11-unix")
SCREEN = (1366, 768)
START_TIMEOUT_S = 10.0

pytestmark = pytest.mark.skipif(
    XVFB is None or not sys.platform.startswith("linux"),
    reason="Xvfb is not installed (apt-get install xvfb); the real-X smoke test needs it",
)


def _free_display(start: int) -> int:
    for number in range(start, start + 200):
        if not (X_SOCKETS / f"X{number}").exists() and not Path(f"/tmp/.X{number}-lock").exists():
            return number
    raise RuntimeError("no free X display number")


def _start_xvfb(number: int) -> subprocess.Popen[bytes] | None:
    """Xvfb on ``:number`` once its socket exists; None if it exited (display taken)."""
    assert XVFB is not None
    proc = subprocess.Popen(
        [XVFB, f":{number}", "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + START_TIMEOUT_S
    while not (X_SOCKETS / f"X{number}").exists():
        if proc.poll() is not None:
            return None
        if time.monotonic() > deadline:
            _stop(proc)
            raise AssertionError(f"Xvfb did not open display :{number} in {START_TIMEOUT_S} s")
        time.sleep(0.05)
    return proc


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@pytest.fixture(scope="module")
def display() -> Iterator[str]:
    number = 90 + os.getpid() % 400  # spread parallel runs apart; taken numbers are skipped
    for _attempt in range(5):
        number = _free_display(number)
        proc = _start_xvfb(number)
        if proc is not None:
            break
        number += 1  # another server took it between the check and the start
    else:
        raise AssertionError("Xvfb could not start on any display")
    try:
        _skip_unless_xcb_loads(f":{number}")
        yield f":{number}"
    finally:
        _stop(proc)


def _skip_unless_xcb_loads(display: str) -> None:
    """Qt's xcb plugin needs system libraries (libxcb-cursor0, libxcb-icccm4, ...): without
    them nothing here can run, so say which, plainly."""
    probe = "from PySide6.QtGui import QGuiApplication; QGuiApplication([])"
    env = x_env(display, Path("/nonexistent"))
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        needed = [line for line in result.stderr.splitlines() if "needed" in line or "xcb" in line]
        pytest.skip(
            "Qt's xcb platform plugin does not load here (install libxcb-cursor0 "
            f"libxcb-icccm4 libxcb-keysyms1 libxkbcommon-x11-0): {' '.join(needed)[:300]}"
        )


def x_env(display: str, home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=display, REVIEWER_APP_HOME=str(home), **extra)
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reviewer_app.services.demo.build import build_demo_workspace
    from reviewer_app.storage.keys import TEST_KDF

    folder = tmp_path_factory.mktemp("x-demo") / "demo"
    build_demo_workspace(folder, kdf=TEST_KDF, case_count=4)
    return folder


def test_demo_paints_a_real_window_and_quits(
    display: str, demo: Path, tmp_path: Path, isolated_home: Path, qapp: object
) -> None:
    from PySide6.QtGui import QImage

    shot = tmp_path / "first-window.png"
    result = subprocess.run(
        [sys.executable, "-m", "reviewer_app", "--demo", "--workspace", str(demo)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=x_env(display, isolated_home, REVIEWER_APP_SMOKE_SCREENSHOT=str(shot)),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert shot.exists(), "the app saved no screenshot"
    image = QImage(str(shot))
    assert not image.isNull()
    # The window's own size (MainWindow.resize), captured from the X server, on a 1366x768 screen.
    assert (image.width(), image.height()) == (1093, 614)
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 20, f"the window looks blank ({len(colours)} colours)"


TITLE_SCRIPT = r"""
import subprocess, sys
from PySide6.QtCore import QTimer
from reviewer_app.gui.launch import application
from reviewer_app.gui.main_window import MainWindow

app = application(["reviewer-app"])
window = MainWindow([], synthetic=True, listen_to_system=False)
window.show()

def read_title():
    handle = window.windowHandle()
    if handle is None or not handle.isExposed():
        return
    timer.stop()
    app.processEvents()
    out = subprocess.run(
        ["xprop", "-id", str(int(window.winId())), "_NET_WM_NAME", "WM_NAME"],
        capture_output=True, text=True, check=True,
    ).stdout
    print(out)
    window.close()
    app.quit()

timer = QTimer()
timer.timeout.connect(read_title)
timer.start(20)
QTimer.singleShot(20_000, lambda: app.exit(3))
sys.exit(app.exec())
"""


@pytest.mark.skipif(shutil.which("xprop") is None, reason="xprop (x11-utils) is not installed")
def test_the_title_the_x_server_shows_names_the_app_once(display: str, isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", TITLE_SCRIPT],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=REPO,
        env=x_env(display, isolated_home),
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("_NET_WM_NAME")]
    assert len(lines) == 1, result.stdout
    title = lines[0].split("=", 1)[1].strip().strip('"')
    assert title == "SYNTHETIC DATA — Case review"
    assert title.count("Case review") == 1
