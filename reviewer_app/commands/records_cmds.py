"""Coordinator commands for the records kept beside the signed reviews: ``escalation`` (the
escalation log, its updates, the de-identified log and each identifiable referral) and
``action`` (the taskforce's action plan: add, update, list, CSV in and out, the board
paper's appendix).

The study passphrase comes from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt. Lists print
references, statuses and dates, never patient identifiers; the referral PDF is the one
identifiable output, written with mode 0600 and marked for a secure route only.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from reviewer_app.commands.common import (
    StudyCommand,
    add_group,
    add_json_flag,
    add_out_file,
    add_study_commands,
    open_study,
    print_result,
    written_or_refused,
)
from reviewer_app.errors import UsageError, UserError
from reviewer_app.paths import AppPaths

_T = TypeVar("_T")

DATE_HELP = "as 2026-03-31 or 31/03/2026"


def _parsed(text: str | None, option: str, parse: Callable[[str], _T]) -> _T | None:
    """``text`` as ``parse`` reads it (None if not given); a usage error naming ``option``."""
    if text is None:
        return None
    try:
        return parse(text)
    except ValueError as err:
        raise UsageError(f"{option} {err}.") from None


def _date(text: str | None, option: str) -> date | None:
    from reviewer_app.services.intake.csv_reader import parse_date

    return _parsed(text, option, parse_date)


def _out_file(text: str, suffix: str) -> Path:
    out = Path(text).expanduser()
    if out.is_dir():
        raise UserError(f"{out} is a folder: give a file name, e.g. {out / ('file' + suffix)}.")
    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist. Create it or choose another.")
    return out


def _write_from_study(
    args: argparse.Namespace, out_text: str, suffix: str, write: Callable[[Any, Path], _T]
) -> tuple[Path, _T]:
    """Check the file to write, open the study, write it: the file and what ``write`` gave."""
    out = _out_file(out_text, suffix)
    with open_study(args) as study:
        return out, written_or_refused(out, lambda: write(study, out))


def _ack_days(args: argparse.Namespace) -> int:
    if args.ack_days < 0:
        raise UsageError("--ack-days must be 0 or more.")
    return int(args.ack_days)


# --- escalation --------------------------------------------------------------------------


def cmd_escalation_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.escalation_log import (
        escalation_entries,
        withdrawn_escalations,
    )
    from reviewer_app.services.records.listing import escalation_lines
    from reviewer_app.storage.clock import utc_now

    days = _ack_days(args)
    today = utc_now().date()
    with open_study(args) as study:
        entries = escalation_entries(study)
        withdrawn = withdrawn_escalations(study)
    if args.overdue:
        entries = [e for e in entries if e.overdue(today, days)]
    return print_result(
        args.json,
        entries,
        lambda shown: [e.to_json(today, days) for e in shown],
        lambda shown: escalation_lines(
            shown, today=today, working_days=days, withdrawn=withdrawn, overdue_only=args.overdue
        ),
    )


def cmd_escalation_update(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.domain.records import EscalationStatus
    from reviewer_app.services.records.escalation_updates import update_escalation

    status = EscalationStatus(args.status)
    with open_study(args) as study:
        entry = update_escalation(
            study,
            args.esc_id,
            status=status,
            status_date=_date(args.date, "--date"),
            reference=args.reference,
            doc_notified=args.doc_notified,
            doc_date=_date(args.doc_date, "--doc-date"),
            doc_by=args.doc_by,
            doc_in_writing=args.doc_in_writing,
            lead_organisation=args.lead_org,
            note=args.note,
            recorded_by=args.by,
        )
    when = entry.status_date.isoformat() if entry.status_date else "no date"
    print(
        f"Escalation {entry.esc_id}: {entry.status.label} ({when}); "
        f"update {len(entry.history)} recorded."
    )
    return 0


def cmd_escalation_referral(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.referral import write_referral

    out, _ = _write_from_study(
        args, args.out, ".pdf", lambda study, path: write_referral(study, args.esc_id, path)
    )
    print(
        f"Referral for {args.esc_id.strip()} written to {out} (identifiable: send it by a "
        "secure route only)."
    )
    return 0


def cmd_escalation_log(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.deidentified import write_log_csv, write_log_pdf

    if not args.pdf and not args.csv:
        raise UsageError("Give --pdf FILE, --csv FILE or both.")
    days = _ack_days(args)
    pdf = _out_file(args.pdf, ".pdf") if args.pdf else None
    csv = _out_file(args.csv, ".csv") if args.csv else None
    with open_study(args) as study:
        if pdf is not None:
            count = written_or_refused(pdf, lambda: write_log_pdf(study, pdf, working_days=days))
            print(f"De-identified escalation log ({count} escalations) written to {pdf}.")
        if csv is not None:
            count = written_or_refused(csv, lambda: write_log_csv(study, csv, working_days=days))
            print(f"De-identified escalation log ({count} escalations) written to {csv}.")
    return 0


# --- action ------------------------------------------------------------------------------


def _status(text: str | None) -> Any:
    from reviewer_app.services.records.action_fields import parse_status

    return _parsed(text, "--status", parse_status)


def cmd_action_add(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.domain.records import ActionStatus
    from reviewer_app.services.records.action_plan import add_action

    due = _date(args.due, "--due")
    assert due is not None
    with open_study(args) as study:
        action = add_action(
            study,
            reference=args.reference,
            theme=args.theme,
            action=args.action,
            lead=args.lead,
            organisation=args.org,
            due_date=due,
            work_stream=args.work_stream or "",
            committee=args.committee or "",
            status=_status(args.status) or ActionStatus.NOT_COMMENCED,
            progress_date=_date(args.date, "--date"),
            note=args.note or "",
            recorded_by=args.by,
        )
    print(f"Action {action.reference} added: status {action.status.value} ({action.status.label}).")
    return 0


def cmd_action_update(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.action_plan import update_action

    with open_study(args) as study:
        action = update_action(
            study,
            args.reference,
            status=_status(args.status),
            progress_date=_date(args.date, "--date"),
            note=args.note,
            theme=args.theme,
            work_stream=args.work_stream,
            committee=args.committee,
            action=args.action,
            lead=args.lead,
            organisation=args.org,
            due_date=_date(args.due, "--due"),
            recorded_by=args.by,
        )
    print(
        f"Action {action.reference}: status {action.status.value} ({action.status.label}), "
        f"{len(action.history)} progress update(s), due {action.due_date.isoformat()}."
    )
    return 0


def cmd_action_list(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.action_plan import list_actions
    from reviewer_app.services.records.listing import action_lines
    from reviewer_app.storage.clock import utc_now

    today = utc_now().date()
    with open_study(args) as study:
        actions = list_actions(study)
    if args.overdue:
        actions = [a for a in actions if a.overdue(today)]
    return print_result(
        args.json,
        actions,
        lambda shown: [a.to_json(today) for a in shown],
        lambda shown: action_lines(shown, today=today, overdue_only=args.overdue),
    )


def cmd_action_import(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.action_csv import import_actions
    from reviewer_app.user_files import read_user_file

    path = Path(args.file).expanduser()
    data = read_user_file(path, "action plan file")
    with open_study(args) as study:
        report = import_actions(study, data, path.name, recorded_by=args.by)
    for line in report.lines():
        print(line)
    return 0


def cmd_action_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.action_csv import export_actions

    out, count = _write_from_study(args, args.out, ".csv", export_actions)
    print(f"{count} action(s) written to {out}.")
    return 0


def cmd_action_appendix(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.records.action_appendix import write_appendix

    out, count = _write_from_study(args, args.out, ".pdf", write_appendix)
    print(f"Action-plan appendix ({count} actions) written to {out}.")
    return 0


# --- the parser --------------------------------------------------------------------------


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        default="coordinator",
        metavar="ROLE",
        help="who records this, as a role (default: coordinator); kept in the history",
    )


def _ack(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ack-days",
        type=int,
        default=5,
        metavar="N",
        help="an acknowledgement is overdue N working days (Mon-Fri) after sending (default 5)",
    )


def _esc_id(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("esc_id", metavar="ESC_ID", help="the escalation, as escalation list shows")


def _escalation_list_args(parser: argparse.ArgumentParser) -> None:
    add_json_flag(parser, "the log")
    parser.add_argument(
        "--overdue", action="store_true", help="only those whose acknowledgement is overdue"
    )
    _ack(parser)


def _escalation_update_args(parser: argparse.ArgumentParser) -> None:
    from reviewer_app.domain.records import EscalationStatus

    _esc_id(parser)
    parser.add_argument(
        "--status",
        required=True,
        choices=[s.value for s in EscalationStatus],
        help="its status now (the same status to record only other details)",
    )
    parser.add_argument("--date", metavar="D", help=f"when the status took effect, {DATE_HELP}")
    parser.add_argument("--reference", metavar="R", help="the receiving system's reference")
    parser.add_argument(
        "--doc-notified", choices=("yes", "no"), help="has the family been told (Duty of Candour)"
    )
    parser.add_argument("--doc-date", metavar="D", help=f"when the family was told, {DATE_HELP}")
    parser.add_argument("--doc-by", metavar="ROLE", help="who told the family, as a role")
    parser.add_argument(
        "--doc-in-writing", choices=("yes", "no"), help="was it followed up in writing"
    )
    parser.add_argument(
        "--lead-org", metavar="ORG", help="the lead organisation for a cross-system case"
    )
    parser.add_argument("--note", metavar="TEXT", help="why (required when going back a stage)")
    _by(parser)


def _referral_args(parser: argparse.ArgumentParser) -> None:
    _esc_id(parser)
    add_out_file(parser, "pdf")


def _log_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--pdf", metavar="FILE.pdf", help="write the log as a PDF")
    parser.add_argument("--csv", metavar="FILE.csv", help="write the log as CSV (UTF-8 with BOM)")
    _ack(parser)


_ESCALATION_COMMANDS: tuple[StudyCommand, ...] = (
    (
        "list",
        cmd_escalation_list,
        "every returned escalation and its status",
        _escalation_list_args,
    ),
    (
        "update",
        cmd_escalation_update,
        "record what happened to an escalation (appended to its history)",
        _escalation_update_args,
    ),
    (
        "referral",
        cmd_escalation_referral,
        "the identifiable referral PDF for the responsible provider (secure route only)",
        _referral_args,
    ),
    (
        "log",
        cmd_escalation_log,
        "the de-identified escalation log for the taskforce (PDF and/or CSV)",
        _log_args,
    ),
)


def _action_fields(parser: argparse.ArgumentParser, *, new: bool) -> None:
    parser.add_argument(
        "--theme", required=new, metavar="THEME", help="a theme of the review (id or title)"
    )
    parser.add_argument("--action", required=new, metavar="TEXT", help="what is to be done")
    parser.add_argument("--lead", required=new, metavar="ROLE", help="the lead, as a role")
    parser.add_argument("--org", required=new, metavar="ORG", help="the organisation")
    parser.add_argument("--due", required=new, metavar="D", help=f"the due date, {DATE_HELP}")
    parser.add_argument("--work-stream", metavar="W", help="the work-stream")
    parser.add_argument("--committee", metavar="C", help="the monitoring committee")
    parser.add_argument(
        "--status",
        metavar="S",
        help="0-5: 5 complete, 4 on track, 3 some delay, 2 significant "
        "delay, 1 not yet commenced, 0 objective revised" + (" (default 1)" if new else ""),
    )
    parser.add_argument(
        "--date", metavar="D", help=f"the progress date (default today), {DATE_HELP}"
    )
    parser.add_argument("--note", metavar="TEXT", help="the progress update's note")
    _by(parser)


def _action_add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--ref", dest="reference", required=True, metavar="REF", help="its reference"
    )
    _action_fields(parser, new=True)


def _action_update_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("reference", metavar="REF", help="the action's reference")
    _action_fields(parser, new=False)


def _action_list_args(parser: argparse.ArgumentParser) -> None:
    add_json_flag(parser, "the plan")
    parser.add_argument("--overdue", action="store_true", help="only open actions past due")


def _action_import_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", help="the action plan CSV")
    _by(parser)


_ACTION_COMMANDS: tuple[StudyCommand, ...] = (
    ("add", cmd_action_add, "add an action to the plan", _action_add_args),
    (
        "update",
        cmd_action_update,
        "record progress on an action or change its fields (all kept in its history)",
        _action_update_args,
    ),
    ("list", cmd_action_list, "the action plan", _action_list_args),
    (
        "import",
        cmd_action_import,
        "import an action-plan CSV (all or nothing; importing it again changes nothing)",
        _action_import_args,
    ),
    (
        "export",
        cmd_action_export,
        "write the plan as CSV (same columns)",
        lambda parser: add_out_file(parser, "csv"),
    ),
    (
        "appendix",
        cmd_action_appendix,
        "the board paper's appendix: the plan as a landscape PDF table",
        lambda parser: add_out_file(parser, "pdf"),
    ),
)


def register_coordinator(sub: Any) -> None:
    """Add ``escalation`` and ``action`` (groups) to the ``coordinator`` group."""
    _, escalation = add_group(
        sub,
        "escalation",
        "the escalation log",
        "The coordinator's log of every returned escalation: status, references, Duty of "
        "Candour follow-up; the de-identified log and each identifiable referral.",
    )
    add_study_commands(escalation, _ESCALATION_COMMANDS)
    _, action = add_group(
        sub,
        "action",
        "the taskforce's action plan",
        "Actions by theme with a lead, due date and dated progress on the 0-5 scale; CSV in "
        "and out; the board paper's appendix.",
    )
    add_study_commands(action, _ACTION_COMMANDS)
