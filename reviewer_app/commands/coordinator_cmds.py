"""Coordinator commands: study, cohort, panel, enrolment, allocation, packs, collection.

The study passphrase comes from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt, never from the
command line. Every command prints counts and references only, never patient data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from reviewer_app.commands import (
    passphrase_cmds,
    practice_cmds,
    reconcile_cmds,
    records_cmds,
    report_cmds,
)
from reviewer_app.commands.common import (
    STUDY_PASSPHRASE_ENV,
    StudyCommand,
    add_group,
    add_json_flag,
    add_study_commands,
    open_study,
    read_passphrase,
    written_or_refused,
)
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import UserError
from reviewer_app.paths import AppPaths
from reviewer_app.user_files import read_user_file

__all__ = ["register"]


def cmd_init(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.study import Study
    from reviewer_app.storage import keys

    folder = Path(args.study).expanduser()
    if Study.exists_in(folder):
        raise UserError(f"There is already a study in {folder}. Choose an empty folder.")
    passphrase = read_passphrase(STUDY_PASSPHRASE_ENV, "New study passphrase", confirm=True)
    from reviewer_app.services.packs.study_scale import set_study_scale

    with Study.create(
        folder, passphrase, name=args.name, mode=args.mode, kdf=keys.PRODUCTION_KDF
    ) as study:
        scale = set_study_scale(study, args.scale).after
        print(f"Study created in {study.folder} ({args.mode} review).")
        print(f"Avoidability is graded on the {scale.label} scale (carried in every pack).")
        print("Study authority fingerprint (read it out to each reviewer):")
        print(study.fingerprint())
    return 0


def cmd_set_scale(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.packs.study_scale import set_study_scale

    with open_study(args) as study:
        print(set_study_scale(study, args.scale).summary_line())
    return 0


def cmd_fingerprint(args: argparse.Namespace, paths: AppPaths) -> int:
    with open_study(args) as study:
        print(study.fingerprint())
    return 0


def cmd_export_root(args: argparse.Namespace, paths: AppPaths) -> int:
    from cryptography.hazmat.primitives import serialization

    from reviewer_app.atomic_file import atomic_write_bytes

    out = Path(args.out).expanduser()
    if out.is_dir():
        raise UserError(f"{out} is a folder: give a file name, e.g. {out / 'study-root.pem'}.")
    if out.exists() and not args.force:
        raise UserError(
            f"There is already a file {out}. Give --force to replace it, or choose another name."
        )
    with open_study(args) as study:
        pem = study.root_certificate().public_bytes(serialization.Encoding.PEM)
        fingerprint = study.fingerprint()
    written_or_refused(out, lambda: atomic_write_bytes(out, pem))
    print(f"Study root certificate written to {out}. Its fingerprint (as coordinator fingerprint):")
    print(fingerprint)
    return 0


def _print_lines(lines: Iterable[str]) -> int:
    for line in lines:
        print(line)
    return 0


def cmd_add_cohort(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.intake.study_intake import add_cohort

    path = Path(args.file).expanduser()
    data = read_user_file(path, "cohort file")
    with open_study(args) as study:
        return _print_lines(add_cohort(study, data, path.name).summary_lines())


def cmd_add_reviewers(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.intake.study_intake import add_reviewers

    path = Path(args.file).expanduser()
    data = read_user_file(path, "reviewers file")
    with open_study(args) as study:
        return _print_lines(add_reviewers(study, data, path.name).summary_lines())


def cmd_enrol(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.trust.enrolment_desk import enrol

    data = read_user_file(Path(args.request).expanduser(), "enrolment request")
    with open_study(args) as study:
        result = enrol(study, data, args.reviewer, replace=args.replace)
    action = "Re-enrolled" if result.replaced_fingerprint else "Enrolled"
    print(f"{action} {result.reviewer_ref} ({result.name}).")
    print("Key fingerprint: confirm by phone that the reviewer sees exactly this:")
    print(result.key_fingerprint)
    for note in result.notes:
        print(f"Check: {note}.")
    for warning in result.warnings:
        print(f"Warning: {warning}")
    return 0


def cmd_allocate(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.atomic_file import atomic_write_bytes
    from reviewer_app.services.allocation.study_allocation import allocate, allocation_csv

    with open_study(args) as study:
        report = allocate(study)
        csv_text = allocation_csv(study) if args.csv else None
    if csv_text is not None:
        out = Path(args.csv).expanduser()
        try:
            atomic_write_bytes(out, csv_text.encode("utf-8"))
        except OSError as err:
            raise UserError(
                f"The allocation is saved, but {out} could not be written: "
                f"{err.strerror or 'not writable'}."
            ) from None
    _print_lines(report.summary_lines())
    if csv_text is not None:
        print(f"Allocation written to {args.csv}")
    return 0


def cmd_override(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.allocation.study_allocation import set_override

    if args.clear == bool(args.pair):
        raise UserError("Give either two reviewer references or --clear.")
    with open_study(args) as study:
        set_override(study, args.case_ref, None if args.clear else tuple(args.pair))
    print(
        f"Override for {args.case_ref} {'removed' if args.clear else 'saved'}; "
        "run allocate to apply it."
    )
    return 0


def cmd_set_mode(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.allocation.study_allocation import set_case_mode

    if args.clear == (args.mode is not None):
        raise UserError('Give either a review mode ("independent" or "joint") or --clear.')
    with open_study(args) as study:
        set_case_mode(study, args.case_ref, None if args.clear else args.mode)
        study_mode = study.info.review_mode
    if args.clear:
        print(f"{args.case_ref} follows the study's review mode ({study_mode}) again.")
    else:
        print(f"{args.case_ref} will be reviewed {args.mode}ly (the study's mode is {study_mode}).")
    print("Make the packs again to send the change to the reviewers.")
    return 0


def cmd_make_packs(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.packs.maker import make_packs

    with open_study(args) as study:
        return _print_lines(make_packs(study, Path(args.out).expanduser()).summary_lines())


def cmd_collect(args: argparse.Namespace, paths: AppPaths) -> int:
    import json

    from reviewer_app.services.collection.collector import collect

    folder = None if args.folder is None else Path(args.folder).expanduser()

    def show(done: int, total: int, label: str) -> None:
        # progress on stderr, so that --json output stays clean; file names only, no patient data
        print(f"  [{done}/{total}] {label}", file=sys.stderr)

    with open_study(args) as study:
        report = collect(study, folder, move_processed=args.move_collected, progress=show)
    if args.json:
        print(json.dumps(report.to_json(), indent=2, sort_keys=True))
    else:
        _print_lines(report.summary_lines())
    return 0


def cmd_revoke(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.trust.enrolment_desk import revoke

    with open_study(args) as study:
        result = revoke(study, args.reviewer, args.reason)
    when = f"{result.revoked_at:%Y-%m-%d %H:%M:%S} UTC"
    if result.already:
        print(f"{result.reviewer_ref}'s certificate was already revoked at {when}.")
    else:
        print(f"Revoked {result.reviewer_ref}'s certificate from {when}.")
    print(f"Certificate fingerprint: {result.cert_fingerprint}")
    print(
        "No more packs are made for it; returns it signs from now on are quarantined; reviews "
        "it signed before stay valid. Re-enrol the reviewer with a new identity: "
        "coordinator enrol STUDY REQUEST --reviewer "
        f"{result.reviewer_ref} --replace, then allocate and make the packs again."
    )
    return 0


# --- the arguments of each subcommand (beside the STUDY folder every one takes) -------------

_MODES = tuple(mode.value for mode in ReviewMode)
_SCALES = ("rcp", "hogan")
_SCALE_HELP = (
    "the avoidability scale every reviewer grades on: rcp (RCP SJR, 1 = definitely avoidable) "
    "or hogan (PRISM / Hogan, 6 = definitely avoidable)"
)


def _init_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="the study's name")
    parser.add_argument(
        "--mode",
        choices=_MODES,
        default=ReviewMode.INDEPENDENT.value,
        help="review mode: independent (two separate reviews) or joint; default independent",
    )
    parser.add_argument(
        "--scale", choices=_SCALES, default="rcp", help=_SCALE_HELP + "; default rcp"
    )


def _set_scale_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scale", metavar="SCALE", choices=_SCALES, help=_SCALE_HELP)


def _no_args(parser: argparse.ArgumentParser) -> None:
    return None


def _export_root_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="FILE.pem", help="where to write it")
    parser.add_argument("--force", action="store_true", help="replace FILE.pem if it exists")


def _cohort_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the cohort file (data contract CSV)")


def _panel_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the review panel file (CSV)")


def _enrol_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "request", metavar="REQUEST", help="the reviewer's enrolment request (.request.json)"
    )
    parser.add_argument(
        "--reviewer", required=True, metavar="REF", help="the reviewer_ref on the panel"
    )
    parser.add_argument(
        "--replace", action="store_true", help="replace the reviewer's existing certificate"
    )


def _allocate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--csv", metavar="OUT", help="also write the allocation: case_ref,reviewer_1,reviewer_2"
    )


def _override_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case_ref", metavar="CASE_REF", help="the case to pair")
    parser.add_argument("pair", nargs="*", metavar="REVIEWER", help="two reviewer refs")
    parser.add_argument("--clear", action="store_true", help="remove the hand-made pair")


def _set_mode_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("case_ref", metavar="CASE_REF", help="the case to change")
    parser.add_argument("mode", nargs="?", choices=_MODES, help="the case's review mode")
    parser.add_argument(
        "--clear", action="store_true", help="remove the override: use the study's mode"
    )


def _make_packs_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, metavar="FOLDER", help="where to write the packs")


def _collect_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder",
        nargs="?",
        metavar="FOLDER",
        help="the folder holding the return bundles (default: the study's shared folder, "
        "where packs were last made)",
    )
    add_json_flag(parser, "the report")
    parser.add_argument(
        "--move-collected",
        action="store_true",
        help="move processed bundles into FOLDER/collected/ (default: leave them in place)",
    )


def _revoke_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "reviewer", metavar="REF", help="the reviewer_ref whose certificate to revoke"
    )
    parser.add_argument("--reason", required=True, help='why, e.g. "laptop lost"')


_SUBCOMMANDS: tuple[StudyCommand, ...] = (
    ("init", cmd_init, "create a study folder and its study authority", _init_args),
    (
        "set-scale",
        cmd_set_scale,
        "choose the study's avoidability scale (only before the first pack is made)",
        _set_scale_args,
    ),
    ("fingerprint", cmd_fingerprint, "print the study root's fingerprint", _no_args),
    (
        "export-root",
        cmd_export_root,
        "write the study root certificate (public) as PEM, for verify --trust and openssl",
        _export_root_args,
    ),
    ("add-cohort", cmd_add_cohort, "import the cohort CSV", _cohort_args),
    ("add-reviewers", cmd_add_reviewers, "import the review panel CSV", _panel_args),
    ("enrol", cmd_enrol, "check an enrolment request and issue the certificate", _enrol_args),
    ("allocate", cmd_allocate, "allocate a pair of reviewers to each case", _allocate_args),
    (
        "override",
        cmd_override,
        "pair one case by hand (kept across re-allocation)",
        _override_args,
    ),
    (
        "set-mode",
        cmd_set_mode,
        "review one case independently or jointly (per case)",
        _set_mode_args,
    ),
    ("make-packs", cmd_make_packs, "write one pack per enrolled reviewer", _make_packs_args),
    (
        "collect",
        cmd_collect,
        "verify and store the reviewers' return bundles (bad ones are quarantined)",
        _collect_args,
    ),
    ("revoke", cmd_revoke, "revoke a reviewer's certificate from now on", _revoke_args),
)


def register(subparsers: Any) -> None:
    _coordinator, sub = add_group(
        subparsers,
        "coordinator",
        "coordinator tools: study, cohort, panel, enrolment, allocation, packs",
        "Coordinator tools. Every command opens the study folder; the study passphrase is read "
        f"from {STUDY_PASSPHRASE_ENV} or asked for (never on the command line).",
    )
    add_study_commands(sub, _SUBCOMMANDS)
    passphrase_cmds.register_coordinator(sub)
    practice_cmds.register_coordinator(sub)
    reconcile_cmds.register_coordinator(sub)
    report_cmds.register_coordinator(sub)
    records_cmds.register_coordinator(sub)
