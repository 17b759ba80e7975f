"""Joint reviews say what they are: awaiting co-signature until the designated co-reviewer
signs, the empty co-reviewer box worded to stay true after co-signing, the co-reviewer's
certified profession and registration, both signatures again after an amendment, and no
second signature on a review that is not joint."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pypdf import PdfReader

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.services.signing.rules import SignoffRefusedError, case_signing
from reviewer_app.services.signing.signed_pdfs import CO_REVIEWER_FIELD
from reviewer_app.services.signing.signer_certificate import (
    NOT_IN_CERTIFICATE,
    OID_REGISTRATION,
    signer_details_of,
)
from reviewer_app.storage.workspace.cases import CaseStore, shown_status
from tests.support.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PASSPHRASE,
    Bench,
    bob_pkcs12,
    make_bench,
)


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


CO_REVIEWER_WORDS = (
    "Their signature, with their profession and registration as their certificate states "
    "them, appears in this box when they sign."
)
"""B5: the pending co-reviewer box's words, true before and after co-signing."""


def _flat(text: str) -> str:
    return " ".join(text.split())


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join((p.extract_text() or "").split()) for p in pages)


def listed_status(bench: Bench, case_ref: str) -> ReviewStatus:
    summary = CaseStore(bench.workspace.db).summary(case_ref)
    assert summary is not None
    return summary.status


def cosign(bench: Bench, review_id: int) -> None:
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    bench.signoff.remove_cosigner(slot.id)


def test_a_joint_review_awaits_co_signature_until_the_co_reviewer_signs(bench: Bench) -> None:
    bench.joint("SIG-0001")
    review_id = bench.sign("SIG-0001")
    assert listed_status(bench, "SIG-0001") is ReviewStatus.AWAITING_COSIGNATURE
    assert case_signing(bench.workspace.db, "SIG-0001").awaiting_cosignature
    listed = {s.case_ref: s for s in CaseStore(bench.workspace.db).list_summaries(100)}
    assert listed["SIG-0001"].status is ReviewStatus.AWAITING_COSIGNATURE
    assert listed["SIG-0001"].progress == 1.0
    full = bench.signoff.document("SIG-0001").pdf
    text = text_of(full)
    assert "Co-reviewer" in text and CO_REVIEWER_WORDS in _flat(text)
    assert "Awaiting signature" not in text and "Recorded by the study coordinator" not in text
    cosign(bench, review_id)
    assert listed_status(bench, "SIG-0001") is ReviewStatus.SIGNED
    assert not case_signing(bench.workspace.db, "SIG-0001").awaiting_cosignature
    second = bench.signoff.signatures(review_id)[1]
    assert second.signer_ref == "R02"
    # the study authority certified the profession and registration the reviewer enrolled with
    assert second.signer_profession == "Doctor"
    assert second.signer_profession != NOT_IN_CERTIFICATE
    # The visible stamp in the co-reviewer's box says what the certificate says.
    cosigned = bench.signoff.document("SIG-0001").pdf
    stamp = _stamp_text(cosigned, CO_REVIEWER_FIELD).replace(b"\\072", b":")  # octal escape
    assert b"Profession: Doctor" in stamp
    assert b"not recorded in the certificate" not in stamp.lower()
    # B5: the box text beside the stamp (drawn at the first signature) says nothing the
    # stamp contradicts.
    after = text_of(cosigned)
    assert CO_REVIEWER_WORDS in _flat(after)
    assert "Awaiting signature" not in after and "Recorded by the study coordinator" not in after


def test_a_single_review_is_signed_not_awaiting(bench: Bench) -> None:
    bench.sign("SIG-0002")
    assert listed_status(bench, "SIG-0002") is ReviewStatus.SIGNED
    text = text_of(bench.signoff.document("SIG-0002").pdf)
    assert CO_REVIEWER_WORDS not in _flat(text) and "Awaiting signature" not in text


def test_an_amended_joint_review_needs_both_signatures_again(bench: Bench) -> None:
    bench.joint("SIG-0001")
    v1 = bench.sign("SIG-0001")
    cosign(bench, v1)
    v2 = bench.signoff.amend(v1, "Overall care score corrected after the joint discussion", "R01")
    assert listed_status(bench, "SIG-0001") is ReviewStatus.AMENDMENT_IN_PROGRESS
    bench.signoff.sign(v2.id, PASSPHRASE, bench.acknowledged(v2.id))
    assert listed_status(bench, "SIG-0001") is ReviewStatus.AWAITING_COSIGNATURE
    assert CO_REVIEWER_WORDS in _flat(text_of(bench.signoff.document("SIG-0001").pdf))
    cosign(bench, v2.id)
    assert listed_status(bench, "SIG-0001") is ReviewStatus.SIGNED


def test_a_review_that_is_not_joint_accepts_no_second_signature(bench: Bench) -> None:
    review_id = bench.sign("SIG-0001")
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    with pytest.raises(SignoffRefusedError, match="not a joint review"):
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    assert len(bench.signoff.signatures(review_id)) == 1
    assert "not a joint review" in case_signing(bench.workspace.db, "SIG-0001").why_not_cosign()


def test_a_joint_review_with_no_designated_co_reviewer_cannot_be_co_signed(bench: Bench) -> None:
    bench.joint("SIG-0001", co_ref=None, co_name="Bob Example")  # type: ignore[arg-type]
    review_id = bench.sign("SIG-0001")
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    with pytest.raises(SignoffRefusedError, match="no co-reviewer named"):
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    assert len(bench.signoff.signatures(review_id)) == 1


@pytest.mark.parametrize(
    ("stored", "mode", "signatures", "shown"),
    [
        ("signed", "joint", 1, "awaiting_cosignature"),
        ("records_missing", "joint", 1, "awaiting_cosignature"),
        ("signed", "joint", 2, "signed"),
        ("signed", "independent", 1, "signed"),
        ("signed", None, 1, "signed"),
        ("in_progress", "joint", 0, "in_progress"),
    ],
)
def test_the_shown_status_rule(stored: str, mode: str | None, signatures: int, shown: str) -> None:
    assert shown_status(stored, mode, signatures) == shown


def _certificate(subject: list[x509.NameAttribute]) -> x509.Certificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(subject)
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )


def test_profession_and_registration_are_read_from_the_certificate() -> None:
    cert = _certificate(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Bob Example"),
            x509.NameAttribute(NameOID.TITLE, "nurse"),
            x509.NameAttribute(OID_REGISTRATION, "NMC 12A3456B"),
        ]
    )
    details = signer_details_of(cert)
    assert (details.profession, details.registration) == ("Nurse", "NMC 12A3456B")
    bare = signer_details_of(_certificate([x509.NameAttribute(NameOID.COMMON_NAME, "Bob")]))
    assert (bare.profession, bare.registration) == (NOT_IN_CERTIFICATE, None)


def _stamp_text(pdf: bytes, field_name: str) -> bytes:
    """The decoded appearance stream of the widget of signature field ``field_name``."""
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            widget = annot.get_object()
            if widget.get("/T") == field_name:
                appearance = widget["/AP"]["/N"].get_object()
                return bytes(appearance.get_data()) + b"".join(
                    bytes(x.get_object().get_data())
                    for x in (appearance.get("/Resources", {}).get("/XObject", {}) or {}).values()
                )
    raise AssertionError(f"no widget {field_name}")
