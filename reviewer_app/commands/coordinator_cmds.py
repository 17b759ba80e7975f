"""Coordinator commands: study, cohort, panel, enrolment, allocation, packs.

The study passphrase comes from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt, never from the
command line. Every command prints counts and references only, never patient data.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV, add_command, read_passphrase
from reviewer_app.errors import UserError
from reviewer_app.paths import AppPaths


def read_input_file(path: Path, what: str) -> bytes:
    """The bytes of a file the user named, or one clear line saying why not."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UserError(f"There is no {what} at {path}.") from None
    except IsADirectoryError:
        raise UserError(f"{path} is a folder, not a {what}.") from None
    except OSError as err:
        raise UserError(f"Could not read {path}: {err.strerror or 'unreadable'}.") from None


def _open(args: argparse.Namespace) -> Any:
    from reviewer_app.services.study import Study

    passphrase = read_passphrase(STUDY_PASSPHRASE_ENV, "Study passphrase")
    return Study.open(Path(args.study).expanduser(), passphrase)


def cmd_init(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.study import Study
    from reviewer_app.storage import keys

    folder = Path(args.study).expanduser()
    if Study.exists_in(folder):
        raise UserError(f"There is already a study in {folder}. Choose an empty folder.")
    passphrase = read_passphrase(STUDY_PASSPHRASE_ENV, "New study passphrase", confirm=True)
    with Study.create(
        folder, passphrase, name=args.name, mode=args.mode, kdf=keys.PRODUCTION_KDF
    ) as study:
        print(f"Study created in {study.folder} ({args.mode} review).")
        print("Study authority fingerprint (read it out to each reviewer):")
        print(study.fingerprint())
    return 0


def cmd_fingerprint(args: argparse.Namespace, paths: AppPaths) -> int:
    with _open(args) as study:
        print(study.fingerprint())
    return 0


def cmd_add_cohort(args: argparse.Namespace, paths: AppPaths) -> int:
    path = Path(args.file).expanduser()
    data = read_input_file(path, "cohort file")
    with _open(args) as study:
        report = study.add_cohort(data, path.name)
    for line in report.summary_lines():
        print(line)
    return 0


def cmd_add_reviewers(args: argparse.Namespace, paths: AppPaths) -> int:
    path = Path(args.file).expanduser()
    data = read_input_file(path, "reviewers file")
    with _open(args) as study:
        report = study.add_reviewers(data, path.name)
    for line in report.summary_lines():
        print(line)
    return 0


def cmd_enrol(args: argparse.Namespace, paths: AppPaths) -> int:
    data = read_input_file(Path(args.request).expanduser(), "enrolment request")
    with _open(args) as study:
        result = study.enrol(data, args.reviewer, replace=args.replace)
    action = "Re-enrolled" if result.replaced_fingerprint else "Enrolled"
    print(f"{action} {result.reviewer_ref} ({result.name}).")
    print("Key fingerprint: confirm by phone that the reviewer sees exactly this:")
    print(result.key_fingerprint)
    for note in result.notes:
        print(f"Check: {note}.")
    return 0


def cmd_allocate(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.atomic_file import atomic_write_bytes

    with _open(args) as study:
        report = study.allocate()
        csv_text = study.allocation_csv() if args.csv else None
    if csv_text is not None:
        out = Path(args.csv).expanduser()
        try:
            atomic_write_bytes(out, csv_text.encode("utf-8"))
        except OSError as err:
            raise UserError(
                f"The allocation is saved, but {out} could not be written: "
                f"{err.strerror or 'not writable'}."
            ) from None
    for line in report.summary_lines():
        print(line)
    if csv_text is not None:
        print(f"Allocation written to {args.csv}")
    return 0


def cmd_override(args: argparse.Namespace, paths: AppPaths) -> int:
    if args.clear == bool(args.pair):
        raise UserError("Give either two reviewer references or --clear.")
    with _open(args) as study:
        study.set_override(args.case_ref, None if args.clear else tuple(args.pair))
    print(
        f"Override for {args.case_ref} {'removed' if args.clear else 'saved'}; "
        "run allocate to apply it."
    )
    return 0


def cmd_set_mode(args: argparse.Namespace, paths: AppPaths) -> int:
    if args.clear == (args.mode is not None):
        raise UserError('Give either a review mode ("independent" or "joint") or --clear.')
    with _open(args) as study:
        study.set_case_mode(args.case_ref, None if args.clear else args.mode)
        study_mode = study.info.review_mode
    if args.clear:
        print(f"{args.case_ref} follows the study's review mode ({study_mode}) again.")
    else:
        print(f"{args.case_ref} will be reviewed {args.mode}ly (the study's mode is {study_mode}).")
    print("Make the packs again to send the change to the reviewers.")
    return 0


def cmd_make_packs(args: argparse.Namespace, paths: AppPaths) -> int:
    with _open(args) as study:
        report = study.make_packs(Path(args.out).expanduser())
    for line in report.summary_lines():
        print(line)
    return 0


def register(subparsers: Any) -> None:
    coordinator = subparsers.add_parser(
        "coordinator",
        help="coordinator tools: study, cohort, panel, enrolment, allocation, packs",
        description="Coordinator tools. The study passphrase is read from "
        f"{STUDY_PASSPHRASE_ENV} or asked for.",
    )
    sub = coordinator.add_subparsers(title="coordinator commands", metavar="COMMAND")
    coordinator.set_defaults(handler=_missing_command(coordinator))

    init = add_command(sub, "init", cmd_init, "create a study folder and its study authority")
    init.add_argument("study", metavar="STUDY", help="the study folder (a local folder)")
    init.add_argument("--name", required=True, help="the study's name")
    init.add_argument(
        "--mode", choices=("independent", "joint"), default="independent", help="review mode"
    )

    fp = add_command(sub, "fingerprint", cmd_fingerprint, "print the study root's fingerprint")
    fp.add_argument("study", metavar="STUDY")

    cohort = add_command(sub, "add-cohort", cmd_add_cohort, "import the cohort CSV")
    cohort.add_argument("study", metavar="STUDY")
    cohort.add_argument("file", metavar="FILE.csv")

    panel = add_command(sub, "add-reviewers", cmd_add_reviewers, "import the review panel CSV")
    panel.add_argument("study", metavar="STUDY")
    panel.add_argument("file", metavar="FILE.csv")

    enrol = add_command(
        sub, "enrol", cmd_enrol, "check an enrolment request and issue the certificate"
    )
    enrol.add_argument("study", metavar="STUDY")
    enrol.add_argument("request", metavar="REQUEST")
    enrol.add_argument("--reviewer", required=True, metavar="REF", help="the reviewer_ref")
    enrol.add_argument(
        "--replace", action="store_true", help="replace the reviewer's existing certificate"
    )

    alloc = add_command(sub, "allocate", cmd_allocate, "allocate a pair of reviewers to each case")
    alloc.add_argument("study", metavar="STUDY")
    alloc.add_argument("--csv", metavar="OUT", help="also write case_ref,reviewer_1,reviewer_2")

    override = add_command(
        sub, "override", cmd_override, "pair one case by hand (kept across re-allocation)"
    )
    override.add_argument("study", metavar="STUDY")
    override.add_argument("case_ref", metavar="CASE_REF")
    override.add_argument("pair", nargs="*", metavar="REVIEWER", help="two reviewer refs")
    override.add_argument("--clear", action="store_true", help="remove the hand-made pair")

    set_mode = add_command(
        sub, "set-mode", cmd_set_mode, "review one case independently or jointly (per case)"
    )
    set_mode.add_argument("study", metavar="STUDY")
    set_mode.add_argument("case_ref", metavar="CASE_REF")
    set_mode.add_argument(
        "mode", nargs="?", choices=("independent", "joint"), help="the case's review mode"
    )
    set_mode.add_argument(
        "--clear", action="store_true", help="remove the override: use the study's mode"
    )

    packs = add_command(sub, "make-packs", cmd_make_packs, "write one pack per enrolled reviewer")
    packs.add_argument("study", metavar="STUDY")
    packs.add_argument("--out", required=True, metavar="FOLDER", help="where to write the packs")


def _missing_command(parser: argparse.ArgumentParser) -> Any:
    def handler(args: argparse.Namespace, paths: AppPaths) -> int:
        from reviewer_app.errors import UsageError

        raise UsageError("Name a coordinator command (see reviewer-app coordinator --help).")

    return handler
