"""Coordinator commands for reconciling double reviews and the reliability statement:
``discordant``, ``compare``, ``consensus``, ``second-stage``, ``allocate-second``,
``agreement`` and ``stages``.

Each reads the study (passphrase from ``REVIEWER_APP_STUDY_PASSPHRASE`` or a prompt) and
prints case and reviewer references only, never a patient identifier or a free-text answer.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from reviewer_app.commands.common import STUDY_PASSPHRASE_ENV, add_command, read_passphrase
from reviewer_app.errors import UsageError
from reviewer_app.paths import AppPaths

_STUDY_HELP = "the study folder (a local folder)"


def _open(args: argparse.Namespace) -> Any:
    from reviewer_app.commands.coordinator_cmds import existing_study_folder
    from reviewer_app.services.study import Study

    folder = existing_study_folder(args)
    return Study.open(folder, read_passphrase(STUDY_PASSPHRASE_ENV, "Study passphrase"))


def _print_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    print()


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

    with _open(args) as study:
        cases = resolved_cases(study)
    found = [c for c in cases if c.discordances]
    if args.json:
        _print_json(
            [
                {
                    "case_ref": c.case_ref,
                    "reviewer_refs": list(c.reviewer_refs),
                    "discordances": [d.to_json() for d in c.discordances],
                    "open": sorted(c.open_discordances),
                    "consensus": sorted(c.consensus_items),
                    "stale_consensus": sorted(c.stale_consensus),
                }
                for c in found
            ]
        )
    else:
        print("\n".join(discordant_lines(cases)))
    return 0


def cmd_compare(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.compare import compare_case

    with _open(args) as study:
        result = compare_case(study, args.case_ref)
    if args.json:
        _print_json(result.to_json())
    else:
        print("\n".join(result.lines(only_differences=args.differences)))
    return 0


def cmd_consensus(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.consensus import record_consensus

    with _open(args) as study:
        done = record_consensus(
            study,
            args.case_ref,
            args.item,
            value=args.value,
            method=args.method,
            reason=args.reason,
            recorded_by=_who(args),
        )
    r = done.record
    word = (
        f"version {r.version}, superseding version {r.version - 1}"
        if done.superseded
        else ("version 1")
    )
    print(f"Consensus recorded on {r.case_ref} {r.item} ({word}), by {r.method}.")
    return 0


def cmd_second_stage(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.second_stage import second_stage_queue
    from reviewer_app.services.reconciliation.text import queue_lines

    with _open(args) as study:
        entries = second_stage_queue(study)
    if args.json:
        _print_json([e.to_json() for e in entries])
    else:
        print("\n".join(queue_lines(entries)))
    return 0


def cmd_allocate_second(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.second_stage import allocate_second

    if args.reviewer is not None and args.case is None:
        raise UsageError("--reviewer needs --case: name the case to give to that reviewer.")
    with _open(args) as study:
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

    with _open(args) as study:
        statement = agreement_statement(study)
    if args.json:
        _print_json(statement.to_json())
    else:
        print("\n".join(agreement_lines(statement)))
    return 0


def cmd_stages(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.reconciliation.stages import case_stages
    from reviewer_app.services.reconciliation.text import stage_lines

    with _open(args) as study:
        rows = case_stages(study)
    if args.json:
        _print_json([r.to_json() for r in rows])
    else:
        print("\n".join(stage_lines(rows)))
    return 0


def _study(parser: argparse.ArgumentParser, *, json_too: bool = True) -> None:
    parser.add_argument("study", metavar="STUDY", help=_STUDY_HELP)
    if json_too:
        parser.add_argument("--json", action="store_true", help="print the result as JSON")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by",
        metavar="NAME",
        help="who records this (default: your login name); kept in the record",
    )


def register_coordinator(sub: Any) -> None:
    """Add this module's commands to the `coordinator` group."""
    env = (STUDY_PASSPHRASE_ENV,)
    p = add_command(
        sub,
        "discordant",
        cmd_discordant,
        "the double-reviewed cases whose two reviews are discordant, item by item",
        passphrases=env,
    )
    _study(p)
    p = add_command(
        sub,
        "compare",
        cmd_compare,
        "the two reviews of a case side by side, differences marked (once both are in)",
        passphrases=env,
    )
    _study(p)
    p.add_argument("case_ref", metavar="CASE_REF", help="the case reference (e.g. NSR-0001)")
    p.add_argument("--differences", action="store_true", help="show only the items that differ")
    p = add_command(
        sub,
        "consensus",
        cmd_consensus,
        "record the agreed value of a discordant item (the reviews never change)",
        passphrases=env,
    )
    _study(p, json_too=False)
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
    p = add_command(
        sub,
        "second-stage",
        cmd_second_stage,
        "the second-stage queue: cases a second-review trigger fired for, and their state",
        passphrases=env,
    )
    _study(p)
    p = add_command(
        sub,
        "allocate-second",
        cmd_allocate_second,
        "give queued cases to a second-stage reviewer outside the pair (in their next pack)",
        passphrases=env,
    )
    _study(p, json_too=False)
    p.add_argument("--case", metavar="REF", help="only this case (default: every queued case)")
    p.add_argument(
        "--reviewer",
        metavar="REF",
        help="to this reviewer (with --case; default: the least loaded eligible one)",
    )
    _by(p)
    p = add_command(
        sub,
        "agreement",
        cmd_agreement,
        "agreement between the pairs' independent reviews: the report's reliability statement",
        passphrases=env,
    )
    _study(p)
    p = add_command(
        sub,
        "stages",
        cmd_stages,
        "each case's stage: returns, consensus, second stage, closed",
        passphrases=env,
    )
    _study(p)
