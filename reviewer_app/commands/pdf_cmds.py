"""Signed PDF summaries: sign, co-sign, save the stored signed PDF, verify any PDF.

``reviewer-app sign CASE_REF --acknowledge CODE ...`` signs the case's current review
version (the passphrase, from ``REVIEWER_APP_PASSPHRASE`` or a prompt, both opens the
workspace and confirms the signature). ``cosign`` adds a co-reviewer's signature from their
exported identity (its passphrase from ``REVIEWER_APP_COSIGNER_PASSPHRASE`` or a prompt).
``pdf`` writes the STORED signed summary (never a re-rendered one); a full summary is an
identifiable clinical document and the taskforce copy is OFFICIAL-SENSITIVE (de-identified,
not anonymous), so either is written readable by you only (mode 0600).
``verify`` checks every signature in a PDF: exit 0 only when the file is intact AND every
signer chains to a trusted study root (``--trust`` or ``--workspace``); exit 3 when the file
is intact but no study root was given, so who signed was not checked; exit 4 when it verifies
but a reserved signature field (a joint review's co-reviewer) is still empty; exit 1 when it
is not intact.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import (
    COSIGNER_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    USES_WORKSPACE_ATTR,
    add_case_command,
    add_command,
    read_passphrase,
    require_workspace,
    workspace_and_passphrase,
)
from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.paths import AppPaths
from reviewer_app.user_files import read_user_file

MAX_INPUT_BYTES = 64 * 1024 * 1024
PRIVATE_FILE_MODE = 0o600
"""Mode of every summary written, full or taskforce copy (OFFICIAL-SENSITIVE): readable by
you only."""

VERIFIED_EXIT = 0
NOT_VERIFIED_EXIT = 1
"""Not intact, changed after signing, unsigned, untrusted signer, or unreadable input."""
SIGNER_NOT_CHECKED_EXIT = 3
"""Intact, but no study root was given, so who signed was not checked."""
AWAITING_SIGNATURE_EXIT = 4
"""Intact and every signer trusted, but a reserved signature field (e.g. the co-reviewer's
of a joint review) is not signed yet: the document is not complete."""

VERIFY_EPILOG = (
    f"Exit status: {VERIFIED_EXIT} verified (intact, and every signer chains to a trusted "
    f"study root); {NOT_VERIFIED_EXIT} not verified (or the file or certificate could not be "
    f"read); 2 usage error; {SIGNER_NOT_CHECKED_EXIT} intact but the signer NOT checked "
    "(no --trust or --workspace given: anyone can make a certificate carrying a reviewer's "
    f"name); {AWAITING_SIGNATURE_EXIT} verified so far, but a reserved signature field (a "
    "joint review's co-reviewer) is not signed yet."
)

IDENTIFIABLE_REMINDER = (
    "Reminder: this summary is an identifiable clinical document. Store and share it only "
    "through approved routes, and delete local copies you no longer need."
)


def _open(args: argparse.Namespace, paths: AppPaths) -> tuple[Any, str]:
    from reviewer_app.services.workspace import Workspace

    folder, passphrase = workspace_and_passphrase(args, paths)
    return Workspace.unlock(folder, passphrase), passphrase


def _latest_review_id(workspace: Any, case_ref: str) -> int:
    from reviewer_app.storage.workspace.cases import CaseStore
    from reviewer_app.storage.workspace.reviews import ReviewStore

    if not CaseStore(workspace.db).exists(case_ref):
        raise NotFoundError(
            f"There is no case {case_ref} in this workspace. Check the case reference "
            "(reviewer-app cases lists them)."
        )
    review = ReviewStore(workspace.db).latest(case_ref)
    if review is None:
        raise NotFoundError(
            f"Case {case_ref} has no review in this workspace yet. Open it and complete the "
            "review first."
        )
    return int(review.id)


def _every_problem(issues: Any) -> str:
    """Every validation problem that blocks signing, one per line (never just the first)."""
    lines = [f"This review cannot be signed yet: {len(issues)} problem(s) must be fixed first:"]
    for issue in issues:
        where = f"{issue.location}: " if issue.location else ""
        lines.append(f"  - {where}{issue.message}")
    lines.append("Nothing was signed.")
    return "\n".join(lines)


def cmd_sign(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.signing.rules import (
        SignoffRefusedError,
        ValidationBlocksSigningError,
    )
    from reviewer_app.services.signing.signoff import SignoffService

    acknowledged = tuple(args.acknowledge or ())
    workspace, passphrase = _open(args, paths)
    with workspace:
        service = SignoffService(workspace)
        review_id = _latest_review_id(workspace, args.case_ref)
        check = service.check(review_id)
        for warning in check.warnings:
            mark = "acknowledged" if warning.code in acknowledged else "NOT acknowledged"
            print(f"Warning {warning.code} ({mark}): {warning.message}", file=sys.stderr)
        try:
            result = service.sign(review_id, passphrase, acknowledged)
        except ValidationBlocksSigningError as err:
            raise SignoffRefusedError(_every_problem(err.issues)) from None
    print(
        f"Signed case {args.case_ref} version {result.review.version}. "
        f"Review content SHA-256: {result.content_sha256}. "
        "The signed summary and the taskforce copy are stored in the workspace."
    )
    return 0


def cmd_cosign(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.signing.signoff import SignoffService

    data = read_user_file(
        Path(args.identity).expanduser(), "exported identity", max_bytes=MAX_INPUT_BYTES
    )
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
    from reviewer_app.services.signing.signoff import SignoffService
    from reviewer_app.services.summary.taskforce import TASKFORCE_REMINDER
    from reviewer_app.storage.workspace.signatures import DocumentKind

    kind = DocumentKind.TASKFORCE if args.taskforce_copy else DocumentKind.FULL
    out = Path(args.out).expanduser()
    workspace, _ = _open(args, paths)
    with workspace:
        document = SignoffService(workspace).document(args.case_ref, kind, args.version)
    # Either copy is yours only (the taskforce copy is OFFICIAL-SENSITIVE too), even over an
    # existing file that was not.
    try:
        atomic_write_bytes(out, document.pdf, mode=PRIVATE_FILE_MODE)
    except OSError as err:
        raise UserError(f"The summary could not be written to {out} ({err.strerror}).") from None
    what = "taskforce copy" if args.taskforce_copy else "signed summary"
    print(
        f"Wrote the {what} of case {args.case_ref} version {document.version} "
        f"({document.signature_count} signature(s)) to {out}."
    )
    if args.taskforce_copy:
        print(f"Reminder: {TASKFORCE_REMINDER}", file=sys.stderr)
    else:
        print(IDENTIFIABLE_REMINDER, file=sys.stderr)
    return 0


def _trust_roots(args: argparse.Namespace) -> tuple[Any, ...] | None:
    """The study roots to check signers against: --trust file, --workspace, or None."""
    from reviewer_app.services.trust.anchors import read_trust_anchors, workspace_study_roots
    from reviewer_app.services.workspace import Workspace

    roots: list[Any] = []
    if args.trust:
        path = Path(args.trust).expanduser()
        roots += read_trust_anchors(
            read_user_file(path, "certificate", max_bytes=MAX_INPUT_BYTES), str(path)
        )
    folder = getattr(args, "workspace", None)
    if folder:
        folder = Path(folder).expanduser()
        require_workspace(folder)
        passphrase = read_passphrase(PASSPHRASE_ENV, "Workspace passphrase")
        with Workspace.unlock(folder, passphrase) as workspace:
            roots += workspace_study_roots(workspace)
    return tuple(roots) if roots else None


def cmd_verify(args: argparse.Namespace, paths: AppPaths) -> int:
    del paths
    from reviewer_app.services.signing.pades_verify import verify_pdf
    from reviewer_app.services.signing.verification_text import describe

    data = read_user_file(Path(args.file).expanduser(), "file to verify", max_bytes=MAX_INPUT_BYTES)
    roots = _trust_roots(args)
    result = verify_pdf(data, roots)
    for line in describe(result):
        print(line)
    if not result.ok:
        return NOT_VERIFIED_EXIT
    if not result.verified:
        return SIGNER_NOT_CHECKED_EXIT
    return VERIFIED_EXIT if result.complete else AWAITING_SIGNATURE_EXIT


def register(subparsers: Any) -> None:
    _register_sign(subparsers)
    _register_cosign(subparsers)
    _register_pdf(subparsers)
    _register_verify(subparsers)


def _register_sign(subparsers: Any) -> None:
    sign = add_case_command(
        subparsers,
        "sign",
        cmd_sign,
        "sign a case's current review version (scripted sign-off; the workspace passphrase, "
        f"from {PASSPHRASE_ENV} or a prompt, also confirms the signature)",
        [PASSPHRASE_ENV],
    )
    sign.add_argument(
        "--acknowledge",
        metavar="CODE",
        action="append",
        help="a warning code you have read and accept; repeat the option for each warning "
        "(every warning must be acknowledged)",
    )


def _register_cosign(subparsers: Any) -> None:
    cosign = add_case_command(
        subparsers,
        "cosign",
        cmd_cosign,
        "add a co-reviewer's signature from their exported identity (PKCS#12; workspace "
        f"passphrase from {PASSPHRASE_ENV}, the identity's from {COSIGNER_PASSPHRASE_ENV}, "
        "else asked)",
        [PASSPHRASE_ENV, COSIGNER_PASSPHRASE_ENV],
    )
    cosign.add_argument(
        "--identity",
        metavar="FILE.p12",
        required=True,
        help="the co-reviewer's exported identity file (removed from the workspace after "
        f"signing; its passphrase from {COSIGNER_PASSPHRASE_ENV} or a prompt)",
    )


def _register_pdf(subparsers: Any) -> None:
    pdf = add_case_command(
        subparsers,
        "pdf",
        cmd_pdf,
        "write a case's stored signed PDF summary to a file (workspace passphrase from "
        f"{PASSPHRASE_ENV} or a prompt)",
        [PASSPHRASE_ENV],
    )
    pdf.add_argument(
        "--out",
        metavar="FILE",
        required=True,
        help="where to write the PDF (written readable by you only, either copy)",
    )
    pdf.add_argument(
        "--taskforce-copy",
        action="store_true",
        help="the copy without direct identifiers (for the taskforce)",
    )
    pdf.add_argument(
        "--version", type=int, metavar="N", help="an earlier signed version (default: latest)"
    )


def _register_verify(subparsers: Any) -> None:
    verify = add_command(
        subparsers,
        "verify",
        cmd_verify,
        "check every signature in a PDF; exit 0 only if all hold and every signer chains to "
        "a trusted study root (--trust or --workspace); exit 3 if no root was given",
        passphrases=[PASSPHRASE_ENV],
    )
    verify.epilog = f"{VERIFY_EPILOG} {verify.epilog or ''}".strip()
    verify.set_defaults(**{USES_WORKSPACE_ATTR: True})  # --workspace may precede the command
    verify.add_argument("file", metavar="FILE.pdf", help="the PDF to check")
    verify.add_argument(
        "--trust",
        metavar="ROOT_CERT",
        help="the study root certificate every signer must chain to: PEM or DER; a PEM "
        "bundle (e.g. from openssl pkcs12 -nokeys) may hold several certificates and text "
        "around them, and every study root in it is trusted",
    )
    verify.add_argument(
        "--workspace",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="also trust the study root this workspace pinned on its first pack import "
        f"(opens it: passphrase from {PASSPHRASE_ENV} or a prompt). No default: without "
        "--trust or --workspace the signer is not checked",
    )
