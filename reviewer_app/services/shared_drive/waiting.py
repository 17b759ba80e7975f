"""Which packs in the shared folder are new for one workspace, without opening each every time.

The reviewer's window counts the new packs when it opens, at every unlock, whenever the File
menu opens and after an import. Opening a pack (reading it off a network drive, decrypting,
verifying) is the slow part, and the folder fills with old packs, so each file's verdict is
remembered against what the folder says of it, its name, size and modification time
(``st_mtime_ns``): a file unchanged since the last count is neither read nor opened again; a
new name or a changed file is; a file gone from the folder is forgotten.

A verdict is what opening the file said: the workspace imported it (that stays true), it opens
and is not imported yet (new), or it does not open for this workspace (another reviewer's
pack, another study's, a damaged file). Importing a pack changes the last two: the pack is now
imported, the study's root is pinned and the reviewer's certificate stored, which the checks
read. So :meth:`WaitingPacks.imported` forgets every verdict but "imported", and the next
count opens those files again. A file that cannot be read (the share went away) is not
counted and not remembered: it is read again next time.

Nothing here decrypts or checks a pack: the session's ``preview_pack`` does that (the packs
package). The counting runs on a pool thread while the GUI thread may say a pack was
imported, so the memory is guarded by a lock, and a count that overlapped an import keeps
nothing of what it saw.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, Protocol

from reviewer_app.errors import NetworkDriveError, ReadOnlyError, UserError
from reviewer_app.services.shared_drive.folder import waiting_packs
from reviewer_app.storage.database import DatabaseLockedError, DiskFullError, StorageIOError

# Refusals that say nothing about the pack, only about this moment (the workspace busy, the
# disk or the drive in trouble): such a file is not counted and not remembered, so the next
# count opens it again, as it does an unreadable one.
_PASSING = (DatabaseLockedError, DiskFullError, StorageIOError, NetworkDriveError, ReadOnlyError)


class PackPreviewer(Protocol):
    """What counting needs of the workspace (``ReviewerSession`` fits): open a pack without
    importing it, saying whether it was imported (``already_imported``), or refuse it with a
    ``UserError``."""

    def preview_pack(self, data: bytes) -> Any: ...


class Verdict(Enum):
    """What opening one pack file said, for this workspace."""

    NEW = "new"  # opens for this workspace and was not imported when it was opened
    IMPORTED = "imported"  # imported by this workspace: stays so
    REFUSED = "refused"  # another reviewer's or study's pack, or a damaged file


@dataclass(frozen=True)
class _Stamp:
    """What the folder says of a file: a change in any of them means it is read again."""

    size: int
    mtime_ns: int


def _stamp(path: Path) -> _Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return _Stamp(stat.st_size, stat.st_mtime_ns)


class WaitingPacks:
    """The new packs in the shared folder for one workspace, each file opened once while it
    stays unchanged. One per window; safe to call from a pool thread."""

    def __init__(self, session: PackPreviewer) -> None:
        self._session = session
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._known: dict[str, tuple[_Stamp, Verdict]] = {}
        self._generation = 0  # moves on at every import: a count that overlapped keeps nothing

    def new_packs(self, folder: Path | None) -> list[Path]:
        """The packs in ``folder`` this workspace opens and has not imported, newest first
        (none when the folder is unset or unreachable)."""
        paths = waiting_packs(folder)
        with self._lock:
            if folder != self._folder:
                self._folder, self._known = folder, {}
            generation, known = self._generation, dict(self._known)
        seen: dict[str, tuple[_Stamp, Verdict]] = {}
        found = []
        for path in paths:
            stamp = _stamp(path)  # before reading: a file rewritten meanwhile is read again
            if stamp is None:
                continue
            before = known.get(path.name)
            verdict = before[1] if before is not None and before[0] == stamp else self._open(path)
            if verdict is None:  # unreadable now: not counted, not remembered
                continue
            seen[path.name] = (stamp, verdict)
            if verdict is Verdict.NEW:
                found.append(path)
        with self._lock:
            if generation == self._generation and folder == self._folder:
                self._known = seen
        return found

    def imported(self) -> None:
        """The workspace imported a pack: what was new or refused is opened again next count."""
        with self._lock:
            self._generation += 1
            self._known = {
                name: seen for name, seen in self._known.items() if seen[1] is Verdict.IMPORTED
            }

    def _open(self, path: Path) -> Verdict | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        try:
            preview = self._session.preview_pack(data)
        except (*_PASSING, OSError):
            return None
        except UserError:
            return Verdict.REFUSED
        return Verdict.IMPORTED if getattr(preview, "already_imported", False) else Verdict.NEW
