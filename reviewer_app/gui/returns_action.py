"""File ▸ Return completed reviews to the coordinator… (Ctrl+Shift+R).

Writes every signed review version not yet returned, encrypted, into the shared folder
chosen in Settings (or, when none is set, a folder the reviewer picks), through
``services.returns.writer`` on a worker thread with its own workspace connection (the
runner shows progress). The result says what was written where; a problem (a drive that
is offline, full or read-only; no certificate for returns yet) is said in words, and
nothing is marked returned.

What is still to return is said where the reviewer looks: the menu item reads
"… (2 to return)" and the status bar "Signed reviews of 2 cases are not yet returned:
return…" (a button for the mouse; the menu item and Ctrl+Shift+R are the keyboard's way),
looked at again whenever the case list changes (``services.returns.holds.cases_to_return``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from reviewer_app.errors import UserError
from reviewer_app.gui.page_messages import waiting_button
from reviewer_app.gui.tasks import Runner, default_error_handler
from reviewer_app.progress import Progress

if TYPE_CHECKING:
    from reviewer_app.gui.case_list_page import CaseListPage
    from reviewer_app.gui.case_table_model import CaseRow
    from reviewer_app.gui.settings import AppSettings
    from reviewer_app.gui.signing.menu_actions import SigningDesk
    from reviewer_app.services.returns.report import ReturnReport
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)

ACTION_TEXT = "&Return completed reviews to the coordinator…"
SHORTCUT = "Ctrl+Shift+R"
TITLE = "Return completed reviews"
ReturnWork = Callable[[Path, Progress], "ReturnReport"]
ToReturn = Callable[[], Sequence[str]]  # the case refs a return would carry now


def waiting_text(cases: int) -> str:
    if cases == 1:
        return "The signed review of 1 case is not yet returned"
    return f"Signed reviews of {cases} cases are not yet returned"


class MainWindowLike(Protocol):
    """What the action needs of the main window (gui/main_window.py's MainWindow fits)."""

    signing: SigningDesk | None
    locked: bool
    case_list: CaseListPage
    locked_changed: Any  # Signal(bool)


def workspace_return(workspace: Workspace) -> ReturnWork:
    """The return, run on the calling (worker) thread with its own connection."""

    def work(folder: Path, progress: Progress) -> ReturnReport:
        from reviewer_app.services.returns.writer import return_signed_reviews
        from reviewer_app.services.signing.background import own_connection

        with own_connection(workspace) as own:
            return return_signed_reviews(own, folder, progress=progress)

    return work


def choose_folder(parent: QWidget) -> Path | None:
    chosen = QFileDialog.getExistingDirectory(  # home, not the folder the app started in
        parent, "Return completed reviews to the folder", str(Path.home())
    )
    return Path(chosen) if chosen else None


class ReturnAction:
    """The menu action and what it runs; ``last_message`` is the result shown (tests)."""

    def __init__(
        self,
        window: QWidget,
        runner: Runner,
        work: ReturnWork | None,
        shared_folder: Callable[[], Path | None],
        *,
        after: Callable[[], None] = lambda: None,
        ask_folder: Callable[[QWidget], Path | None] = choose_folder,
        to_return: ToReturn | None = None,
    ) -> None:
        self._window = window
        self._runner = runner
        self._work = work
        self._shared_folder = shared_folder
        self._after = after
        self._ask_folder = ask_folder
        self.busy = False
        self.last_message: QMessageBox | None = None
        self.action = QAction(ACTION_TEXT, window)
        self.action.setShortcut(SHORTCUT)
        self.action.setStatusTip(
            "Write your signed reviews, encrypted for the coordinator, into the shared folder"
        )
        self.action.triggered.connect(self.trigger)
        self.action.setEnabled(work is not None)
        self._to_return = to_return
        self.waiting: int | None = None  # cases still to return, when looked at
        self.button = waiting_button(
            window, "Signed reviews not yet returned: return them", self.trigger
        )

    def count(self) -> None:
        """Look again at how many cases are still to return, and say it (or hide it)."""
        if self._to_return is None or not self.action.isEnabled():
            self._say_waiting(None)
            return
        try:
            cases = len(self._to_return())
        except Exception as err:  # a count must never stop the window: say nothing
            log.info("counting what is to return failed: %s", type(err).__name__)
            cases = None
        self._say_waiting(cases)

    def _say_waiting(self, cases: int | None) -> None:
        self.waiting = cases
        self.action.setText(f"{ACTION_TEXT} ({cases} to return)" if cases else ACTION_TEXT)
        self.button.setText(f"{waiting_text(cases)}: return…" if cases else "")
        self.button.setVisible(bool(cases))

    def trigger(self) -> None:
        work = self._work
        if work is None or self.busy or not self.action.isEnabled():
            return
        folder = self._shared_folder() or self._ask_folder(self._window)
        if folder is None:
            return
        self.busy = True

        def run(progress: Progress) -> ReturnReport:
            return work(folder, progress)

        self._runner.run(
            run, self._done, self._failed, label="Returning signed reviews…", parent=self._window
        )

    def _done(self, report: Any) -> None:
        self.busy = False
        lines = report.summary_lines()
        self._show(QMessageBox.Icon.Information, "\n".join(lines))
        log.info("return finished (%d bundle(s))", len(report.bundles))
        self._after()

    def _failed(self, err: BaseException) -> None:
        self.busy = False
        if not isinstance(err, UserError):
            default_error_handler(err)
            self.count()
            return
        self._show(QMessageBox.Icon.Warning, str(err))
        self._after()  # a return that stopped part-way marked what it wrote: show it

    def _show(self, icon: QMessageBox.Icon, text: str) -> None:
        box = QMessageBox(icon, TITLE, text, QMessageBox.StandardButton.Ok, self._window)
        box.setAccessibleDescription(text)
        self.last_message = box
        box.open()  # window-modal, without blocking the caller


def install_return_action(
    window: Any,
    runner: Runner,
    settings: AppSettings | None,
    reload_rows: Callable[[], Sequence[CaseRow]] | None,
) -> ReturnAction:
    """The action for the main window (``MainWindowLike``): on while unlocked (with a
    workspace), the shared folder from Settings (also given to the signing desk, whose
    Export signed summaries warns about identifiable copies there), and the case list
    reloaded after a return."""
    host: MainWindowLike = window

    def after() -> None:
        if reload_rows is not None and not host.locked:
            host.case_list.set_rows(reload_rows())

    def shared_folder() -> Path | None:
        return settings.shared_folder if settings is not None else None

    work = None
    to_return: ToReturn | None = None
    if host.signing is not None:
        workspace = host.signing.workspace
        work = workspace_return(workspace)
        host.signing.shared_folder = shared_folder  # Export signed summaries warns about it

        def to_return() -> Sequence[str]:
            from reviewer_app.services.returns.holds import cases_to_return

            return () if host.locked else cases_to_return(workspace.db)

    returns = ReturnAction(window, runner, work, shared_folder, after=after, to_return=to_return)

    def locked_changed(locked: bool) -> None:
        returns.action.setEnabled(bool(work) and not locked)
        returns.count()

    host.locked_changed.connect(locked_changed)
    model = host.case_list.model  # signing, a return, an import: the list changes, so look again
    model.rows_changed.connect(returns.count)
    window.statusBar().addPermanentWidget(returns.button)
    returns.count()
    return returns
