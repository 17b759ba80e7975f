"""Where the app keeps its files, and the check that a live database is on a local disk.

One ``AppPaths`` is built by the composition root and passed in (architecture.md, habit 10):
nothing here creates a folder at import time. Folders are per machine, never roaming: a
roaming profile is synchronised to a server, which is both a network location (see below) and a
copy of patient data the user did not ask for.

``ensure_local_folder`` refuses network locations because SQLite's write-ahead log relies on
shared memory and byte-range locks that network filesystems do not provide faithfully; a
database used there can be silently corrupted.

``sweep_open_copies`` empties the temp folder's viewer copies at start (see app.py).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import NamedTuple

from reviewer_app.errors import NetworkDriveError

log = logging.getLogger(__name__)

# platformdirs, subprocess and ctypes are imported where they are used, not here: this module
# is imported before the unlock screen is painted, and they cost ~7 ms there (issue 15). Only
# ``from_environment`` without ``$REVIEWER_APP_HOME`` needs platformdirs; only macOS and
# Windows need the other two. The classes are NamedTuples, not dataclasses, for the same reason.

APP_NAME = "reviewer-app"
APP_AUTHOR = "NHS"
HOME_ENV = "REVIEWER_APP_HOME"
SETTINGS_FILE = "settings.ini"
OPEN_COPIES_FOLDER = "open"
"""Under ``temp_dir``: where opened summary copies go (``gui.signing.summary_actions`` takes
the name from here, so start-up can sweep it without loading the printing modules)."""

# Filesystem types (as Linux's mountinfo and macOS's ``mount`` name them) that live on another
# machine. FUSE filesystems report "fuse.<name>".
NETWORK_FS_TYPES = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smbfs",
        "smb2",
        "smb3",
        "afpfs",
        "sshfs",
        "fuse.sshfs",
        "9p",
        "ncpfs",
        "davfs",
        "webdav",
        "fuse.rclone",
    }
)

_DRIVE_REMOTE = 4  # GetDriveTypeW's DRIVE_REMOTE


class AppPaths(NamedTuple):
    """The per-user folders the app writes to. Build with ``from_environment`` or directly."""

    data_dir: Path
    log_dir: Path
    cache_dir: Path
    temp_dir: Path
    config_dir: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> AppPaths:
        """Folders from platformdirs, or all under ``$REVIEWER_APP_HOME`` (tests, portable use)."""
        env = os.environ if environ is None else environ
        home = env.get(HOME_ENV)
        if home:
            root = Path(home).expanduser()
            return cls(
                data_dir=root / "data",
                log_dir=root / "log",
                cache_dir=root / "cache",
                temp_dir=root / "tmp",
                config_dir=root / "config",
            )
        import platformdirs

        dirs = platformdirs.PlatformDirs(APP_NAME, APP_AUTHOR, roaming=False)
        cache = Path(dirs.user_cache_dir)
        return cls(
            data_dir=Path(dirs.user_data_dir),
            log_dir=Path(dirs.user_log_dir),
            cache_dir=cache,
            temp_dir=cache / "tmp",
            config_dir=Path(dirs.user_config_dir),
        )

    @property
    def default_workspace_dir(self) -> Path:
        """Where a reviewer's workspace goes unless they choose another local folder."""
        return self.data_dir / "workspace"

    @property
    def settings_file(self) -> Path:
        """The preferences file (gui/settings.py): never patient data, so not encrypted."""
        return self.config_dir / SETTINGS_FILE

    def all_dirs(self) -> tuple[Path, ...]:
        return (self.data_dir, self.log_dir, self.cache_dir, self.temp_dir, self.config_dir)


def sweep_open_copies(temp_dir: Path) -> int:
    """Delete every file left in the viewer-copy folder by an earlier run. Returns how many.

    Best effort: a file a viewer still holds open (Windows) is left for the next start."""
    folder = temp_dir / OPEN_COPIES_FOLDER
    if not folder.is_dir() or folder.is_symlink():
        return 0
    removed = 0
    for path in folder.iterdir():
        if path.is_file() or path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()
                removed += 1
    if removed:
        log.info("deleted %d summary copies left by an earlier run", removed)
    return removed


# --- network location detection -----------------------------------------------------------


class Mount(NamedTuple):
    """One mounted filesystem: where it is mounted and its type."""

    mount_point: str
    fs_type: str
    source: str = ""


def _unescape_mountinfo(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as ``\\ooo`` octal."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def parse_mountinfo(text: str) -> list[Mount]:
    """Parse Linux ``/proc/self/mountinfo`` (see proc(5)); malformed lines are skipped."""
    mounts: list[Mount] = []
    for line in text.splitlines():
        left, sep, right = line.partition(" - ")
        if not sep:
            continue
        fields, tail = left.split(), right.split()
        if len(fields) < 5 or not tail:
            continue
        mounts.append(
            Mount(
                mount_point=_unescape_mountinfo(fields[4]),
                fs_type=tail[0],
                source=_unescape_mountinfo(tail[1]) if len(tail) > 1 else "",
            )
        )
    return mounts


_MACOS_MOUNT_LINE = re.compile(r"^(?P<source>.+?) on (?P<point>.+) \((?P<type>[^,)]+)")


def parse_macos_mount(text: str) -> list[Mount]:
    """Parse the output of macOS ``mount`` ("src on /point (smbfs, nodev, ...)")."""
    mounts: list[Mount] = []
    for line in text.splitlines():
        match = _MACOS_MOUNT_LINE.match(line.strip())
        if match:
            mounts.append(
                Mount(match.group("point"), match.group("type").strip(), match.group("source"))
            )
    return mounts


def read_mount_table() -> list[Mount]:
    """The current machine's mounts, best effort: an empty list when they cannot be read."""
    if sys.platform.startswith("linux"):
        try:
            return parse_mountinfo(Path("/proc/self/mountinfo").read_text(encoding="utf-8"))
        except OSError:
            return []
    if sys.platform == "darwin":
        import subprocess

        try:
            result = subprocess.run(
                ["/sbin/mount"], capture_output=True, text=True, timeout=5, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return []
        return parse_macos_mount(result.stdout)
    return []


def is_unc_path(path: str) -> bool:
    r"""True for ``\\server\share`` and ``//server/share``, including ``\\?\UNC\...``.

    ``\\?\C:\...`` and ``\\.\`` device paths are local.
    """
    normalised = path.replace("/", "\\")
    if normalised.upper().startswith("\\\\?\\UNC\\"):
        return True
    if normalised.startswith(("\\\\?\\", "\\\\.\\")):
        return False
    return normalised.startswith("\\\\") and len(normalised) > 2 and normalised[2] != "\\"


def _windows_drive_type(root: str) -> int:
    import ctypes

    windll = getattr(ctypes, "windll", None)
    if windll is None:  # not Windows
        return 0
    return int(windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))


def _nearest_existing(path: Path) -> Path:
    """The path itself or its closest existing ancestor, resolved (symlinks followed)."""
    candidate = path.absolute()
    while not candidate.exists() and candidate.parent != candidate:
        candidate = candidate.parent
    return candidate.resolve()


def _mount_for(path: str, mounts: Sequence[Mount]) -> Mount | None:
    """The mount whose mount point is the longest prefix of ``path``."""
    best: Mount | None = None
    parts = PurePath(path).parts
    for mount in mounts:
        point_parts = PurePath(mount.mount_point).parts
        if parts[: len(point_parts)] == point_parts and (
            best is None or len(point_parts) > len(PurePath(best.mount_point).parts)
        ):
            best = mount
    return best


def network_location_reason(
    path: Path | str,
    *,
    mounts: Sequence[Mount] | None = None,
    windows: bool | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> str | None:
    """Why ``path`` is on a network location, or None when it is local.

    ``mounts``, ``windows`` and ``drive_type`` default to the real machine; tests inject them.
    """
    text = str(path)
    if is_unc_path(text):
        return "a network share"
    on_windows = (os.name == "nt") if windows is None else windows
    if on_windows:
        drive = re.match(r"^([A-Za-z]):", text)
        if drive is None and windows is None:
            drive = re.match(r"^([A-Za-z]):", str(Path(text).absolute()))
        if drive:
            get_type = drive_type or _windows_drive_type
            if get_type(f"{drive.group(1).upper()}:\\") == _DRIVE_REMOTE:
                return f"a mapped network drive ({drive.group(1).upper()}:)"
        return None
    table = read_mount_table() if mounts is None else mounts
    resolved = str(_nearest_existing(Path(text))) if mounts is None else text
    mount = _mount_for(resolved, table)
    if mount is not None and mount.fs_type.lower() in NETWORK_FS_TYPES:
        return f"a network filesystem ({mount.fs_type})"
    return None


def ensure_local_folder(
    path: Path,
    what: str,
    *,
    mounts: Sequence[Mount] | None = None,
    windows: bool | None = None,
    drive_type: Callable[[str], int] | None = None,
) -> Path:
    """Create ``path`` if needed and return it, refusing a network location.

    ``what`` names the folder for the person reading the message ("the workspace folder").
    The check runs before creating anything (on the nearest existing ancestor) and again on
    the created folder, so a symlink into a network mount is caught too.
    """

    def refuse_network(candidate: Path) -> None:
        reason = network_location_reason(
            candidate, mounts=mounts, windows=windows, drive_type=drive_type
        )
        if reason:
            raise NetworkDriveError(
                f"{what[:1].upper()}{what[1:]} cannot be on {reason}: {path}. The database kept "
                "there can be damaged when it is stored on a network location. Choose a "
                "folder on this computer's own disk."
            )

    refuse_network(path)
    if mounts is not None:
        return path  # an injected mount table describes a notional machine: touch nothing
    path.mkdir(parents=True, exist_ok=True)
    resolved = path.resolve()
    refuse_network(resolved)
    return resolved
