"""The signed record: acknowledged warnings sealed (content, audit entry, both PDFs), no
route out of a finding by amendment, withdrawn answers listed, content version 1 still
recomputed for a version signed before version 2."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from reviewer_app.domain.definition import load_definition_version
from reviewer_app.domain.identifiers import format_nhs_number
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.review.state import FormRoles
from reviewer_app.services.signing import signing_inputs
from reviewer_app.services.signing.rules import SignoffRefusedError
from reviewer_app.services.signing.signing_inputs import SigningInputs
from reviewer_app.services.summary.input import Signer
from reviewer_app.storage.audit import AuditHead, AuditLog
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.signoff_fixtures import PASSPHRASE, Bench, make_bench

NO_TRIGGER_SEED = 1  # a complete review in which no escalation trigger fires
ESCALATED_SEED = 2  # avoidability and harm triggers, decision "escalate"


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def inputs(bench: Bench) -> SigningInputs:
    return SigningInputs(
        bench.workspace.db,
        clock=bench.clock,
        definition_loader=load_definition_version,
        synthetic=True,
    )


def with_identifier_warning(bench: Bench, case_ref: str) -> int:
    """A complete review whose free text holds the NHS number: warning R8 to acknowledge."""
    review_id = bench.complete_review(case_ref, NO_TRIGGER_SEED)
    case = bench.reviews.reload(review_id).case
    comment = f"Reviewed with the records of {format_nhs_number(case.nhs_number)} in full."
    bench.reviews.save(review_id, {"avoidability.comment": comment}, "R01")
    return review_id


def signed_entry(bench: Bench, review_id: int) -> dict[str, object]:
    entry = next(e for e in AuditLog(bench.workspace.db).entries(review_id) if e.action == "signed")
    return json.loads(entry.new_json or "{}")  # type: ignore[no-any-return]


# --- what was acknowledged is sealed -------------------------------------------------------------


def test_acknowledged_warnings_are_sealed_in_content_audit_and_both_pdfs(bench: Bench) -> None:
    review_id = with_identifier_warning(bench, "SIG-0001")
    check = bench.signoff.check(review_id)
    assert "R8.identifier_in_text" in check.warning_codes
    result = bench.signoff.sign(review_id, PASSPHRASE, check.warning_codes)
    sig = SignatureStore(bench.workspace.db).signatures(review_id)[0]
    head = AuditHead(sig.audit_seq, sig.audit_hash)
    content = inputs(bench).content(ReviewStore(bench.workspace.db).get(review_id), head)
    assert content.sha256 == result.content_sha256 == sig.content_sha256  # read back, same
    sealed = content.document["acknowledged_warnings"]
    assert {w["code"] for w in sealed} == set(check.warning_codes)
    assert all(w["message"] for w in sealed)
    audited = signed_entry(bench, review_id)["acknowledged_warnings"]
    assert audited == sealed
    for pdf in (result.full.pdf, result.taskforce.pdf):
        text = text_of(pdf)
        assert "Warnings acknowledged at sign-off" in text
        assert "R8.identifier_in_text" in text
        assert "Free text may contain a patient identifier" in text


def test_a_review_without_warnings_seals_an_empty_list_and_says_none(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001", NO_TRIGGER_SEED)
    assert bench.signoff.check(review_id).warning_codes == ()
    result = bench.signoff.sign(review_id, PASSPHRASE, ())
    assert signed_entry(bench, review_id)["acknowledged_warnings"] == []
    for pdf in (result.full.pdf, result.taskforce.pdf):
        assert "Warnings acknowledged at sign-off None: no warning was shown" in text_of(pdf)


def test_a_code_acknowledged_that_was_not_shown_is_not_sealed(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001", NO_TRIGGER_SEED)
    bench.signoff.sign(review_id, PASSPHRASE, ("R7.good_care_avoidable",))
    assert signed_entry(bench, review_id)["acknowledged_warnings"] == []


def test_a_version_signed_as_content_v1_still_recomputes_and_co_signs(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patched:
        patched.setattr(signing_inputs, "CONTENT_FORMAT_VERSION", 1)
        review_id = bench.sign("SIG-0001", NO_TRIGGER_SEED)
    sig = SignatureStore(bench.workspace.db).signatures(review_id)[0]
    review = ReviewStore(bench.workspace.db).get(review_id)
    again = inputs(bench).content(review, AuditHead(sig.audit_seq, sig.audit_hash))
    assert again.document["format_version"] == 1
    assert again.sha256 == sig.content_sha256
    fresh = inputs(bench).content(review, AuditLog(bench.workspace.db).head())
    assert fresh.document["format_version"] == 2  # nothing sealed this head: today's format


# --- no route out of a finding ---------------------------------------------------------------


def amend_to_records_missing(bench: Bench, review_id: int, reason: str) -> int:
    new = bench.signoff.amend(review_id, reason, "R01")
    bench.reviews.save(new.id, {"records.reviewed": ["gp"], "records.missing": ["acute"]}, "R01")
    bench.reviews.set_outcome(
        new.id, ReviewStatus.RECORDS_MISSING, "The acute notes were recalled by the trust.", "R01"
    )
    return new.id


def test_a_full_review_with_a_finding_cannot_be_amended_into_another_outcome(
    bench: Bench,
) -> None:
    review_id = bench.sign("SIG-0001", ESCALATED_SEED)
    new_id = amend_to_records_missing(bench, review_id, "The acute notes were the wrong patient's")
    with pytest.raises(SignoffRefusedError, match="escalation trigger fired") as caught:
        bench.signoff.sign(new_id, PASSPHRASE, bench.acknowledged(new_id))
    assert "cannot turn it into another outcome" in str(caught.value)
    assert not SignatureStore(bench.workspace.db).signatures(new_id)


def test_an_immediate_safety_concern_alone_also_blocks_the_change(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0002", NO_TRIGGER_SEED)
    roles = FormRoles.of(bench.reviews.reload(review_id).definition)
    assert roles.concern is not None and roles.who_told is not None
    told = bench.clock().astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%dT%H:%M")
    answers: dict[str, object] = {
        roles.concern: "yes",
        roles.who_told: "Ward manager by telephone",
        "escalation.decision": "not_escalating",
        "escalation.not_escalating_reason": "The ward manager was told and acted the same day.",
    }
    when = roles.date_told or "immediate.told_at"
    answers[when] = told if "told_at" in when else told[:10]
    bench.reviews.save(review_id, answers, "R01")  # type: ignore[arg-type]
    check = bench.signoff.check(review_id)
    assert not check.errors, [e.code for e in check.errors]
    bench.signoff.sign(review_id, PASSPHRASE, check.warning_codes)
    new_id = amend_to_records_missing(bench, review_id, "The acute notes were the wrong patient's")
    with pytest.raises(SignoffRefusedError, match=r"escalation trigger|immediate safety|urgent"):
        bench.signoff.sign(new_id, PASSPHRASE, bench.acknowledged(new_id))


def test_without_a_finding_the_change_signs_and_lists_every_withdrawn_answer(
    bench: Bench,
) -> None:
    review_id = bench.sign("SIG-0001", NO_TRIGGER_SEED)
    new_id = amend_to_records_missing(bench, review_id, "The acute notes were the wrong patient's")
    result = bench.signoff.sign(new_id, PASSPHRASE, bench.acknowledged(new_id))
    assert result.review.status is ReviewStatus.RECORDS_MISSING
    text = text_of(result.full.pdf)
    assert "What changed" in text
    assert "Withdrawn: not asked in this version" in text
    assert text.count("Withdrawn: not asked in this version") >= 10  # phases, themes, ...
    inp = inputs(bench)
    signer = Signer(name="A", profession="Doctor", signed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    draft = inp.draft(result.review, AuditLog(bench.workspace.db).head(), signer)
    draft_changes = inp.summary_input(draft, DocumentKind.FULL).changes
    labels = [c.label for c in draft_changes if c.new.startswith("Withdrawn")]
    assert any("Overall" in label for label in labels)
    assert any("avoidab" in label.lower() for label in labels)


@pytest.mark.parametrize("reason", ["..........", "xxxxxxxxxxxx", "!!!! ???? ...."])
def test_an_amendment_reason_without_substance_is_refused(bench: Bench, reason: str) -> None:
    review_id = bench.sign("SIG-0001", NO_TRIGGER_SEED)
    with pytest.raises(SignoffRefusedError, match="punctuation or one repeated character"):
        bench.signoff.amend(review_id, reason, "R01")
    assert [r.version for r in ReviewStore(bench.workspace.db).versions("SIG-0001")] == [1]


def test_a_full_review_amended_within_the_review_keeps_its_answers_listed(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001", NO_TRIGGER_SEED)
    new = bench.signoff.amend(review_id, "Overall score corrected after re-reading", "R01")
    opened = bench.reviews.reload(new.id)
    answers = complete_answers(opened.definition, opened.case, random.Random(NO_TRIGGER_SEED))
    bench.reviews.save(
        new.id, {"avoidability.comment": answers["avoidability.comment"] + " More."}, "R01"
    )
    result = bench.signoff.sign(new.id, PASSPHRASE, bench.acknowledged(new.id))
    text = text_of(result.full.pdf)
    assert "Withdrawn" not in text
    assert "More." in text
