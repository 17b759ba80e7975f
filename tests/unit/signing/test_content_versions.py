"""Collection reads both content format versions: v1 as signed before, v2 with "not asked"
and the acknowledged warnings; anything else is quarantined as invalid content."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from reviewer_app.domain.definition import default_definition
from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.services.collection.checks import Quarantined, check_content
from reviewer_app.services.returns.format import ReturnItem
from reviewer_app.services.signing.canonical import canonical_bytes, canonical_content
from reviewer_app.storage.audit import AuditHead
from tests.support.review_fixtures import complete_answers, make_case

HEAD = AuditHead(7, "cd" * 32)
HEX = "ef" * 32


def item_for(data: bytes) -> ReturnItem:
    definition = default_definition()
    return ReturnItem(
        case_ref=make_case().case_ref,
        version=1,
        outcome="reviewed",  # type: ignore[arg-type]
        definition_id=definition.id,
        definition_version=str(definition.version),
        signed_at=dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC),
        content=data.decode("utf-8"),
        content_sha256=hashlib.sha256(data).hexdigest(),
        audit_head={"seq": HEAD.seq, "hash": HEAD.hash},  # type: ignore[arg-type]
        pdf_full_sha256=HEX,
        pdf_taskforce_sha256=HEX,
        pdf_full_b64="",
        pdf_taskforce_b64="",
    )


def signed(format_version: int) -> bytes:
    return canonical_content(
        case=make_case(),
        definition=default_definition(),
        answers=complete_answers(default_definition()),
        version=1,
        outcome="full_review",
        outcome_reason=None,
        supersedes_version=None,
        amendment_reason=None,
        audit_head=HEAD,
        format_version=format_version,
    ).data


@pytest.mark.parametrize("format_version", [1, 2])
def test_both_content_versions_are_accepted(format_version: int) -> None:
    doc = check_content(item_for(signed(format_version)), default_definition(), make_case())
    assert doc["format_version"] == format_version
    if format_version == 2:
        states = {a["state"] for a in doc["answers"].values()}
        assert "not_asked" in states  # the full review does not ask "outcome.reason"


def edited(format_version: int, change: Any) -> bytes:
    doc = json.loads(signed(format_version))
    change(doc)
    return canonical_bytes(doc)


def _not_asked_in_v1(doc: dict[str, Any]) -> None:
    doc["answers"]["outcome.reason"] = {"state": "not_asked"}


def _invented_state(doc: dict[str, Any]) -> None:
    doc["answers"]["outcome.reason"] = {"state": "skipped"}


def _answered_without_value(doc: dict[str, Any]) -> None:
    doc["answers"]["phase.overall.score"] = {"state": "answered"}


def _future_version(doc: dict[str, Any]) -> None:
    doc["format_version"] = 3


def _true_is_not_one(doc: dict[str, Any]) -> None:
    doc["format_version"] = True


def _no_acknowledged_list(doc: dict[str, Any]) -> None:
    del doc["acknowledged_warnings"]


@pytest.mark.parametrize(
    ("format_version", "change", "words"),
    [
        (1, _not_asked_in_v1, "no known state"),
        (2, _invented_state, "no known state"),
        (2, _answered_without_value, "no known state"),
        (2, _future_version, "unknown format version"),
        (1, _true_is_not_one, "unknown format version"),
        (2, _no_acknowledged_list, "warnings acknowledged"),
    ],
)
def test_bad_content_is_quarantined_with_what_is_wrong(
    format_version: int, change: Any, words: str
) -> None:
    with pytest.raises(Quarantined) as caught:
        check_content(item_for(edited(format_version, change)), default_definition(), make_case())
    assert caught.value.reason is QuarantineReason.CONTENT_INVALID
    assert words in caught.value.message
    assert make_case().family_name not in caught.value.message
