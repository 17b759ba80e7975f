"""The shared key-holding signer: the same signatures as pyHanko's, without reloading the key."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reviewer_app.services.trust import cms
from reviewer_app.services.trust.key_signer import (
    KeySigner,
    UnsupportedDigestError,
    asn1_cert,
)
from tests.support.crypto_fixtures import alice, study_a

DATA = b"pack 3 for R01: 12 cases\n"


def _simple_signer() -> SimpleSigner:
    reviewer = alice()
    der = reviewer.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return SimpleSigner(
        signing_cert=asn1_cert(reviewer.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(der),
        cert_registry=SimpleCertificateStore(),
    )


def test_the_raw_signature_is_the_one_pyhanko_makes() -> None:
    """RSA PKCS#1 v1.5 is deterministic: the same key and data give the same bytes."""
    reviewer = alice()
    ours = KeySigner(reviewer.key, reviewer.cert).sign_raw(DATA, "sha256")
    theirs = _simple_signer().sign_raw(DATA, "sha256")
    assert ours == theirs
    assert KeySigner(reviewer.key, reviewer.cert).sign_raw(DATA + b" ", "sha256") != theirs


def test_a_whole_cms_signature_is_byte_for_byte_the_one_pyhanko_makes() -> None:
    reviewer = alice()
    attrs = PdfCMSSignedAttributes(signing_time=dt.datetime(2026, 3, 1, 9, 30, tzinfo=dt.UTC))

    def signed(signer: SimpleSigner) -> bytes:
        made = signer.async_sign_general_data(DATA, "sha256", signed_attr_settings=attrs)
        return bytes(asyncio.run(made).dump())

    assert signed(KeySigner(reviewer.key, reviewer.cert)) == signed(_simple_signer())


def test_the_signature_mechanism_is_the_one_pyhanko_picks() -> None:
    reviewer = alice()
    ours = KeySigner(reviewer.key, reviewer.cert).get_signature_mechanism_for_digest("sha256")
    theirs = _simple_signer().get_signature_mechanism_for_digest("sha256")
    assert ours.dump() == theirs.dump()


def test_signing_never_loads_the_key_again(monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading a key runs OpenSSL's full RSA check (~0.13 s at 3072 bits): not per signature."""

    def no_loading(*args: object, **kwargs: object) -> None:
        raise AssertionError("the private key was loaded again")

    monkeypatch.setattr(serialization, "load_der_private_key", no_loading)
    monkeypatch.setattr(serialization, "load_pem_private_key", no_loading)
    study = study_a()
    reviewer = alice()
    attached = cms.sign_attached(DATA, reviewer.key, reviewer.cert, [study.root])
    detached = cms.sign_detached(DATA, reviewer.key, reviewer.cert, [study.root])
    verdict, content = cms.verify_attached(attached, [study.root])
    assert content == DATA and verdict.intact and verdict.trusted
    assert verdict.signer == reviewer.cert
    assert cms.verify_detached(DATA, detached, [study.root]).trusted


def test_the_chain_is_embedded_for_verifiers() -> None:
    study = study_a()
    reviewer = alice()
    attached = cms.sign_attached(DATA, reviewer.key, reviewer.cert, [study.root])
    without = cms.sign_attached(DATA, reviewer.key, reviewer.cert)
    assert cms.verify_attached(attached, [study.root])[0].trusted
    verdict, _ = cms.verify_attached(without, [study.root])
    assert verdict.intact and verdict.trusted  # the root is given, so it still chains


def test_another_digest_is_refused() -> None:
    reviewer = alice()
    signer = KeySigner(reviewer.key, reviewer.cert)
    for digest in ("sha1", "sha512", "md5"):
        with pytest.raises(UnsupportedDigestError, match="Only SHA-256"):
            signer.sign_raw(DATA, digest)
        with pytest.raises(UnsupportedDigestError, match="Only SHA-256"):
            asyncio.run(signer.async_sign_raw(DATA, digest))


def test_a_dry_run_reserves_one_signature_of_room_without_signing() -> None:
    reviewer = alice()
    signer = KeySigner(reviewer.key, reviewer.cert)
    room = asyncio.run(signer.async_sign_raw(DATA, "sha256", dry_run=True))
    assert room == bytes(reviewer.key.key_size // 8)
    real = asyncio.run(signer.async_sign_raw(DATA, "sha256"))
    assert len(real) == len(room) and real != room
