"""The window title names the app once ("NSR-0004 — SYNTHETIC DATA — Case review").

Qt's xcb and Windows plugins append ``QGuiApplication.applicationDisplayName`` to a title that
does not already end with it (QPlatformWindow::formatWindowTitle), which once gave
"Case review – SYNTHETIC DATA — Case review". A title that ends with the display name is
shown as it is everywhere. tests/gui/test_real_x_smoke.py reads the title from a real X server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from reviewer_app.gui.launch import APP_DISPLAY_NAME, window_title
from reviewer_app.gui.main_window import SYNTHETIC_MARK, MainWindow
from reviewer_app.gui.tasks import SyncTaskRunner
from tests.gui.gui_fixtures import ROWS, FakeReviewPage


@pytest.fixture
def display_name(qapp: Any) -> Iterator[str]:
    """The display name ``launch.application`` gives the app, for this test only."""
    before = QGuiApplication.applicationDisplayName()
    QGuiApplication.setApplicationDisplayName(APP_DISPLAY_NAME)
    yield APP_DISPLAY_NAME
    QGuiApplication.setApplicationDisplayName(before)


def as_shown(title: str) -> str:
    """What the xcb and Windows plugins show for ``title`` (Qt's formatWindowTitle)."""
    name = QGuiApplication.applicationDisplayName()
    return title if title.endswith(name) else f"{title} \u2014 {name}"


def window(qtbot: Any, *, synthetic: bool) -> MainWindow:
    made = MainWindow(
        ROWS,
        synthetic=synthetic,
        verify_passphrase=lambda _p: True,
        review_page_factory=FakeReviewPage,
        runner=SyncTaskRunner(),
        listen_to_system=False,
    )
    qtbot.addWidget(made)
    return made


@pytest.mark.parametrize("synthetic", [True, False])
def test_the_app_name_appears_once_in_every_state(
    qtbot: Any, display_name: str, synthetic: bool
) -> None:
    win = window(qtbot, synthetic=synthetic)
    titles = {"list": win.windowTitle()}
    win.open_case("NSR-0004")
    titles["case"] = win.windowTitle()
    win.lock()
    titles["locked"] = win.windowTitle()
    for state, title in titles.items():
        shown = as_shown(title)
        assert shown == title, f"{state}: Qt would append the app name to {title!r}"
        assert shown.count(display_name) == 1, (state, shown)
        assert (SYNTHETIC_MARK in shown) is synthetic, (state, shown)
    assert titles["list"] == (f"SYNTHETIC DATA — {display_name}" if synthetic else display_name)
    assert titles["case"].startswith("NSR-0004 — ")
    assert "NSR-0004" not in titles["locked"] and titles["locked"].startswith("Locked")


def test_window_title_helper_skips_empty_parts() -> None:
    assert window_title() == APP_DISPLAY_NAME
    assert window_title("", "Unlock") == f"Unlock — {APP_DISPLAY_NAME}"
