"""CMS signatures (intact vs trusted, offline) and envelopes (one recipient, AES-256)."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes

from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import certificate_pem
from tests.support.crypto_fixtures import alice, bob, study_a, study_b

OPENSSL = shutil.which("openssl")
DATA = b"review 17: signed by both reviewers\n"


def _detached() -> bytes:
    reviewer = alice()
    return cms.sign_detached(DATA, reviewer.key, reviewer.cert, [study_a().root])


def test_a_good_detached_signature_is_intact_and_trusted() -> None:
    verdict = cms.verify_detached(DATA, _detached(), [study_a().root])
    assert verdict.intact and verdict.trusted
    assert verdict.signer == alice().cert
    assert verdict.problem is None
    assert verdict.signing_time is not None
    assert abs(verdict.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)


def test_altered_bytes_are_not_intact_and_so_not_trusted() -> None:
    verdict = cms.verify_detached(DATA + b" ", _detached(), [study_a().root])
    assert not verdict.intact
    assert not verdict.trusted
    assert verdict.signer == alice().cert


def test_a_signature_from_another_study_is_intact_but_not_trusted() -> None:
    verdict = cms.verify_detached(DATA, _detached(), [study_b().root])
    assert verdict.intact
    assert not verdict.trusted
    assert verdict.problem is not None and "not trusted" in verdict.problem


def test_no_trust_roots_means_not_trusted() -> None:
    verdict = cms.verify_detached(DATA, _detached(), [])
    assert verdict.intact and not verdict.trusted


def test_altered_signed_attributes_are_not_intact() -> None:
    """pyHanko's ``valid`` (signature over the attributes) fails here, ``intact`` alone
    might not: we must require both."""
    info = asn1_cms.ContentInfo.load(_detached())
    signer_info = info["content"]["signer_infos"][0]
    for attr in signer_info["signed_attrs"]:
        if attr["type"].native == "signing_time":
            attr["values"] = [asn1_cms.Time({"utc_time": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)})]
    altered = info.dump(force=True)
    verdict = cms.verify_detached(DATA, altered, [study_a().root])
    assert not verdict.intact and not verdict.trusted


def test_validity_is_judged_at_signing_time() -> None:
    """A signature made while the certificate was valid stays trusted after it expires."""
    study = study_a()
    reviewer = alice()
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    expired = (
        x509.CertificateBuilder()
        .subject_name(reviewer.cert.subject)
        .issuer_name(study.root.subject)
        .public_key(reviewer.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(past - dt.timedelta(days=1))
        .not_valid_after(past + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(reviewer.cert.extensions.get_extension_for_class(x509.KeyUsage).value, True)
        .sign(study.key, hashes.SHA256())
    )

    def signed_at(when: dt.datetime) -> bytes:
        signer = cms._signer(reviewer.key, expired, [study.root])
        attrs = PdfCMSSignedAttributes(signing_time=when)
        info = asyncio.run(
            signer.async_sign_general_data(DATA, "sha256", signed_attr_settings=attrs)
        )
        return bytes(info.dump())

    then = cms.verify_detached(DATA, signed_at(past), [study.root])
    assert then.intact and then.trusted
    now = cms.verify_detached(DATA, signed_at(dt.datetime.now(dt.UTC)), [study.root])
    assert now.intact and not now.trusted


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01\x01", b"hello" * 50])
def test_garbage_signatures_raise_our_error(garbage: bytes) -> None:
    with pytest.raises(cms.NotSignedDataError, match="not a readable signature"):
        cms.verify_detached(DATA, garbage, [study_a().root])
    with pytest.raises(cms.NotSignedDataError):
        cms.verify_attached(garbage, [study_a().root])


def test_an_attached_signature_is_not_taken_as_detached() -> None:
    study = study_a()
    attached = cms.sign_attached(DATA, study.key, study.root)
    with pytest.raises(cms.NotSignedDataError, match="not detached"):
        cms.verify_detached(DATA, attached, [study.root])


def test_attached_signature_round_trip() -> None:
    study = study_a()
    attached = cms.sign_attached(DATA, study.key, study.root)
    verdict, content = cms.verify_attached(attached, [study.root])
    assert content == DATA and verdict.intact and verdict.trusted
    assert cms.unverified_content(attached) == DATA
    with pytest.raises(cms.NotSignedDataError, match="does not carry"):
        cms.verify_attached(_detached(), [study.root])


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_verifies_a_detached_signature(tmp_path: Path) -> None:
    (tmp_path / "root.pem").write_text(certificate_pem(study_a().root))
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "sig.p7s").write_bytes(_detached())
    command = [str(OPENSSL), "cms", "-verify", "-binary", "-inform", "DER", "-in", "sig.p7s"]
    command += ["-content", "data", "-CAfile", "root.pem", "-out", "checked"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "checked").read_bytes() == DATA


# --- envelopes ------------------------------------------------------------------------------


def test_envelope_round_trip_to_one_recipient_with_aes256() -> None:
    reviewer = alice()
    sealed = cms.envelope(DATA, reviewer.cert)
    info = asn1_cms.ContentInfo.load(sealed)
    assert info["content_type"].native == "enveloped_data"
    enveloped = info["content"]
    (recipient,) = enveloped["recipient_infos"]
    rid = recipient.chosen["rid"].chosen
    assert rid["serial_number"].native == reviewer.cert.serial_number
    algorithm = enveloped["encrypted_content_info"]["content_encryption_algorithm"]
    assert algorithm["algorithm"].native == "aes256_cbc"
    assert DATA not in sealed
    assert cms.open_envelope(sealed, reviewer.key, reviewer.cert) == DATA


def test_another_key_cannot_open_an_envelope() -> None:
    sealed = cms.envelope(DATA, alice().cert)
    with pytest.raises(cms.NotARecipientError, match="not encrypted for you"):
        cms.open_envelope(sealed, bob().key, bob().cert)
    # Bob's key presented with Alice's certificate: decryption itself must fail.
    with pytest.raises(cms.DamagedEnvelopeError):
        cms.open_envelope(sealed, bob().key, alice().cert)


def test_a_non_envelope_is_refused() -> None:
    with pytest.raises(cms.NotAnEnvelopeError, match="not an encrypted file"):
        cms.open_envelope(b"plain text", alice().key, alice().cert)
    with pytest.raises(cms.NotAnEnvelopeError):
        cms.open_envelope(_detached(), alice().key, alice().cert)


def test_a_damaged_envelope_is_refused() -> None:
    sealed = cms.envelope(DATA, alice().cert)
    info = asn1_cms.ContentInfo.load(sealed)
    eci = info["content"]["encrypted_content_info"]
    eci["encrypted_content"] = eci["encrypted_content"].native[:-1]  # not whole AES blocks
    damaged = info.dump(force=True)
    with pytest.raises(cms.DamagedEnvelopeError, match="damaged or was altered"):
        cms.open_envelope(damaged, alice().key, alice().cert)
