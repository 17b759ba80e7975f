"""Opening a study: the --study and --practice flags, the unlock screen, File > New study… and
File > Open study… (also from the reviewer's window)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.app import (
    UnlockedStudy,
    has_study,
    study_desk,
    study_passphrase_checker,
    unlock_study_in_worker,
)
from reviewer_app.cli import build_parser, main, parse_arguments
from reviewer_app.errors import UserError, WrongPassphraseError
from reviewer_app.gui.coordinator.open_study import NewStudy, NewStudyDialog
from reviewer_app.gui.coordinator.shell import CoordinatorShell
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.gui.unlock_screen import STUDY_WRONG_PASSPHRASE_HINT
from reviewer_app.services.study import Study
from reviewer_app.study_opening import preload_study_window
from tests.support.study_fixtures import STUDY_PASSPHRASE


def test_the_study_and_practice_flags_parse(tmp_path):
    parser = build_parser()
    args = parse_arguments(parser, ["--study", str(tmp_path)])
    assert args.open_study == str(tmp_path) and not args.practice
    assert parse_arguments(parser, ["--practice"]).practice
    # a coordinator command's own STUDY argument is not the --study flag
    args = parse_arguments(parser, ["coordinator", "status", str(tmp_path)])
    assert args.study == str(tmp_path) and args.open_study is None


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--study", "x", "--practice"], "not both"),
        (["--study", "x", "--demo"], "leave out --demo"),
        (["--practice", "--workspace", "w"], "leave out --demo and --workspace"),
        (["--practice", "coordinator", "status", "s"], "go without a command"),
    ],
)
def test_the_flags_are_refused_where_they_make_no_sense(argv, said, capsys):
    assert main(argv) == 2
    assert said in capsys.readouterr().err


def test_study_flag_on_a_folder_without_a_study_says_so(tmp_path, capsys):
    assert main(["--study", str(tmp_path / "nothing")]) == 1
    err = capsys.readouterr().err
    assert "There is no study in" in err and "coordinator init" in err


def test_has_study_agrees_with_the_study_service(tmp_path, empty_study):
    assert has_study(empty_study) and Study.exists_in(empty_study)
    assert not has_study(tmp_path) and not Study.exists_in(tmp_path)
    (empty_study / "study.db").unlink()  # half a study: opening it says what is wrong
    assert has_study(empty_study) and Study.exists_in(empty_study)
    with pytest.raises(UserError):
        unlock_study_in_worker(empty_study, STUDY_PASSPHRASE)
    (empty_study / "study.key.json").unlink()
    assert not has_study(empty_study) and not Study.exists_in(empty_study)


def test_unlocking_checks_the_passphrase_and_every_thread_gets_its_own_connection(empty_study):
    with pytest.raises(WrongPassphraseError):
        unlock_study_in_worker(empty_study, "wrong passphrase here")
    unlocked = unlock_study_in_worker(empty_study, STUDY_PASSPHRASE)
    assert STUDY_PASSPHRASE not in repr(unlocked)  # never printed or logged
    desk = study_desk(unlocked)
    try:
        with desk.worker_study() as other:
            assert other.db is not desk.study.db
            assert other.info.study_id == desk.study.info.study_id
        assert desk.study.info.name == "Desk test study"  # the window's own is still open
    finally:
        desk.close()
    check = study_passphrase_checker(empty_study)
    assert check(STUDY_PASSPHRASE) is True
    with pytest.raises(WrongPassphraseError):
        check("not it at all")


class FakeOpener:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.created: list[NewStudy] = []

    def has_study(self, folder: Path) -> bool:
        return has_study(folder)

    def unlock(self, folder: Path, passphrase: str) -> UnlockedStudy:
        return unlock_study_in_worker(folder, passphrase)

    def practice(self, progress):
        progress(0, 1, "building")
        return unlock_study_in_worker(self.folder, STUDY_PASSPHRASE, synthetic=True)

    def create(self, new: NewStudy):
        self.created.append(new)
        return unlock_study_in_worker(self.folder, STUDY_PASSPHRASE), "AA:BB"

    def desk(self, unlocked):
        return study_desk(unlocked)

    def preload(self, progress):
        preload_study_window(progress)


@pytest.fixture
def shell(empty_study, qtbot):
    said: list[str] = []
    made = CoordinatorShell(
        SyncTaskRunner(), None, FakeOpener(empty_study), say=lambda _p, text: said.append(text)
    )
    made.said = said  # type: ignore[attr-defined]
    yield made
    for window in list(made.windows):
        window.triggers.disarm()
    made.close()
    for screen in made.screens:
        screen.close()


def test_open_folder_shows_the_unlock_screen_then_the_window(shell, empty_study, qtbot):
    assert shell.open_folder(empty_study)
    screen = shell.screens[0]
    assert "Unlock the study" in screen.windowTitle()
    # every word on it names the study, not a workspace
    assert screen.where.text() == f"Study: {empty_study}"
    assert screen.passphrase.accessibleName() == "Study passphrase"
    screen.passphrase.setText("wrong wrong wrong")
    screen.submit()
    assert screen.message.text() == STUDY_WRONG_PASSPHRASE_HINT and not shell.windows
    screen.passphrase.setText(STUDY_PASSPHRASE)
    screen.submit()
    assert len(shell.windows) == 1 and not shell.screens
    window = shell.windows[0]
    qtbot.addWidget(window)
    assert window.section("overview").loaded
    window.close()
    assert shell.windows == []  # its study was closed with it


def test_open_folder_without_a_study_says_so(shell, tmp_path):
    assert not shell.open_folder(tmp_path)
    assert shell.said == [f"There is no study in {tmp_path}. Choose the study folder."]


def test_the_practice_study_opens_synthetic(shell, qtbot):
    shell.open_practice()
    window = shell.windows[0]
    qtbot.addWidget(window)
    assert "SYNTHETIC DATA" in window.windowTitle()


def test_a_new_study_opens_and_its_fingerprint_is_shown(shell, qtbot, tmp_path):
    new = NewStudy(tmp_path / "new", "Our study", "joint", "a long enough passphrase")
    shell.create(new)
    assert shell.opener.created == [new]
    qtbot.addWidget(shell.windows[0])
    assert shell.said == [
        "Study created. Its authority fingerprint (read it out to each reviewer):\nAA:BB"
    ]


def test_the_new_study_dialog_checks_before_accepting(qtbot, tmp_path):
    dialog = NewStudyDialog()
    qtbot.addWidget(dialog)
    dialog.submit()
    assert "Choose the folder" in dialog.message.text() and dialog.accepted_study is None
    dialog.folder.setText(str(tmp_path / "s"))
    dialog.name.setText("Name")
    dialog.passphrase.setText("one passphrase")
    dialog.again.setText("another one")
    dialog.submit()
    assert "differ" in dialog.message.text() and dialog.accepted_study is None
    dialog.again.setText("one passphrase")
    dialog.mode.setCurrentIndex(1)
    dialog.submit()
    assert dialog.accepted_study == NewStudy(tmp_path / "s", "Name", "joint", "one passphrase")
    assert dialog.passphrase.text() == "" and dialog.again.text() == ""


def test_the_reviewers_file_menu_offers_new_and_open_study(qtbot):
    window = MainWindow([], listen_to_system=False)
    qtbot.addWidget(window)
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert "&New study…" in texts and "Open stud&y…" in texts
    with qtbot.waitSignal(window.open_study_requested, timeout=500):
        window.open_study_action.trigger()
    with qtbot.waitSignal(window.new_study_requested, timeout=500):
        window.new_study_action.trigger()
    window.triggers.disarm()
