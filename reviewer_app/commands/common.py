"""What every CLI command shares: passphrases, folders, the handler signature, the parser,
opening a study and printing a result as JSON or as lines."""

from __future__ import annotations

import argparse
import difflib
import getpass
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from reviewer_app.errors import NotFoundError, UserError
from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from reviewer_app.services.session import ReviewerSession

PASSPHRASE_ENV = "REVIEWER_APP_PASSPHRASE"
STUDY_PASSPHRASE_ENV = "REVIEWER_APP_STUDY_PASSPHRASE"
EXPORT_PASSPHRASE_ENV = "REVIEWER_APP_EXPORT_PASSPHRASE"
COSIGNER_PASSPHRASE_ENV = "REVIEWER_APP_COSIGNER_PASSPHRASE"
NEW_PASSPHRASE_ENV = "REVIEWER_APP_NEW_PASSPHRASE"

PASSPHRASE_WHAT = {
    PASSPHRASE_ENV: "the workspace passphrase",
    STUDY_PASSPHRASE_ENV: "the study passphrase",
    EXPORT_PASSPHRASE_ENV: "the passphrase protecting the exported identity",
    COSIGNER_PASSPHRASE_ENV: "the passphrase of the co-reviewer's identity file",
    NEW_PASSPHRASE_ENV: "the new passphrase",
}

Handler = Callable[[argparse.Namespace, AppPaths], int]

STUDY_HELP = "the study folder (a local folder)"
CASE_REF_HELP = "the case reference, as the case list shows it (e.g. C-0001)"

_T = TypeVar("_T")

# Namespace attributes the CLI itself sets (not options anyone types).
PARSER_ATTR = "command_parser"
USES_WORKSPACE_ATTR = "uses_workspace"
GLOBAL_WORKSPACE_DEST = "global_workspace"

_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)'")


class CliParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors suggest the nearest command or option."""

    def error(self, message: str) -> NoReturn:
        hint = self.hint_for(message)
        super().error(f"{message}{hint}")

    def hint_for(self, message: str) -> str:
        match = _INVALID_CHOICE.search(message)
        if match:
            word = match.group(1)
            choices = [c for a in self._actions if a.choices for c in a.choices]
            return _suggest(word, [str(c) for c in choices], self.prog)
        return ""

    def unrecognised(self, extras: Sequence[str]) -> NoReturn:
        """Refuse words this command does not take, naming the nearest real option."""
        options = [s for a in self._actions for s in a.option_strings]
        hint = ""
        for word in extras:
            if word.startswith("-"):
                hint = _suggest(word.split("=", 1)[0], options, self.prog)
                if hint:
                    break
        if not hint:
            hint = f" (see {self.prog} --help)"
        self.error(f"unrecognized arguments: {' '.join(extras)}{hint}")

    def refuse(self, message: str) -> NoReturn:
        """A usage error found after parsing: this command's usage, the message, exit 2."""
        super().error(message)


def _suggest(word: str, candidates: Iterable[str], prog: str) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if close:
        return f". Did you mean {close[0]}? (see {prog} --help)"
    return f". See {prog} --help"


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


def add_workspace_option(
    parser: argparse.ArgumentParser,
    help_text: str = "the workspace folder (a local folder; default: your usual workspace)",
) -> None:
    """``--workspace DIR`` on a command; it may also be given before the command.

    The default is SUPPRESS so that a command without the option does not overwrite the
    global ``reviewer-app --workspace DIR COMMAND`` (the CLI reconciles the two).
    """
    parser.add_argument(
        "--workspace",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"{help_text}; may also be given before the command",
    )
    parser.set_defaults(**{USES_WORKSPACE_ATTR: True})


def add_global_workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workspace",
        dest=GLOBAL_WORKSPACE_DEST,
        metavar="DIR",
        help="the workspace folder (a local folder) for the app or for a workspace command",
    )


def workspace_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    given = getattr(args, "workspace", None)
    return Path(given).expanduser() if given else paths.default_workspace_dir


def demo_dir(args: argparse.Namespace, paths: AppPaths) -> Path:
    given = getattr(args, "workspace", None)
    return Path(given).expanduser() if given else paths.data_dir / "demo"


def require_workspace(folder: Path) -> None:
    """Say there is no workspace before anyone is asked for a passphrase."""
    from reviewer_app.services.workspace import Workspace

    if not Workspace.exists_in(folder):
        raise NotFoundError(
            f"There is no workspace in {folder}. Check the folder, or create one with "
            "reviewer-app identity create."
        )


def workspace_and_passphrase(args: argparse.Namespace, paths: AppPaths) -> tuple[Path, str]:
    """The workspace the command names (said missing before anyone is asked for a
    passphrase) and its passphrase, from the environment or a prompt."""
    folder = workspace_dir(args, paths)
    require_workspace(folder)
    return folder, read_passphrase(PASSPHRASE_ENV, "Workspace passphrase")


def open_session(args: argparse.Namespace, paths: AppPaths) -> ReviewerSession:
    """The reviewer's session on the workspace the command names, unlocked."""
    from reviewer_app.services.session import ReviewerSession

    return ReviewerSession.unlock(*workspace_and_passphrase(args, paths))


def passphrase_epilog(env_vars: Sequence[str]) -> str | None:
    if not env_vars:
        return None
    named = "; ".join(f"{v}: {PASSPHRASE_WHAT.get(v, 'a passphrase')}" for v in env_vars)
    return f"Passphrases from the environment, else asked (never on the command line): {named}."


def add_command(
    subparsers: Any,
    name: str,
    handler: Handler,
    help_text: str,
    *,
    passphrases: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A command; ``passphrases`` are the environment variables it reads (shown in help)."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=help_text, epilog=passphrase_epilog(passphrases)
    )
    parser.set_defaults(handler=handler, **{PARSER_ATTR: parser, USES_WORKSPACE_ATTR: False})
    return parser


def add_group(
    subparsers: Any, name: str, help_text: str, description: str
) -> tuple[argparse.ArgumentParser, Any]:
    """A command with subcommands (``coordinator``, ``identity``).

    Without a subcommand it prints its own usage and exits 2.
    """
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help_text, description=description
    )
    sub = parser.add_subparsers(title=f"{name} commands", metavar="COMMAND")

    def missing(args: argparse.Namespace, paths: AppPaths) -> int:
        del args, paths
        from reviewer_app.errors import UsageError

        names = ", ".join(sub.choices)
        raise UsageError(f"Name one of the {name} commands: {names} (see {parser.prog} --help).")

    parser.set_defaults(handler=missing, **{PARSER_ATTR: parser, USES_WORKSPACE_ATTR: False})
    return parser, sub


def add_study_command(
    subparsers: Any, name: str, handler: Handler, help_text: str, *, also: Sequence[str] = ()
) -> argparse.ArgumentParser:
    """A command on an existing study: ``STUDY``, and the study passphrase (shown in help)
    with the passphrases it ``also`` reads."""
    parser = add_command(
        subparsers, name, handler, help_text, passphrases=(STUDY_PASSPHRASE_ENV, *also)
    )
    parser.add_argument("study", metavar="STUDY", help=STUDY_HELP)
    return parser


StudyCommand = tuple[str, Handler, str, Callable[[argparse.ArgumentParser], None]]
"""One row of a table of study commands: name, handler, help, and what adds its arguments."""


def add_study_commands(subparsers: Any, commands: Iterable[StudyCommand]) -> None:
    """Each command of the table on ``subparsers``, its arguments beside ``STUDY``."""
    for name, handler, help_text, arguments in commands:
        arguments(add_study_command(subparsers, name, handler, help_text))


def add_json_flag(parser: argparse.ArgumentParser, what: str) -> None:
    """``--json``: print ``what`` as JSON instead of lines of text."""
    parser.add_argument("--json", action="store_true", help=f"print {what} as JSON")


def add_out_file(parser: argparse.ArgumentParser, kind: str) -> None:
    """``--out FILE.pdf`` (``kind`` "pdf") or ``--out FILE.csv``: the file the command writes."""
    parser.add_argument(
        "--out", required=True, metavar=f"FILE.{kind}", help=f"the {kind.upper()} to write"
    )


def add_case_command(
    subparsers: Any,
    name: str,
    handler: Handler,
    help_text: str,
    passphrases: Sequence[str],
    *,
    case_help: str = CASE_REF_HELP,
) -> argparse.ArgumentParser:
    """A command on one case of the workspace: ``CASE_REF`` and ``--workspace``."""
    parser = add_command(subparsers, name, handler, help_text, passphrases=passphrases)
    parser.add_argument("case_ref", metavar="CASE_REF", help=case_help)
    add_workspace_option(parser)
    return parser


def existing_study_folder(args: argparse.Namespace) -> Path:
    """The STUDY folder given, refused before any passphrase is asked for if no study is there."""
    from reviewer_app.services.study import Study

    folder = Path(args.study).expanduser()
    if not Study.exists_in(folder):
        raise NotFoundError(
            f"There is no study in {folder}. Check the folder, or create a study there with "
            "reviewer-app coordinator init."
        )
    return folder


def open_study(args: argparse.Namespace) -> Any:
    """The STUDY given, opened with the study passphrase (environment or prompt)."""
    from reviewer_app.services.study import Study

    folder = existing_study_folder(args)
    passphrase = read_passphrase(STUDY_PASSPHRASE_ENV, "Study passphrase")
    return Study.open(folder, passphrase)


def written_or_refused(out: Path, write: Callable[[], _T]) -> _T:
    """What ``write`` returns, or one clear line if ``out`` could not be written."""
    try:
        return write()
    except OSError as err:
        raise UserError(
            f"{out} could not be written: {err.strerror or 'not writable'}. "
            "Check the folder exists and you may write to it."
        ) from None


def print_json(value: object) -> None:
    """``value`` as indented JSON on stdout (non-ASCII letters kept as they are)."""
    json.dump(value, sys.stdout, indent=2, ensure_ascii=False)
    print()


def print_result(
    as_json: bool,
    result: _T,
    to_json: Callable[[_T], object],
    to_lines: Callable[[_T], Iterable[str]],
) -> int:
    """Print ``result`` as JSON (``--json``) or as lines of text; the command's exit code 0."""
    if as_json:
        print_json(to_json(result))
    else:
        print("\n".join(to_lines(result)))
    return 0


def show_from_study(
    args: argparse.Namespace,
    read: Callable[[Any], _T],
    to_json: Callable[[_T], object],
    to_lines: Callable[[_T], Iterable[str]],
) -> int:
    """Open the STUDY, ``read`` from it, close it, then print what was read (``--json`` or
    lines): the shape of every read-only study command."""
    with open_study(args) as study:
        result = read(study)
    return print_result(bool(args.json), result, to_json, to_lines)
