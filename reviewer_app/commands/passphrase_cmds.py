"""Changing a passphrase: ``change-passphrase`` (a workspace) and ``coordinator
change-passphrase STUDY``.

The current passphrase comes from ``REVIEWER_APP_PASSPHRASE`` (a workspace) or
``REVIEWER_APP_STUDY_PASSPHRASE`` (a study), else a prompt; the new one from
``REVIEWER_APP_NEW_PASSPHRASE``, else a prompt typed twice. Never from the command line.
"""

from __future__ import annotations

import argparse
from typing import Any

from reviewer_app.commands.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    STUDY_PASSPHRASE_ENV,
    add_command,
    add_study_command,
    add_workspace_option,
    existing_study_folder,
    read_passphrase,
    require_workspace,
    workspace_dir,
)
from reviewer_app.paths import AppPaths

__all__ = [
    "NEW_PASSPHRASE_ENV",
    "cmd_change_passphrase",
    "cmd_coordinator_change_passphrase",
    "register",
    "register_coordinator",
]
_KEEP_IT = (
    "Nobody can recover it if it is forgotten: write it down and keep it somewhere safe, "
    "away from this computer."
)


def _new_passphrase(what: str) -> str:
    return read_passphrase(NEW_PASSPHRASE_ENV, f"New {what} passphrase", confirm=True)


def cmd_change_passphrase(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.workspace import change_workspace_passphrase
    from reviewer_app.storage import keys

    folder = workspace_dir(args, paths)
    require_workspace(folder)
    old = read_passphrase(PASSPHRASE_ENV, "Current workspace passphrase")
    new = _new_passphrase("workspace")
    change_workspace_passphrase(folder, old, new, kdf=keys.PRODUCTION_KDF)
    print(f"The workspace passphrase was changed ({folder}). {_KEEP_IT}")
    return 0


def cmd_coordinator_change_passphrase(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.study import change_study_passphrase
    from reviewer_app.storage import keys

    folder = existing_study_folder(args)
    old = read_passphrase(STUDY_PASSPHRASE_ENV, "Current study passphrase")
    new = _new_passphrase("study")
    change_study_passphrase(folder, old, new, kdf=keys.PRODUCTION_KDF)
    print(f"The study passphrase was changed ({folder}). {_KEEP_IT}")
    return 0


def register(subparsers: Any) -> None:
    """``reviewer-app change-passphrase [--workspace DIR]``."""
    parser = add_command(
        subparsers,
        "change-passphrase",
        cmd_change_passphrase,
        "re-encrypt the workspace under a new passphrase",
        passphrases=(PASSPHRASE_ENV, NEW_PASSPHRASE_ENV),
    )
    add_workspace_option(parser)


def register_coordinator(coordinator_subparsers: Any) -> None:
    """``reviewer-app coordinator change-passphrase STUDY`` (the coordinator group's
    subparsers, as ``coordinator_cmds.register`` makes them)."""
    add_study_command(
        coordinator_subparsers,
        "change-passphrase",
        cmd_coordinator_change_passphrase,
        "re-encrypt the study (and its authority key) under a new passphrase",
        also=(NEW_PASSPHRASE_ENV,),
    )
