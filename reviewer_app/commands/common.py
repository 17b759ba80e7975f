"""What every CLI command shares: passphrases, folders, the handler signature."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reviewer_app.errors import UserError
from reviewer_app.paths import AppPaths

PASSPHRASE_ENV = "REVIEWER_APP_PASSPHRASE"
STUDY_PASSPHRASE_ENV = "REVIEWER_APP_STUDY_PASSPHRASE"

Handler = Callable[[argparse.Namespace, AppPaths], int]


def read_passphrase(env_var: str, prompt: str, *, confirm: bool = False) -> str:
    """The passphrase from ``env_var``, else from a prompt; never from the command line."""
    value = os.environ.get(env_var)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(
            f"No passphrase given. Set {env_var} for scripted use, or run this in a terminal."
        )
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass("Type it again: ") != first:
        raise UserError("The two passphrases differ. Nothing was changed; try again.")
    return first


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR", help="the workspace folder (a local folder)")


def workspace_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.workspace).expanduser() if args.workspace else paths.default_workspace_dir


def demo_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.workspace).expanduser() if args.workspace else paths.data_dir / "demo"


def add_command(
    subparsers: Any, name: str, handler: Handler, help_text: str
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text
    )
    parser.set_defaults(handler=handler)
    return parser
