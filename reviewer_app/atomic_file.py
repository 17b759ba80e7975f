"""Write a file so that readers see the old content or the new, never half of either.

Packs, returns and exports live on a shared network drive that other people read while we
write, and laptops lose power or Wi-Fi mid-write. So: write a temporary file in the same
folder (a rename is only atomic within one file system), flush it to disk, rename it over
the target, then flush the folder entry so the rename itself survives a crash.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

NEW_FILE_MODE = 0o644
"""Mode of a newly created file; the temp file would otherwise keep mkstemp's 0600."""

_REPLACE_ATTEMPTS = 5
_REPLACE_PAUSE_S = 0.1


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes, mode: int | None = None) -> None:
    """Replace ``path`` with ``data`` atomically.

    ``mode`` defaults to the existing file's mode, or :data:`NEW_FILE_MODE` for a new file;
    pass ``0o600`` for secrets. On failure the target is untouched, no temporary file is
    left behind, and the ``OSError`` propagates for the caller to explain to the user.
    """
    target = Path(path)
    folder = target.parent
    if mode is None:
        try:
            mode = target.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = NEW_FILE_MODE
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if sys.platform != "win32":
            temp.chmod(mode)
        _replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    fsync_folder(folder)


def _replace(source: Path, target: Path) -> None:
    """os.replace, retried briefly: on Windows a reader (or a virus scanner) holding the
    target open makes the rename fail with PermissionError for a moment."""
    for attempt in range(_REPLACE_ATTEMPTS):
        try:
            source.replace(target)
            return
        except PermissionError:
            if attempt == _REPLACE_ATTEMPTS - 1:
                raise
            time.sleep(_REPLACE_PAUSE_S * (attempt + 1))


def fsync_folder(folder: Path) -> None:
    """Persist renames in ``folder`` (its directory entry), so they survive a power cut.

    Not possible on Windows or some network file systems: skipped there, since the rename
    itself has already happened and is all a reader needs.
    """
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
