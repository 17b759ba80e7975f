"""Commands on a reviewer's workspace: open the app, build the demo, list cases."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.commands.common import (
    PASSPHRASE_ENV,
    add_command,
    add_workspace_option,
    demo_dir,
    open_session,
    workspace_dir,
)
from reviewer_app.errors import NotFoundError
from reviewer_app.paths import AppPaths

if TYPE_CHECKING:
    from reviewer_app.storage.workspace.cases import CaseSummary


def cmd_gui(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.app import has_study, run_gui

    study = getattr(args, "open_study", None)  # --study DIR (cli.OPEN_STUDY_DEST)
    if study:
        folder = Path(study).expanduser()
        if not has_study(folder):
            raise NotFoundError(
                f"There is no study in {folder}. Check the folder, or create a study there "
                "with reviewer-app coordinator init (or File > New study… in the app)."
            )
        return run_gui(folder, paths, demo=False, study=folder)
    if getattr(args, "practice", False):
        return run_gui(paths.data_dir, paths, demo=False, practice=True)
    folder = demo_dir(args, paths) if args.demo else workspace_dir(args, paths)
    return run_gui(folder, paths, demo=args.demo)


def cmd_demo(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.demo.build import (
        DEMO_PASSPHRASE,
        DEMO_STUDY_PASSPHRASE,
        build_demo_workspace,
        demo_co_reviewer_file,
        demo_exists,
        demo_study_folder,
    )
    from reviewer_app.services.demo.reviews import DEMO_CO_REVIEWER_PASSPHRASE

    folder = demo_dir(args, paths)
    if demo_exists(folder):
        print(f"A demo workspace already exists in {folder}")
    else:

        def show(done: int, total: int, label: str) -> None:
            print(f"  [{done}/{total}] {label}", file=sys.stderr)

        build_demo_workspace(folder, progress=show)
        print(f"Demo workspace created in {folder}")
    print("Everything in it is synthetic; these passphrases are public on purpose:")
    print(f"  workspace passphrase:        {DEMO_PASSPHRASE}")
    print(f"  demo study passphrase:       {DEMO_STUDY_PASSPHRASE}")
    print(f"    (the demo study, as its coordinator: {demo_study_folder(folder)})")
    co_reviewer = demo_co_reviewer_file(folder)
    if co_reviewer.exists():
        print(f"  co-reviewer identity file:   {co_reviewer}")
        print(f"  co-reviewer file passphrase: {DEMO_CO_REVIEWER_PASSPHRASE}")
    _print_return_and_collect(folder)
    return 0


def _print_return_and_collect(folder: Path) -> None:
    """How to send the demo's signed reviews home and collect them, as a coordinator would."""
    from reviewer_app.services.demo.build import DEMO_PACKS_FOLDER, demo_study_folder

    shared = folder / DEMO_PACKS_FOLDER
    study = demo_study_folder(folder)
    print("To return the signed demo reviews to the demo study and collect them:")
    print(f"  uv run reviewer-app return --workspace {folder} --to {shared}")
    print(f"  uv run reviewer-app coordinator collect {study} {shared}")
    print(f"  uv run reviewer-app coordinator status {study}")


def cmd_cases(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.storage.workspace.assignments import AssignmentStore

    with open_session(args, paths) as session:
        summaries = session.list_cases()
        cases = [session.cases.get(s.case_ref) for s in summaries] if args.json else []
        due = AssignmentStore(session.workspace.db).due_dates() if args.json else {}
    if args.json:
        out: list[dict[str, Any]] = [
            {
                "case_ref": s.case_ref,
                "patient_name": f"{c.given_names} {c.family_name}",
                "date_of_birth": c.date_of_birth.isoformat(),
                "admission_date": c.admission_date.isoformat(),
                "discharge_date": c.discharge_date.isoformat() if c.discharge_date else None,
                "date_of_death": c.date_of_death.isoformat(),
                "place_of_death": c.place_of_death.value,
                "status": s.status.value,
                "version": s.review_version,
                "due_date": due[s.case_ref].isoformat() if s.case_ref in due else None,
                **_returned_json(s),
            }
            for s, c in zip(summaries, cases, strict=True)
        ]
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    if not summaries:
        print("No cases in this workspace yet.")
        return 0
    print(
        f"{'Case':<10} {'Patient':<32} {'Died':<11} {'Place of death':<19} {'Status':<24} Returned"
    )
    for s in summaries:
        print(
            f"{s.case_ref:<10} {s.display_name[:32]:<32} {s.date_of_death.isoformat():<11} "
            f"{s.place_of_death.label:<19} {s.status.label:<24} {_returned_text(s)}"
        )
    return 0


def _returned_json(summary: CaseSummary) -> dict[str, Any]:
    """Whether the latest version is returned, and which version was returned when."""
    at = summary.returned_at
    return {
        "returned": summary.returned,
        "returned_version": summary.returned_version,
        "returned_at": None if at is None else at.isoformat(),
    }


def _returned_text(summary: CaseSummary) -> str:
    if summary.returned_at is None or summary.returned_version is None:
        return "-"
    when = f"v{summary.returned_version} {summary.returned_at.date().isoformat()}"
    return when if summary.returned else f"{when} (v{summary.review_version} not yet)"


def register(subparsers: Any) -> None:
    demo = add_command(
        subparsers, "demo", cmd_demo, "build the synthetic demo workspace (headless)"
    )
    add_workspace_option(
        demo, "where to build the demo (a local folder; default: the app's demo folder)"
    )
    cases = add_command(
        subparsers,
        "cases",
        cmd_cases,
        "list the cases in a workspace",
        passphrases=(PASSPHRASE_ENV,),
    )
    add_workspace_option(cases)
    cases.add_argument(
        "--json", action="store_true", help="print JSON (with patient details) instead of a table"
    )
