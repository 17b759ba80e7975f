"""The study's shared folder (a network drive both sides can reach), as files and names.

Reviewer and coordinator exchange files through one folder: the reviewer leaves an
enrolment request, the coordinator leaves assignment packs, the reviewer later leaves return
bundles. The names say whose a file is and in what order, so a person looking at the folder
can tell them apart; the rules live here, once, for the GUI, the CLI and the coordinator.
Nothing here decrypts or checks a file: the packs and returns packages do that.

The folder is on a network share, read by others while we write, on laptops that lose Wi-Fi
mid-write: files are written atomically (``reviewer_app.atomic_file``), and a folder that
cannot be listed is reported as empty rather than as a crash.
"""

from __future__ import annotations

import re
from pathlib import Path

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.errors import UserError

SIGNED_SUFFIX = ".p7m"
"""Packs and returns are CMS (signed, enveloped) files."""
PACK_PATTERN = f"*{SIGNED_SUFFIX}"


def _slug(text: str, fallback: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or fallback


def request_file_name(reviewer_name: str) -> str:
    """``enrolment-request-dr-ann-example.json``: the reviewer is not known by a ref yet."""
    return f"enrolment-request-{_slug(reviewer_name, 'reviewer')}.json"


def pack_file_name(reviewer_ref: str, sequence: int) -> str:
    """``assignment-R01-0001.p7m``: the coordinator's pack for one reviewer, in order."""
    return f"assignment-{reviewer_ref}-{sequence:04d}{SIGNED_SUFFIX}"


def return_file_name(reviewer_ref: str, sequence: int) -> str:
    """``return-R01-0003.p7m``: a reviewer's return bundle, in order."""
    return f"return-{reviewer_ref}-{sequence:04d}{SIGNED_SUFFIX}"


def waiting_packs(folder: Path | None) -> list[Path]:
    """The pack files in ``folder``, newest first (none when it is unset or unreachable)."""
    if folder is None or not folder.is_dir():
        return []
    try:
        found = [p for p in folder.glob(PACK_PATTERN) if p.is_file()]
        return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:  # the share went away while listing
        return []


def write_into(folder: Path, name: str, data: bytes, what: str = "file") -> Path:
    """Write ``data`` as ``folder/name`` atomically; returns the path written.

    ``what`` names the file in messages ("request").

    Refuses (``UserError``, in words for the person) a folder that does not exist or cannot
    be written, rather than creating folders on a share the user may have mistyped.
    """
    if not folder.is_dir():
        raise UserError(f"There is no folder {folder}. Choose a folder that exists.")
    target = folder / name
    try:
        atomic_write_bytes(target, data)
    except OSError:
        raise UserError(
            f"The {what} could not be saved in {folder}. Check that the folder is reachable "
            "and that you may write there, or choose another folder."
        ) from None
    return target
