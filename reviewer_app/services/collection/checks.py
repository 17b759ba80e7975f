"""The per-item checks of a returned review version: its canonical content, its two signed
PDFs and its audit entries. Each raises :class:`Quarantined` with the reason and a message
that names the case and version but carries no patient data."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography import x509
from pydantic import ValidationError

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from reviewer_app.domain.study_scale import on_study_scale, study_scale_of
from reviewer_app.domain.validation import validate
from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.errors import InvalidInputError, UserError
from reviewer_app.services.returns.format import Outcome, ReturnItem
from reviewer_app.services.signing.canonical import (
    ANSWERED,
    CONTENT_FORMAT,
    READABLE_FORMAT_VERSIONS,
    answer_states,
    canonical_bytes,
)
from reviewer_app.services.signing.pades_verify import verify_pdf
from reviewer_app.storage.audit import AuditEntry, entry_hash

FULL_REVIEW = "full_review"


class Quarantined(Exception):
    """A bundle failed a check: it is quarantined with this reason, and nothing of it used."""

    def __init__(self, reason: QuarantineReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _where(item: ReturnItem) -> str:
    return f"case {item.case_ref} version {item.version}"


def canonical_outcome(outcome: Outcome) -> str:
    """The content's spelling of an item's outcome."""
    return FULL_REVIEW if outcome is Outcome.REVIEWED else outcome.value


# --- the canonical content ------------------------------------------------------------------


def check_content(
    item: ReturnItem, definition: ReviewDefinition, case: Case | None
) -> dict[str, Any]:
    """The content hashes as stated, says what the item says, and validates (full review)."""
    data = item.content.encode("utf-8")
    if hashlib.sha256(data).hexdigest() != item.content_sha256:
        raise Quarantined(
            QuarantineReason.CONTENT_HASH,
            f"the content of {_where(item)} does not hash to its stated SHA-256",
        )
    try:
        doc = json.loads(data)
        same = isinstance(doc, dict) and canonical_bytes(doc) == data
    except (ValueError, RecursionError):
        doc, same = None, False
    if not same or not isinstance(doc, dict):
        raise _invalid(item, "is not canonical review content")
    definition = made_with(item, definition)
    problem = _disagreement(item, doc, definition)
    if problem is not None:
        raise _invalid(item, problem)
    if item.outcome is Outcome.REVIEWED:
        _validate_answers(item, doc, definition, case)
    return doc


def made_with(item: ReturnItem, study_definition: ReviewDefinition) -> ReviewDefinition:
    """The definition the item was made with: the study's definition at the version the item
    names (a review begun under v1 stays a v1 review), if the app has that version and it is
    not newer than the study's; else the study's own (the item is then refused as made with
    a definition this study did not send)."""
    if item.definition_id != study_definition.id:
        return study_definition
    try:
        version = int(item.definition_version)
    except ValueError:
        return study_definition
    if not 1 <= version <= study_definition.version:
        return study_definition
    try:
        made = load_definition_version(item.definition_id, version)
        return on_study_scale(made, study_scale_of(study_definition))
    except UserError:
        return study_definition


def _invalid(item: ReturnItem, problem: str) -> Quarantined:
    return Quarantined(QuarantineReason.CONTENT_INVALID, f"the content of {_where(item)} {problem}")


def _disagreement(
    item: ReturnItem, doc: dict[str, Any], definition: ReviewDefinition
) -> str | None:
    try:
        review, said_definition = doc["review"], doc["definition"]
        checks = [
            (doc["format"] == CONTENT_FORMAT, "is not review content"),
            (
                doc["format_version"] in READABLE_FORMAT_VERSIONS
                and type(doc["format_version"]) is int,
                "has an unknown format version",
            ),
            (
                doc["format_version"] == 1 or isinstance(doc.get("acknowledged_warnings"), list),
                "does not list the warnings acknowledged at sign-off",
            ),
            (doc["case"]["case_ref"] == item.case_ref, "is for another case"),
            (review["version"] == item.version, "states another version"),
            (review["outcome"] == canonical_outcome(item.outcome), "states another outcome"),
            (review["supersedes_version"] == item.supersedes_version, "amends another version"),
            (
                said_definition == {"id": item.definition_id, "version": item.definition_version},
                "names another review definition",
            ),
            (
                (item.definition_id, item.definition_version)
                == (definition.id, str(definition.version)),
                "uses a review definition this study did not send",
            ),
            (
                doc["audit_head"] == {"seq": item.audit_head.seq, "hash": item.audit_head.hash},
                "seals another audit head",
            ),
            (isinstance(doc["answers"], dict), "has no answers"),
        ]
    except (KeyError, TypeError):
        return "lacks a field review content has"
    return next((problem for ok, problem in checks if not ok), None)


def _validate_answers(
    item: ReturnItem, doc: dict[str, Any], definition: ReviewDefinition, case: Case | None
) -> None:
    answers: dict[str, Any] = {}
    states = answer_states(doc["format_version"])  # v1: answered, unanswered; v2: + not asked
    for question_id, said in doc["answers"].items():
        state = said.get("state") if isinstance(said, dict) else None
        if state == ANSWERED and "value" in said:
            answers[question_id] = said["value"]
        elif state == ANSWERED or state not in states:
            raise _invalid(item, "has an answer in no known state")
    missing = {q.id for _, q in definition.top_questions()} - set(doc["answers"])
    if missing:
        raise _invalid(item, f"leaves out {len(missing)} question(s) of its definition")
    if case is None:
        raise _invalid(item, "is for a case not in this study's cohort")
    if validate(definition, answers, case).errors:
        raise _invalid(item, "does not pass its definition's sign-off rules")


# --- the two signed PDFs --------------------------------------------------------------------


def _decoded(item: ReturnItem, text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Quarantined(
            QuarantineReason.PDF_HASH, f"the {what} PDF of {_where(item)} is not readable"
        ) from None


def check_pdfs(item: ReturnItem, root: x509.Certificate, signer_ref: str) -> tuple[bytes, bytes]:
    """Both PDFs hash as stated, verify against the study root, are signed by the bundle's
    reviewer, and every signature states the content's SHA-256 in its /Reason."""
    pdfs = []
    for what, text, stated in (
        ("full", item.pdf_full_b64, item.pdf_full_sha256),
        ("taskforce", item.pdf_taskforce_b64, item.pdf_taskforce_sha256),
    ):
        data = _decoded(item, text, what)
        if hashlib.sha256(data).hexdigest() != stated:
            raise Quarantined(
                QuarantineReason.PDF_HASH,
                f"the {what} PDF of {_where(item)} does not hash to its stated SHA-256",
            )
        _check_signatures(item, what, data, root, signer_ref)
        pdfs.append(data)
    return pdfs[0], pdfs[1]


def _check_signatures(
    item: ReturnItem, what: str, data: bytes, root: x509.Certificate, signer_ref: str
) -> None:
    try:
        verdict = verify_pdf(data, root)
    except InvalidInputError:
        verdict = None
    if verdict is None or not verdict.verified:
        raise Quarantined(
            QuarantineReason.PDF_SIGNATURE,
            f"the signatures of the {what} PDF of {_where(item)} do not verify against "
            "the study root",
        )
    if all(s.signer_ref != signer_ref for s in verdict.signatures):
        raise Quarantined(
            QuarantineReason.PDF_SIGNATURE,
            f"the {what} PDF of {_where(item)} is not signed by {signer_ref}",
        )
    stated = f"SHA-256 {item.content_sha256}"
    if any(s.stated_reason is None or stated not in s.stated_reason for s in verdict.signatures):
        raise Quarantined(
            QuarantineReason.PDF_CONTENT_HASH,
            f"the {what} PDF of {_where(item)} was signed for other content than the "
            "returned content",
        )


# --- the audit entries ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    seq: int
    hash: str


def check_audit(item: ReturnItem) -> None:
    """The review's audit entries chain to the head sealed in the signed content.

    A bundle carries the review's own entries (the workspace's trail interleaves every
    review), so: each entry's hash is recomputed from its fields; entries are in rising
    order, none after the sealed head; where two are consecutive the later names the
    earlier's hash; and the entry at the sealed head, when it is the review's, is exactly
    the sealed one.
    """
    head = item.audit_head
    previous: _Link | None = None
    for index, raw in enumerate(item.audit_entries):
        entry = _entry(item, raw, index)
        if entry_hash(**entry.model_dump(exclude={"hash"})) != entry.hash:
            raise _broken(item, f"entry {entry.seq} has been altered")
        if previous is not None and entry.seq <= previous.seq:
            raise _broken(item, "its entries are out of order")
        if (
            previous is not None
            and entry.seq == previous.seq + 1
            and (entry.prev_hash != previous.hash)
        ):
            raise _broken(item, f"entry {entry.seq} does not follow on from the one before")
        if previous is None and entry.seq == 1 and entry.prev_hash != "0" * 64:
            raise _broken(item, "its first entry does not start the trail")
        if entry.seq > head.seq:
            raise _broken(item, f"entry {entry.seq} comes after the sealed head")
        if entry.seq == head.seq and entry.hash != head.hash:
            raise _broken(item, "the entry at the sealed head is not the sealed one")
        previous = _Link(entry.seq, entry.hash)


def _entry(item: ReturnItem, raw: dict[str, Any], index: int) -> AuditEntry:
    try:
        return AuditEntry.model_validate(raw)
    except ValidationError:
        raise _broken(item, f"audit entry {index + 1} is not an audit entry") from None


def _broken(item: ReturnItem, problem: str) -> Quarantined:
    return Quarantined(
        QuarantineReason.AUDIT_CHAIN,
        f"the audit trail of {_where(item)} does not chain to its sealed head: {problem}",
    )
