"""The main window's File ▸ Import assignment pack…, the packs waiting, and its geometry.

The import goes through the same panel as the first-run assistant (gui/pack_import.py) and
the session's ``preview_pack`` / ``import_pack`` (a fake session here: the import itself is
tested in tests/unit/packs). The window opens maximised on a laptop screen and remembers
where it was left, in the settings file, with nothing else in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QMenu

from reviewer_app.errors import UserError
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.pack_import import PackImportAction, PackImportDialog, waiting_text
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.tasks import Runner, SyncTaskRunner
from reviewer_app.gui.window_geometry import GEOMETRY_KEY, opens_maximised
from reviewer_app.services.shared_drive.waiting import WaitingPacks
from tests.gui.gui_fixtures import ROWS

FINGERPRINT = "ab12cd34" * 8


@dataclass
class Preview:
    already_imported: bool
    study_name: str = "North Study"
    root_fingerprint: str = FINGERPRINT
    trusted: bool = True
    case_count: int = 3


@dataclass
class Report:
    def summary_lines(self) -> list[str]:
        return ["Imported pack 2 from North Study."]


@dataclass
class Packs:
    """``preview_pack`` / ``import_pack`` as the session answers them, for three files."""

    imported: set[bytes] = field(default_factory=lambda: {b"pack one"})
    calls: list[str] = field(default_factory=list)

    def preview_pack(self, data: bytes) -> Preview:
        self.calls.append("preview")
        if data == b"someone else's":
            raise UserError("This pack is for another reviewer.")
        return Preview(already_imported=data in self.imported)

    def import_pack(self, data: bytes, trust_fingerprint: Any = None, progress: Any = None) -> Any:
        self.calls.append("import")
        self.imported.add(data)
        return Report()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "assignment-R01-0001.p7m").write_bytes(b"pack one")  # imported already
    (folder / "assignment-R01-0002.p7m").write_bytes(b"pack two")  # new
    (folder / "assignment-R02-0001.p7m").write_bytes(b"someone else's")
    (folder / "notes.txt").write_bytes(b"not a pack")
    return folder


@pytest.fixture
def settings(tmp_path: Path, shared: Path) -> AppSettings:
    made = AppSettings(tmp_path / "config" / "settings.ini")
    made.shared_folder = shared
    made.sync()
    return made


def window_with(qtbot: Any, settings: AppSettings, packs: Packs, **kwargs: Any) -> MainWindow:
    window = MainWindow(
        ROWS[:2],
        runner=SyncTaskRunner(),
        settings=settings,
        listen_to_system=False,
        packs=packs,
        verify_passphrase=lambda _p: None,
        **kwargs,
    )
    qtbot.addWidget(window)
    return window


def test_only_new_packs_this_workspace_opens_are_counted(shared: Path) -> None:
    # the counting itself is the shared-drive service's (tests/unit/shared_drive/test_waiting.py)
    assert [p.name for p in WaitingPacks(Packs()).new_packs(shared)] == ["assignment-R01-0002.p7m"]
    assert WaitingPacks(Packs()).new_packs(None) == []
    assert WaitingPacks(Packs()).new_packs(shared / "gone") == []
    assert waiting_text(1) == "1 new assignment pack is waiting in the shared folder"
    assert waiting_text(3).startswith("3 new assignment packs are waiting")


def test_import_from_the_file_menu_by_keyboard_then_the_count_goes(
    qtbot: Any, settings: AppSettings
) -> None:
    packs = Packs()
    reloaded: list[int] = []
    window = window_with(qtbot, settings, packs, reload_rows=lambda: reloaded.append(1) or ROWS[:3])
    window.show()
    qtbot.waitExposed(window)
    action = window.packs.action
    assert action.isEnabled() and action.text().endswith("(1 new)")
    assert window.packs.button.isVisible()
    assert window.packs.button.text() == f"{waiting_text(1)}: import…"
    file_menu = window.menuBar().actions()[0].menu()
    assert action in file_menu.actions()  # File ▸ Import assignment pack…
    seen: dict[str, Any] = {}

    def drive(dialog: QDialog) -> int:
        assert isinstance(dialog, PackImportDialog)
        panel = dialog.panel
        names = [panel.waiting.item(i).text() for i in range(panel.waiting.count())]
        seen["names"] = names
        seen["focus"] = dialog.focusWidget() is panel.waiting
        new = names.index("assignment-R01-0002.p7m")
        panel.waiting.setCurrentRow(new)  # arrow keys choose it: the pack is checked
        assert panel.import_button.isEnabled()  # signed by the study already trusted
        qtbot.keyClick(panel.import_button, Qt.Key.Key_Space)
        seen["result"] = panel.result.text()
        dialog.reject()
        return int(dialog.result())

    window.packs.exec_dialog = drive
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.case_list.table, Qt.Key.Key_I, shift_ctrl)
    assert "assignment-R01-0002.p7m" in seen["names"] and seen["focus"]
    assert seen["result"] == "Imported pack 2 from North Study."
    assert packs.calls.count("import") == 1
    assert reloaded == [1] and window.case_list.model.rowCount() == 3
    assert not window.packs.button.isVisible() and not action.text().endswith("new)")


def test_locked_window_offers_no_import_and_counts_again_on_unlock(
    qtbot: Any, settings: AppSettings, shared: Path
) -> None:
    packs = Packs()
    window = window_with(qtbot, settings, packs)
    window.show()
    window.lock("shortcut")
    assert not window.packs.action.isEnabled() and not window.packs.button.isVisible()
    window.packs.trigger()  # harmless while locked
    assert "import" not in packs.calls
    (shared / "assignment-R01-0003.p7m").write_bytes(b"pack three")
    assert window.lock_screen is not None
    window._on_unlocked(None)
    assert window.packs.action.isEnabled() and window.packs.waiting == 2


def test_opening_the_file_menu_again_opens_no_pack_again(
    qtbot: Any, settings: AppSettings, shared: Path
) -> None:
    packs = Packs()
    window = window_with(qtbot, settings, packs)
    window.show()
    opened = packs.calls.count("preview")
    assert opened == 3 and window.packs.waiting == 1  # the three packs, opened once
    file_menu = window.menuBar().actions()[0].menu()
    assert isinstance(file_menu, QMenu)
    file_menu.aboutToShow.emit()
    file_menu.aboutToShow.emit()
    assert packs.calls.count("preview") == opened and window.packs.waiting == 1
    (shared / "assignment-R01-0003.p7m").write_bytes(b"pack three")
    file_menu.aboutToShow.emit()
    assert packs.calls.count("preview") == opened + 1 and window.packs.waiting == 2


class HeldRunner(Runner):
    """Keeps each piece of work until the test lets it finish (a pool thread, by hand)."""

    def __init__(self) -> None:
        self.held: list[Any] = []

    def _start(self, request: Any) -> None:
        self.held.append(request)

    def finish(self) -> None:
        request = self.held.pop(0)
        request.on_done(request.fn(lambda *_: None))


def test_a_count_asked_for_while_one_runs_follows_it(
    qtbot: Any, settings: AppSettings, shared: Path
) -> None:
    runner, packs = HeldRunner(), Packs()
    window = QDialog()
    qtbot.addWidget(window)
    action = PackImportAction(window, runner, settings, packs)
    action.count()
    action.count()  # the File menu opened again meanwhile: one count at a time
    assert len(runner.held) == 1
    runner.finish()  # the first count, then the one asked for meanwhile starts
    assert action.waiting == 1 and len(runner.held) == 1
    (shared / "assignment-R01-0003.p7m").write_bytes(b"pack three")
    runner.finish()
    assert action.waiting == 2 and runner.held == []


def test_without_a_workspace_the_item_is_there_and_off(qtbot: Any, settings: AppSettings) -> None:
    window = MainWindow(runner=SyncTaskRunner(), listen_to_system=False)
    qtbot.addWidget(window)
    assert not window.packs.action.isEnabled()


# --- geometry ------------------------------------------------------------------------------------


def test_opens_maximised_up_to_1440_px_and_not_wider() -> None:
    assert opens_maximised(1366) and opens_maximised(1440)
    assert not opens_maximised(1441) and not opens_maximised(1920)


def test_the_window_opens_maximised_then_remembers_where_it_was_left(
    qtbot: Any, settings: AppSettings, tmp_path: Path
) -> None:
    first = window_with(qtbot, settings, Packs())
    screen = first.screen()
    assert screen is not None and opens_maximised(screen.availableGeometry().width())
    assert first.windowState() & Qt.WindowState.WindowMaximized  # nothing remembered yet
    first.show()
    qtbot.waitExposed(first)
    first.showNormal()
    first.setGeometry(40, 50, 700, 500)
    first.close()
    raw = QSettings(str(settings.path), QSettings.Format.IniFormat)
    assert raw.value(GEOMETRY_KEY) is not None
    # Only the geometry and the existing preferences: no case, no patient detail.
    assert set(raw.allKeys()) <= {GEOMETRY_KEY, "shared/folder"}
    second = window_with(qtbot, AppSettings(settings.path), Packs())
    assert not second.windowState() & Qt.WindowState.WindowMaximized
    assert (second.width(), second.height()) == (700, 500)
