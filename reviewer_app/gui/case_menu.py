"""The Case menu (Sign…, Co-sign…, Amend…, Print / Open / Save summary) and File ▸ Export.

The menu acts on the current case, which the main window names (``CaseMenuHost``); whether
an item is enabled follows that case's sign-off state (``CaseSigning``, read from the
``SigningDesk`` in gui/signing, which shows the dialogs and runs the work). Without a desk
(tests of the shell) the menu is there, disabled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

if TYPE_CHECKING:
    from reviewer_app.gui.signing.menu_actions import SigningDesk
    from reviewer_app.services.signing.rules import CaseSigning

log = logging.getLogger(__name__)

MakeAction = Callable[[str, "QKeySequence | str | None", Callable[[], object]], QAction]


class CaseActionSlots(Protocol):
    """What the actions call."""

    def sign(self) -> None: ...
    def cosign(self) -> None: ...
    def amend(self) -> None: ...
    def print_summary(self) -> None: ...
    def open_summary(self) -> None: ...
    def save_summary(self) -> None: ...
    def export_all(self) -> None: ...


@dataclass(frozen=True)
class CaseActions:
    sign: QAction
    cosign: QAction
    amend: QAction
    print: QAction
    open_summary: QAction
    save_summary: QAction
    export: QAction
    menu: QMenu

    @property
    def on_case(self) -> list[QAction]:
        """The actions on one case (all but the export)."""
        return [
            self.sign,
            self.cosign,
            self.amend,
            self.print,
            self.open_summary,
            self.save_summary,
        ]

    def show_state(self, state: CaseSigning | None) -> None:
        """Enable each item by the acting case's sign-off state (None: no case, all off)."""
        self.sign.setEnabled(state is not None and state.can_sign)
        self.cosign.setEnabled(state is not None and state.can_cosign)
        self.amend.setEnabled(state is not None and state.can_amend)
        summary = state is not None and state.has_summary
        for action in (self.print, self.open_summary, self.save_summary):
            action.setEnabled(summary)


def build_case_actions(parent: QWidget, make: MakeAction, slots: CaseActionSlots) -> CaseActions:
    """The actions (with their shortcuts) and the Case menu holding them."""
    sign = make("&Sign…", "Ctrl+Shift+Return", slots.sign)
    cosign = make("C&o-sign…", None, slots.cosign)
    amend = make("&Amend…", None, slots.amend)
    print_action = make("&Print summary…", None, slots.print_summary)
    print_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Print))
    actions = CaseActions(
        sign=sign,
        cosign=cosign,
        amend=amend,
        print=print_action,
        open_summary=make("Op&en summary", "Ctrl+Shift+O", slots.open_summary),
        save_summary=make("Sa&ve summary as…", "Ctrl+Shift+S", slots.save_summary),
        export=make("&Export signed summaries…", "Ctrl+Shift+E", slots.export_all),
        menu=QMenu("&Case", parent),
    )
    menu = actions.menu
    menu.addAction(actions.sign)
    menu.addAction(actions.cosign)
    menu.addAction(actions.amend)
    menu.addSeparator()
    menu.addAction(actions.print)
    menu.addAction(actions.open_summary)
    menu.addAction(actions.save_summary)
    return actions


class CaseMenuHost(Protocol):
    """What the Case menu needs of the main window."""

    locked: bool

    def acting_case_ref(self) -> str | None:
        """The case the menu acts on (None: none, or locked)."""

    def edits_saved(self) -> bool:
        """Pending typing on disk (False: it is not, and the reviewer was told)."""

    def case_changed(self, case_ref: str) -> None:
        """A sign-off action changed this case."""


class CaseMenu:
    """Runs the Case menu's items on the acting case through the signing desk."""

    def __init__(
        self,
        window: QWidget,
        host: CaseMenuHost,
        signing: SigningDesk | None,
        make: MakeAction,
    ) -> None:
        self._window = window
        self._host = host
        self.signing = signing
        self.actions = build_case_actions(window, make, self)

    def install(self, bar: QMenuBar, file_menu: QMenu, help_menu: QMenu, before: QAction) -> None:
        """The Case menu before Help; Export signed summaries… in File, before ``before``."""
        file_menu.insertAction(before, self.actions.export)
        file_menu.insertSeparator(before)
        self.actions.menu.aboutToShow.connect(self.update)
        bar.insertMenu(help_menu.menuAction(), self.actions.menu)

    def state(self) -> CaseSigning | None:
        ref = self._host.acting_case_ref()
        if ref is None or self.signing is None:
            return None
        try:
            return self.signing.state(ref)
        except Exception:  # never let a menu update take the window down
            log.exception("could not read the sign-off state of the current case")
            return None

    def update(self) -> None:
        self.actions.show_state(self.state())
        self.actions.export.setEnabled(self.signing is not None and not self._host.locked)

    def _run(self, name: str, needs_saved: bool) -> None:
        ref = self._host.acting_case_ref()
        if ref is None or self.signing is None:
            return
        if needs_saved and not self._host.edits_saved():
            return
        action = getattr(self.signing, name)
        if needs_saved:  # the actions that change the case report back
            action(ref, self._window, self._host.case_changed)
        else:
            action(ref, self._window)

    def sign(self) -> None:
        self._run("sign", needs_saved=True)

    def cosign(self) -> None:
        self._run("cosign", needs_saved=True)

    def amend(self) -> None:
        self._run("amend", needs_saved=True)

    def print_summary(self) -> None:
        self._run("print_summary", needs_saved=False)

    def open_summary(self) -> None:
        self._run("open_summary", needs_saved=False)

    def save_summary(self) -> None:
        self._run("save_summary", needs_saved=False)

    def export_all(self) -> None:
        if self.signing is not None and not self._host.locked:
            self.signing.export_all(self._window)
