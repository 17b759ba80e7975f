"""The command-line front end: the same services as the GUI, headless.

Errors people can fix print one clear line on stderr and exit 1; usage errors exit 2; bugs
print a short message naming the log file and exit 70, with the traceback in the log.
Passphrases come from the environment (for scripts) or a prompt, never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from reviewer_app import __version__
from reviewer_app.errors import UsageError, UserError
from reviewer_app.logging_setup import configure_logging
from reviewer_app.paths import AppPaths

log = logging.getLogger(__name__)

PASSPHRASE_ENV = "REVIEWER_APP_PASSPHRASE"
BUG_EXIT = 70

Handler = Callable[[argparse.Namespace, AppPaths], int]


def read_passphrase(env_var: str, prompt: str, *, confirm: bool = False) -> str:
    """The passphrase from ``env_var``, else from a prompt on the terminal."""
    value = os.environ.get(env_var)
    if value:
        return value
    if not sys.stdin.isatty():
        raise UserError(f"No passphrase given. Set {env_var} for scripted use, or run this in a terminal.")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass("Type it again: ") != first:
        raise UserError("The two passphrases differ. Nothing was changed; try again.")
    return first


def _workspace_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.workspace).expanduser() if args.workspace else paths.default_workspace_dir


def _demo_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.workspace).expanduser() if args.workspace else paths.data_dir / "demo"


# --- commands ---------------------------------------------------------------------------


def cmd_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.app import run_gui

    folder = _demo_dir(args, paths) if args.demo else _workspace_dir(args, paths)
    return run_gui(folder, paths, demo=args.demo)


def cmd_demo(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.demo import DEMO_PASSPHRASE, build_demo_workspace, demo_exists

    folder = _demo_dir(args, paths)
    if demo_exists(folder):
        print(f"A demo workspace already exists in {folder}")
    else:
        build_demo_workspace(folder)
        print(f"Demo workspace created in {folder}")
    print(f"Its passphrase (synthetic data only): {DEMO_PASSPHRASE}")
    return 0


def cmd_cases(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.session import ReviewerSession

    folder = _workspace_dir(args, paths)
    passphrase = read_passphrase(PASSPHRASE_ENV, "Workspace passphrase")
    with ReviewerSession.unlock(folder, passphrase) as session:
        summaries = session.list_cases()
        records = [session.cases.get(s.case_ref) for s in summaries] if args.json else []
    if args.json:
        out = [
            {
                "case_ref": s.case_ref,
                "patient_name": f"{c.given_names} {c.family_name}",
                "date_of_birth": c.date_of_birth.isoformat(),
                "admission_date": c.admission_date.isoformat(),
                "discharge_date": c.discharge_date.isoformat() if c.discharge_date else None,
                "date_of_death": c.date_of_death.isoformat(),
                "place_of_death": c.place_of_death.value,
                "status": s.status.value,
            }
            for s, c in zip(summaries, records, strict=True)
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not summaries:
        print("No cases in this workspace yet.")
        return 0
    header = f"{'Case':<10} {'Patient':<32} {'Died':<11} {'Place of death':<19} Status"
    print(header)
    for s in summaries:
        print(
            f"{s.case_ref:<10} {s.display_name[:32]:<32} {s.date_of_death.isoformat():<11} "
            f"{s.place_of_death.label:<19} {s.status.label}"
        )
    return 0


# --- parser -----------------------------------------------------------------------------


def _add_workspace(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR", help="the workspace folder (a local folder)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer-app",
        description="Structured case-note review of deaths: reviewer workspace and coordinator tools.",
    )
    parser.add_argument("--version", action="version", version=f"reviewer-app {__version__}")
    parser.add_argument("--demo", action="store_true", help="open the app on the synthetic demo workspace")
    _add_workspace(parser)
    parser.set_defaults(handler=cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    demo = sub.add_parser("demo", help="build the synthetic demo workspace (headless)")
    _add_workspace(demo)
    demo.set_defaults(handler=cmd_demo)

    cases = sub.add_parser("cases", help="list the cases in a workspace")
    _add_workspace(cases)
    cases.add_argument("--json", action="store_true", help="print JSON instead of a table")
    cases.set_defaults(handler=cmd_cases)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    paths = AppPaths.from_environment()
    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = paths.log_dir / "reviewer-app.log"
    try:
        log_file = configure_logging(paths.log_dir)
        handler: Handler = args.handler
        return handler(args, paths)
    except UsageError as err:
        parser.print_usage(sys.stderr)
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
