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

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.paths import AppPaths, sweep_open_copies
from reviewer_app.startup_imports import import_storage_lightly, preload

if TYPE_CHECKING:
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.gui.settings import AppSettings
    from reviewer_app.gui.tasks import Progress
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.study_opening import (
        PRACTICE_FOLDER,
        StudyOpener,
        UnlockedStudy,
        connect_study,
        create_study_in_worker,
        has_study,
        open_practice_in_worker,
        study_desk,
        study_passphrase_checker,
        unlock_study_in_worker,
    )

log = logging.getLogger(__name__)

__all__ = [
    "PRACTICE_FOLDER",
    "ReviewForm",
    "Shell",
    "StudyOpener",
    "UnlockedStudy",
    "adopt_workspace",
    "audit_actor",
    "build_main_window",
    "connect_study",
    "create_study_in_worker",
    "has_study",
    "has_workspace",
    "open_practice_in_worker",
    "passphrase_checker",
    "run_gui",
    "study_desk",
    "study_passphrase_checker",
    "sweep_open_copies",
    "unlock_in_worker",
    "unlock_study_in_worker",
]


def __getattr__(name: str) -> Any:
    """The names of ``__all__`` not defined here are the coordinator's composition root
    (study_opening.py), imported on first use: a reviewer's start never needs it (issue 15)."""
    if name in __all__:
        from reviewer_app import study_opening

        return getattr(study_opening, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SMOKE_SCREENSHOT_ENV = "REVIEWER_APP_SMOKE_SCREENSHOT"
SPELLING_AFTER_PAINT_MS = 300  # after the main window's first paint (issue 15)


# --- opening a workspace off the GUI thread --------------------------------------------------


def unlock_in_worker(folder: Path, passphrase: str) -> Workspace:
    """The slow part of unlocking (key derivation, any migration), for a worker thread.

    SQLite connections belong to the thread that opened them, so the workspace returned holds
    the key but no connection; ``adopt_workspace`` opens the GUI thread's own.
    """
    import_storage_lightly()
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
    import_storage_lightly()
    from reviewer_app.services.demo.build import DEMO_PASSPHRASE, build_demo_workspace, demo_exists

    if not demo_exists(folder):
        build_demo_workspace(folder, progress=progress)
    return unlock_in_worker(folder, DEMO_PASSPHRASE)


PRELOADED = (
    "reviewer_app.services.session",
    "reviewer_app.services.workspace",
    # what the main window needs once unlocked: ~100 modules (the review form, the case
    # list, the menus), a second or more after Enter if imported only then
    "reviewer_app.services.review.service",
    "reviewer_app.services.notes.scratch",
    "reviewer_app.services.demo.build",
    "reviewer_app.gui.autosave",
    "reviewer_app.gui.main_window",
    "reviewer_app.gui.form.review_page",
    "reviewer_app.gui.signing.menu_actions",
)
"""Imported while the passphrase is typed. The gui modules among them only define classes:
none makes a Qt object at import, so importing them off the GUI thread is safe."""


def preload_services(_progress: object = None) -> None:
    """Import what opening the workspace needs while the reviewer types the passphrase (on a
    worker thread), so the time after pressing Enter is only the key derivation and building
    the case list."""
    preload(PRELOADED)


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
        self._db = session.workspace.db

    def page(self, parent: Any) -> Any:
        from reviewer_app.gui.form.review_page import ReviewPage
        from reviewer_app.services.review.pairing import case_pairing

        db = self._db
        return ReviewPage(
            self.service,
            self.writer,
            parent,
            notes=self.notes,
            pairing=lambda case_ref: case_pairing(db, case_ref),
        )

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
            from reviewer_app.study_opening import coordinator_shell

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
        self.runner.run(
            lambda progress: open_demo_in_worker(self.folder, progress),
            lambda workspace: self.show_main(adopt_workspace(workspace)),
            self._failed_to_start,
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
                preload_services, self._make_types, lambda _e: None, show_progress=False
            ),
        )

    def _make_types(self, _preloaded: object = None) -> None:
        """After the preload, still while the passphrase is typed: the Python types building
        the window makes first (gui/warm_up.py: ~20 ms after Enter otherwise)."""
        from reviewer_app.gui.warm_up import make_common_types

        make_common_types()
        _ = self.settings.idle_lock_minutes  # (its first read makes types too)

    def _show_first_run(self) -> None:
        from reviewer_app.gui.first_run import FirstRunWizard
        from reviewer_app.gui.tasks import BusyRunner

        import_storage_lightly()
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
        self._start_spell_checking(session, self.window)
        if self.start_window is not None:
            self.start_window.close()
            self.start_window.deleteLater()
            self.start_window = None

    def _start_spell_checking(self, session: ReviewerSession, window: MainWindow) -> None:
        """Load the British dictionary off the GUI thread (about 0.2 s, holding the GIL ~70 ms:
        so only once the window has been painted), then give every free-text box the
        workspace's checker (gui/spelling.py); until then boxes are simply not underlined."""
        from reviewer_app.gui.spelling import set_workspace_checker
        from reviewer_app.gui.tasks import after_first_paint
        from reviewer_app.services.spelling.checker import SpellChecker
        from reviewer_app.services.spelling.dictionary import BritishDictionary, british_dictionary

        def ready(dictionary: object) -> None:
            assert isinstance(dictionary, BritishDictionary)
            if self.session is session:  # not closed meanwhile
                set_workspace_checker(SpellChecker(session.workspace.db, dictionary=dictionary))

        def failed(exc: BaseException) -> None:
            log.error(
                "spell checking is off: the dictionary could not be loaded (%s)", type(exc).__name__
            )

        def load() -> None:
            if self.session is session:
                self.runner.run(lambda _p: british_dictionary(), ready, failed, show_progress=False)

        after_first_paint(window, SPELLING_AFTER_PAINT_MS, load)

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
            from reviewer_app.gui.spelling import set_workspace_checker

            set_workspace_checker(None)
            self.session.close()
            self.session = None


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
    from reviewer_app.gui.launch import application, install_crash_handler
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
