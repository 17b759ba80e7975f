"""The shared folder's naming rules, listing and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer_app.errors import UserError
from reviewer_app.services.shared_drive.folder import (
    pack_file_name,
    request_file_name,
    return_file_name,
    waiting_packs,
    write_into,
)


def test_names_say_whose_file_it_is_and_in_what_order() -> None:
    assert request_file_name("Dr Ann O'Neill") == "enrolment-request-dr-ann-o-neill.json"
    assert request_file_name("  ") == "enrolment-request-reviewer.json"
    assert pack_file_name("R01", 1) == "assignment-R01-0001.p7m"
    assert return_file_name("R01", 3) == "return-R01-0003.p7m"


def test_waiting_packs_are_the_pack_files_newest_first(tmp_path: Path) -> None:
    old, new = tmp_path / "a.p7m", tmp_path / "b.p7m"
    old.write_bytes(b"1")
    new.write_bytes(b"2")
    os.utime(old, (1_000_000, 1_000_000))
    (tmp_path / "notes.txt").write_text("x")
    (tmp_path / "folder.p7m").mkdir()
    assert waiting_packs(tmp_path) == [new, old]
    assert waiting_packs(None) == []
    assert waiting_packs(tmp_path / "gone") == []


def test_write_into_writes_whole_files_and_refuses_a_missing_folder(tmp_path: Path) -> None:
    target = write_into(tmp_path, "enrolment-request-ann.json", b"{}", what="request")
    assert target == tmp_path / "enrolment-request-ann.json"
    assert target.read_bytes() == b"{}"
    assert [p.name for p in tmp_path.iterdir()] == [target.name], "no temporary file left"
    with pytest.raises(UserError, match="There is no folder"):
        write_into(tmp_path / "gone", "x.json", b"{}")
