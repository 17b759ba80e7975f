"""The study authority: root certificate, fingerprints, reviewer certificates, keys at rest."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from reviewer_app.errors import DamagedFileError, InvalidInputError, WrongPassphraseError
from reviewer_app.services.trust.authority import (
    OID_DOCUMENT_SIGNING,
    certificate_pem,
    create_study_authority,
    fingerprint,
    is_study_root,
    issue_reviewer_certificate,
    load_certificate,
    load_private_key,
    parse_fingerprint,
    replaced_fingerprint_of,
    reviewer_ref_of,
    serialise_private_key,
    study_id_of,
)
from reviewer_app.services.trust.enrolment import read_enrolment_request
from tests.support.crypto_fixtures import alice, bob, enrolment, study_a, study_b

OPENSSL = shutil.which("openssl")


def test_root_is_a_self_signed_ca_naming_the_study() -> None:
    root = study_a().root
    assert is_study_root(root)
    assert root.issuer == root.subject
    constraints = root.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical and constraints.value.ca
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign
    assert root.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == (
        "Structured review A"
    )
    assert study_id_of(root) == "STUDY-A"
    lifetime = root.not_valid_after_utc - root.not_valid_before_utc
    assert dt.timedelta(days=3650) <= lifetime <= dt.timedelta(days=3660)
    key = root.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size >= 3072


def test_fingerprint_is_sha256_of_der_in_sixteen_groups() -> None:
    root = study_a().root
    shown = fingerprint(root)
    groups = shown.split(" ")
    assert len(groups) == 16 and all(len(g) == 4 for g in groups)
    assert shown.replace(" ", "") == root.fingerprint(hashes.SHA256()).hex().upper()


def test_parse_fingerprint_tolerates_how_people_copy_it() -> None:
    shown = fingerprint(study_a().root)
    compact = shown.replace(" ", "")
    colons = ":".join(compact[i : i + 2] for i in range(0, 64, 2)).lower()
    assert parse_fingerprint(colons) == shown
    assert parse_fingerprint(f"  {compact.lower()}\n") == shown
    assert parse_fingerprint(shown.replace(" ", "-")) == shown


@pytest.mark.parametrize("bad", ["", "1234", "G" * 64, "AB" * 33, "sha256:" + "AB" * 32])
def test_parse_fingerprint_refuses_non_fingerprints(bad: str) -> None:
    with pytest.raises(InvalidInputError, match="not a certificate fingerprint"):
        parse_fingerprint(bad)


def test_reviewer_certificate_is_issued_by_the_root_for_the_requested_key() -> None:
    reviewer = alice()
    cert = reviewer.cert
    cert.verify_directly_issued_by(study_a().root)
    assert cert.public_key().public_numbers() == reviewer.key.public_key().public_numbers()
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Alice Example"
    assert reviewer_ref_of(cert) == "R01"
    assert not is_study_root(cert)
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment and usage.key_encipherment
    assert not usage.key_cert_sign
    purposes = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in purposes
    assert OID_DOCUMENT_SIGNING in purposes
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.RFC822Name) == ["alice.example@example.nhs.uk"]
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert dt.timedelta(days=1090) <= lifetime <= dt.timedelta(days=1100)
    assert replaced_fingerprint_of(cert) is None


def test_replacement_certificate_records_the_one_it_replaces() -> None:
    study = study_a()
    old = bob().cert
    _, request = enrolment("Bob Example")
    new = issue_reviewer_certificate(
        study.key, study.root, request, "R02", replace_existing_fp=fingerprint(old).lower()
    )
    assert replaced_fingerprint_of(new) == fingerprint(old)
    with pytest.raises(InvalidInputError, match="not a certificate fingerprint"):
        issue_reviewer_certificate(study.key, study.root, request, "R02", "nonsense")


def test_issuing_accepts_a_checked_request_object() -> None:
    study = study_a()
    request = read_enrolment_request(enrolment("Alice Example")[1])
    cert = issue_reviewer_certificate(study.key, study.root, request, "R01")
    assert reviewer_ref_of(cert) == "R01"


@pytest.mark.parametrize("ref", ["", "R 01", "-R01", "R01/evil", "x" * 65, "Ré01"])
def test_issuing_refuses_unsafe_reviewer_refs(ref: str) -> None:
    study = study_a()
    with pytest.raises(InvalidInputError, match="reviewer reference"):
        issue_reviewer_certificate(study.key, study.root, enrolment("Alice Example")[1], ref)


def test_issuing_refuses_a_key_that_is_not_the_roots() -> None:
    with pytest.raises(InvalidInputError, match="does not belong to the study authority"):
        issue_reviewer_certificate(
            study_b().key, study_a().root, enrolment("Alice Example")[1], "R01"
        )


def test_issuing_rechecks_the_request() -> None:
    study = study_a()
    with pytest.raises(InvalidInputError, match="not an enrolment request"):
        issue_reviewer_certificate(study.key, study.root, b"{}", "R01")


def test_study_identity_fields_are_validated() -> None:
    with pytest.raises(InvalidInputError, match="study name"):
        create_study_authority("S1", "x" * 65)
    with pytest.raises(InvalidInputError, match="study id"):
        create_study_authority("S 1", "Fine name")


def test_certificates_load_from_pem_and_der_only() -> None:
    root = study_a().root
    assert load_certificate(certificate_pem(root)) == root
    assert load_certificate(certificate_pem(root).encode()) == root
    assert load_certificate(root.public_bytes(serialization.Encoding.DER)) == root
    with pytest.raises(InvalidInputError, match="not a readable certificate"):
        load_certificate(b"garbage")


def test_private_key_round_trip_under_passphrase() -> None:
    key = study_a().key
    stored = serialise_private_key(key, "correct horse battery staple")
    assert b"-----BEGIN ENCRYPTED PRIVATE KEY-----" in stored
    loaded = load_private_key(stored, "correct horse battery staple")
    assert loaded.private_numbers() == key.private_numbers()


def test_private_key_wrong_passphrase_and_damage_are_told_apart() -> None:
    stored = serialise_private_key(study_a().key, "right")
    with pytest.raises(WrongPassphraseError):
        load_private_key(stored, "wrong")
    with pytest.raises(DamagedFileError):
        load_private_key(stored[:200], "right")
    with pytest.raises(DamagedFileError):
        load_private_key(b"not a key", "right")
    with pytest.raises(InvalidInputError, match="passphrase is needed"):
        serialise_private_key(study_a().key, "")


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_accepts_the_reviewer_cert_for_smime_signing(tmp_path: Path) -> None:
    (tmp_path / "root.pem").write_text(certificate_pem(study_a().root))
    (tmp_path / "alice.pem").write_text(certificate_pem(alice().cert))
    result = subprocess.run(
        [str(OPENSSL), "verify", "-purpose", "smimesign", "-CAfile", "root.pem", "alice.pem"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
