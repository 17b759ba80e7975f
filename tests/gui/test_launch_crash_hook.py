"""The hook gui/launch.py installs for uncaught exceptions (issue 15 moved it there, so that the
dialogs' module is imported only when an exception arrives, not before the unlock screen)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel

from reviewer_app.errors import UserError
from reviewer_app.gui import crash_dialog, launch
from reviewer_app.gui.crash_dialog import CrashDialog


def _caught(err: BaseException) -> BaseException:
    try:
        raise err
    except BaseException as caught:  # handed to the hook as Python would
        return caught


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> launch.ExceptHook:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(launch, "_log_hint", launch.crash_log_hint())  # restored afterwards
    return launch.install_crash_handler("/home/reviewer/logs/reviewer-app.log")


def test_a_bug_opens_the_crash_dialog_naming_the_log_installed(
    qtbot, hook: launch.ExceptHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def record(dialog: CrashDialog) -> int:
        shown.append(" ".join(label.text() for label in dialog.findChildren(QLabel)))
        return 0

    monkeypatch.setattr(CrashDialog, "exec", record)
    err = _caught(KeyError("NHS 943 476 5919"))
    hook(type(err), err, err.__traceback__)
    assert sys.excepthook is hook
    assert len(shown) == 1
    assert "/home/reviewer/logs/reviewer-app.log" in shown[0]
    assert "5919" not in shown[0]


def test_a_user_error_gets_the_plain_dialog_not_the_crash_dialog(
    qtbot, hook: launch.ExceptHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain: list[str] = []
    monkeypatch.setattr(
        crash_dialog, "show_user_error", lambda err, parent=None: plain.append(str(err))
    )
    monkeypatch.setattr(CrashDialog, "exec", lambda self: pytest.fail("not a bug"))
    err = _caught(UserError("The shared folder is not reachable."))
    hook(type(err), err, err.__traceback__)
    assert plain == ["The shared folder is not reachable."]
