"""The signed record: acknowledged warnings sealed (content, audit entry, both PDFs), no
route out of a finding by amendment, withdrawn answers listed, content version 1 still
recomputed for a version signed before version 2."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from reviewer_app.domain.definition import ReviewDefinition, load_definition_version
from reviewer_app.domain.identifiers import format_nhs_number
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.review.service import OutcomeRefusedError
from reviewer_app.services.review.state import FormRoles
from reviewer_app.services.signing import signing_inputs
from reviewer_app.services.signing.amendment_changes import (
    ITEM_REMOVED,
    WITHDRAWN,
    withdrawn_aware_changes,
)
from reviewer_app.services.signing.rules import (
    FINDING_WITHDRAWN,
    SignoffRefusedError,
    UnacknowledgedWarningsError,
    finding_in,
)
from reviewer_app.services.signing.signing_inputs import SigningInputs
from reviewer_app.services.summary.input import Signer
from reviewer_app.storage.audit import AuditHead, AuditLog
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.signoff_fixtures import (
    PASSPHRASE,
    Bench,
    make_bench,
    signed_with_a_finding,
)

NO_TRIGGER_SEED = 1  # a complete review in which no escalation trigger fires


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


def force_records_missing(bench: Bench, review_id: int) -> None:
    """The outcome stored as a workspace recorded it before ``set_outcome`` refused it."""
    store = ReviewStore(bench.workspace.db)
    store.save_answers(
        review_id,
        {
            "records.reviewed": ["gp"],
            "records.missing": ["acute"],
            "outcome.type": "records_missing",
            "outcome.reason": "The acute notes were recalled by the trust.",
        },
        "R01",
    )
    store.set_status(
        review_id, ReviewStatus.RECORDS_MISSING, "R01", "The acute notes were recalled."
    )


def test_a_full_review_with_a_finding_cannot_be_amended_into_another_outcome(
    bench: Bench,
) -> None:
    review_id = signed_with_a_finding(bench, "SIG-0001")
    new = bench.signoff.amend(review_id, "The acute notes were the wrong patient's", "R01")
    before = ReviewStore(bench.workspace.db).answers(new.id)
    with pytest.raises(OutcomeRefusedError, match="escalation trigger fired") as refused:
        bench.reviews.set_outcome(
            new.id, ReviewStatus.RECORDS_MISSING, "The acute notes were recalled.", "R01"
        )
    assert "cannot turn it into another outcome" in str(refused.value)
    after = ReviewStore(bench.workspace.db).get(new.id)
    assert after.status is ReviewStatus.AMENDMENT_IN_PROGRESS  # nothing recorded
    assert ReviewStore(bench.workspace.db).answers(new.id) == before
    force_records_missing(bench, new.id)  # recorded before set_outcome refused: signing refuses
    with pytest.raises(SignoffRefusedError, match="escalation trigger fired") as caught:
        bench.signoff.sign(new.id, PASSPHRASE, bench.acknowledged(new.id))
    assert "cannot turn it into another outcome" in str(caught.value)
    assert not SignatureStore(bench.workspace.db).signatures(new.id)


def without_the_finding(bench: Bench, review_id: int) -> None:
    """Remove every finding: RCP 5, no problem led to harm, no escalation, no concern."""
    answers = ReviewStore(bench.workspace.db).answers(review_id)
    items = [
        {
            "id": item["id"],
            "answers": {
                **{k: v for k, v in item["answers"].items() if k != "problems.item.severity"},
                "problems.item.harm": "no",
            },
        }
        for item in answers["problems.items"]
    ]
    definition = bench.reviews.reload(review_id).definition
    very_poor = {  # a score of 1 is a trigger too: make it 3 (no comment needed)
        qid: 3
        for qid, value in answers.items()
        if value == 1
        and (ref := definition.find(qid)) is not None
        and ref.question.type == "care_score"
    }
    bench.reviews.save(
        review_id,
        {
            **very_poor,
            "avoidability.grade": {"scale": "rcp", "grade": 5},
            "problems.items": items,  # type: ignore[dict-item]
            "immediate.concern": "no",
            "escalation.safeguarding_concern": "no",
            "escalation.conduct_concern": "no",
            "escalation.decision": None,
            "escalation.items": None,
        },
        "R01",
    )
    assert finding_in(definition, ReviewStore(bench.workspace.db).answers(review_id)) is None


def test_a_finding_removed_in_one_amendment_is_no_route_out_in_the_next(bench: Bench) -> None:
    v1 = signed_with_a_finding(bench, "SIG-0001")
    v2 = bench.signoff.amend(v1, "The avoidability grade was entered on the wrong case", "R01")
    without_the_finding(bench, v2.id)
    check = bench.signoff.check(v2.id)
    assert not check.errors, [e.code for e in check.errors]
    bench.signoff.sign(v2.id, PASSPHRASE, check.warning_codes)
    v3 = bench.signoff.amend(v2.id, "The acute notes were the wrong patient's", "R01")
    with pytest.raises(OutcomeRefusedError, match="version 1 is a signed full review"):
        bench.reviews.set_outcome(
            v3.id, ReviewStatus.RECORDS_MISSING, "The acute notes were recalled.", "R01"
        )
    force_records_missing(bench, v3.id)
    with pytest.raises(SignoffRefusedError, match="version 1 is a signed full review"):
        bench.signoff.sign(v3.id, PASSPHRASE, bench.acknowledged(v3.id))
    assert not SignatureStore(bench.workspace.db).signatures(v3.id)


def test_removing_a_finding_in_an_amendment_is_a_warning_naming_what_is_withdrawn(
    bench: Bench,
) -> None:
    v1 = signed_with_a_finding(bench, "SIG-0001")
    v2 = bench.signoff.amend(v1, "The avoidability grade was entered on the wrong case", "R01")
    without_the_finding(bench, v2.id)
    check = bench.signoff.check(v2.id)
    assert FINDING_WITHDRAWN in check.warning_codes
    warning = next(w for w in check.warnings if w.code == FINDING_WITHDRAWN)
    assert 'the escalation trigger "' in warning.message
    assert "the escalation (decided or recorded)" in warning.message
    assert "signed version 1" in warning.message
    others = tuple(c for c in check.warning_codes if c != FINDING_WITHDRAWN)
    with pytest.raises(UnacknowledgedWarningsError, match=FINDING_WITHDRAWN):
        bench.signoff.sign(v2.id, PASSPHRASE, others)
    bench.signoff.sign(v2.id, PASSPHRASE, check.warning_codes)
    sealed = signed_entry(bench, v2.id)["acknowledged_warnings"]
    assert FINDING_WITHDRAWN in {w["code"] for w in sealed}  # type: ignore[attr-defined]
    store = ReviewStore(bench.workspace.db)
    rows = withdrawn_aware_changes(
        bench.signoff.definition_for(store.get(v2.id)), store.answers(v1), store.answers(v2.id)
    )
    escalation = [r for r in rows if r.label.startswith("Escalations: escalation 1: ")]
    assert escalation and all(r.new in {WITHDRAWN, ITEM_REMOVED} for r in escalation)


def test_an_amendment_keeping_its_findings_shows_no_withdrawal_warning(bench: Bench) -> None:
    v1 = signed_with_a_finding(bench, "SIG-0001")
    assert FINDING_WITHDRAWN not in bench.acknowledged(v1)  # a first version withdraws nothing
    v2 = bench.signoff.amend(v1, "The avoidability comment was reworded", "R01")
    comment = ReviewStore(bench.workspace.db).answers(v2.id)["avoidability.comment"]
    bench.reviews.save(v2.id, {"avoidability.comment": comment + " Reworded."}, "R01")
    assert FINDING_WITHDRAWN not in bench.acknowledged(v2.id)
    bench.signoff.sign(v2.id, PASSPHRASE, bench.acknowledged(v2.id))


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
    with pytest.raises(OutcomeRefusedError, match=r"escalation trigger|immediate safety|urgent"):
        amend_to_records_missing(bench, review_id, "The acute notes were the wrong patient's")
    new_id = ReviewStore(bench.workspace.db).versions("SIG-0002")[-1].id
    force_records_missing(bench, new_id)
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


# --- what changed, item by item -----------------------------------------------------------------


def harmful_problems(bench: Bench) -> tuple[ReviewDefinition, dict[str, Any]]:
    """A complete review's answers with at least two problems in care, the first led to harm."""
    opened = bench.reviews.open("SIG-0003", "R01")
    for seed in range(1, 80):
        answers = complete_answers(opened.definition, opened.case, random.Random(seed))
        items = answers.get("problems.items") or []
        if len(items) >= 2:
            first = items[0]["answers"]
            first["problems.item.harm"] = "yes"
            first["problems.item.severity"] = "moderate"
            return opened.definition, answers
    raise AssertionError("no sample seed gives two problems in care")


def test_what_changed_lists_each_problem_answer_not_the_count(bench: Bench) -> None:
    definition, old = harmful_problems(bench)
    new = copy.deepcopy(old)
    first = new["problems.items"][0]["answers"]
    first["problems.item.harm"] = "no"
    del first["problems.item.severity"]  # hidden by harm "no": withdrawn, not left out
    count = len(old["problems.items"])
    rows = withdrawn_aware_changes(definition, old, new)
    shown = {(r.label, r.old, r.new) for r in rows}
    assert ("Problems in care: problem 1: Did it lead to harm?", "Yes", "No") in shown
    assert (
        "Problems in care: problem 1: Harm severity",
        "Moderate harm",
        WITHDRAWN,
    ) in shown
    assert not any(r.old == r.new for r in rows)  # "3 × problem → 3 × problem" is gone
    assert not any(f"{count} × problem" in r.old for r in rows)
    assert not any("problem 2" in r.label for r in rows)  # an unchanged problem is not listed


def test_what_changed_lists_a_removed_problem_and_the_new_count(bench: Bench) -> None:
    definition, old = harmful_problems(bench)
    new = copy.deepcopy(old)
    removed = new["problems.items"].pop(0)
    count = len(old["problems.items"])
    rows = withdrawn_aware_changes(definition, old, new)
    assert ("Problems in care", f"{count} × problem", f"{count - 1} × problem") in {
        (r.label, r.old, r.new) for r in rows
    }
    gone = [r for r in rows if r.label.startswith("Problems in care: problem 1:")]
    assert len(gone) == len(removed["answers"])
    assert all(r.new == ITEM_REMOVED for r in gone)
    assert withdrawn_aware_changes(definition, old, copy.deepcopy(old)) == ()


def test_an_amendment_summary_prints_the_changed_problem_answer(bench: Bench) -> None:
    review_id = signed_with_a_finding(bench, "SIG-0001")
    new = bench.signoff.amend(review_id, "The harm of a problem in care was re-judged", "R01")
    items = copy.deepcopy(ReviewStore(bench.workspace.db).answers(new.id)["problems.items"])
    harmed = next(i for i in items if i["answers"].get("problems.item.harm") == "yes")
    wanted = "moderate" if harmed["answers"].get("problems.item.severity") == "severe" else "severe"
    harmed["answers"]["problems.item.severity"] = wanted
    bench.reviews.save(new.id, {"problems.items": items}, "R01")
    check = bench.signoff.check(new.id)
    assert not check.errors, [e.code for e in check.errors]
    result = bench.signoff.sign(new.id, PASSPHRASE, check.warning_codes)
    inp = inputs(bench)
    signer = Signer(name="A", profession="Doctor", signed_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    draft = inp.draft(result.review, AuditLog(bench.workspace.db).head(), signer)
    changes = inp.summary_input(draft, DocumentKind.FULL).changes
    severity = [c for c in changes if c.label.endswith(": Harm severity")]
    assert len(severity) == 1
    assert severity[0].new == {"severe": "Severe harm", "moderate": "Moderate harm"}[wanted]
    assert severity[0].label.startswith("Problems in care: problem ")
    assert "What changed" in text_of(result.full.pdf)
