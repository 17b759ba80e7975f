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

from reviewer_app import __version__
from reviewer_app.commands import coordinator_cmds, pdf_cmds, reviewer_cmds, workspace_cmds
from reviewer_app.commands.common import PASSPHRASE_ENV, Handler, add_workspace_option
from reviewer_app.errors import UsageError, UserError
from reviewer_app.logging_setup import configure_logging
from reviewer_app.paths import AppPaths

log = logging.getLogger(__name__)

BUG_EXIT = 70
COMMAND_MODULES = (workspace_cmds, reviewer_cmds, coordinator_cmds, pdf_cmds)
__all__ = ["BUG_EXIT", "PASSPHRASE_ENV", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer-app",
        description="Structured case-note review of deaths: reviewer workspace and coordinator "
        "tools.",
    )
    parser.add_argument("--version", action="version", version=f"reviewer-app {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open the app on the synthetic demo workspace"
    )
    add_workspace_option(parser)
    parser.set_defaults(handler=workspace_cmds.cmd_gui)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(sub)
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
