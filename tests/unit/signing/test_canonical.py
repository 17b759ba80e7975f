"""The canonical review content: one spelling, every question present, a stable hash."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

import pytest

from reviewer_app.domain.definition import Severity, default_definition
from reviewer_app.domain.issues import Issue
from reviewer_app.services.signing.canonical import (
    CONTENT_FORMAT,
    CONTENT_FORMAT_VERSION,
    READABLE_FORMAT_VERSIONS,
    AcknowledgedWarning,
    answer_states,
    canonical_bytes,
    canonical_content,
    case_record_sha256,
    sealed_warnings,
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
    states = {qid: doc["answers"][qid]["state"] for qid in top}
    assert set(states.values()) == {"unanswered", "not_asked"}
    assert states["phase.overall.score"] == "unanswered"  # asked, not answered
    assert states["outcome.reason"] == "not_asked"  # asked only for another outcome


def test_version_1_marks_every_question_unanswered_and_nothing_not_asked() -> None:
    definition = default_definition()
    doc = content({}, format_version=1).document
    assert doc["format_version"] == 1
    assert "acknowledged_warnings" not in doc
    top = [q.id for _, q in definition.top_questions()]
    assert all(doc["answers"][qid] == {"state": "unanswered"} for qid in top)


def test_a_hidden_answer_is_signed_as_not_asked_never_as_answered() -> None:
    definition = default_definition()
    answers = complete_answers(definition)
    answers["outcome.type"] = "records_missing"
    answers["outcome.reason"] = "The community notes could not be found in the archive."
    doc = content(answers, outcome="records_missing").document
    assert doc["format_version"] == CONTENT_FORMAT_VERSION == 2
    assert doc["answers"]["phase.overall.score"] == {"state": "not_asked"}
    assert doc["answers"]["avoidability.grade"] == {"state": "not_asked"}
    assert doc["answers"]["outcome.reason"]["state"] == "answered"
    # Version 1 signed the same stored value as answered: that is what version 2 fixes.
    old = content(answers, outcome="records_missing", format_version=1).document
    assert old["answers"]["phase.overall.score"]["state"] == "answered"


def test_not_asked_differs_from_unanswered_and_from_each_special_value() -> None:
    qid = "screening.leder_reference"  # asked only with learning disability or autism "yes"
    hidden = content({"screening.learning_disability": "no", qid: "L-1"}).document
    assert hidden["answers"][qid] == {"state": "not_asked"}
    asked = content({"screening.learning_disability": "yes"}).document
    assert asked["answers"][qid] == {"state": "unanswered"}
    autism = "screening.autism"
    states = {
        value: content({autism: value}).document["answers"][autism]
        for value in ("no", "unknown", "not_applicable", "cannot_tell")
    }
    assert all(s["state"] == "answered" for s in states.values())
    assert len({json.dumps(s) for s in states.values()}) == 4


def test_item_answers_an_item_did_not_ask_are_left_out() -> None:
    # Severity is asked only when the problem led to harm (yes / probably).
    item = {"harm": "no", "severity": "severe"}
    value = [{"id": "p1", "answers": {f"problems.item.{k}": v for k, v in item.items()}}]
    answers = {"problems.any": "yes", "problems.items": value}
    signed = content(answers).document["answers"]["problems.items"]
    assert signed == {
        "state": "answered",
        "value": [{"id": "p1", "answers": {"problems.item.harm": "no"}}],
    }
    harmed = [
        {"id": "p1", "answers": {"problems.item.harm": "yes", "problems.item.severity": "severe"}}
    ]
    kept = content({"problems.any": "yes", "problems.items": harmed}).document["answers"]
    assert kept["problems.items"]["value"] == harmed
    # The whole group hidden ("no problems"): not asked, whatever is stored.
    none = content({"problems.any": "no", "problems.items": value}).document["answers"]
    assert none["problems.items"] == {"state": "not_asked"}
    old = content(answers, format_version=1).document["answers"]["problems.items"]
    assert old == {"state": "answered", "value": value}


def test_acknowledged_warnings_are_sealed_sorted_and_change_the_hash() -> None:
    warnings = [
        Issue("R7.overall_good_avoidable", Severity.WARNING, "Overall good but avoidable."),
        Issue("R4.no_harm_recorded", Severity.WARNING, "No harmful problem.", "problems.items"),
        Issue("R4.no_harm_recorded", Severity.WARNING, "No harmful problem.", "problems.items"),
    ]
    sealed = sealed_warnings(warnings)
    assert [w.code for w in sealed] == ["R4.no_harm_recorded", "R7.overall_good_avoidable"]
    doc = content({}, acknowledged=sealed).document
    assert doc["acknowledged_warnings"] == [
        {
            "code": "R4.no_harm_recorded",
            "location": "problems.items",
            "message": "No harmful problem.",
        },
        {
            "code": "R7.overall_good_avoidable",
            "location": "",
            "message": "Overall good but avoidable.",
        },
    ]
    assert content({}).document["acknowledged_warnings"] == []
    assert content({}).sha256 != content({}, acknowledged=sealed).sha256
    other_text = (AcknowledgedWarning("R4.no_harm_recorded", "problems.items", "Other text."),)
    assert (
        content({}, acknowledged=other_text).sha256 != content({}, acknowledged=sealed[:1]).sha256
    )


def test_only_known_format_versions_are_made_or_read() -> None:
    assert {1, 2} == READABLE_FORMAT_VERSIONS
    assert answer_states(1) == {"answered", "unanswered"}
    assert answer_states(2) == {"answered", "unanswered", "not_asked"}
    assert answer_states(3) == frozenset()
    with pytest.raises(ValueError, match="format version 3"):
        content({}, format_version=3)


def test_answered_values_are_tagged_and_unknown_stored_answers_are_kept() -> None:
    answers = complete_answers(default_definition())
    answers["legacy.question"] = "kept"
    doc = content(answers).document
    for qid, value in answers.items():
        assert doc["answers"][qid] == {"state": "answered", "value": value}, qid


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
