"""The canonical content of a review version: what a signature commits to, as bytes.

One spelling per review: UTF-8 JSON, keys sorted, no spaces, every string NFC-normalised
(so the same name typed on a Mac or on Windows hashes the same). Every top-level question of
the review's definition appears, either ``{"state": "answered", "value": ...}`` or
``{"state": "unanswered"}``: "unanswered" is part of what is signed, so an answer cannot be
slipped in later where there was none. Stored answers the definition does not know are
listed too (nothing stored escapes the hash).

The document also carries the case reference and the SHA-256 of the case's cohort record
(binding the review to that patient without putting identifiers into this text), the review
version, its outcome, what it amends and why, the definition id and version, and the audit
trail's head ``(seq, hash)`` at the moment of signing, which seals the whole history of
changes that led here (``AuditLog.verify(expected_head=...)`` checks it later).

Format ``reviewer-app/review-content`` version 2 (what is signed today)::

    {"acknowledged_warnings": [{"code": "...", "location": "...", "message": "..."}, ...],
     "answers": {"<question id>": {"state": "answered", "value": <JSON>} |
                                  {"state": "unanswered"} | {"state": "not_asked"}, ...},
     "audit_head": {"hash": "<64 hex>", "seq": <int>},
     "case": {"case_ref": "...", "record_sha256": "<64 hex>"},
     "definition": {"id": "...", "version": "..."},
     "format": "reviewer-app/review-content", "format_version": 2,
     "review": {"amendment_reason": null | "...", "outcome": "full_review" | ...,
                "outcome_reason": null | "...", "supersedes_version": null | <int>,
                "version": <int>}}

Version 2 differs from version 1 in two ways, and version-1 contents stay readable and
verifiable (``READABLE_FORMAT_VERSIONS``; ``answer_states``):

- ``"not_asked"``: a question the form did not ask (hidden by its conditions, given the other
  answers) is signed as not asked, never as answered, even when a value is still stored for it
  (the audit head seals that stored history). Inside a repeating group's items, answers to
  item questions the item did not ask are left out. "not applicable", "unknown" and "cannot
  tell" stay answered values (distinct from each other, from "no" and from unanswered).
- ``acknowledged_warnings``: every warning the reviewer acknowledged at sign-off, code,
  location and text, sorted, so what was acknowledged is sealed with what was signed.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.answer_view import AnswerView
from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import GroupQuestion, ReviewDefinition
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers
from reviewer_app.storage.audit import AuditHead

CONTENT_FORMAT = "reviewer-app/review-content"
CONTENT_FORMAT_VERSION = 2
READABLE_FORMAT_VERSIONS = frozenset({1, 2})
"""Every content format version a signed content may carry and still be read and verified."""
ANSWERED = "answered"
UNANSWERED = "unanswered"
NOT_ASKED = "not_asked"


def answer_states(format_version: int) -> frozenset[str]:
    """The answer states a content of ``format_version`` may use (empty: unknown version)."""
    if format_version == 1:
        return frozenset({ANSWERED, UNANSWERED})
    if format_version == 2:
        return frozenset({ANSWERED, UNANSWERED, NOT_ASKED})
    return frozenset()


@dataclass(frozen=True, order=True)
class AcknowledgedWarning:
    """One warning the reviewer acknowledged at sign-off, as it is sealed and printed.

    Warning texts are written from the definition, never from answers (``domain.issues``), so
    they carry no patient data and may appear in the taskforce copy and the audit trail.
    """

    code: str
    location: str
    message: str

    @classmethod
    def of(cls, issue: Issue) -> AcknowledgedWarning:
        return cls(issue.code, issue.location, issue.message)

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "location": self.location, "message": self.message}


def sealed_warnings(warnings: Iterable[Issue]) -> tuple[AcknowledgedWarning, ...]:
    """Warnings as sealed: one per (code, location, text), sorted."""
    return tuple(sorted({AcknowledgedWarning.of(w) for w in warnings}))


@dataclass(frozen=True)
class CanonicalContent:
    """The exact bytes signed, their SHA-256 (hex), and the audit head they include."""

    data: bytes
    sha256: str
    audit_head: AuditHead

    @property
    def document(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.data)
        return parsed


def nfc_deep(value: Any) -> Any:
    """Every string (keys too) in NFC; lists and dicts rebuilt, other scalars as they are."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list | tuple):
        return [nfc_deep(v) for v in value]
    if isinstance(value, dict):
        return {unicodedata.normalize("NFC", str(k)): nfc_deep(v) for k, v in value.items()}
    return value


def canonical_bytes(document: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8, NFC strings, no NaN or infinity."""
    return json.dumps(
        nfc_deep(document),
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        allow_nan=False,
    ).encode("utf-8")


def case_record_sha256(case: Case) -> str:
    """SHA-256 of the cohort record as canonical JSON (identifiers stay out of the content)."""
    return hashlib.sha256(canonical_bytes(case.model_dump(mode="json"))).hexdigest()


def outcome_of(status: ReviewStatus) -> str:
    """What is being signed: a full review, or one of the outcomes."""
    return status.value if status.is_outcome else "full_review"


def canonical_answers(
    definition: ReviewDefinition, answers: Answers, format_version: int = CONTENT_FORMAT_VERSION
) -> dict[str, Any]:
    """Every question's state: answered (with its value), unanswered, or (v2) not asked."""
    if format_version == 1:
        return _answers_v1(definition, answers)
    view = AnswerView(definition, answers)
    found: dict[str, Any] = {}
    for _, question in definition.top_questions():
        value = answers.get(question.id)
        if not view.is_relevant(question.id):
            found[question.id] = {"state": NOT_ASKED}
        elif value is None:
            found[question.id] = {"state": UNANSWERED}
        elif isinstance(question, GroupQuestion):
            found[question.id] = {"state": ANSWERED, "value": _asked_items(view, question, value)}
        else:
            found[question.id] = {"state": ANSWERED, "value": value}
    for question_id, value in answers.items():
        if question_id in found:
            continue
        # Stored answers the definition does not know: kept, so nothing stored escapes.
        found[question_id] = (
            {"state": UNANSWERED} if value is None else {"state": ANSWERED, "value": value}
        )
    return found


def _asked_items(view: AnswerView, group: GroupQuestion, value: Any) -> Any:
    """A group's items with only the item questions each item asked (malformed: as stored)."""
    if not isinstance(value, list):
        return value
    scopes = {scope.item_id: scope for scope in view.items(group.id)}
    kept: list[Any] = []
    for item in value:
        answers = item.get("answers") if isinstance(item, dict) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        scope = scopes.get(item_id) if isinstance(item_id, str) else None
        if scope is None or not isinstance(answers, dict):
            kept.append(item)
            continue
        asked = {k: v for k, v in answers.items() if scope.is_relevant(k)}
        kept.append({**item, "answers": asked})
    return kept


def _answers_v1(definition: ReviewDefinition, answers: Answers) -> dict[str, Any]:
    """Version 1: every stored value answered, relevant or not (kept to re-verify v1)."""
    found: dict[str, Any] = {}
    for _, question in definition.top_questions():
        found[question.id] = {"state": UNANSWERED}
    for question_id, value in answers.items():
        if value is None:
            found[question_id] = {"state": UNANSWERED}
        else:
            found[question_id] = {"state": ANSWERED, "value": value}
    return found


def canonical_content(
    *,
    case: Case,
    definition: ReviewDefinition,
    answers: Answers,
    version: int,
    outcome: str,
    outcome_reason: str | None,
    supersedes_version: int | None,
    amendment_reason: str | None,
    audit_head: AuditHead,
    acknowledged: Iterable[AcknowledgedWarning] = (),
    format_version: int = CONTENT_FORMAT_VERSION,
) -> CanonicalContent:
    """The canonical content of one review version at one audit head.

    ``format_version`` 1 re-creates a content signed before version 2 (no "not asked", no
    acknowledged warnings), so that its signature can still be checked.
    """
    if format_version not in READABLE_FORMAT_VERSIONS:
        raise ValueError(f"unknown review content format version {format_version}")
    document: dict[str, Any] = {
        "format": CONTENT_FORMAT,
        "format_version": format_version,
        "case": {"case_ref": case.case_ref, "record_sha256": case_record_sha256(case)},
        "definition": {"id": definition.id, "version": str(definition.version)},
        "review": {
            "version": version,
            "outcome": outcome,
            "outcome_reason": outcome_reason,
            "supersedes_version": supersedes_version,
            "amendment_reason": amendment_reason,
        },
        "answers": canonical_answers(definition, answers, format_version),
        "audit_head": {"seq": audit_head.seq, "hash": audit_head.hash},
    }
    if format_version >= 2:
        document["acknowledged_warnings"] = [w.to_json() for w in sorted(set(acknowledged))]
    data = canonical_bytes(document)
    return CanonicalContent(data, hashlib.sha256(data).hexdigest(), AuditHead(*audit_head))
