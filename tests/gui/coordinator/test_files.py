"""Where the coordinator's file dialogs open: the folder last chosen, or home; never the
folder the app was started from (a referral or the report saved there could land in a
program's or a repository's folder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from reviewer_app.gui.coordinator.files import Chooser


def test_a_dialog_opens_at_home_then_where_the_last_choice_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, studies = tmp_path / "home", tmp_path / "studies"
    monkeypatch.chdir(tmp_path)  # the folder the app was started from
    offered: list[str] = []

    def save(_parent: object, _title: str, start: str, _pattern: str) -> tuple[str, str]:
        offered.append(start)
        return str(studies / "report.pdf"), ""

    def folder(_parent: object, _title: str, start: str) -> str:
        offered.append(start)
        return str(studies / "exports")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)
    chooser = Chooser(home=home)
    saved = chooser.save_file(None, "Save the report", "PDF (*.pdf)", "taskforce-report.pdf")
    assert saved == studies / "report.pdf"
    assert offered == [str(home / "taskforce-report.pdf")]  # not the bare name: the app's folder
    assert chooser.folder(None, "Export the data into a folder") == studies / "exports"
    assert offered[1] == str(studies), "where the last file was saved"
    assert chooser.starting_point("appendix.pdf") == str(studies / "exports" / "appendix.pdf")


def test_an_absolute_start_is_kept_and_a_cancel_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: ("", ""))
    chooser = Chooser(home=tmp_path)
    absolute = str(tmp_path / "x" / "plan.csv")
    assert chooser.starting_point(absolute) == absolute
    assert chooser.open_file(None, "Import", "CSV (*.csv)") is None
    assert chooser.starting_point() == str(tmp_path)
    assert Chooser().starting_point() == str(Path.home())
