"""Commands on one case's review, for support staff and scripts: print or set its answers,
start an amendment, record an outcome. The same services as the form, never their rules again.

``reviewer-app answers CASE_REF --json`` prints the case's answers in the documented shape
(``services/scripted/answers_file.py``; JSON Schema ``schema/review-answers.schema.json``);
``--set FILE.json`` sets answers from that shape through ``ReviewService.save`` (the form's
validation, status moves and audit), as the enrolled reviewer, with the reason "entered from
FILE". ``amend CASE_REF --reason TEXT`` starts a new version of a signed review as Case >
Amend does; ``outcome CASE_REF {records_missing,handed_back,outside_method} --reason TEXT``
ends a review with that outcome as the form's outcome buttons do; ``reopen CASE_REF --reason
TEXT`` takes an unsigned review out of its outcome as the form's Reopen does
(``ReviewService.reopen``). The workspace passphrase
comes from ``REVIEWER_APP_PASSPHRASE`` or a prompt.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.commands.common import (
    PASSPHRASE_ENV,
    add_case_command,
    open_session,
)
from reviewer_app.errors import NotFoundError
from reviewer_app.paths import AppPaths
from reviewer_app.user_files import read_user_file

if TYPE_CHECKING:
    from reviewer_app.services.session import ReviewerSession

OUTCOME_CHOICES = ("records_missing", "handed_back", "outside_method")


def _actor(session: ReviewerSession) -> str:
    """The enrolled reviewer, exactly as the app's audit trail names them."""
    from reviewer_app.app import audit_actor

    return audit_actor(session)


def _require_case(session: ReviewerSession, case_ref: str) -> None:
    if not session.cases.exists(case_ref):
        raise NotFoundError(
            f"There is no case {case_ref} in this workspace. Check the case reference "
            "(reviewer-app cases lists them)."
        )


# --- answers ----------------------------------------------------------------------------------


def cmd_answers(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.services.scripted.answers_file import MAX_FILE_BYTES, set_answers

    data = None
    if args.set is not None:
        path = Path(args.set).expanduser()
        data = read_user_file(path, "answers file", max_bytes=MAX_FILE_BYTES)
    with open_session(args, paths) as session:
        _require_case(session, args.case_ref)
        if data is None:
            sys.stdout.write(_printed(session, args.case_ref))
            return 0
        result = set_answers(session.workspace.db, args.case_ref, data, path.name, _actor(session))
    if result.changed == 0:
        print(f"No answers changed: case {args.case_ref} already holds what {path.name} says.")
    else:
        print(
            f"Set {result.changed} answer(s) of case {args.case_ref} version {result.version} "
            f"from {path.name}; the review is now {result.status.label.lower()}."
        )
    return 0


def _printed(session: ReviewerSession, case_ref: str) -> str:
    from reviewer_app.domain.definition import default_definition
    from reviewer_app.services.review.service import ReviewService
    from reviewer_app.services.scripted.answers_file import answers_document, blank_document
    from reviewer_app.storage.workspace.reviews import ReviewStore

    db = session.workspace.db
    review = ReviewStore(db).latest(case_ref)
    if review is None:  # not opened yet: printing must not open it
        return blank_document(case_ref, default_definition()).to_text()
    return answers_document(ReviewService(db).reload(review.id)).to_text()


# --- amendment and outcomes ---------------------------------------------------------------------


def cmd_amend(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.errors import UserError
    from reviewer_app.services.review.service import MIN_REASON_LENGTH
    from reviewer_app.services.signing import background
    from reviewer_app.services.signing.rules import case_signing

    with open_session(args, paths) as session:
        _require_case(session, args.case_ref)
        state = case_signing(session.workspace.db, args.case_ref)
        if not state.can_amend or state.review_id is None:
            raise UserError(f"{state.why_not_amend()} Nothing was changed.")
        done = background.amend_review(
            session.workspace,
            state.review_id,
            args.reason,
            _actor(session),
            min_length=MIN_REASON_LENGTH,
        )
    print(
        f"Started version {done.new_version} of case {done.case_ref}, amending signed version "
        f"{done.signed_version}. Correct it, then sign it again (reviewer-app sign "
        f"{done.case_ref})."
    )
    return 0


def cmd_outcome(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.domain.status import ReviewStatus
    from reviewer_app.services.review.service import ReviewService

    status = ReviewStatus(args.outcome)
    with open_session(args, paths) as session:
        _require_case(session, args.case_ref)
        db = session.workspace.db
        actor = _actor(session)
        service = ReviewService(db)
        with db.transaction():  # opening the case for the first time is undone on refusal too
            opened = service.open(args.case_ref, actor)
            done = service.set_outcome(opened.review_id, status, args.reason, actor)
    print(
        f'Recorded "{status.label}" for case {args.case_ref} version {done.review.version}. '
        f"Sign it to send it back (reviewer-app sign {args.case_ref})."
    )
    return 0


def cmd_reopen(args: argparse.Namespace, paths: AppPaths) -> int:
    from reviewer_app.errors import UserError
    from reviewer_app.services.review.service import ReviewService
    from reviewer_app.storage.workspace.reviews import ReviewStore

    with open_session(args, paths) as session:
        _require_case(session, args.case_ref)
        db = session.workspace.db
        review = ReviewStore(db).latest(args.case_ref)
        if review is None or not review.status.is_outcome:
            raise UserError(
                f"Case {args.case_ref} has no recorded outcome to reopen. Nothing was changed."
            )
        done = ReviewService(db).reopen(review.id, _actor(session), args.reason)
    print(
        f"Reopened case {args.case_ref} version {done.review.version}; the review is now "
        f"{done.review.status.label.lower()}. Correct it (reviewer-app answers "
        f"{args.case_ref} --set FILE.json), then sign it (reviewer-app sign {args.case_ref})."
    )
    return 0


# --- registration -------------------------------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add this module's top-level commands."""
    _add_answers(subparsers)
    amend = add_case_command(
        subparsers,
        "amend",
        cmd_amend,
        "start an amendment of a signed review: a new version to correct and sign again",
        [PASSPHRASE_ENV],
    )
    amend.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help="what is corrected and why (in words; kept with the amendment and signed)",
    )
    outcome = add_case_command(
        subparsers,
        "outcome",
        cmd_outcome,
        "end a review with an outcome other than a full review: records missing, handed back "
        "(conflict) or outside this method",
        [PASSPHRASE_ENV],
    )
    outcome.add_argument("outcome", choices=OUTCOME_CHOICES, help="the outcome to record")
    outcome.add_argument(
        "--reason", required=True, metavar="TEXT", help="why (in words; recorded and signed)"
    )
    reopen = add_case_command(
        subparsers,
        "reopen",
        cmd_reopen,
        "take an unsigned review out of its recorded outcome so it can continue, as the "
        "form's Reopen does (the answers are kept; a signed review is amended instead)",
        [PASSPHRASE_ENV],
    )
    reopen.add_argument(
        "--reason",
        required=True,
        metavar="TEXT",
        help="why the review continues (in words; kept in the audit trail)",
    )


def _add_answers(subparsers: Any) -> None:
    answers = add_case_command(
        subparsers,
        "answers",
        cmd_answers,
        "print a case's answers as JSON (--json), or set them from such a file (--set), "
        "through the same checks and audit trail as the form",
        [PASSPHRASE_ENV],
    )
    answers.epilog = (
        "The JSON shape is schema/review-answers.schema.json: every question with its value "
        '("answered") or its state ("unanswered", "not_asked"). --set changes only what the '
        "file changes (a file printed by --json changes nothing), as you, with the reason "
        f'"entered from FILE". {answers.epilog or ""}'
    ).strip()
    what = answers.add_mutually_exclusive_group(required=True)
    what.add_argument(
        "--json", action="store_true", help="print the case's answers (with patient details)"
    )
    what.add_argument(
        "--set", metavar="FILE.json", help="set answers from FILE.json (the shape --json prints)"
    )


__all__ = ["OUTCOME_CHOICES", "register"]
