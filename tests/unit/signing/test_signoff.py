"""Sign-off through the services: gates, what is stored, co-signing, read-only, amendments."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app.domain.issues import Issue, Severity
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.errors import ReadOnlyError, UserError, WrongPassphraseError
from reviewer_app.services.signing.pades_verify import Coverage, verify_pdf
from reviewer_app.services.signing.rules import (
    NotEnrolledError,
    SignoffRefusedError,
    UnacknowledgedWarningsError,
    ValidationBlocksSigningError,
)
from reviewer_app.services.trust.enrolment import export_pkcs12
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.identity_store import IdentityStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import DocumentKind, SignatureStore
from tests.support.crypto_fixtures import alice, carol_in_b, study_a, study_b
from tests.support.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PASSPHRASE,
    Bench,
    bob_pkcs12,
    make_bench,
    needs_pdfsig,
    pdfsig,
)


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def nothing_stored(bench: Bench, review_id: int) -> bool:
    store = SignatureStore(bench.workspace.db)
    return not store.signatures(review_id) and not store.documents(review_id)


# --- the happy path ---------------------------------------------------------------------------


def test_signing_stores_both_signed_summaries_and_locks_the_review(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001")
    head_before = AuditLog(bench.workspace.db).head()
    result = bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
    assert result.review.status is ReviewStatus.SIGNED
    signature = result.signature
    assert (signature.seq, signature.role.value, signature.signer_ref) == (1, "reviewer", "R01")
    assert (signature.audit_seq, signature.audit_hash) == head_before
    for doc in (result.full, result.taskforce):
        verdict = verify_pdf(doc.pdf, study_a().root)
        assert verdict.ok, verdict.failures
        assert verdict.signatures[0].signer_ref == "R01"
        assert result.content_sha256 in text_of(doc.pdf).replace("\n", "")
    assert result.taskforce.pdf != result.full.pdf
    assert "Taskforce copy" in text_of(result.taskforce.pdf)
    actions = [e.action for e in AuditLog(bench.workspace.db).entries(review_id)]
    assert actions[-2:] == ["status", "signed"]
    assert AuditLog(bench.workspace.db).verify(expected_head=head_before).ok


def test_stored_pdf_is_handed_out_unchanged(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    stored = SignatureStore(bench.workspace.db).latest_document(review_id, DocumentKind.FULL)
    assert stored is not None
    assert bench.signoff.document("SIG-0001").pdf == stored.pdf
    assert bench.signoff.document("SIG-0001", DocumentKind.TASKFORCE).kind is DocumentKind.TASKFORCE


@needs_pdfsig
def test_pdfsig_agrees_on_signed_summaries(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    for doc in SignatureStore(bench.workspace.db).documents(review_id):
        (theirs,) = pdfsig(doc.pdf)
        assert theirs.valid and theirs.total


# --- every gate -------------------------------------------------------------------------------


def test_validation_errors_block_signing(bench: Bench) -> None:
    opened = bench.reviews.open("SIG-0001", "R01")
    bench.reviews.save(opened.review_id, {"screening.autism": "no"}, "R01")
    with pytest.raises(ValidationBlocksSigningError) as info:
        bench.signoff.sign(opened.review_id, PASSPHRASE, ())
    assert info.value.issues
    assert nothing_stored(bench, opened.review_id)
    assert bench.reviews.reload(opened.review_id).status is not ReviewStatus.SIGNED


def test_the_refusal_names_every_validation_problem() -> None:
    problems = [Issue(f"E{n}", Severity.ERROR, f"problem number {n}") for n in range(1, 9)]
    message = str(ValidationBlocksSigningError(problems))
    assert "8 problem(s)" in message
    assert all(f"problem number {n}" in message for n in range(1, 9))
    assert "more)" not in message


def test_every_warning_must_be_acknowledged(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001")
    case = bench.reviews.case("SIG-0001")
    bench.reviews.save(
        review_id, {"avoidability.comment": f"Discussed with {case.family_name}'s GP."}, "R01"
    )
    codes = bench.acknowledged(review_id)
    assert "R8.identifier_in_text" in codes
    with pytest.raises(UnacknowledgedWarningsError) as info:
        bench.signoff.sign(review_id, PASSPHRASE, ())
    assert "R8.identifier_in_text" in str(info.value)
    assert case.family_name not in str(info.value)  # no patient data in the message
    with pytest.raises(UnacknowledgedWarningsError):
        bench.signoff.sign(review_id, PASSPHRASE, ("R7.something_else",))
    assert nothing_stored(bench, review_id)
    bench.signoff.sign(review_id, PASSPHRASE, codes)
    assert bench.reviews.reload(review_id).status is ReviewStatus.SIGNED


def test_wrong_passphrase_refuses(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001")
    with pytest.raises(WrongPassphraseError):
        bench.signoff.sign(review_id, "not the passphrase", bench.acknowledged(review_id))
    assert nothing_stored(bench, review_id)


def test_only_an_enrolled_identity_signs(tmp_path: Path) -> None:
    bench = make_bench(tmp_path / "none", enrolled=False)
    with bench.workspace:
        review_id = bench.complete_review("SIG-0001")
        with pytest.raises(NotEnrolledError, match="no reviewer identity"):
            bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
        IdentityStore(bench.workspace.db).create(
            b"-----BEGIN PRIVATE KEY-----\n", name="A", profession="doctor",
            registration="GMC 1", email="a@example.nhs.uk",
        )  # fmt: skip
        with pytest.raises(NotEnrolledError, match="not enrolled"):
            bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
        assert nothing_stored(bench, review_id)


def test_signed_review_cannot_be_signed_again(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    with pytest.raises(ReadOnlyError):
        bench.signoff.sign(review_id, PASSPHRASE, ())


# --- read-only in storage ---------------------------------------------------------------------


def test_storage_refuses_writes_to_a_signed_review(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    db = bench.workspace.db
    with pytest.raises(ReadOnlyError):
        bench.reviews.save(review_id, {"screening.autism": "yes"}, "R01")
    with pytest.raises(ReadOnlyError):
        ReviewStore(db).save_answers(review_id, {"screening.autism": "yes"}, "R01")
    with pytest.raises(ReadOnlyError):
        ReviewStore(db).set_status(review_id, ReviewStatus.IN_PROGRESS, "R01")
    # Below every service: the schema itself refuses.
    for sql in (
        "UPDATE answers SET value_json = '\"yes\"' WHERE review_id = ?",
        "DELETE FROM answers WHERE review_id = ?",
        "UPDATE reviews SET status = 'in_progress' WHERE id = ?",
        "UPDATE signed_documents SET pdf = x'00' WHERE review_id = ?",
        "DELETE FROM signed_documents WHERE review_id = ?",
        "UPDATE signatures SET signer_name = 'X' WHERE review_id = ?",
        "DELETE FROM signatures WHERE review_id = ?",
    ):
        with pytest.raises(ReadOnlyError), db.transaction():
            db.execute(sql, (review_id,))
    assert verify_pdf(bench.signoff.document("SIG-0001").pdf).ok


def test_documents_only_for_signed_reviews(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001")
    with pytest.raises(ReadOnlyError):
        SignatureStore(bench.workspace.db).add_document(
            review_id, 1, DocumentKind.FULL, 1, b"%PDF-"
        )


# --- co-signing -------------------------------------------------------------------------------


def test_cosigning_adds_an_incremental_second_signature(bench: Bench) -> None:
    bench.joint("SIG-0001")
    review_id = bench.sign("SIG-0001")
    first = bench.signoff.document("SIG-0001")
    assert "Bob Example" in text_of(first.pdf)  # the pending co-reviewer's panel
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    result = bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    bench.signoff.remove_cosigner(slot.id)
    assert bench.signoff.cosigners() == []
    assert [s.signer_ref for s in bench.signoff.signatures(review_id)] == ["R01", "R02"]
    for kind, doc in ((DocumentKind.FULL, result.full), (DocumentKind.TASKFORCE, result.taskforce)):
        before = SignatureStore(bench.workspace.db).documents(review_id)
        single = next(d for d in before if d.kind is kind and d.signature_count == 1)
        assert doc.pdf.startswith(single.pdf)  # incremental: first signature untouched
        verdict = verify_pdf(doc.pdf, study_a().root)
        assert verdict.ok, verdict.failures
        assert [s.signer_ref for s in verdict.signatures] == ["R01", "R02"]
        assert verdict.signatures[1].field_name == "Signature2-co-reviewer"
    assert bench.signoff.document("SIG-0001").signature_count == 2
    with pytest.raises(ReadOnlyError):
        slot2 = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
        bench.signoff.cosign(review_id, slot2.id, COSIGNER_PASSPHRASE)


@needs_pdfsig
def test_pdfsig_agrees_on_cosigned_summaries(bench: Bench) -> None:
    bench.joint("SIG-0001")
    review_id = bench.sign("SIG-0001")
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    result = bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    for doc in (result.full, result.taskforce):
        theirs = pdfsig(doc.pdf)
        ours = verify_pdf(doc.pdf).signatures
        assert [t.valid for t in theirs] == [s.intact for s in ours] == [True, True]
        assert [t.total for t in theirs] == [s.coverage is Coverage.WHOLE_FILE for s in ours]
        assert [t.ranges for t in theirs] == [s.signed_ranges for s in ours]


def test_cosigner_checks(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    with pytest.raises(WrongPassphraseError):
        bench.signoff.add_cosigner(bob_pkcs12(), "wrong passphrase!")
    own = export_pkcs12(alice().key, alice().cert, [study_a().root], COSIGNER_PASSPHRASE)
    with pytest.raises(SignoffRefusedError, match="your own identity"):
        bench.signoff.add_cosigner(own, COSIGNER_PASSPHRASE)
    foreign = export_pkcs12(
        carol_in_b().key, carol_in_b().cert, [study_b().root], COSIGNER_PASSPHRASE
    )
    with pytest.raises(SignoffRefusedError, match="not issued by your study"):
        bench.signoff.add_cosigner(foreign, COSIGNER_PASSPHRASE)
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        bench.signoff.cosign(review_id, slot.id, "wrong passphrase!")
    assert len(bench.signoff.signatures(review_id)) == 1


def test_cosigner_must_be_the_assigned_co_reviewer(bench: Bench) -> None:
    bench.joint("SIG-0001", co_ref="R09", co_name="Someone Else")
    review_id = bench.sign("SIG-0001")
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    with pytest.raises(SignoffRefusedError, match="R09"):
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)


def test_cosigning_needs_a_signed_review(bench: Bench) -> None:
    review_id = bench.complete_review("SIG-0001")
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    with pytest.raises(SignoffRefusedError):
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)


# --- amendments -------------------------------------------------------------------------------


def test_amendment_makes_a_new_version_and_keeps_the_old(bench: Bench) -> None:
    v1_id = bench.sign("SIG-0001")
    v1_pdf = bench.signoff.document("SIG-0001").pdf
    with pytest.raises(UserError):
        bench.signoff.amend(v1_id, "  ", "R01")
    v2 = bench.signoff.amend(v1_id, "Relatives' concerns recorded wrongly", "R01")
    assert (v2.version, v2.status) == (2, ReviewStatus.AMENDMENT_IN_PROGRESS)
    bench.reviews.save(v2.id, {"screening.concerns_family": "yes"}, "R01")
    codes = bench.signoff.check(v2.id)
    assert not codes.errors, [e.code for e in codes.errors]
    # Not signed yet: the handed-out summary is still version 1.
    assert bench.signoff.document("SIG-0001").version == 1
    result = bench.signoff.sign(v2.id, PASSPHRASE, codes.warning_codes)
    v2_text = text_of(result.full.pdf)
    assert "amends version 1" in v2_text
    assert "Relatives' concerns recorded wrongly" in v2_text.replace("’", "'")
    assert "concerns" in v2_text.lower()
    assert bench.signoff.document("SIG-0001").version == 2
    old = bench.signoff.document("SIG-0001", version=1)
    assert old.pdf == v1_pdf and verify_pdf(old.pdf).ok
    assert ReviewStore(bench.workspace.db).get(v1_id).status is ReviewStatus.SIGNED


# --- outcomes ---------------------------------------------------------------------------------


def test_outcome_is_signed_with_a_one_page_summary(bench: Bench) -> None:
    opened = bench.reviews.open("SIG-0002", "R01")
    bench.reviews.save(
        opened.review_id,
        {
            "screening.death_category": "adult",
            "screening.learning_disability": "no",
            "screening.autism": "no",
            "screening.severe_mental_illness": "no",
            "screening.concerns_family": "no",
            "screening.concerns_staff": "no",
            "screening.existing_process": "no",
            "screening.conflict_of_interest": "no",
            "records.reviewed": ["gp"],  # records missing names what was missing
            "records.missing": ["acute"],
        },
        "R01",
    )
    bench.reviews.set_outcome(
        opened.review_id,
        ReviewStatus.RECORDS_MISSING,
        "Acute trust notes could not be found.",
        "R01",
    )
    result = bench.signoff.sign(opened.review_id, PASSPHRASE, bench.acknowledged(opened.review_id))
    assert result.review.status is ReviewStatus.RECORDS_MISSING
    assert len(PdfReader(io.BytesIO(result.full.pdf)).pages) == 1
    assert "records missing" in text_of(result.full.pdf).lower()
    assert verify_pdf(result.full.pdf, study_a().root).ok
    with pytest.raises(ReadOnlyError):  # a signed outcome cannot be reopened
        bench.reviews.reopen(opened.review_id, "R01", "Notes turned up after all")


# --- batch ------------------------------------------------------------------------------------


def test_batch_signing_in_worker_processes(bench: Bench) -> None:
    ids = [bench.complete_review(f"SIG-000{i}", seed=i) for i in (1, 2, 3)]
    session = bench.signoff.open_session(PASSPHRASE)
    seen: list[int] = []
    results = bench.signoff.sign_batch(
        session,
        [(rid, bench.acknowledged(rid)) for rid in ids],
        workers=2,
        progress=lambda done, total: seen.append(done),
    )
    assert seen == [1, 2, 3]
    heads = {(r.signature.audit_seq, r.signature.audit_hash) for r in results}
    assert len(heads) == 1  # one batch seals one audit head
    for result in results:
        assert verify_pdf(result.full.pdf, study_a().root).ok
        assert result.review.status is ReviewStatus.SIGNED
