"""PAdES signing and verification on small PDFs (independent of the summary renderer)."""

from __future__ import annotations

import random

import pytest

from reviewer_app.services.signing.pades_sign import (
    SignaturePlace,
    SigningFailedError,
    SigningIdentity,
    sign_pdf,
)
from reviewer_app.services.signing.pades_verify import (
    ChangesAfter,
    Coverage,
    NotAPdfError,
    SignerSource,
    verify_pdf,
)
from reviewer_app.services.signing.verification_text import SIGNER_UNREADABLE, describe
from tests.support.crypto_fixtures import alice, bob, carol_in_b, study_a, study_b
from tests.support.pdf_edits import (
    catalog_entry,
    content_change,
    info_change,
    moddate_change,
    xmp_metadata,
)
from tests.support.signoff_fixtures import identity_of, needs_pdfsig, pdfsig, tiny_pdf

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
    # the co-reviewer's field is reserved and empty: verified so far, not complete
    assert describe(result)[-1].startswith("AWAITING SIGNATURE")


def test_without_a_root_trust_is_not_checked_but_integrity_is(signed: bytes) -> None:
    result = verify_pdf(signed)
    assert result.ok and not result.trust_checked and not result.verified
    assert result.signatures[0].trusted is None
    verdict = describe(result)[-1]
    assert verdict.startswith("SIGNER NOT CHECKED") and "NOT checked" in verdict
    assert "--trust" in verdict and "--workspace" in verdict


def test_a_forged_signer_with_a_reviewers_name_is_intact_but_never_verified() -> None:
    """Anyone can make a certificate saying "Alice Example, R01": integrity alone must not
    read as verified, and the real study root refuses it."""
    from reviewer_app.services.trust.authority import issue_reviewer_certificate
    from tests.support.crypto_fixtures import enrolment

    fake = study_b()  # any authority but study A's: here, another study's
    key, request = enrolment("Alice Example")
    forged_cert = issue_reviewer_certificate(fake.key, fake.root, request, "R01")
    forged = sign_pdf(
        tiny_pdf(), SigningIdentity(key, forged_cert, (fake.root,)), field_name="S", reason="r"
    )
    alone = verify_pdf(forged)
    assert alone.ok and not alone.verified
    assert (alone.signatures[0].signer_name, alone.signatures[0].signer_ref) == (
        "Alice Example",
        "R01",
    )
    assert not describe(alone)[-1].startswith("VERIFIED")
    against_a = verify_pdf(forged, study_a().root)
    assert not against_a.ok and not against_a.verified
    assert describe(against_a)[-1].startswith("NOT VERIFIED")


def test_any_of_several_trusted_roots_will_do(signed: bytes) -> None:
    other = SigningIdentity(carol_in_b().key, carol_in_b().cert, (study_b().root,))
    in_b = sign_pdf(tiny_pdf(), other, field_name="S", reason="r")
    both = [study_b().root, study_a().root]
    assert verify_pdf(signed, both).verified
    assert verify_pdf(in_b, both).verified
    assert not verify_pdf(in_b, [study_a().root]).ok
    assert not verify_pdf(signed, []).ok  # checked against no root at all: nobody trusted


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
        "info change": info_change(signed),
        "xmp metadata": xmp_metadata(cosigned),
        "catalog entry then co-signed": sign_pdf(
            catalog_entry(signed), identity_of(bob()), field_name=CO_BOX.field_name, reason="r"
        ),
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

    from reviewer_app.services.signing.pades_sign import SigningIdentity
    from reviewer_app.services.trust.authority import issue_reviewer_certificate
    from reviewer_app.services.trust.enrolment import create_identity

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


# --- damaged signature values: named if at all possible, never "None" ----------------------


def value_hex(data: bytes) -> tuple[int, int]:
    """(start, end) of the first signature value's hex digits (inside '<' and '>')."""
    (sig,) = verify_pdf(data).signatures
    assert sig.signed_ranges is not None
    _, len1, start2, _ = sig.signed_ranges
    return len1 + 1, start2 - 1


def replaced(data: bytes, start: int, new: bytes) -> bytes:
    return data[:start] + new + data[start + len(new) :]


def test_signer_is_named_from_a_damaged_value_but_marked_not_proven(signed: bytes) -> None:
    start, _ = value_hex(signed)
    broken = replaced(signed, start, b"z")  # the CMS no longer parses; its certificates do
    broken = broken.replace(b"/Name (Alice", b"/Nane (Alice")  # and no /Name to fall back on
    result = verify_pdf(broken)
    (sig,) = result.signatures
    assert not sig.intact and not result.ok
    assert (sig.signer_name, sig.signer_ref) == ("Alice Example", "R01")
    assert sig.signer_source is SignerSource.DAMAGED_SIGNATURE
    assert sig.certificate is None  # nothing proven: not handed out as the signer's
    text = "\n".join(describe(result))
    assert "Signer:        Alice Example (reviewer R01) (read from the damaged signature" in text
    assert "None" not in text


def test_signer_is_named_from_the_signature_dictionary_when_no_certificate_survives(
    signed: bytes,
) -> None:
    start, end = value_hex(signed)
    wiped = replaced(signed, start, b"0" * (end - start))
    result = verify_pdf(wiped)
    (sig,) = result.signatures
    assert not sig.intact
    assert sig.signer_name == "Alice Example" and sig.signer_ref is None
    assert sig.signer_source is SignerSource.DICTIONARY
    text = "\n".join(describe(result))
    assert "Alice Example (as the signature dictionary states it: not proven)" in text
    assert f"Signature 1 ({REVIEWER_BOX.field_name})" in text
    assert "None" not in text


def test_a_signer_nothing_names_is_said_to_be_unreadable(signed: bytes) -> None:
    start, end = value_hex(signed)
    wiped = replaced(signed, start, b"0" * (end - start)).replace(b"/Name (", b"/Nane (")
    result = verify_pdf(wiped)
    (sig,) = result.signatures
    assert sig.signer_source is SignerSource.UNREADABLE
    text = "\n".join(describe(result))
    assert f"Signer:        {SIGNER_UNREADABLE}" in text
    assert "None" not in text and text.splitlines()[-1].startswith("NOT VERIFIED")


def test_field_name_of_an_unparseable_file_is_read_leniently_or_said_unreadable(
    signed: bytes,
) -> None:
    start, _ = value_hex(signed)
    for broken in (replaced(signed, start + 1, b"("), signed.replace(b"startxref", b"startxrex")):
        text = "\n".join(describe(verify_pdf(broken)))
        assert "(None)" not in text
        first = text.splitlines()[0]
        assert first in (
            f"Signature 1 ({REVIEWER_BOX.field_name})",
            "Signature 1 (field name unreadable)",
        )


# --- the unsigned parts of a signature value: any change is caught ---------------------------


def hex_of(value: bytes) -> bytes:
    return value.hex().upper().encode("ascii")


def test_a_switched_signature_algorithm_identifier_is_not_intact(signed: bytes) -> None:
    """sha256WithRSA -> rsaEncryption is a one-digit change outside the signed attributes
    that the signature math survives; the file must still fail."""
    start, end = value_hex(signed)
    sha256_rsa = hex_of(bytes.fromhex("06092A864886F70D01010B"))
    at = signed.rindex(sha256_rsa, start, end)  # the signer info's, after the certificates
    switched = replaced(signed, at + len(sha256_rsa) - 1, b"1")
    result = verify_pdf(switched)
    assert not result.signatures[0].intact and not result.ok
    assert any("altered" in p for p in result.signatures[0].problems)


def test_a_changed_letter_case_in_the_signer_identifier_is_not_intact(signed: bytes) -> None:
    """asn1crypto compares names ignoring case; the signer identifier must match exactly."""
    start, end = value_hex(signed)
    name = hex_of(b"Structured review A")
    at = signed.rindex(name, start, end)  # the signer info's issuer, after the certificates
    assert signed[at : at + 2] == b"53"  # 'S'
    changed = replaced(signed, at, b"73")  # 's'
    result = verify_pdf(changed)
    assert not result.signatures[0].intact and not result.ok


def test_a_changed_byte_in_an_embedded_chain_certificate_is_not_intact(signed: bytes) -> None:
    """The embedded study root is not signed by the signature: its own signature is checked."""
    from cryptography.hazmat.primitives import serialization

    start, end = value_hex(signed)
    root = hex_of(study_a().root.public_bytes(serialization.Encoding.DER))
    at = signed.index(root, start, end)
    middle = at + len(root) // 2
    flipped = b"1" if signed[middle : middle + 1] != b"1" else b"2"
    result = verify_pdf(replaced(signed, middle, flipped))
    assert not result.signatures[0].intact and not result.ok
    assert verify_pdf(replaced(signed, middle, flipped), study_a().root).ok is False


def test_a_signer_certificate_whose_subject_no_longer_parses_is_reported_not_raised(
    signed: bytes,
) -> None:
    """cryptography reads a certificate's names lazily: one that loads, whose key still
    checks the signature, may raise only when its subject is read."""
    start, end = value_hex(signed)
    common_name = hex_of(b"\x0c\x0dAlice Example")  # UTF8String, in Alice's subject only
    at = signed.index(common_name, start, end)
    broken = replaced(signed, at, hex_of(b"\x02"))  # now tagged INTEGER
    result = verify_pdf(broken)
    (sig,) = result.signatures
    assert not sig.intact and not result.ok
    assert any("altered" in p for p in sig.problems)
    assert sig.signer_source is SignerSource.DICTIONARY and sig.signer_name == "Alice Example"


def test_any_digit_changed_in_the_signer_certificate_is_a_verdict_not_a_crash(
    signed: bytes,
) -> None:
    from cryptography.hazmat.primitives import serialization

    start, end = value_hex(signed)
    cert = hex_of(alice().cert.public_bytes(serialization.Encoding.DER))
    at = signed.index(cert, start, end)
    rng = random.Random(7)
    for _ in range(120):
        pos = rng.randrange(at, at + len(cert))
        digit = rng.choice([d for d in b"0123456789ABCDEF" if d != signed[pos]])
        result = verify_pdf(replaced(signed, pos, bytes([digit])))
        assert not result.signatures[0].intact and not result.ok, pos - at
        assert "None" not in "\n".join(describe(result)), pos - at


# --- after the first signature only signature fields may change -----------------------------

METADATA_EDITS = {"info": info_change, "xmp": xmp_metadata, "catalog": catalog_entry}


@pytest.mark.parametrize("edit", METADATA_EDITS.values(), ids=METADATA_EDITS.keys())
def test_metadata_changed_after_signing_is_not_only_further_signatures(
    signed: bytes, cosigned: bytes, edit: object
) -> None:
    assert callable(edit)
    for data in (signed, cosigned):
        result = verify_pdf(edit(data), study_a().root)
        assert not result.ok
        assert all(s.intact for s in result.signatures), "the signed bytes are untouched"
        assert result.signatures[0].changes_after is ChangesAfter.OTHER
        assert any("changed by more than further signatures" in f for f in result.failures)
        assert describe(result)[-1].startswith("NOT VERIFIED")
    # A co-signature over the edit does not launder it: the first signature still fails.
    laundered = sign_pdf(edit(signed), identity_of(bob()), field_name=CO_BOX.field_name, reason="r")
    result = verify_pdf(laundered, study_a().root)
    assert not result.ok and result.signatures[0].changes_after is ChangesAfter.OTHER
    assert result.signatures[1].changes_after is ChangesAfter.NONE


def test_a_real_cosignature_is_still_only_a_further_signature(cosigned: bytes) -> None:
    """pyHanko updates /ModDate when it signs: that one change is allowed, nothing else."""
    result = verify_pdf(cosigned, study_a().root)
    assert result.ok, result.failures
    assert result.signatures[0].changes_after is ChangesAfter.SIGNATURES_ONLY
    assert not verify_pdf(info_change(cosigned, "/Producer", "someone else")).ok


METADATA_ONLY_TEXT = (
    "a later revision changed the document's metadata (modification date) without adding a "
    "signature"
)


def test_a_later_revision_changing_only_the_modification_date_is_not_a_further_signature(
    signed: bytes, cosigned: bytes
) -> None:
    """B10: a /ModDate-only revision passes the difference analysis as a signature's would,
    but it adds no signature: it is said for what it is, never "only further signatures"."""
    result = verify_pdf(moddate_change(signed), study_a().root)
    (only,) = result.signatures
    assert only.intact and only.changes_after is ChangesAfter.METADATA_ONLY
    lines = describe(result)
    assert f"  Changed after: {METADATA_ONLY_TEXT}" in lines
    assert not any("only further signatures" in line for line in lines)
    assert not result.ok and lines[-1].startswith("NOT VERIFIED")
    assert "the last signature (1) does not cover the whole file" in result.failures

    result = verify_pdf(moddate_change(cosigned), study_a().root)
    first, second = result.signatures
    assert first.changes_after is ChangesAfter.SIGNATURES_THEN_UNSIGNED
    assert second.changes_after is ChangesAfter.METADATA_ONLY
    lines = describe(result)
    assert not any("only further signatures" in line for line in lines)
    assert "further signatures were added, then a later revision without a signature" in (
        "\n".join(lines)
    )
    assert not result.ok and lines[-1].startswith("NOT VERIFIED")


def test_a_co_signature_is_still_only_further_signatures_in_words(cosigned: bytes) -> None:
    """The coherent side of B10: a real co-signature (it too sets /ModDate)."""
    result = verify_pdf(cosigned, study_a().root)
    lines = describe(result)
    assert result.signatures[0].changes_after is ChangesAfter.SIGNATURES_ONLY
    assert "  Changed after: only further signatures were added" in lines
    assert lines[-1].startswith("VERIFIED")


# --- a reserved field not yet signed is reported, never a bare VERIFIED ----------------------


def test_an_empty_reserved_field_is_reported_and_the_verdict_says_awaiting(
    signed: bytes, cosigned: bytes
) -> None:
    result = verify_pdf(signed, study_a().root)
    assert result.ok and result.verified, "what is signed holds"
    assert result.unsigned_fields == ("co-reviewer",) and not result.complete
    lines = describe(result)
    assert "Not yet signed: 1 signature field not yet signed: co-reviewer" in lines
    assert lines[-1].startswith("AWAITING SIGNATURE")
    assert "not complete: 1 signature field not yet signed: co-reviewer" in lines[-1]
    assert not any(line.startswith("VERIFIED") for line in lines)
    unchecked = describe(verify_pdf(signed))[-1]
    assert unchecked.startswith("SIGNER NOT CHECKED") and "co-reviewer" in unchecked
    done = verify_pdf(cosigned, study_a().root)
    assert done.complete and done.unsigned_fields == ()
    assert describe(done)[-1].startswith("VERIFIED")
    alone = sign_pdf(tiny_pdf(), identity_of(alice()), field_name="S", reason="r")
    assert verify_pdf(alone, study_a().root).complete, "no reserved field: complete"


@needs_pdfsig
def test_pdfsig_also_sees_the_unsigned_field(signed: bytes) -> None:
    import subprocess
    import tempfile

    from tests.support.signoff_fixtures import PDFSIG

    assert PDFSIG is not None
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(signed)
        handle.flush()
        out = subprocess.run(
            [PDFSIG, "-nocert", handle.name], capture_output=True, text=True, check=False
        ).stdout
    assert out.count("is not signed") == len(verify_pdf(signed).unsigned_fields) == 1


def test_verification_in_threads_gives_the_same_verdicts(signed: bytes) -> None:
    """Each thread runs pyHanko's checks on its own reused event loop, and the trust roots'
    cached trust manager is shared: the verdicts are those of a single thread, root by root."""
    from concurrent.futures import ThreadPoolExecutor

    roots = [study_a().root, study_b().root, [study_b().root, study_a().root]] * 4

    def verdict(root: object) -> tuple[bool, bool | None]:
        result = verify_pdf(signed, root)  # type: ignore[arg-type]
        return result.ok, result.signatures[0].trusted

    alone = [verdict(root) for root in roots]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(verdict, roots))
    assert together == alone
    assert alone[:3] == [(True, True), (False, False), (True, True)]
