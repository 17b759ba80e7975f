"""The helpers every command shares (commands/common.py): writing a file the user named, and
printing a result as JSON or as lines."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

from reviewer_app.commands.common import print_result, written_or_refused
from reviewer_app.errors import UserError


def test_a_write_that_works_gives_back_what_it_wrote(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    assert written_or_refused(out, lambda: out.write_text("a,b\n")) == 4
    assert out.read_text() == "a,b\n"


def test_a_write_the_disk_refuses_is_one_clear_line_naming_the_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"

    def full() -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(UserError) as caught:
        written_or_refused(out, full)
    assert str(caught.value) == (
        f"{out} could not be written: No space left on device. "
        "Check the folder exists and you may write to it."
    )


def test_an_error_that_is_not_the_disks_is_not_hidden(tmp_path: Path) -> None:
    def broken() -> int:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        written_or_refused(tmp_path / "x", broken)


def test_a_result_prints_as_json_or_as_lines(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"ref": "É-1", "n": 2}]
    assert print_result(True, rows, lambda r: r, lambda r: ["unused"]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == rows and "É-1" in out and out.endswith("}\n]\n")
    assert print_result(False, rows, lambda r: 1 / 0, lambda r: [f"{x['ref']}" for x in r]) == 0
    assert capsys.readouterr().out == "É-1\n"
