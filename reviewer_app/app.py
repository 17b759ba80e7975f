"""Composition root for the desktop app: paths, workspace, services, then the GUI.

Only this module and ``cli`` know every layer; widgets get the services they need passed in.
The GUI modules are imported inside functions so the CLI never loads Qt, and nothing here
imports the signing or PDF libraries: they load when first used.

Start-up paths:

* ``--demo``: build the synthetic workspace if needed, open it with its public passphrase
  (shown in the window) and "SYNTHETIC DATA" in the title;
* a folder holding a workspace: the unlock screen, then the case list;
* a folder without one: the first-run assistant, then the case list;
* ``--study DIR``: the study's unlock screen, then the coordinator's window
  (gui/coordinator/); ``--practice``: the practice study (built the first time, with
  progress), opened with its public passphrase and "SYNTHETIC DATA" on every window.

At start-up the copies of signed summaries handed to a PDF viewer by an earlier run
(``<temp>/open``, see gui/signing/summary_actions.py) are deleted: a crash or a viewer holding
one open would otherwise leave an identifiable document behind.

``REVIEWER_APP_SMOKE_SCREENSHOT=/path.png`` (with ``--demo`` only: the demo is synthetic)
saves a PNG of the main window once it has been painted and quits with 0 (1 if the picture
could not be saved, 3 if no window was painted within a minute): a smoke test on a real
display server.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.gui.settings import AppSettings
    from reviewer_app.gui.tasks import Progress
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.study import Study
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

OPEN_COPIES_FOLDER = "open"
"""Must equal ``gui.signing.summary_actions.OPEN_FOLDER`` (a test checks); not imported from
there so that start-up does not load the printing modules."""
SMOKE_SCREENSHOT_ENV = "REVIEWER_APP_SMOKE_SCREENSHOT"


def sweep_open_copies(temp_dir: Path) -> int:
    """Delete every file left in the viewer-copy folder by an earlier run. Returns how many.

    Best effort: a file a viewer still holds open (Windows) is left for the next start."""
    folder = temp_dir / OPEN_COPIES_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() or path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    if removed:
        log.info("deleted %d summary copies left by an earlier run", removed)
    return removed


# --- opening a workspace off the GUI thread --------------------------------------------------


def unlock_in_worker(folder: Path, passphrase: str) -> Workspace:
    """The slow part of unlocking (key derivation, any migration), for a worker thread.

    SQLite connections belong to the thread that opened them, so the workspace returned holds
    the key but no connection; ``adopt_workspace`` opens the GUI thread's own.
    """
    from reviewer_app.services.workspace import Workspace

    return Workspace.unlock(folder, passphrase, connect=False)


def adopt_workspace(workspace: Workspace) -> ReviewerSession:
    """On the GUI thread: open the unlocked workspace here (with its key) as a session."""
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.workspace import Workspace

    opened = Workspace.open_with_key(workspace.folder, workspace.key)
    workspace.close()  # the worker's object (no connection): forget its copy of the key
    return ReviewerSession(opened)


def open_demo_in_worker(folder: Path, progress: Progress) -> Workspace:
    from reviewer_app.services.demo.build import DEMO_PASSPHRASE, build_demo_workspace, demo_exists

    if not demo_exists(folder):
        build_demo_workspace(folder, progress=progress)
    return unlock_in_worker(folder, DEMO_PASSPHRASE)


def preload_services(_progress: object = None) -> None:
    """Import the services while the reviewer types the passphrase (on a worker thread), so
    the time after pressing Enter is only the key derivation and building the case list."""
    import reviewer_app.services.session
    import reviewer_app.services.workspace  # noqa: F401


def has_workspace(folder: Path) -> bool:
    """Whether ``folder`` holds a workspace, without importing the storage layer (start-up
    speed: the unlock screen shows before the database libraries load). Must agree with
    ``Workspace.exists_in`` (a test checks)."""
    return (folder / "workspace.key.json").exists() or (folder / "workspace.db").exists()


def passphrase_checker(folder: Path) -> Callable[[str], object]:
    """Checks the passphrase against the workspace's key record (for unlocking after a lock)."""
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import unlock_key

    key_file = Workspace.key_check_path_in(folder)

    def verify(passphrase: str) -> object:
        unlock_key(key_file, passphrase)
        return True

    return verify


# --- the windows -------------------------------------------------------------------------------

UNKNOWN_ACTOR = "reviewer"


def audit_actor(session: ReviewerSession) -> str:
    """Who the audit trail names for every edit, sign-off and amendment in this workspace.

    The enrolled identity kept inside the encrypted workspace says (its reviewer ref, as the
    study knows the reviewer; before enrolment, the name the key was made for), never the
    editable settings file: anyone could type another name there.
    """
    identity = session.identity()
    if identity is None:
        return UNKNOWN_ACTOR
    return identity.reviewer_ref or identity.name or UNKNOWN_ACTOR


def enrolled_details(session: ReviewerSession) -> Any:
    """What Settings shows as "Your details": the workspace's enrolled identity."""
    from reviewer_app.gui.reviewer_fields import EnrolledDetails

    return EnrolledDetails.of(session.identity())


class ReviewForm:
    """The review form's parts that live as long as the session: the service on the GUI
    thread's connection and the autosave writer on its own thread (gui/autosave.py)."""

    def __init__(self, session: ReviewerSession, actor: str) -> None:
        from reviewer_app.gui.autosave import AutosaveWriter
        from reviewer_app.services.notes.scratch import ScratchNotes
        from reviewer_app.services.review.service import ReviewService

        self.service = ReviewService(session.workspace.db)
        self.notes = ScratchNotes(session.workspace.db)
        self.writer = AutosaveWriter(session.workspace.connect, actor=actor)
        self.writer.start()

    def page(self, parent: Any) -> Any:
        from reviewer_app.gui.form.review_page import ReviewPage

        return ReviewPage(self.service, self.writer, parent, notes=self.notes)

    def stop(self, timeout: float = 10.0) -> bool:
        return self.writer.stop(timeout)


def build_main_window(
    session: ReviewerSession,
    settings: AppSettings,
    *,
    demo: bool,
    runner: Any = None,
    form: ReviewForm | None = None,
    temp_dir: Path | None = None,
) -> MainWindow:
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.services.demo.build import DEMO_PASSPHRASE

    signing = None
    if runner is not None and temp_dir is not None:
        # gui.signing loads no signing or PDF library until a Case menu action is used.
        from reviewer_app.gui.signing.menu_actions import SigningDesk

        signing = SigningDesk(
            session.workspace,
            runner,
            temp_dir,
            actor=form.writer.actor if form is not None else audit_actor(session),
            synthetic=demo,
        )
    return MainWindow(
        session.list_cases(),
        workspace_label="demo workspace" if demo else str(session.folder),
        synthetic=demo,
        demo_passphrase=DEMO_PASSPHRASE if demo else None,
        verify_passphrase=passphrase_checker(session.folder),
        reload_rows=session.list_cases,
        reload_row=session.case_row,
        review_page_factory=form.page if form is not None else None,
        runner=runner,
        settings=settings,
        identity=lambda: enrolled_details(session),
        signing=signing,
        flush_edits=form.writer.flush if form is not None else None,
        autosave=form.writer if form is not None else None,
    )


class Shell:
    """Holds what lives as long as the app: settings, the runner, the session, the window."""

    def __init__(
        self,
        app: Any,
        paths: AppPaths,
        folder: Path,
        *,
        demo: bool,
        study: Path | None = None,
        practice: bool = False,
    ) -> None:
        from reviewer_app.gui.settings import AppSettings
        from reviewer_app.gui.tasks import TaskRunner

        self.app = app
        self.paths = paths
        self.folder = folder
        self.demo = demo
        self.study = study
        self.practice = practice
        self.settings = AppSettings(paths.settings_file)
        self.runner = TaskRunner(app)
        self._coordinator: Any = None  # made on first use: a reviewer's start never needs it
        self.session: ReviewerSession | None = None
        self.form: ReviewForm | None = None
        self.window: MainWindow | None = None
        self.start_window: Any = None

    @property
    def coordinator(self) -> Any:
        """The coordinator's shell, imported and made on first use (gui/coordinator/ costs
        ~65 ms of imports, a third of a reviewer's launch to the unlock screen)."""
        if self._coordinator is None:
            self._coordinator = coordinator_shell(self.app, self.paths, self.runner, self.settings)
        return self._coordinator

    def start(self) -> None:
        if self.practice:
            self.coordinator.open_practice(self._failed_to_start)
        elif self.study is not None:
            if not self.coordinator.open_folder(self.study):
                self.app.quit()
        elif self.demo:
            self._open_demo()
        elif has_workspace(self.folder):
            self._show_unlock()
        else:
            self._show_first_run()

    def _failed_to_start(self, err: BaseException) -> None:
        from reviewer_app.gui.crash_dialog import report_exception

        report_exception(err)
        self.app.quit()

    def _open_demo(self) -> None:
        from reviewer_app.gui.crash_dialog import report_exception

        def failed(err: BaseException) -> None:
            report_exception(err)
            self.app.quit()

        self.runner.run(
            lambda progress: open_demo_in_worker(self.folder, progress),
            lambda workspace: self.show_main(adopt_workspace(workspace)),
            failed,
            label="Opening the demo workspace…",
        )

    def _show_unlock(self) -> None:
        from reviewer_app.gui.tasks import call_later
        from reviewer_app.gui.unlock_screen import UnlockScreen

        screen = UnlockScreen(
            lambda passphrase: unlock_in_worker(self.folder, passphrase),
            self.runner,
            where=str(self.folder),
        )
        from reviewer_app.gui.launch import window_title

        screen.setWindowTitle(window_title("Unlock"))
        screen.resize(760, 460)
        screen.unlocked.connect(lambda workspace: self.show_main(adopt_workspace(workspace)))
        self.start_window = screen
        screen.show()
        screen.passphrase.setFocus()
        # Load the services once the screen has been painted, while the passphrase is typed.
        call_later(
            50,
            lambda: self.runner.run(
                preload_services, lambda _r: None, lambda _e: None, show_progress=False
            ),
        )

    def _show_first_run(self) -> None:
        from reviewer_app.gui.first_run import FirstRunWizard
        from reviewer_app.gui.tasks import BusyRunner
        from reviewer_app.services.session import ReviewerSession

        # The assistant's work uses the workspace's GUI-thread connection: BusyRunner.
        wizard = FirstRunWizard(self.folder, ReviewerSession.create, self.settings, BusyRunner())

        def finished(_result: int) -> None:
            session = wizard.session
            if isinstance(session, ReviewerSession):
                self.show_main(session)
            else:
                self.app.quit()

        wizard.finished.connect(finished)
        self.start_window = wizard
        wizard.show()

    def show_main(self, session: ReviewerSession) -> None:
        self.session = session
        self.form = ReviewForm(session, audit_actor(session))
        self.window = build_main_window(
            session,
            self.settings,
            demo=self.demo,
            runner=self.runner,
            form=self.form,
            temp_dir=self.paths.temp_dir,
        )
        self.window.new_study_requested.connect(lambda: self.coordinator.ask_new(self.window))
        self.window.open_study_requested.connect(lambda: self.coordinator.ask_open(self.window))
        self.window.show()
        if self.demo and os.environ.get(SMOKE_SCREENSHOT_ENV):
            from reviewer_app.gui.smoke import screenshot_when_painted

            screenshot_when_painted(self.app, self.window, Path(os.environ[SMOKE_SCREENSHOT_ENV]))
        if self.form.service.last_position() is not None:
            self.window.resume()  # the case, section and field of the last session
        if self.start_window is not None:
            self.start_window.close()
            self.start_window.deleteLater()
            self.start_window = None

    def close(self) -> None:
        self.runner.wait()
        if self._coordinator is not None:
            self._coordinator.close()
        if self.form is not None:
            # The reviewer already chose to lose what could not be saved: do not wait long.
            lost = self.window is not None and self.window.discarded_unsaved > 0
            if not self.form.stop(1.0 if lost else 10.0):
                log.error("some typing may not have been saved before closing")
            self.form = None
        if self.session is not None:
            self.session.close()
            self.session = None


# --- the coordinator's study (gui/coordinator/) ------------------------------------------------

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


class StudyOpener:
    """What the coordinator's windows (gui/coordinator/shell.py) need from the layers below."""

    def __init__(self, paths: AppPaths) -> None:
        self.practice_root = paths.data_dir / PRACTICE_FOLDER

    has_study = staticmethod(has_study)
    unlock = staticmethod(unlock_study_in_worker)
    create = staticmethod(create_study_in_worker)
    desk = staticmethod(study_desk)

    def practice(self, progress: Progress) -> UnlockedStudy:
        return open_practice_in_worker(self.practice_root, progress)


def coordinator_shell(app: Any, paths: AppPaths, runner: Any, settings: AppSettings) -> Any:
    from reviewer_app.gui.coordinator.shell import CoordinatorShell

    return CoordinatorShell(runner, settings, StudyOpener(paths))


def run_gui(
    folder: Path,
    paths: AppPaths,
    *,
    demo: bool,
    study: Path | None = None,
    practice: bool = False,
) -> int:
    """Open the desktop app on ``folder`` (building the demo workspace first if asked), or
    the coordinator's window on ``study`` or on the practice study."""
    from reviewer_app.gui.crash_dialog import install_crash_handler
    from reviewer_app.gui.launch import application
    from reviewer_app.gui.theme import apply_theme
    from reviewer_app.logging_setup import LOG_FILE_NAME

    app = application(sys.argv[:1])
    install_crash_handler(str(paths.log_dir / LOG_FILE_NAME))
    sweep_open_copies(paths.temp_dir)
    shell = Shell(app, paths, folder, demo=demo, study=study, practice=practice)
    apply_theme(app, shell.settings.theme)
    shell.start()
    try:
        return app.exec()
    finally:
        shell.close()
