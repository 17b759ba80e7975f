"""Coordinator commands for the taskforce report and the analysts' exports: ``report`` and
``export``. The study passphrase comes from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt;
only file names and counts are printed, never patient data.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from reviewer_app.commands.common import add_study_command, open_study
from reviewer_app.errors import UsageError
from reviewer_app.paths import AppPaths


def _options(args: argparse.Namespace, name: str, study_scale: Any) -> Any:
    from reviewer_app.domain.avoidability import AvoidabilityScale
    from reviewer_app.services.report.source import ReportOptions, SummaryRule

    try:
        rule = SummaryRule(
            args.unacceptable_at_most, args.lessons_at_most, not args.no_lessons_if_issue
        )
    except ValueError as error:
        raise UsageError(f"{error} (--unacceptable-at-most, --lessons-at-most).") from None
    made_on = date.today()
    if args.date:
        try:
            made_on = date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date {args.date!r} is not a date (YYYY-MM-DD).") from None
    return ReportOptions(
        study_name=name,
        scale=AvoidabilityScale(args.scale) if args.scale else study_scale,
        summary_rule=rule,
        publication=args.publication,
        made_on=made_on,
    )


def _study_options(args: argparse.Namespace, study: Any) -> Any:
    from reviewer_app.services.report.build import study_scale

    name = getattr(study.info, "name", None) or Path(args.study).expanduser().name
    return _options(args, str(name), study_scale(study))


def cmd_report(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.report.build import study_figures, write_report

    out = Path(args.out).expanduser()
    json_out = Path(args.json).expanduser() if args.json else None
    for target in (out, json_out):
        if target is not None and not target.parent.is_dir():
            raise UsageError(f"There is no folder {target.parent} to write {target.name} in.")
    with open_study(args) as study:
        figures = study_figures(study, _study_options(args, study))
    written = write_report(figures, out, json_out)
    copy = "publication copy" if args.publication else "taskforce copy (not for publication)"
    print(f"Report written: {written.pdf} ({copy})")
    if written.json is not None:
        print(f"Figures written: {written.json}")
    return 0


def cmd_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.exports.study_export import export_open_study

    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file: give a folder for the exports.")
    if not out.parent.is_dir():
        raise UsageError(f"There is no folder {out.parent} to make {out.name} in.")
    with open_study(args) as study:
        written = export_open_study(study, out, _study_options(args, study))
    copy = " (publication copy)" if args.publication else " (taskforce copy)"
    print(f"{len(written.files)} files written in {written.folder}{copy}")
    return 0


def _figure_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--publication",
        action="store_true",
        help="suppress small numbers (1-4 shown as <5, with secondary "
        "suppression) for a copy meant for publication",
    )
    parser.add_argument(
        "--scale",
        choices=("rcp", "hogan"),
        default=None,
        help="orientation of the avoidability grades (default: the study's own scale)",
    )
    parser.add_argument(
        "--unacceptable-at-most",
        type=int,
        default=2,
        metavar="S",
        help="summary rule: a phase scored S or less is unacceptable (default 2)",
    )
    parser.add_argument(
        "--lessons-at-most",
        type=int,
        default=3,
        metavar="S",
        help="summary rule: otherwise a phase scored S or less means lessons to learn (default 3)",
    )
    parser.add_argument(
        "--no-lessons-if-issue",
        action="store_true",
        help="summary rule: a theme issue or a problem in care alone does "
        "not mean lessons to learn",
    )
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        help="the date the report is made on (default today): year to date "
        "and overdue actions are counted to it",
    )


def register_coordinator(sub: Any) -> None:
    """``coordinator report STUDY --out report.pdf`` and ``coordinator export STUDY --out DIR``."""
    report = add_study_command(
        sub, "report", cmd_report, "the taskforce report: a board-ready PDF and its figures as JSON"
    )
    _figure_options(report)
    report.add_argument("--out", required=True, metavar="FILE", help="the PDF to write")
    report.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    export = add_study_command(
        sub,
        "export",
        cmd_export,
        "the analysts' exports: coded CSV files, the report's tables, codebook",
    )
    _figure_options(export)
    export.add_argument("--out", required=True, metavar="DIR", help="the folder to write in")
