"""The command-line front end: the same services as the GUI, headless.

Errors people can fix print one clear line on stderr and exit 1; usage errors exit 2; bugs
print a short message naming the log file and exit 70, with the traceback in the log.
Passphrases come from the environment (for scripts) or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from reviewer_app import __version__
from reviewer_app.commands import (
    coordinator_cmds,
    passphrase_cmds,
    pdf_cmds,
    review_cmds,
    reviewer_cmds,
    workspace_cmds,
)
from reviewer_app.commands.common import (
    COSIGNER_PASSPHRASE_ENV,
    EXPORT_PASSPHRASE_ENV,
    GLOBAL_WORKSPACE_DEST,
    NEW_PASSPHRASE_ENV,
    PARSER_ATTR,
    PASSPHRASE_ENV,
    STUDY_PASSPHRASE_ENV,
    USES_WORKSPACE_ATTR,
    CliParser,
    Handler,
    add_global_workspace_option,
)
from reviewer_app.errors import UsageError, UserError
from reviewer_app.logging_setup import configure_logging
from reviewer_app.paths import HOME_ENV, AppPaths

log = logging.getLogger(__name__)

BUG_EXIT = 70
OPEN_STUDY_DEST = "open_study"  # not "study": coordinator commands take a STUDY argument
COMMAND_MODULES = (
    workspace_cmds,
    reviewer_cmds,
    review_cmds,
    coordinator_cmds,
    pdf_cmds,
    passphrase_cmds,
)
__all__ = ["BUG_EXIT", "PASSPHRASE_ENV", "build_parser", "main"]

EPILOG = f"""\
Run "reviewer-app COMMAND --help" for a command's options.

environment:
  {PASSPHRASE_ENV}           workspace passphrase (else you are asked)
  {STUDY_PASSPHRASE_ENV}     study passphrase, for coordinator commands
  {EXPORT_PASSPHRASE_ENV}    passphrase protecting an exported identity
  {COSIGNER_PASSPHRASE_ENV}  passphrase of a co-reviewer's identity file
  {NEW_PASSPHRASE_ENV}       the new passphrase, for change-passphrase
  {HOME_ENV}                 keep all the app's folders (data, logs, cache)
                                    under this one folder (tests, portable use)
  Passphrases are never taken from the command line.

exit codes:
  0 done, 1 a problem you can fix (the message says what to do), 2 wrong command or
  options, 70 a bug (the details are in the log file; nothing was lost), 130 stopped
  (Ctrl+C); verify also exits 3: intact, but the signer was not checked, and 4: verified
  so far, but a reserved signature field (a joint review's co-reviewer) is not signed yet
"""


def build_parser() -> CliParser:
    parser = CliParser(
        prog="reviewer-app",
        description="Structured case-note review of deaths: reviewer workspace and coordinator\n"
        "tools. Without a command, opens the app.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reviewer-app {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on the synthetic demo workspace"
    )
    parser.add_argument(
        "--study",
        dest=OPEN_STUDY_DEST,
        metavar="DIR",
        help="open the coordinator's window on the study in DIR (asks for its passphrase)",
    )
    parser.add_argument(
        "--practice",
        action="store_true",
        help="open the coordinator's window on the synthetic practice study (built the first time)",
    )
    add_global_workspace_option(parser)
    parser.set_defaults(handler=workspace_cmds.cmd_gui, **{USES_WORKSPACE_ATTR: True})
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
    return parser


def parse_arguments(parser: CliParser, argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse, then apply the global options to the command, or refuse them: never drop one.

    Usage errors exit through argparse (SystemExit 2) with the usage of the command at fault.
    """
    args, extras = parser.parse_known_args(argv)
    command: argparse.ArgumentParser | None = getattr(args, PARSER_ATTR, None)
    at_fault = command if isinstance(command, CliParser) else parser
    if extras:
        at_fault.unrecognised(extras)
    _check_window_flags(args, command, at_fault)
    global_ws = getattr(args, GLOBAL_WORKSPACE_DEST, None)
    command_ws = getattr(args, "workspace", None)
    if command is not None and args.demo:
        at_fault.refuse(
            "--demo opens the app on the demo workspace and goes without a command; "
            "for a command on the demo workspace give --workspace DIR."
        )
    if global_ws is not None:
        if not getattr(args, USES_WORKSPACE_ATTR, False):
            at_fault.refuse("this command does not use a workspace: leave out --workspace.")
        if command_ws is not None and Path(command_ws).expanduser() != Path(global_ws).expanduser():
            at_fault.refuse(
                f"--workspace is given twice, as {global_ws} and {command_ws}: give it once."
            )
    args.workspace = command_ws if command_ws is not None else global_ws
    return args


def _check_window_flags(
    args: argparse.Namespace, command: argparse.ArgumentParser | None, at_fault: CliParser
) -> None:
    """--study and --practice open a window: alone, without a command, one of them."""
    study, practice = getattr(args, OPEN_STUDY_DEST, None), getattr(args, "practice", False)
    if not (study or practice):
        return
    if command is not None:
        at_fault.refuse(
            "--study and --practice open the coordinator's window and go without a command; "
            "coordinator commands take the study folder as STUDY."
        )
    if study and practice:
        at_fault.refuse("give either --study DIR or --practice, not both.")
    if args.demo or getattr(args, GLOBAL_WORKSPACE_DEST, None) is not None:
        at_fault.refuse(
            "--study and --practice open a study, not a workspace: leave out --demo and "
            "--workspace."
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (argparse's own exits included)."""
    paths = AppPaths.from_environment()
    parser = build_parser()
    try:
        args = parse_arguments(parser, argv)
    except SystemExit as done:  # --help, --version, usage errors
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 2)
    log_file = paths.log_dir / "reviewer-app.log"
    try:
        log_file = configure_logging(paths.log_dir)
        handler: Handler = args.handler
        return handler(args, paths)
    except UsageError as err:
        command = getattr(args, PARSER_ATTR, None)
        (command if isinstance(command, argparse.ArgumentParser) else parser).print_usage(
            sys.stderr
        )
        print(f"reviewer-app: {err}", file=sys.stderr)
        return err.exit_code
    except UserError as err:
        print(f"reviewer-app: {err}", file=sys.stderr)
        return err.exit_code
    except BrokenPipeError:
        # The reader went away (e.g. piped into head): not an error worth reporting.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("reviewer-app: stopped.", file=sys.stderr)
        return 130
    except Exception:
        log.exception("unexpected error in command")
        print(
            f"reviewer-app: something went wrong that we did not expect. Nothing was lost; "
            f"the details are in {log_file}. Please send that file to the study coordinator.",
            file=sys.stderr,
        )
        return BUG_EXIT


if __name__ == "__main__":
    raise SystemExit(main())
