"""Signed PDF summaries: sign, co-sign, save the stored signed PDF, verify any PDF.

``reviewer-app sign CASE_REF --acknowledge CODE...`` signs the case's current review version
(the passphrase, from ``REVIEWER_APP_PASSPHRASE`` or a prompt, both opens the workspace and
confirms the signature). ``cosign`` adds a co-reviewer's signature from their exported
identity (its passphrase from ``REVIEWER_APP_COSIGNER_PASSPHRASE`` or a prompt). ``pdf``
writes the STORED signed summary (never a re-rendered one). ``verify`` checks every
signature in a PDF and exits 0 only when the file passes; it needs no workspace.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import (
    PASSPHRASE_ENV,
    add_command,
    add_workspace_option,
    read_passphrase,
    workspace_dir,
)
from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.paths import AppPaths

COSIGNER_PASSPHRASE_ENV = "REVIEWER_APP_COSIGNER_PASSPHRASE"
MAX_INPUT_BYTES = 64 * 1024 * 1024

IDENTIFIABLE_REMINDER = (
    "Reminder: this summary is an identifiable clinical document. Store and share it only "
    "through approved routes, and delete local copies you no longer need."
)


def _read_file(path: Path, what: str) -> bytes:
    try:
        if path.stat().st_size > MAX_INPUT_BYTES:
            raise UserError(f"{path} is far too large to be {what}.")
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not {what}.") from None
    except OSError as err:
        raise UserError(f"{path} could not be read ({err.strerror}).") from None


def _open(args: argparse.Namespace, paths: AppPaths) -> tuple[Any, str]:
    from reviewer_app.services.workspace import Workspace

    passphrase = read_passphrase(PASSPHRASE_ENV, "Workspace passphrase")
    return Workspace.unlock(workspace_dir(args, paths), passphrase), passphrase


def _latest_review_id(workspace: Any, case_ref: str) -> int:
    from reviewer_app.storage.reviews import ReviewStore

    review = ReviewStore(workspace.db).latest(case_ref)
    if review is None:
        raise NotFoundError(f"Case {case_ref} has no review in this workspace yet.")
    return int(review.id)


def cmd_sign(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.signoff import SignoffService

    workspace, passphrase = _open(args, paths)
    with workspace:
        service = SignoffService(workspace)
        review_id = _latest_review_id(workspace, args.case_ref)
        check = service.check(review_id)
        for warning in check.warnings:
            mark = "acknowledged" if warning.code in args.acknowledge else "NOT acknowledged"
            print(f"Warning {warning.code} ({mark}): {warning.message}", file=sys.stderr)
        result = service.sign(review_id, passphrase, tuple(args.acknowledge))
    print(
        f"Signed case {args.case_ref} version {result.review.version}. "
        f"Review content SHA-256: {result.content_sha256}. "
        "The signed summary and the taskforce copy are stored in the workspace."
    )
    return 0


def cmd_cosign(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.signoff import SignoffService

    data = _read_file(Path(args.identity).expanduser(), "an exported identity")
    workspace, _ = _open(args, paths)
    with workspace:
        service = SignoffService(workspace)
        review_id = _latest_review_id(workspace, args.case_ref)
        co_passphrase = read_passphrase(COSIGNER_PASSPHRASE_ENV, "Co-reviewer's passphrase")
        slot = service.add_cosigner(data, co_passphrase)
        try:
            result = service.cosign(review_id, slot.id, co_passphrase)
        finally:
            service.remove_cosigner(slot.id)
    print(
        f"Co-signed case {args.case_ref} version {result.review.version} as {slot.name}. "
        "The co-reviewer's identity was removed from this workspace again."
    )
    return 0


def cmd_pdf(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.atomic_file import atomic_write_bytes
    from reviewer_app.services.signoff import SignoffService
    from reviewer_app.storage.signatures import DocumentKind

    kind = DocumentKind.TASKFORCE if args.taskforce_copy else DocumentKind.FULL
    out = Path(args.out).expanduser()
    workspace, _ = _open(args, paths)
    with workspace:
        document = SignoffService(workspace).document(args.case_ref, kind, args.version)
    try:
        atomic_write_bytes(out, document.pdf)
    except OSError as err:
        raise UserError(f"The summary could not be written to {out} ({err.strerror}).") from None
    what = "taskforce copy" if args.taskforce_copy else "signed summary"
    print(
        f"Wrote the {what} of case {args.case_ref} version {document.version} "
        f"({document.signature_count} signature(s)) to {out}."
    )
    if not args.taskforce_copy:
        print(IDENTIFIABLE_REMINDER, file=sys.stderr)
    return 0


def cmd_verify(args: argparse.Namespace, paths: AppPaths) -> int:
    del paths
    from reviewer_app.services.authority import load_certificate
    from reviewer_app.services.pades import describe, verify_pdf

    root = None
    if args.trust:
        root = load_certificate(_read_file(Path(args.trust).expanduser(), "a certificate"))
    data = _read_file(Path(args.file).expanduser(), "a PDF")
    result = verify_pdf(data, root)
    for line in describe(result):
        print(line)
    return 0 if result.ok else 1


def register(subparsers: Any) -> None:
    sign = add_command(
        subparsers,
        "sign",
        cmd_sign,
        "sign a case's current review version (scripted sign-off; passphrase from "
        f"{PASSPHRASE_ENV})",
    )
    sign.add_argument("case_ref", metavar="CASE_REF")
    add_workspace_option(sign)
    sign.add_argument(
        "--acknowledge",
        metavar="CODE",
        nargs="*",
        default=[],
        help="warning codes you have read and accept (every warning must be acknowledged)",
    )

    cosign = add_command(
        subparsers,
        "cosign",
        cmd_cosign,
        "add a co-reviewer's signature from their exported identity (PKCS#12; passphrase "
        f"from {COSIGNER_PASSPHRASE_ENV})",
    )
    cosign.add_argument("case_ref", metavar="CASE_REF")
    add_workspace_option(cosign)
    cosign.add_argument("--identity", metavar="FILE.p12", required=True)

    pdf = add_command(
        subparsers,
        "pdf",
        cmd_pdf,
        "write a case's stored signed PDF summary to a file",
    )
    pdf.add_argument("case_ref", metavar="CASE_REF")
    add_workspace_option(pdf)
    pdf.add_argument("--out", metavar="FILE", required=True, help="where to write the PDF")
    pdf.add_argument(
        "--taskforce-copy",
        action="store_true",
        help="the copy without direct identifiers (for the taskforce)",
    )
    pdf.add_argument(
        "--version", type=int, metavar="N", help="an earlier signed version (default: latest)"
    )

    verify = add_command(
        subparsers,
        "verify",
        cmd_verify,
        "check every signature in a PDF; exit 0 only if all hold (see --trust)",
    )
    verify.add_argument("file", metavar="FILE.pdf")
    verify.add_argument(
        "--trust",
        metavar="ROOT_CERT",
        help="the study root certificate (PEM or DER) every signer must chain to",
    )
