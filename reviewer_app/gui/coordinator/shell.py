"""Opening studies in coordinator windows: the unlock screen, the practice study, File > New
study… and File > Open study…; each window's study stays open until its window closes.

What opening needs from the layers below (key derivation, the practice build, the study's
connections) comes from the composition root as a ``StudyOpener`` (app.py); nothing here
touches storage.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from reviewer_app.gui.coordinator.files import CHOOSER, Chooser
from reviewer_app.gui.coordinator.open_study import NewStudy, NewStudyDialog, tell
from reviewer_app.gui.coordinator.window import CoordinatorWindow
from reviewer_app.gui.launch import window_title
from reviewer_app.gui.tasks import Runner, call_later
from reviewer_app.gui.unlock_screen import UnlockScreen

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.settings import AppSettings
    from reviewer_app.progress import Progress


class StudyOpener(Protocol):
    def has_study(self, folder: Path) -> bool: ...
    def unlock(self, folder: Path, passphrase: str) -> Any: ...
    def practice(self, progress: Progress) -> Any: ...
    def create(self, new: NewStudy) -> tuple[Any, str]: ...
    def desk(self, unlocked: Any) -> StudyDesk: ...
    def preload(self, progress: Progress) -> None: ...


class CoordinatorShell:
    def __init__(
        self,
        runner: Runner,
        settings: AppSettings | None,
        opener: StudyOpener,
        *,
        chooser: Chooser = CHOOSER,
        say: Callable[[QWidget | None, str], None] = tell,
    ) -> None:
        self.runner = runner
        self.settings = settings
        self.opener = opener
        self.chooser = chooser
        self.say = say
        self.windows: list[CoordinatorWindow] = []
        self.screens: list[UnlockScreen] = []

    def open_folder(self, folder: Path, parent: QWidget | None = None) -> bool:
        """The study's unlock screen (False, said, when there is no study there)."""
        if not self.opener.has_study(folder):
            self.say(parent, f"There is no study in {folder}. Choose the study folder.")
            return False
        screen = UnlockScreen(
            lambda passphrase: self.opener.unlock(folder, passphrase),
            self.runner,
            title="Unlock the study",
            explanation="Type the study passphrase to open the coordinator's window.",
            where=str(folder),
            noun="study",
        )
        screen.setWindowTitle(window_title("Unlock the study", "Coordinator"))
        screen.resize(760, 460)
        screen.unlocked.connect(lambda unlocked: self.show_study(unlocked, screen))
        self.screens.append(screen)
        screen.show()
        screen.passphrase.setFocus()
        call_later(50, self._prepare_window)
        return True

    def _prepare_window(self) -> None:
        """While the passphrase is typed: import what the window's first section needs (on a
        worker thread: ``opener.preload``), then make the Python types that building the
        window's tables makes first (``warm_up.make_types``: ~20 ms). The time after Enter is
        then the key derivation, the study's first read and the window."""

        def warm(_modules: object) -> None:
            from reviewer_app.gui.coordinator.widgets import TablePanel
            from reviewer_app.gui.warm_up import make_types

            make_types(lambda parent: TablePanel("rows", ("Row",), parent))
            if self.settings is not None:
                _ = self.settings.idle_lock_minutes  # (its first read makes types too)

        self.runner.run(self.opener.preload, warm, lambda _err: None, show_progress=False)

    def open_practice(self, on_error: Callable[[BaseException], None] | None = None) -> None:
        self.runner.run(
            self.opener.practice,
            self._show,
            on_error,
            label="Opening the practice study (built the first time: this takes a few minutes)…",
        )

    def ask_open(self, parent: QWidget | None = None) -> None:
        folder = self.chooser.folder(parent, "Open a study folder")  # type: ignore[arg-type]
        if folder is not None:
            self.open_folder(folder, parent)

    def ask_new(self, parent: QWidget | None = None) -> None:
        dialog = NewStudyDialog(parent, self.chooser)
        if dialog.exec() and dialog.accepted_study is not None:
            self.create(dialog.accepted_study)

    def create(self, new: NewStudy) -> None:
        self.runner.run(
            lambda _progress: self.opener.create(new),
            lambda made: self._created(*made),
            label="Creating the study…",
        )

    def _created(self, unlocked: Any, fingerprint: str) -> None:
        window = self.show_study(unlocked)
        self.say(
            window,
            "Study created. Its authority fingerprint (read it out to each reviewer):\n"
            + fingerprint,
        )

    def show_study(self, unlocked: Any, screen: UnlockScreen | None = None) -> CoordinatorWindow:
        window = CoordinatorWindow(self.opener.desk(unlocked), self.runner, settings=self.settings)
        window.new_study_requested.connect(lambda: self.ask_new(window))
        window.open_study_requested.connect(lambda: self.ask_open(window))
        window.closed.connect(lambda: self._closed(window))
        self.windows.append(window)
        window.show()
        if screen is not None:
            screen.close()
            screen.deleteLater()
            if screen in self.screens:
                self.screens.remove(screen)
        return window

    def _show(self, unlocked: Any) -> None:
        self.show_study(unlocked)

    def _closed(self, window: CoordinatorWindow) -> None:
        if window in self.windows:
            self.windows.remove(window)
            window.triggers.disarm()
            window.desk.close()

    def close(self) -> None:
        for window in list(self.windows):
            self._closed(window)
