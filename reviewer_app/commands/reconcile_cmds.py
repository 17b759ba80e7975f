"""Coordinator commands for reconciling double reviews and the reliability statement:
``discordant``, ``compare``, ``consensus``, ``second-stage``, ``allocate-second``,
``agreement`` and ``stages``.

Each reads the study (passphrase from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt) and
prints case and reviewer references only, never a patient identifier or a free-text answer.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any

from reviewer_app.commands.common import (
    StudyCommand,
    add_json_flag,
    add_study_commands,
    open_study,
    show_from_study,
)
from reviewer_app.errors import UsageError
from reviewer_app.paths import AppPaths


def _who(args: argparse.Namespace) -> str:
    if args.by is not None:
        return str(args.by)
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a service account without one)
        return "coordinator"


def cmd_discordant(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.resolved import resolved_cases
    from reviewer_app.services.reconciliation.text import discordant_lines

    return show_from_study(
        args,
        resolved_cases,
        lambda cases: [_discordant_json(c) for c in cases if c.discordances],
        discordant_lines,
    )


def _discordant_json(case: Any) -> dict[str, Any]:
    return {
        "case_ref": case.case_ref,
        "reviewer_refs": list(case.reviewer_refs),
        "discordances": [d.to_json() for d in case.discordances],
        "open": sorted(case.open_discordances),
        "consensus": sorted(case.consensus_items),
        "stale_consensus": sorted(case.stale_consensus),
    }


def cmd_compare(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.compare import compare_case

    return show_from_study(
        args,
        lambda study: compare_case(study, args.case_ref),
        lambda result: result.to_json(),
        lambda result: result.lines(only_differences=args.differences),
    )


def cmd_consensus(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.consensus import record_consensus

    with open_study(args) as study:
        done = record_consensus(
            study,
            args.case_ref,
            args.item,
            value=args.value,
            method=args.method,
            reason=args.reason,
            recorded_by=_who(args),
        )
    print(done.summary())
    return 0


def cmd_second_stage(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.second_stage import second_stage_queue
    from reviewer_app.services.reconciliation.text import queue_lines

    return show_from_study(
        args, second_stage_queue, lambda entries: [e.to_json() for e in entries], queue_lines
    )


def cmd_allocate_second(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.second_stage import allocate_second

    if args.reviewer is not None and args.case is None:
        raise UsageError("--reviewer needs --case: name the case to give to that reviewer.")
    with open_study(args) as study:
        report = allocate_second(
            study, case_ref=args.case, reviewer_ref=args.reviewer, allocated_by=_who(args)
        )
    print("\n".join(report.summary_lines()))
    if report.allocated:
        print("Make the packs (coordinator make-packs) to send them.")
    return 0


def cmd_agreement(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.agreement_statement import agreement_statement
    from reviewer_app.services.reconciliation.text import agreement_lines

    return show_from_study(
        args, agreement_statement, lambda statement: statement.to_json(), agreement_lines
    )


def cmd_stages(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.stages import case_stages
    from reviewer_app.services.reconciliation.text import stage_lines

    return show_from_study(args, case_stages, lambda rows: [r.to_json() for r in rows], stage_lines)


def _json(parser: argparse.ArgumentParser) -> None:
    add_json_flag(parser, "the result")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        metavar="NAME",
        help="who records this (default: your login name); kept in the record",
    )


def _compare_args(p: argparse.ArgumentParser) -> None:
    _json(p)
    p.add_argument("case_ref", metavar="CASE_REF", help="the case reference (e.g. NSR-0001)")
    p.add_argument("--differences", action="store_true", help="show only the items that differ")


def _consensus_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("case_ref", metavar="CASE_REF", help="the case reference")
    p.add_argument(
        "item",
        metavar="ITEM",
        help="the question id (e.g. phase.overall.score, avoidability.grade, problems.items) "
        "or outcome.type when the outcomes differ",
    )
    p.add_argument(
        "--value",
        required=True,
        metavar="V",
        help="the agreed value: a score 1-5 or not_applicable; rcp:N or hogan:N for "
        "avoidability; an option; options separated by commas; for problems.items the "
        "reviewer ref whose items stand, or both",
    )
    p.add_argument(
        "--method",
        required=True,
        metavar="M",
        help="how it was agreed: pair_discussion, third_reviewer or panel",
    )
    p.add_argument("--reason", required=True, metavar="TEXT", help="why (required; no names)")
    _by(p)


def _allocate_second_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--case", metavar="REF", help="only this case (default: every queued case)")
    p.add_argument(
        "--reviewer",
        metavar="REF",
        help="to this reviewer (with --case; default: the least loaded eligible one)",
    )
    _by(p)


_COMMANDS: tuple[StudyCommand, ...] = (
    (
        "discordant",
        cmd_discordant,
        "the double-reviewed cases whose two reviews are discordant, item by item",
        _json,
    ),
    (
        "compare",
        cmd_compare,
        "the two reviews of a case side by side, differences marked (once both are in)",
        _compare_args,
    ),
    (
        "consensus",
        cmd_consensus,
        "record the agreed value of a discordant item (the reviews never change)",
        _consensus_args,
    ),
    (
        "second-stage",
        cmd_second_stage,
        "the second-stage queue: cases a second-review trigger fired for, and their state",
        _json,
    ),
    (
        "allocate-second",
        cmd_allocate_second,
        "give queued cases to a second-stage reviewer outside the pair (in their next pack)",
        _allocate_second_args,
    ),
    (
        "agreement",
        cmd_agreement,
        "agreement between the pairs' independent reviews: the report's reliability statement",
        _json,
    ),
    ("stages", cmd_stages, "each case's stage: returns, consensus, second stage, closed", _json),
)


def register_coordinator(sub: Any) -> None:
    """Add this module's commands to the `coordinator` group."""
    add_study_commands(sub, _COMMANDS)
