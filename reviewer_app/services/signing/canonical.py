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

Format ``reviewer-app/review-content`` version 1::

    {"answers": {"<question id>": {"state": "answered", "value": <JSON>} |
                                  {"state": "unanswered"}, ...},
     "audit_head": {"hash": "<64 hex>", "seq": <int>},
     "case": {"case_ref": "...", "record_sha256": "<64 hex>"},
     "definition": {"id": "...", "version": "..."},
     "format": "reviewer-app/review-content", "format_version": 1,
     "review": {"amendment_reason": null | "...", "outcome": "full_review" | ...,
                "outcome_reason": null | "...", "supersedes_version": null | <int>,
                "version": <int>}}
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers
from reviewer_app.storage.audit import AuditHead

CONTENT_FORMAT = "reviewer-app/review-content"
CONTENT_FORMAT_VERSION = 1
ANSWERED = "answered"
UNANSWERED = "unanswered"


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


def canonical_answers(definition: ReviewDefinition, answers: Answers) -> dict[str, Any]:
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
) -> CanonicalContent:
    """The canonical content of one review version at one audit head."""
    document = {
        "format": CONTENT_FORMAT,
        "format_version": CONTENT_FORMAT_VERSION,
        "case": {"case_ref": case.case_ref, "record_sha256": case_record_sha256(case)},
        "definition": {"id": definition.id, "version": str(definition.version)},
        "review": {
            "version": version,
            "outcome": outcome,
            "outcome_reason": outcome_reason,
            "supersedes_version": supersedes_version,
            "amendment_reason": amendment_reason,
        },
        "answers": canonical_answers(definition, answers),
        "audit_head": {"seq": audit_head.seq, "hash": audit_head.hash},
    }
    data = canonical_bytes(document)
    return CanonicalContent(data, hashlib.sha256(data).hexdigest(), AuditHead(*audit_head))
