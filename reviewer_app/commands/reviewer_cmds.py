"""Reviewer commands: identity, pack import, returning signed reviews, checking the workspace.

The workspace passphrase comes from ``REVIEWER_APP_PASSPHRASE`` or a prompt; the passphrase
of an exported identity from ``REVIEWER_APP_EXPORT_PASSPHRASE`` or a prompt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import (
    EXPORT_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    add_command,
    add_group,
    add_workspace_option,
    open_session,
    read_passphrase,
    require_workspace,
    workspace_and_passphrase,
    workspace_dir,
)
from reviewer_app.errors import UsageError, UserError
from reviewer_app.paths import AppPaths
from reviewer_app.user_files import read_user_file

__all__ = ["EXPORT_PASSPHRASE_ENV", "register"]


def cmd_identity_create(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage import keys

    folder = workspace_dir(args, paths)
    if not args.email.strip():
        raise UsageError("Give your email address with --email: your certificate carries it.")
    if Workspace.exists_in(folder):
        session = open_session(args, paths)
    else:
        passphrase = read_passphrase(
            PASSPHRASE_ENV, "Choose a passphrase for your new workspace", confirm=True
        )
        session = ReviewerSession.create(folder, passphrase, kdf=keys.PRODUCTION_KDF)
        print(f"Workspace created in {session.folder}")
    with session:
        session.create_identity(
            name=args.name,
            profession=args.profession,
            registration=args.registration,
            email=args.email,
            request_out=Path(args.request_out).expanduser(),
        )
        fingerprint = session.key_fingerprint()
    print(f"Your identity is created. Send {args.request_out} to the study coordinator.")
    print("Your key fingerprint (the coordinator will read it back to you):")
    print(fingerprint)
    return 0


def cmd_identity_export(args: argparse.Namespace, paths: AppPaths) -> int:
    with open_session(args, paths) as session:
        session.check_exportable()
        passphrase = read_passphrase(
            EXPORT_PASSPHRASE_ENV, "Passphrase to protect the exported identity", confirm=True
        )
        session.export_identity(passphrase, Path(args.out).expanduser())
    print(f"Identity exported to {args.out}. Keep the file and its passphrase safe.")
    return 0


def _ask_trust(fingerprint: str, study_name: str) -> bool:
    print(f"This is the first pack from the study {study_name!r}.")
    print("Its study authority fingerprint is:")
    print(f"  {fingerprint}")
    print("Compare it with the fingerprint the coordinator read out to you.")
    answer = input("Does it match exactly? [y/N] ")
    return answer.strip().lower() in {"y", "yes"}


def cmd_import(args: argparse.Namespace, paths: AppPaths) -> int:
    data = read_user_file(Path(args.pack).expanduser(), "assignment pack")
    with open_session(args, paths) as session:
        preview = session.preview_pack(data)
        trust = args.trust_fingerprint
        if not preview.trusted and trust is None:
            if not sys.stdin.isatty():
                raise UserError(
                    "This is the first pack from this study: confirm its fingerprint "
                    f"({preview.root_fingerprint}) with the coordinator, then run again with "
                    "--trust-fingerprint. Nothing has been changed."
                )
            if not _ask_trust(preview.root_fingerprint, preview.study_name):
                raise UserError(
                    "Not imported: the fingerprint was not confirmed. Call the coordinator. "
                    "Nothing has been changed."
                )
            trust = preview.root_fingerprint
        report = session.import_pack(data, trust_fingerprint=trust)
    for line in report.summary_lines():
        print(line)
    return 0


def _return_folder(args: argparse.Namespace, paths: AppPaths) -> Path:
    """``--to``, else the shared folder chosen in Settings; checked before any passphrase."""
    from reviewer_app.services.shared_drive.settings_file import shared_folder_setting

    folder = Path(args.to).expanduser() if args.to else shared_folder_setting(paths.settings_file)
    if folder is None:
        raise UserError(
            "No shared folder is set: give the folder to return to with --to FOLDER, or "
            "choose the shared folder in the app's Settings. Nothing was returned."
        )
    if not folder.is_dir():
        raise UserError(
            f"There is no folder {folder} (or it cannot be reached). Check that the shared "
            "drive is connected, or give another folder with --to. Nothing was returned."
        )
    return folder


def cmd_return(args: argparse.Namespace, paths: AppPaths) -> int:
    folder = _return_folder(args, paths)
    require_workspace(workspace_dir(args, paths))

    def show(done: int, total: int, label: str) -> None:
        if total > 0 and done > 0:
            print(f"  [{done}/{total}] {label}", file=sys.stderr)

    with open_session(args, paths) as session:
        report = session.return_reviews(folder, progress=show)
    for line in report.summary_lines():
        print(line)
    return 0


INTACT_EXIT = 0
NOT_INTACT_EXIT = 1


def cmd_check(args: argparse.Namespace, paths: AppPaths) -> int:
    """Report the audit chain, the database file and every signature's sealed head and
    content; exit 1 when any fails. Opens the workspace without the unlock refusal (that is
    what this command is for) and changes nothing."""
    from reviewer_app.services.integrity.checks import check_workspace
    from reviewer_app.services.workspace import Workspace

    folder, passphrase = workspace_and_passphrase(args, paths)
    with Workspace.unlock(folder, passphrase, check_integrity=False) as workspace:
        report = check_workspace(workspace.db, contents=True)
    print(f"Workspace {folder}")
    for line in report.lines():
        print(line)
    return INTACT_EXIT if report.ok else NOT_INTACT_EXIT


def register(subparsers: Any) -> None:
    check = add_command(
        subparsers,
        "check",
        cmd_check,
        "check the workspace: its audit trail's hash chain, the database file, and that every "
        "signed summary's sealed audit head and content still match; exit 1 if any fails",
        passphrases=(PASSPHRASE_ENV,),
    )
    check.epilog = (
        f"Exit status: {INTACT_EXIT} intact; {NOT_INTACT_EXIT} not intact (the report says "
        "what; restore the workspace from a backup and tell the study coordinator) or it "
        f"could not be opened. {check.epilog or ''}"
    ).strip()
    add_workspace_option(check)
    _ident, sub = add_group(
        subparsers,
        "identity",
        "your reviewer identity: create it, export it",
        "Your reviewer identity (key pair kept inside your encrypted workspace). The workspace "
        f"passphrase is read from {PASSPHRASE_ENV} or asked for.",
    )
    _register_identity_create(sub)
    export = add_command(
        sub,
        "export",
        cmd_identity_export,
        "export your identity (key, certificate, study root) as a PKCS#12 file",
        passphrases=(PASSPHRASE_ENV, EXPORT_PASSPHRASE_ENV),
    )
    add_workspace_option(export)
    export.add_argument(
        "--out", required=True, metavar="FILE.p12", help="where to write the PKCS#12 file"
    )
    _register_import_and_return(subparsers)


def _register_import_and_return(subparsers: Any) -> None:
    imp = add_command(
        subparsers,
        "import",
        cmd_import,
        "import an assignment pack",
        passphrases=(PASSPHRASE_ENV,),
    )
    imp.add_argument("pack", metavar="PACK", help="the assignment pack (.p7m) to import")
    add_workspace_option(imp)
    imp.add_argument(
        "--trust-fingerprint",
        metavar="FP",
        help="the study authority fingerprint the coordinator read out (first pack only)",
    )
    back = add_command(
        subparsers,
        "return",
        cmd_return,
        "return your signed reviews (encrypted) to the coordinator's shared folder",
        passphrases=(PASSPHRASE_ENV,),
    )
    add_workspace_option(back)
    back.add_argument(
        "--to",
        metavar="FOLDER",
        help="the shared folder to write to (default: the shared folder in the app's Settings)",
    )


def _register_identity_create(sub: Any) -> None:
    """``identity create``: the details the certificate will carry, and where the request goes."""
    create = add_command(
        sub,
        "create",
        cmd_identity_create,
        "create your key pair and enrolment request (and the workspace, if there is none)",
        passphrases=(PASSPHRASE_ENV,),
    )
    add_workspace_option(create)
    create.add_argument("--name", required=True, help="your name as it should appear on signatures")
    create.add_argument(
        "--profession",
        required=True,
        choices=("doctor", "nurse", "other"),
        help="your profession: doctor, nurse or other",
    )
    create.add_argument(
        "--registration", required=True, help='your professional registration, e.g. "GMC 1234567"'
    )
    create.add_argument(
        "--email", required=True, help="your email address (written into your certificate)"
    )
    create.add_argument(
        "--request-out",
        required=True,
        metavar="FILE",
        help="where to write the enrolment request for the coordinator",
    )
