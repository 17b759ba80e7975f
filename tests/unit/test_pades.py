"""PAdES signing and verification on small PDFs (independent of the summary renderer)."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from reviewer_app.services.pades import (
    ChangesAfter,
    Coverage,
    NotAPdfError,
    SignaturePlace,
    SigningFailedError,
    SigningIdentity,
    describe,
    sign_pdf,
    verify_pdf,
)
from tests.unit.crypto_fixtures import alice, bob, carol_in_b, study_a, study_b
from tests.unit.signoff_fixtures import identity_of, needs_pdfsig, pdfsig, tiny_pdf

REVIEWER_BOX = SignaturePlace("Signature1-reviewer", 0, (72, 500, 272, 560))
CO_BOX = SignaturePlace("Signature2-co-reviewer", 0, (300, 500, 500, 560))


@pytest.fixture(scope="module")
def signed() -> bytes:
    return sign_pdf(
        tiny_pdf(),
        identity_of(alice()),
        field_name=REVIEWER_BOX.field_name,
        reason="Reviewer sign-off: case C-0001 version 1",
        certify=True,
        place=REVIEWER_BOX,
        reserve=[CO_BOX],
    )


@pytest.fixture(scope="module")
def cosigned(signed: bytes) -> bytes:
    return sign_pdf(
        signed, identity_of(bob()), field_name=CO_BOX.field_name, reason="Co-reviewer sign-off"
    )


def content_change(data: bytes) -> bytes:
    """An incremental update that draws extra text on page 1 (a forger's edit)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    stream = generic.StreamObject(stream_data=b"BT /F1 24 Tf 72 300 Td (NOT AVOIDABLE) Tj ET")
    writer.add_stream_to_page(0, writer.add_object(stream))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_one_signature_verifies_and_names_the_signer(signed: bytes) -> None:
    result = verify_pdf(signed, study_a().root)
    assert result.ok, result.failures
    (sig,) = result.signatures
    assert (sig.signer_name, sig.signer_ref) == ("Alice Example", "R01")
    assert sig.intact and sig.certificate_ok and sig.trusted
    assert sig.coverage is Coverage.WHOLE_FILE
    assert sig.changes_after is ChangesAfter.NONE
    assert sig.field_name == "Signature1-reviewer"
    assert sig.signing_time is not None
    assert describe(result)[-1].startswith("VERIFIED")


def test_without_a_root_trust_is_not_checked_but_integrity_is(signed: bytes) -> None:
    result = verify_pdf(signed)
    assert result.ok and not result.trust_checked
    assert result.signatures[0].trusted is None
    assert "NOT checked" in describe(result)[-1]


def test_a_root_of_another_study_is_not_trusted(signed: bytes) -> None:
    result = verify_pdf(signed, study_b().root)
    assert not result.ok
    assert result.signatures[0].intact and result.signatures[0].trusted is False
    assert any("does not chain" in f for f in result.failures)


def test_cosignature_is_an_incremental_second_signature(signed: bytes, cosigned: bytes) -> None:
    assert cosigned.startswith(signed)  # the first signer's bytes are untouched
    result = verify_pdf(cosigned, study_a().root)
    assert result.ok, result.failures
    first, second = result.signatures
    assert (first.signer_ref, second.signer_ref) == ("R01", "R02")
    assert first.coverage is Coverage.REVISION
    assert first.changes_after is ChangesAfter.SIGNATURES_ONLY
    assert second.coverage is Coverage.WHOLE_FILE
    assert second.field_name == "Signature2-co-reviewer"


def test_appended_bytes_break_the_whole_file_verdict(cosigned: bytes) -> None:
    result = verify_pdf(cosigned + b"\n% appended\n")
    assert not result.ok
    assert all(s.intact for s in result.signatures)
    assert result.signatures[-1].coverage is not Coverage.WHOLE_FILE


def test_content_change_after_signing_is_reported(signed: bytes, cosigned: bytes) -> None:
    for data in (signed, cosigned):
        result = verify_pdf(content_change(data))
        assert not result.ok
        assert all(s.intact for s in result.signatures)
        assert result.signatures[-1].changes_after is ChangesAfter.OTHER
        assert "changed" in describe(result)[-1]


def test_unsigned_pdf_and_non_pdfs() -> None:
    result = verify_pdf(tiny_pdf())
    assert not result.ok and result.failures == ("the file carries no signature",)
    with pytest.raises(NotAPdfError):
        verify_pdf(b"hello, not a pdf")
    with pytest.raises(NotAPdfError):
        verify_pdf(b"")


def test_damaged_pdf_structure_is_a_verdict_not_a_crash(signed: bytes) -> None:
    broken = signed.replace(b"startxref", b"startxrex")
    result = verify_pdf(broken)
    assert not result.ok


def test_signing_refuses_a_key_of_another_certificate() -> None:
    wrong = SigningIdentity(bob().key, alice().cert, (study_a().root,))
    with pytest.raises(SigningFailedError):
        sign_pdf(tiny_pdf(), wrong, field_name="S", reason="r")


def test_signing_garbage_fails_cleanly() -> None:
    with pytest.raises(SigningFailedError) as info:
        sign_pdf(b"%PDF-1.4 nonsense", identity_of(alice()), field_name="S", reason="r")
    assert "pyhanko" not in str(info.value).lower()


def test_signer_from_another_study_with_its_root() -> None:
    other = SigningIdentity(carol_in_b().key, carol_in_b().cert, (study_b().root,))
    data = sign_pdf(tiny_pdf(), other, field_name="S", reason="r")
    assert verify_pdf(data, study_b().root).ok
    assert not verify_pdf(data, study_a().root).ok


def test_identity_repr_hides_the_key() -> None:
    assert "hidden" in repr(identity_of(alice()))


@needs_pdfsig
def test_pdfsig_agrees_on_every_file_here(signed: bytes, cosigned: bytes) -> None:
    files = {
        "signed": signed,
        "cosigned": cosigned,
        "appended": cosigned + b"\n% appended\n",
        "content change": content_change(cosigned),
    }
    for name, data in files.items():
        ours = verify_pdf(data).signatures
        theirs = pdfsig(data)
        assert [s.intact for s in ours] == [t.valid for t in theirs], name
        assert [s.signed_ranges for s in ours] == [t.ranges for t in theirs], name
        assert (ours[-1].coverage is Coverage.WHOLE_FILE) == theirs[-1].total, name


def test_certificates_of_either_length_parity_sign() -> None:
    """Certificates differ in length with the signer's details, and pyHanko needs an even
    reservation: a bug once made every signer with an odd-length chain unable to sign."""
    from cryptography.hazmat.primitives import serialization

    from reviewer_app.services.authority import issue_reviewer_certificate
    from reviewer_app.services.identity import create_identity
    from reviewer_app.services.pades import SigningIdentity

    study = study_a()
    parities: set[int] = set()
    for email in ("a@example.nhs.uk", "ab@example.nhs.uk"):  # one byte apart
        key, request = create_identity("Dr Parity", "doctor", "GMC 1234567", email)
        cert = issue_reviewer_certificate(study.key, study.root, request, "R09")
        identity = SigningIdentity(key, cert, (study.root,))
        der = sum(
            len(c.public_bytes(serialization.Encoding.DER))
            for c in (identity.cert, *identity.chain)
        )
        parities.add(der % 2)
        signed = sign_pdf(tiny_pdf(), identity, field_name="Signature1", reason="test")
        result = verify_pdf(signed, study.root)
        assert result.ok, result.failures
    assert parities == {0, 1}, "the two signers should have chains of both parities"
