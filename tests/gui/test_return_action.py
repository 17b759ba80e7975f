"""File ▸ Return completed reviews…, and Export signed summaries' taskforce default and warning.

On a real enrolled workspace (synthetic cases) with the study's collection certificate; the
runner is synchronous, so the return runs at once and its message is there to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.returns_action import ACTION_TEXT, ReturnAction, workspace_return
from reviewer_app.gui.settings import AppSettings
from reviewer_app.gui.signing.batch_export import ExportDialog
from reviewer_app.gui.signing.menu_actions import SigningDesk
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.services.returns.format import open_bundle
from reviewer_app.services.session import ReviewerSession
from reviewer_app.storage.workspace.returns import ReturnStore
from tests.support.crypto_fixtures import study_a
from tests.support.returns_fixtures import collection, returning_bench
from tests.support.signoff_fixtures import Bench


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = returning_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder


def message(action: ReturnAction) -> QMessageBox:
    box = action.last_message
    assert box is not None
    return box


def returning_window(
    qtbot: Any, bench: Bench, shared: Path, tmp_path: Path
) -> tuple[MainWindow, SigningDesk, ReviewerSession]:
    """The main window on the bench's workspace, its shared folder set, the runner sync."""
    runner = SyncTaskRunner()
    desk = SigningDesk(bench.workspace, runner, tmp_path / "app-tmp", actor="R01")
    settings = AppSettings(tmp_path / "settings.ini")
    settings.shared_folder = shared
    session = ReviewerSession(bench.workspace)
    window = MainWindow(
        session.list_cases(),
        runner=runner,
        listen_to_system=False,
        signing=desk,
        settings=settings,
        reload_rows=session.list_cases,
    )
    qtbot.addWidget(window)
    return window, desk, session


def test_returning_writes_the_bundle_and_says_what_went_where(
    qtbot: Any, bench: Bench, shared: Path
) -> None:
    bench.sign("SIG-0001")
    runner = SyncTaskRunner()
    reloaded: list[bool] = []
    action = ReturnAction(
        None,  # type: ignore[arg-type]
        runner,
        workspace_return(bench.workspace),
        lambda: shared,
        after=lambda: reloaded.append(True),
    )
    action.action.trigger()
    (written,) = shared.iterdir()
    assert written.name == "return-R01-0001.p7m"
    key, cert = collection()
    assert open_bundle(written.read_bytes(), key, cert, study_a().root).bundle.items
    box = message(action)
    assert box.icon() is QMessageBox.Icon.Information
    assert "return-R01-0001.p7m" in box.text() and str(shared) in box.text()
    assert "1 full review" in box.text()
    assert reloaded == [True] and runner.labels == ["Returning signed reviews…"]
    box.close()
    action.action.trigger()
    assert "Nothing to return" in message(action).text()
    message(action).close()


def test_a_drive_that_is_not_there_is_said_in_words_and_nothing_is_marked(
    qtbot: Any, bench: Bench, tmp_path: Path
) -> None:
    bench.sign("SIG-0001")
    action = ReturnAction(
        None,  # type: ignore[arg-type]
        SyncTaskRunner(),
        workspace_return(bench.workspace),
        lambda: tmp_path / "unplugged",
    )
    action.action.trigger()
    box = message(action)
    assert box.icon() is QMessageBox.Icon.Warning
    assert "unplugged" in box.text() and "Nothing was returned" in box.text()
    assert ReturnStore(bench.workspace.db).returned_review_ids() == set()
    assert not action.busy
    box.close()


def test_a_return_that_stops_part_way_still_shows_what_it_marked(qtbot: Any) -> None:
    """The writer marks each bundle returned as it is written; when the drive fills on the
    second, the warning is shown and the case list (and its "to return") is read again."""
    from reviewer_app.errors import UserError

    def work(_folder: Path, _progress: Any) -> Any:
        raise UserError("The return could not be written to the folder: the drive is full.")

    reloaded: list[bool] = []
    action = ReturnAction(
        None,  # type: ignore[arg-type]
        SyncTaskRunner(),
        work,
        lambda: Path("/shared"),
        after=lambda: reloaded.append(True),
    )
    action.action.trigger()
    box = message(action)
    assert box.icon() is QMessageBox.Icon.Warning and "drive is full" in box.text()
    assert reloaded == [True] and not action.busy
    box.close()


def test_a_full_drive_on_the_second_bundle_leaves_the_window_showing_what_went(
    qtbot: Any, bench: Bench, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real return through the window: bundle 1 is written and marked, the drive fills on
    bundle 2; the warning says what went, the list shows the first case returned and the
    count is down to the one case still to return."""
    import errno

    from reviewer_app.services.returns import writer
    from reviewer_app.services.shared_drive import folder as shared_folder

    bench.sign("SIG-0001")
    bench.sign("SIG-0002")
    window, _desk, _session = returning_window(qtbot, bench, shared, tmp_path)
    returns = window.returns
    assert returns.waiting == 2
    monkeypatch.setattr(writer, "MAX_BUNDLE_ITEMS", 1)
    real = shared_folder.atomic_write_bytes
    writes: list[Path] = []

    def fills_on_the_second(path: Any, data: bytes, mode: int | None = None) -> None:
        writes.append(Path(path))
        if len(writes) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(path, data, mode)

    monkeypatch.setattr(shared_folder, "atomic_write_bytes", fills_on_the_second)
    returns.action.trigger()
    box = message(returns)
    assert box.icon() is QMessageBox.Icon.Warning
    assert "1 bundle(s) were written and marked returned" in box.text()
    assert "return-R01-0001.p7m" in box.text()
    box.close()
    model = window.case_list.model
    first = model.row_at(model.visible_row_of("SIG-0001") or 0)
    second = model.row_at(model.visible_row_of("SIG-0002") or 0)
    assert getattr(first, "returned", False) and not getattr(second, "returned", False)
    assert returns.waiting == 1
    assert returns.button.text().startswith("The signed review of 1 case is not yet returned")


def test_without_a_shared_folder_the_reviewer_chooses_one_or_nothing_happens(
    qtbot: Any, bench: Bench, shared: Path
) -> None:
    bench.sign("SIG-0001")
    asked: list[bool] = []
    action = ReturnAction(
        None,  # type: ignore[arg-type]
        SyncTaskRunner(),
        workspace_return(bench.workspace),
        lambda: None,
        ask_folder=lambda _parent: asked.append(True) or None,
    )
    action.action.trigger()
    assert asked == [True] and action.last_message is None and list(shared.iterdir()) == []


def test_the_main_window_offers_return_in_the_file_menu_with_a_shortcut(
    qtbot: Any, bench: Bench, shared: Path, tmp_path: Path
) -> None:
    bench.sign("SIG-0001")
    window, desk, _session = returning_window(qtbot, bench, shared, tmp_path)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]  # type: ignore[union-attr]
    assert f"{ACTION_TEXT} (1 to return)" in texts
    action = window.returns.action
    assert action.shortcut() == QKeySequence("Ctrl+Shift+R") and action.isEnabled()
    action.trigger()
    assert [p.name for p in shared.iterdir()] == ["return-R01-0001.p7m"]
    row = window.case_list.model.row_at(window.case_list.model.visible_row_of("SIG-0001") or 0)
    assert getattr(row, "returned", False)
    message(window.returns).close()
    window.lock("shortcut")
    assert not action.isEnabled()
    assert desk.shared_folder() == shared


def test_the_window_says_what_is_still_to_return_and_follows_the_case_list(
    qtbot: Any, bench: Bench, shared: Path, tmp_path: Path
) -> None:
    """Signed and not returned is said in the File menu and the status bar; it follows the
    case list (a signing reloads or replaces rows), is gone once returned and while locked."""
    window, _desk, session = returning_window(qtbot, bench, shared, tmp_path)
    window.show()
    returns = window.returns
    assert returns.waiting == 0 and returns.action.text() == ACTION_TEXT
    assert not returns.button.isVisible()
    bench.sign("SIG-0001")
    window.case_list.set_rows(session.list_cases())  # as the window does after a signing
    assert returns.waiting == 1
    assert returns.action.text() == f"{ACTION_TEXT} (1 to return)"
    assert returns.button.isVisible()
    assert returns.button.text() == "The signed review of 1 case is not yet returned: return…"
    bench.sign("SIG-0002")
    (fresh,) = [r for r in session.list_cases() if r.case_ref == "SIG-0002"]
    assert window.case_list.model.replace_row("SIG-0002", fresh)  # one row replaced
    assert returns.waiting == 2
    assert returns.button.text().startswith("Signed reviews of 2 cases are not yet returned")
    window.lock("shortcut")
    assert not returns.button.isVisible() and returns.action.text() == ACTION_TEXT
    window._on_unlocked(None)  # the passphrase was right (as the lock's own tests do)
    assert returns.waiting == 2 and returns.button.isVisible()
    returns.button.click()  # the mouse's way: the same return as the menu item
    assert [p.name for p in shared.iterdir()] == ["return-R01-0001.p7m"]
    message(returns).close()
    assert returns.waiting == 0 and returns.action.text() == ACTION_TEXT
    assert not returns.button.isVisible()


def test_without_a_workspace_the_return_is_there_and_disabled(qtbot: Any) -> None:
    from tests.gui.gui_fixtures import ROWS

    window = MainWindow(ROWS, listen_to_system=False)
    qtbot.addWidget(window)
    assert not window.returns.action.isEnabled()
    window.returns.action.trigger()  # harmless
    assert window.returns.last_message is None


# --- Export signed summaries: for local copies, taskforce by default ----------------------------


def test_export_defaults_to_the_taskforce_copy_and_warns_for_identifiable_copies_to_the_share(
    qtbot: Any, shared: Path, tmp_path: Path
) -> None:
    def never(*_args: Any) -> Any:
        raise AssertionError("not exported in this test")

    local = tmp_path / "mine"
    local.mkdir()
    dialog = ExportDialog(
        2, never, SyncTaskRunner(), None, start_folder=shared / "sub", shared_folder=shared
    )
    qtbot.addWidget(dialog)
    assert dialog.choice.kinds() == (DocumentKind.TASKFORCE,)
    assert dialog.shared_warning.isHidden()
    dialog.choice.full.setChecked(True)
    assert not dialog.shared_warning.isHidden()
    text = dialog.shared_warning.text()
    assert "shared folder" in text and "identifiable" in text and "Return" in text
    dialog.folder.setText(str(local))
    assert dialog.shared_warning.isHidden()
    assert dialog.choice.both is not None
    dialog.choice.both.setChecked(True)
    dialog.folder.setText(str(shared))
    assert not dialog.shared_warning.isHidden()


# --- the shared folder, as the command line reads it from the GUI's settings (no Qt) ----------


@pytest.mark.parametrize(
    "folder",
    [
        "/srv/share/returns",
        "/srv/a, b/c",
        r"C:\Share\Returns",
        '/home/Zoë 漢/x;y="q"',
        "@odd/start",
        " leading and trailing ",
        "/tab\there",
    ],
)
def test_the_settings_reader_reads_the_shared_folder_as_qsettings_wrote_it(
    tmp_path: Path, folder: str
) -> None:
    from reviewer_app.services.shared_drive.settings_file import shared_folder_setting

    path = tmp_path / "settings.ini"
    settings = AppSettings(path)
    settings.idle_lock_minutes = 5
    settings.shared_folder = Path(folder)
    settings.theme = "dark"
    settings.sync()
    assert shared_folder_setting(path) == Path(folder) == settings.shared_folder


def test_the_settings_reader_says_none_when_unset_or_unreadable(tmp_path: Path) -> None:
    from reviewer_app.services.shared_drive.settings_file import shared_folder_setting

    path = tmp_path / "settings.ini"
    assert shared_folder_setting(path) is None
    AppSettings(path).theme = "light"
    assert shared_folder_setting(path) is None
    path.write_bytes(b"\xff\xfe[shared]\nfolder=/x\n")
    assert shared_folder_setting(path) is None
    path.write_text("[shared]\nfolder=@Variant(\\0\\0)\n", "utf-8")
    assert shared_folder_setting(path) is None
