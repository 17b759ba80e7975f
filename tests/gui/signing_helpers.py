"""What the sign-off dialog tests share: a desk on a bench, bugs recorded instead of the
crash dialog, and the desk's dialogs driven without a nested event loop."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QDialog

from reviewer_app.gui.signing import common, menu_actions, pdf_preview, summary_actions
from reviewer_app.gui.signing.menu_actions import SigningDesk
from reviewer_app.gui.tasks import SyncTaskRunner
from tests.support.signoff_fixtures import Bench


def record_bugs(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Bugs would open the (modal) crash dialog: record them instead (the test fails on any)."""
    seen: list[BaseException] = []
    for module in (summary_actions, common, menu_actions, pdf_preview):
        monkeypatch.setattr(module, "report_exception", lambda err, _p=None: seen.append(err))
    return seen


def new_desk(bench: Bench, tmp_path: Path) -> SigningDesk:
    """The desk on the bench's workspace, everything run at once on this thread."""
    return SigningDesk(
        bench.workspace, SyncTaskRunner(), tmp_path / "app-tmp", actor="R01", synthetic=True
    )


def settle() -> None:
    """Delete the dialogs the desk closed (``deleteLater``) now, on this thread: no event
    loop runs in these tests, and leftovers would otherwise be destroyed at random later."""
    gc.collect()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def driving(desk: SigningDesk, drive: Callable[[Any], None]) -> list[QDialog]:
    """Make the desk's dialogs run ``drive(dialog)`` instead of a modal event loop."""
    shown: list[QDialog] = []

    def exec_dialog(dialog: QDialog) -> int:
        shown.append(dialog)
        drive(dialog)
        return dialog.result()

    desk.exec_dialog = exec_dialog
    return shown
