"""Which packs in the shared folder are new for the workspace (shared_drive/waiting.py).

A fake session stands for ``ReviewerSession.preview_pack`` (the real opening is tested in
tests/unit/packs): it answers by the file's bytes and records each pack it was asked to open,
and a spy on ``Path.read_bytes`` records each file read, so "not opened again" is seen from
outside.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewer_app.errors import NetworkDriveError, ReadOnlyError, UserError
from reviewer_app.services.shared_drive.waiting import WaitingPacks
from reviewer_app.storage.database import DatabaseLockedError, DiskFullError, StorageIOError

ONE = "assignment-R01-0001.p7m"
TWO = "assignment-R01-0002.p7m"
OTHER = "assignment-R02-0001.p7m"
DAMAGED = "assignment-R01-0009.p7m"


@dataclass(frozen=True)
class Preview:
    already_imported: bool


@dataclass
class Session:
    """Opens packs as ``ReviewerSession.preview_pack`` answers: refuses another reviewer's
    pack and a damaged file (``UserError``), says whether the rest were imported."""

    imported: set[bytes] = field(default_factory=lambda: {b"pack one"})
    opened: list[bytes] = field(default_factory=list)

    def preview_pack(self, data: bytes) -> Preview:
        self.opened.append(data)
        if data in (b"someone else's", b"damaged"):
            raise UserError("This assignment pack was not made for you.")
        return Preview(already_imported=data in self.imported)

    def import_pack(self, data: bytes) -> None:
        self.imported.add(data)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / ONE).write_bytes(b"pack one")  # imported already
    (folder / TWO).write_bytes(b"pack two")  # new
    (folder / OTHER).write_bytes(b"someone else's")
    (folder / DAMAGED).write_bytes(b"damaged")
    (folder / "notes.txt").write_bytes(b"not a pack")
    return folder


class Reads(list[str]):
    """The names of the files read; a name in ``unreadable`` fails as a lost share does."""

    def __init__(self) -> None:
        super().__init__()
        self.unreadable: set[str] = set()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Reads:
    seen = Reads()
    real = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        seen.append(path.name)
        if path.name in seen.unreadable:
            raise OSError("the network name is no longer available")
        return real(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    return seen


def names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def rewrite(path: Path, data: bytes, *, mtime_ns: int | None = None) -> None:
    path.write_bytes(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def test_only_a_new_pack_this_workspace_opens_is_counted(shared: Path) -> None:
    session = Session()
    assert names(WaitingPacks(session).new_packs(shared)) == [TWO]
    assert sorted(session.opened) == sorted(
        [b"pack one", b"pack two", b"someone else's", b"damaged"]
    )  # every pack file opened once; notes.txt is not a pack


def test_a_second_count_opens_and_reads_no_unchanged_file(shared: Path, reads: Reads) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    assert names(waiting.new_packs(shared)) == [TWO]
    first_reads, first_opened = len(reads), len(session.opened)
    assert first_reads == 4 and first_opened == 4
    assert names(waiting.new_packs(shared)) == [TWO]
    assert names(waiting.new_packs(shared)) == [TWO]
    assert len(reads) == first_reads and len(session.opened) == first_opened


def test_another_reviewers_pack_and_a_damaged_file_are_not_opened_again(
    shared: Path, reads: Reads
) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    waiting.new_packs(shared)
    waiting.new_packs(shared)
    assert reads.count(OTHER) == 1 and reads.count(DAMAGED) == 1
    assert session.opened.count(b"someone else's") == 1


def test_a_rewritten_file_is_read_again(shared: Path, reads: Reads) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    assert names(waiting.new_packs(shared)) == [TWO]
    stat = (shared / OTHER).stat()
    # another size: the coordinator replaced the damaged file with a good pack
    rewrite(shared / DAMAGED, b"pack nine!", mtime_ns=stat.st_mtime_ns)
    # the same size, a new time: the pack left for another reviewer is now ours
    rewrite(shared / OTHER, b"pack three" + b"." * 4, mtime_ns=stat.st_mtime_ns + 1_000_000)
    assert len(b"pack three" + b"." * 4) == stat.st_size
    assert sorted(names(waiting.new_packs(shared))) == sorted([TWO, OTHER, DAMAGED])
    assert reads.count(DAMAGED) == 2 and reads.count(OTHER) == 2
    assert reads.count(ONE) == 1 and reads.count(TWO) == 1


def test_a_new_file_is_read_and_a_deleted_one_forgotten(shared: Path, reads: Reads) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    waiting.new_packs(shared)
    stamp = (shared / ONE).stat().st_mtime_ns
    (shared / "assignment-R01-0003.p7m").write_bytes(b"pack three")
    (shared / ONE).unlink()
    assert sorted(names(waiting.new_packs(shared))) == sorted([TWO, "assignment-R01-0003.p7m"])
    # the same name back, the same size and time, other bytes: it was forgotten, so read again
    rewrite(shared / ONE, b"pack six", mtime_ns=stamp)
    assert ONE in names(waiting.new_packs(shared))
    assert reads.count(ONE) == 2


def test_after_an_import_the_count_drops_without_the_file_changing(
    shared: Path, reads: Reads
) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    assert names(waiting.new_packs(shared)) == [TWO]
    session.import_pack(b"pack two")
    waiting.imported()
    assert waiting.new_packs(shared) == []
    # what was new or refused is opened again (the import pinned a root, stored a
    # certificate); what was imported already is not
    assert reads.count(TWO) == 2 and reads.count(OTHER) == 2 and reads.count(ONE) == 1
    reads.clear()
    assert waiting.new_packs(shared) == [] and reads == []


def test_a_count_that_overlapped_an_import_keeps_nothing_it_saw(shared: Path) -> None:
    """The count runs on a pool thread; the import is said on the GUI thread meanwhile."""
    session = Session()
    waiting = WaitingPacks(session)
    real = session.preview_pack

    def import_midway(data: bytes) -> Preview:
        preview = real(data)
        if data == b"pack two":  # opened as new, then imported before the count ends
            session.import_pack(data)
            waiting.imported()
        return preview

    session.preview_pack = import_midway  # type: ignore[method-assign]
    assert names(waiting.new_packs(shared)) == [TWO]  # what that count saw
    session.preview_pack = real  # type: ignore[method-assign]
    assert waiting.new_packs(shared) == []  # not its stale "new"


def test_no_folder_a_missing_folder_and_an_unreadable_file_count_nothing(
    shared: Path, reads: Reads
) -> None:
    session = Session()
    waiting = WaitingPacks(session)
    assert waiting.new_packs(None) == []
    assert waiting.new_packs(shared / "gone") == []
    reads.unreadable.add(TWO)
    assert waiting.new_packs(shared) == []
    assert b"pack two" not in session.opened
    reads.unreadable.clear()
    assert names(waiting.new_packs(shared)) == [TWO]  # not remembered as unreadable


def test_another_folder_is_not_answered_from_the_first(shared: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    other.mkdir()
    stamp = (shared / TWO).stat().st_mtime_ns
    rewrite(other / TWO, b"pack one", mtime_ns=stamp)  # same name, size and time: imported
    session = Session()
    waiting = WaitingPacks(session)
    assert names(waiting.new_packs(shared)) == [TWO]
    assert waiting.new_packs(other) == []
    assert names(waiting.new_packs(shared)) == [TWO]


def test_a_bug_in_opening_is_not_taken_for_a_refusal(shared: Path) -> None:
    class Broken(Session):
        def preview_pack(self, data: bytes) -> Preview:
            raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        WaitingPacks(Broken()).new_packs(shared)


@pytest.mark.parametrize(
    "passing",
    [
        DatabaseLockedError("The workspace is busy."),
        StorageIOError("The disk could not be read."),
        NetworkDriveError("The shared drive went away."),
        DiskFullError("The disk is full."),
        ReadOnlyError("The workspace is read-only just now."),
        OSError("the network name is no longer available"),
    ],
)
def test_a_passing_failure_to_open_is_tried_again_at_the_next_count(
    shared: Path, passing: Exception
) -> None:
    """The workspace busy for a moment, the disk or the drive in trouble: the pack is not
    counted that time and not remembered as refused, so the next count finds it new."""

    class Busy(Session):
        fail = True

        def preview_pack(self, data: bytes) -> Preview:
            if data == b"pack two" and self.fail:
                self.fail = False
                raise passing
            return super().preview_pack(data)

    session = Busy()
    waiting = WaitingPacks(session)
    assert waiting.new_packs(shared) == []
    assert names(waiting.new_packs(shared)) == [TWO]
    assert names(waiting.new_packs(shared)) == [TWO]
    assert session.opened.count(b"pack two") == 1  # opened once it opened, then remembered
