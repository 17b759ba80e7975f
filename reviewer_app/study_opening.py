"""Composition root for the coordinator's study: open, unlock, create and hand it to the GUI.

Split from ``app`` (which re-exports these names): the functions the coordinator's windows
(gui/coordinator/) are given to reach the layers below, run on worker threads or the GUI
thread as each says. Nothing is imported at module level but paths and the standard library,
so a reviewer's start-up never loads any of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.paths import AppPaths
from reviewer_app.startup_imports import import_storage_lightly, preload

if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.settings import AppSettings
    from reviewer_app.gui.tasks import Progress
    from reviewer_app.services.study import Study

PRACTICE_FOLDER = "practice"


@dataclass(frozen=True)
class UnlockedStudy:
    """A study's folder with its key derived (on a worker thread) and its passphrase (the
    study authority's key is encrypted under it): every thread opens its own connection."""

    folder: Path
    key: Any = field(repr=False)
    passphrase: str = field(repr=False)
    synthetic: bool = False


def has_study(folder: Path) -> bool:
    """Whether ``folder`` holds a study, without importing storage; must agree with
    ``Study.exists_in`` (a test checks)."""
    return (folder / "study.key.json").exists() or (folder / "study.db").exists()


def unlock_study_in_worker(
    folder: Path, passphrase: str, *, synthetic: bool = False
) -> UnlockedStudy:
    """The slow part of opening a study (key derivation, any migration), for a worker thread."""
    import_storage_lightly()
    from reviewer_app.services.study import STUDY_FOLDER
    from reviewer_app.storage import encrypted_folder

    folder, key = encrypted_folder.unlock_folder(folder, passphrase, STUDY_FOLDER)
    encrypted_folder.open_database(folder, STUDY_FOLDER, key).db.close()  # migrated if older
    return UnlockedStudy(folder, key, passphrase, synthetic)


def connect_study(unlocked: UnlockedStudy) -> Study:
    """The study on a connection of the calling thread (the caller closes it there)."""
    from reviewer_app.services.study import STUDY_FOLDER, Study
    from reviewer_app.storage import encrypted_folder
    from reviewer_app.storage.database import Database

    encrypted_folder.check_key(unlocked.folder, STUDY_FOLDER, unlocked.key)
    db = Database(STUDY_FOLDER.db_path(unlocked.folder), unlocked.key)
    return Study(unlocked.folder, db, unlocked.passphrase)


def study_passphrase_checker(folder: Path) -> Callable[[str], object]:
    from reviewer_app.services.study import STUDY_FOLDER
    from reviewer_app.storage.keys import unlock_key

    def verify(passphrase: str) -> object:
        unlock_key(STUDY_FOLDER.key_path(folder), passphrase, what="study")
        return True

    return verify


def study_desk(unlocked: UnlockedStudy) -> StudyDesk:
    """What the coordinator's window is given. The cohort, panel and enrolment lists are read
    here, the composition root, until intake and trust offer them as service functions."""
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.services.demo.practice import PRACTICE_STUDY_PASSPHRASE
    from reviewer_app.storage.study.cohort import CohortStore
    from reviewer_app.storage.study.enrolments import EnrolmentStore
    from reviewer_app.storage.study.panel import PanelStore

    study = connect_study(unlocked)
    return StudyDesk(
        study=study,
        label=str(unlocked.folder),
        worker_study=lambda: connect_study(unlocked),
        cohort_cases=lambda: CohortStore(study.db).cases(),
        panel_reviewers=lambda: PanelStore(study.db).all(),
        enrolled=lambda: EnrolmentStore(study.db).all_active(),
        verify_passphrase=study_passphrase_checker(unlocked.folder),
        synthetic=unlocked.synthetic,
        public_passphrase=PRACTICE_STUDY_PASSPHRASE if unlocked.synthetic else None,
    )


def open_practice_in_worker(root: Path, progress: Progress, **build: Any) -> UnlockedStudy:
    """The practice study in ``root`` (built there the first time), unlocked."""
    import shutil

    import_storage_lightly()
    from reviewer_app.services.demo.practice import (
        PRACTICE_STUDY_PASSPHRASE,
        PracticeLayout,
        build_practice_study,
    )

    layout = PracticeLayout(root)
    if not has_study(layout.study):
        if root.exists():  # a build that was stopped half way: synthetic, made by us
            shutil.rmtree(root)
        build_practice_study(root, progress=progress, **build)
    return unlock_study_in_worker(layout.study, PRACTICE_STUDY_PASSPHRASE, synthetic=True)


def create_study_in_worker(new: Any) -> tuple[UnlockedStudy, str]:
    """``coordinator init`` for File > New study…: the study, unlocked, and its fingerprint."""
    from reviewer_app.services.study import Study

    with Study.create(new.folder, new.passphrase, name=new.name, mode=new.mode) as study:
        fingerprint = study.fingerprint()
    return unlock_study_in_worker(new.folder, new.passphrase), fingerprint


STUDY_WINDOW_MODULES = (
    "reviewer_app.services.study",
    "reviewer_app.services.reconciliation.study_snapshot",
    "reviewer_app.services.demo.practice",
    "reviewer_app.gui.coordinator.window",
    "reviewer_app.gui.coordinator.overview",
)
"""Imported while the study passphrase is typed (on a worker thread), so the time after Enter
is the key derivation, the study's first read and the window. The gui modules among them only
define classes: none makes a Qt object at import, so importing them off the GUI thread is
safe."""


def preload_study_window(_progress: object = None) -> None:
    preload(STUDY_WINDOW_MODULES)


class StudyOpener:
    """What the coordinator's windows (gui/coordinator/shell.py) need from the layers below."""

    def __init__(self, paths: AppPaths) -> None:
        self.practice_root = paths.data_dir / PRACTICE_FOLDER

    has_study = staticmethod(has_study)
    unlock = staticmethod(unlock_study_in_worker)
    create = staticmethod(create_study_in_worker)
    desk = staticmethod(study_desk)
    preload = staticmethod(preload_study_window)

    def practice(self, progress: Progress) -> UnlockedStudy:
        return open_practice_in_worker(self.practice_root, progress)


def coordinator_shell(app: Any, paths: AppPaths, runner: Any, settings: AppSettings) -> Any:
    from reviewer_app.gui.coordinator.shell import CoordinatorShell

    return CoordinatorShell(runner, settings, StudyOpener(paths))
