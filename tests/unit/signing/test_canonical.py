"""The canonical review content: one spelling, every question present, a stable hash."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import pytest

from reviewer_app.domain.definition import default_definition
from reviewer_app.services.signing.canonical import (
    CONTENT_FORMAT,
    canonical_bytes,
    canonical_content,
    case_record_sha256,
)
from reviewer_app.storage.audit import GENESIS_HASH, AuditHead
from tests.support.review_fixtures import complete_answers, make_case

HEAD = AuditHead(42, "ab" * 32)


def content(answers: dict[str, Any], **changes: Any) -> Any:
    fields: dict[str, Any] = {
        "case": make_case(),
        "definition": default_definition(),
        "answers": answers,
        "version": 1,
        "outcome": "full_review",
        "outcome_reason": None,
        "supersedes_version": None,
        "amendment_reason": None,
        "audit_head": HEAD,
    }
    fields.update(changes)
    return canonical_content(**fields)


def test_serialisation_is_sorted_compact_utf8_and_hash_is_its_sha256() -> None:
    result = content({"avoidability.comment": "Zoë’s care"})
    text = result.data.decode("utf-8")
    assert " " not in text.replace("Zoë’s care", "")
    assert "Zoë’s care" in text  # not \\u-escaped
    assert result.data == canonical_bytes(json.loads(result.data))  # already canonical
    assert result.sha256 == hashlib.sha256(result.data).hexdigest()
    keys = list(json.loads(result.data))
    assert keys == sorted(keys)
    assert result.document["format"] == CONTENT_FORMAT


def test_every_definition_question_is_present_and_unanswered_is_explicit() -> None:
    definition = default_definition()
    doc = content({}).document
    top = [q.id for _, q in definition.top_questions()]
    assert set(top) <= set(doc["answers"])
    assert all(doc["answers"][qid] == {"state": "unanswered"} for qid in top)


def test_answered_values_are_tagged_and_unknown_stored_answers_are_kept() -> None:
    answers = complete_answers(default_definition())
    answers["legacy.question"] = "kept"
    doc = content(answers).document
    for qid, value in answers.items():
        assert doc["answers"][qid] == {"state": "answered", "value": value}


def test_unanswered_is_not_no_and_types_are_distinct() -> None:
    qid = "screening.autism"
    hashes = {
        content({}).sha256,
        content({qid: "no"}).sha256,
        content({qid: "not_applicable"}).sha256,
        content({qid: None}).sha256,
    }
    assert len(hashes) == 3  # None is the same as absent: unanswered
    assert content({"x": 1}).sha256 != content({"x": True}).sha256
    assert content({"x": 1}).sha256 != content({"x": "1"}).sha256


def test_nfc_normalisation_makes_decomposed_text_hash_the_same() -> None:
    composed = unicodedata.normalize("NFC", "Nguyễn Thị Ánh")
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    answers_a = {"avoidability.comment": composed}
    answers_b = {"avoidability.comment": decomposed}
    assert content(answers_a).sha256 == content(answers_b).sha256
    assert (
        content(answers_a, case=make_case(family_name=decomposed)).sha256
        == content(answers_a, case=make_case(family_name=composed)).sha256
    )


@pytest.mark.parametrize(
    "change",
    [
        {"version": 2},
        {"outcome": "records_missing"},
        {"outcome_reason": "Notes lost"},
        {"supersedes_version": 1, "version": 2},
        {"amendment_reason": "Typo"},
        {"audit_head": AuditHead(43, HEAD.hash)},
        {"audit_head": AuditHead(42, GENESIS_HASH)},
        {"case": make_case(nhs_number="9434765870")},
    ],
)
def test_everything_signed_changes_the_hash(change: dict[str, Any]) -> None:
    assert content({}).sha256 != content({}, **change).sha256


def test_identifiers_are_bound_by_hash_not_written_into_the_content() -> None:
    case = make_case()
    text = content({}).data.decode("utf-8")
    assert case.nhs_number not in text
    assert case.family_name not in text
    assert case_record_sha256(case) in text
    assert case.case_ref in text


def test_same_input_gives_identical_bytes() -> None:
    answers = complete_answers(default_definition())
    assert content(answers).data == content(dict(reversed(list(answers.items())))).data


def test_nan_is_refused() -> None:
    with pytest.raises(ValueError):
        content({"x": float("nan")})
