"""Quitting without losing typing: save what is pending, and ask when that fails.

Quitting (Ctrl+Q, closing the window, the session ending) first saves what is pending.
When changes cannot be saved (disk full, read-only folder) the window stays open and asks:
Retry, Keep the app open, or Quit and lose them; the typing stays on screen meanwhile. The
choice to lose changes is remembered (``discarded``) so the app then stops quickly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox, QWidget

from reviewer_app.gui.launch import window_title

if TYPE_CHECKING:
    from reviewer_app.gui.autosave import AutosaveWriter

log = logging.getLogger(__name__)

QUIT_SAVE_TIMEOUT_S = 3.0
"""How long quitting waits for one save attempt before asking (a failing disk answers at once)."""


def changes_text(count: int) -> str:
    return f"{count} change{'' if count == 1 else 's'}"


class QuitGuard:
    """Decides, with the reviewer when needed, whether the app may quit now."""

    def __init__(
        self,
        window: QWidget,
        autosave: AutosaveWriter | None,
        *,
        locked: Callable[[], bool],
        notify: Callable[[str], None],
    ) -> None:
        self._window = window
        self.autosave = autosave
        self._locked = locked
        self._notify = notify
        self.discarded = 0
        """Changes the reviewer chose to lose when quitting."""

    def confirm(self) -> bool:
        """Save what is pending; when that fails, ask. True when the app may quit."""
        if self.autosave is None:
            return True
        while True:
            unsaved = self.autosave.try_save(QUIT_SAVE_TIMEOUT_S)
            if unsaved == 0 or 0 < unsaved <= self.discarded:
                return True  # all saved, or the reviewer already chose to lose these
            choice = self.ask(unsaved)
            if choice == "retry":
                continue
            if choice == "keep":
                self._notify(
                    f"{changes_text(unsaved)} not saved yet: they stay on screen and are tried "
                    "again."
                )
                return False
            self.discarded = unsaved
            log.warning("quit with %d unsaved change(s), as the reviewer chose", unsaved)
            return True

    def ask(self, unsaved: int) -> str:
        """Ask what to do: returns "retry", "keep" or "lose" (Escape keeps the app open)."""
        failure = self.autosave.last_failure if self.autosave is not None else None
        why = f"{failure.message} " if failure is not None else ""
        box = QMessageBox(self._window)
        box.setObjectName("unsavedOnQuit")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(window_title("Changes not saved"))
        box.setText(f"{changes_text(unsaved)} could not be saved.")
        kept = "kept in the app" if self._locked() else "still on screen"
        box.setInformativeText(
            f"{why}Your typing is {kept}. Fix the problem (for example, free some disk "
            "space) and retry, keep the app open and try again later, or quit and lose the "
            "changes."
        )
        retry = box.addButton("&Retry", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep the app open", QMessageBox.ButtonRole.RejectRole)
        lose = box.addButton("&Quit and lose them", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(retry)
        box.setEscapeButton(keep)
        try:
            box.exec()
            clicked = box.clickedButton()
        finally:
            box.deleteLater()
        if clicked is retry:
            return "retry"
        if clicked is lose:
            return "lose"
        return "keep"

    def session_ending(self, manager: Any, confirm: Callable[[], bool]) -> None:
        """The session is ending (logging off): save, ask when that fails, cancel if told to."""
        if self.autosave is None or not self._window.isVisible():
            return
        if manager.allowsInteraction():
            try:
                keep_open = not confirm()
            finally:
                manager.release()
            if keep_open:
                manager.cancel()
        elif self.autosave.try_save(QUIT_SAVE_TIMEOUT_S):
            log.error("the session ended with changes that could not be saved")
