"""Coordinator commands for where a study stands and for practice: ``status`` and ``practice``.

``status`` reads the study (passphrase from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt)
and prints counts and references only. ``practice`` builds a whole synthetic study in a new
folder; its passphrases are public and printed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import (
    add_command,
    add_json_flag,
    add_study_command,
    show_from_study,
)
from reviewer_app.domain.review_timing import RETURN_WINDOW_DAYS
from reviewer_app.errors import UsageError
from reviewer_app.paths import AppPaths


def cmd_status(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.collection.status import study_status
    from reviewer_app.services.collection.status_text import status_lines

    if args.overdue_days < 0:
        raise UsageError("--overdue-days must be 0 or more.")
    return show_from_study(
        args,
        lambda study: study_status(study, overdue_days=args.overdue_days),
        lambda status: status.to_json(),
        lambda status: status_lines(status, cases=not args.no_cases),
    )


def cmd_practice(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.demo.practice import build_practice_study, check_sizes

    check_sizes(args.cases, args.reviewers)
    folder = Path(args.dir).expanduser()

    def show(done: int, total: int, label: str) -> None:
        print(f"[{done}/{total}] {label}", flush=True)

    built = build_practice_study(
        folder, cases=args.cases, reviewers=args.reviewers, seed=args.seed, progress=show
    )
    for line in built.summary_lines():
        print(line)
    print(f"Collect the returns: reviewer-app coordinator collect {built.layout.study}")
    return 0


def _status_args(parser: argparse.ArgumentParser) -> None:
    add_json_flag(parser, "the status")
    parser.add_argument(
        "--overdue-days",
        type=int,
        default=RETURN_WINDOW_DAYS,
        metavar="N",
        help="a case is overdue when its pack was sent more than N days ago "
        f"(default {RETURN_WINDOW_DAYS})",
    )
    parser.add_argument(
        "--no-cases", action="store_true", help="leave out the per-case lines (text only)"
    )


def _practice_args(parser: argparse.ArgumentParser) -> None:
    from reviewer_app.services.demo.practice_plan import (
        DEFAULT_CASES,
        DEFAULT_REVIEWERS,
        DEFAULT_SEED,
    )

    parser.add_argument("dir", metavar="DIR", help="a new or empty folder to build it in")
    parser.add_argument(
        "--cases", type=int, default=DEFAULT_CASES, metavar="N", help="cases (default 40)"
    )
    parser.add_argument(
        "--reviewers",
        type=int,
        default=DEFAULT_REVIEWERS,
        metavar="M",
        help="reviewers, each with their own workspace (default 6)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        metavar="S",
        help="the same seed gives the same cases, allocation and answers (default 2024)",
    )


def register_coordinator(coordinator_subparsers: Any) -> None:
    """``coordinator status STUDY`` and ``coordinator practice DIR`` (the coordinator group's
    subparsers, as ``coordinator_cmds.register`` makes them)."""
    status = add_study_command(
        coordinator_subparsers,
        "status",
        cmd_status,
        "where every case stands: returns per case and reviewer, the chase list",
    )
    _status_args(status)
    practice = add_command(
        coordinator_subparsers,
        "practice",
        cmd_practice,
        "build a synthetic practice study (study, shared drive, reviewers' workspaces)",
    )
    _practice_args(practice)
