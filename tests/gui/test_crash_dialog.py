"""Bugs get a copyable report without the error's message; user errors a plain dialog."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QGuiApplication

from reviewer_app.errors import UserError
from reviewer_app.gui import crash_dialog
from reviewer_app.gui.crash_dialog import CrashDialog, crash_report, report_exception
from reviewer_app.logging_setup import configure_logging

SECRET = "QUIXOTEFAMILY 943 476 5919"


def _raise_bug() -> None:
    raise ValueError(f"could not parse {SECRET}")


def _caught() -> BaseException:
    try:
        _raise_bug()
    except ValueError as err:
        return err
    raise AssertionError("unreachable")


def test_report_names_type_and_frames_never_the_message() -> None:
    err = _caught()
    report = crash_report(type(err), err.__traceback__)
    assert "builtins.ValueError" in report
    assert "test_crash_dialog.py" in report and "_raise_bug" in report
    assert "QUIXOTEFAMILY" not in report and "5919" not in report
    assert "could not parse" not in report


def test_dialog_report_is_copyable(qtbot) -> None:
    err = _caught()
    dialog = CrashDialog(crash_report(type(err), err.__traceback__), "/tmp/log")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == dialog.report.toPlainText()
    assert "QUIXOTEFAMILY" not in dialog.report.toPlainText()


def test_bug_goes_to_the_log_without_its_message(qtbot, tmp_path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(CrashDialog, "exec", lambda self: shown.append(self.report.toPlainText()))
    log_file = configure_logging(tmp_path)
    err = _caught()
    report_exception(err)
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "ValueError" in text and "_raise_bug" in text
    assert "QUIXOTEFAMILY" not in text and "could not parse" not in text
    assert len(shown) == 1 and "ValueError" in shown[0]


def test_user_errors_get_a_plain_dialog_with_their_message(qtbot, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        crash_dialog, "show_user_error", lambda err, parent=None: shown.append(str(err))
    )
    monkeypatch.setattr(CrashDialog, "exec", lambda self: pytest.fail("not a bug"))
    report_exception(UserError("The shared folder is not reachable. Check the VPN."))
    assert shown == ["The shared folder is not reachable. Check the VPN."]
    box = crash_dialog.user_error_box(UserError("Check the VPN."))
    qtbot.addWidget(box)
    assert box.text() == "Check the VPN."


def test_excepthook_routes_bugs_to_the_crash_dialog(qtbot, monkeypatch) -> None:
    seen: list[str] = []
    monkeypatch.setattr(CrashDialog, "exec", lambda self: seen.append(self.report.toPlainText()))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    hook = crash_dialog.install_crash_handler("the log")
    err = _caught()
    hook(type(err), err, err.__traceback__)
    assert len(seen) == 1 and "QUIXOTEFAMILY" not in seen[0]
