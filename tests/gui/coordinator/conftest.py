"""The coordinator window's test set-up: a window on a real study, with the runner that runs
work at once (SyncTaskRunner) and no system lock signals.

``empty_study`` is a study with nothing in it (TEST_KDF: the key derivation is cheap);
``practice`` a private copy of the small collected-practice template (tests/support).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

import pytest

from reviewer_app.app import study_desk, unlock_study_in_worker
from reviewer_app.gui.coordinator.window import CoordinatorWindow
from reviewer_app.gui.tasks import SyncTaskRunner
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
from reviewer_app.services.study import Study
from reviewer_app.storage.keys import TEST_KDF
from tests.support.practice_fixtures import Practice, practice_copy
from tests.support.study_fixtures import STUDY_PASSPHRASE, World, world

WindowFactory = Callable[..., CoordinatorWindow]


@cache
def _empty_template(root: str) -> Path:
    folder = Path(root) / "desk-empty-study"
    Study.create(folder, STUDY_PASSPHRASE, name="Desk test study", kdf=TEST_KDF).close()
    return folder


@pytest.fixture
def empty_study(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new study with nothing in it (a copy of one made once per run: the study
    authority's key takes a while to make)."""
    folder = tmp_path / "study"
    shutil.copytree(_empty_template(str(tmp_path_factory.getbasetemp())), folder)
    return folder


@pytest.fixture
def enrolled_world(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    """A study with 12 cases, 4 reviewers enrolled (each with a workspace) and allocated."""
    return world(tmp_path, tmp_path_factory.getbasetemp())


@pytest.fixture
def practice(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Practice:
    return practice_copy(tmp_path / "practice", tmp_path_factory.getbasetemp())


@pytest.fixture
def open_window(qtbot) -> Iterator[WindowFactory]:
    opened: list[CoordinatorWindow] = []

    def make(
        folder: Path, passphrase: str = STUDY_PASSPHRASE, *, synthetic: bool = False
    ) -> CoordinatorWindow:
        desk = study_desk(unlock_study_in_worker(folder, passphrase, synthetic=synthetic))
        window = CoordinatorWindow(desk, SyncTaskRunner(), listen_to_system=False)
        window.on_bug = _raise  # a bug fails the test instead of opening a dialog
        for section in window.sections.built():  # the rest are built with the window's
            section.on_bug = _raise
        qtbot.addWidget(window)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.triggers.disarm()
        window.desk.close()


def _raise(err: BaseException, _parent: object) -> None:
    raise err


@pytest.fixture
def practice_window(practice: Practice, open_window: WindowFactory) -> CoordinatorWindow:
    """The window on a copy of the practice study, its returns not yet collected."""
    return open_window(practice.layout.study, PRACTICE_STUDY_PASSPHRASE, synthetic=True)


@cache
def _collected_template(basetemp: str) -> Path:
    """The small practice study with its returns collected, made once per run."""
    folder = Path(basetemp) / "desk-collected-practice"
    built = practice_copy(folder, Path(basetemp))
    with Study.open(built.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, built.layout.shared)
    return folder


@pytest.fixture
def collected_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The collected practice study itself (read it only: copy it to change it)."""
    return _collected_template(str(tmp_path_factory.getbasetemp()))


@pytest.fixture
def collected_window(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, open_window: WindowFactory
) -> CoordinatorWindow:
    """The window on a copy of the practice study whose returns are collected."""
    target = tmp_path / "collected"
    shutil.copytree(_collected_template(str(tmp_path_factory.getbasetemp())), target)
    return open_window(target / "study", PRACTICE_STUDY_PASSPHRASE, synthetic=True)
