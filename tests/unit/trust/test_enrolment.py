"""Enrolment requests (good one accepted, each bad variant refused) and PKCS#12 export."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import pkcs12 as asn1_pkcs12
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from reviewer_app.errors import DamagedFileError, InvalidInputError, WrongPassphraseError
from reviewer_app.services.trust.enrolment import (
    OID_DETAILS_BINDING,
    PKCS12_KDF_ROUNDS,
    PKCS12_MAC_ROUNDS,
    EnrolmentRequest,
    ReviewerDetails,
    _binding_digest,
    create_identity,
    export_pkcs12,
    import_pkcs12,
    read_enrolment_request,
)
from tests.support.crypto_fixtures import alice, enrolment, study_a

OPENSSL = shutil.which("openssl")
NOT_A_REQUEST = "not an enrolment request"
MISMATCH = "do not match its certificate request"
BAD_SIGNATURE = "not validly signed by its own key"
WRONG_KEY = "wrong kind: an RSA key of 3072 to 4096 bits"


def _doc(name: str = "Alice Example") -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(enrolment(name)[1])
    return doc


def _dump(doc: object) -> bytes:
    return json.dumps(doc).encode()


def _csr_with(
    key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    details: ReviewerDetails,
    *,
    bind: bool = True,
) -> str:
    builder = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, details.name)]))
        .add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(details.email)]), critical=False
        )
    )
    if bind:
        builder = builder.add_attribute(
            OID_DETAILS_BINDING, _binding_digest(details, 1).encode("ascii")
        )
    csr = builder.sign(key, hashes.SHA256())
    return csr.public_bytes(serialization.Encoding.PEM).decode()


def _der(tag: int, body: bytes) -> bytes:
    if len(body) < 0x80:
        return bytes([tag, len(body)]) + body
    size = len(body).to_bytes((len(body).bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + body


def _reencode_csr(pem: str, signature: bytes) -> str:
    """The same CSR body and algorithm with another signature value (asn1crypto cannot
    re-encode our custom attribute, so the DER is put together by hand)."""
    original = x509.load_pem_x509_csr(pem.encode())
    der = original.public_bytes(serialization.Encoding.DER)
    tbs = original.tbs_certrequest_bytes
    rest = der[der.index(tbs) + len(tbs) :]
    algorithm = rest[: 2 + rest[1]]
    body = tbs + algorithm + _der(0x03, b"\x00" + signature)
    return (
        x509.load_der_x509_csr(_der(0x30, body)).public_bytes(serialization.Encoding.PEM).decode()
    )


def test_a_good_request_is_accepted_with_its_details() -> None:
    key, data = enrolment("Alice Example")
    request = read_enrolment_request(data)
    assert request.details.name == "Alice Example"
    assert request.details.profession == "doctor"
    assert request.details.registration == "GMC 1234567"
    assert request.details.email == "alice.example@example.nhs.uk"
    assert request.format_version == 1
    csr = request.csr()
    assert csr.public_key().public_numbers() == key.public_key().public_numbers()
    assert request.to_bytes() == data


def test_the_request_holds_nothing_secret() -> None:
    _, data = enrolment("Alice Example")
    assert b"PRIVATE" not in data
    assert set(json.loads(data)) == {"format", "format_version", "details", "csr_pem"}


def test_create_identity_refuses_incomplete_details() -> None:
    with pytest.raises(InvalidInputError, match="email"):
        create_identity("Alice", "doctor", "GMC 1", "not-an-address")
    with pytest.raises(InvalidInputError, match="not complete"):
        create_identity("Alice", "surgeon", "GMC 1", "a@example.org")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe garbage", NOT_A_REQUEST),
        (b"[1, 2, 3]", NOT_A_REQUEST),
        (b'{"format": "something-else", "format_version": 1}', NOT_A_REQUEST),
        (b"x" * 70_000, "far too large"),
    ],
)
def test_malformed_input_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        read_enrolment_request(data)


def test_unknown_format_version_is_refused() -> None:
    doc = _doc()
    doc["format_version"] = 2
    with pytest.raises(InvalidInputError, match="format version 2, which this app does not"):
        read_enrolment_request(_dump(doc))
    doc["format_version"] = "1"
    with pytest.raises(InvalidInputError, match="no valid format version"):
        read_enrolment_request(_dump(doc))


def test_missing_or_unknown_fields_are_refused() -> None:
    doc = _doc()
    del doc["details"]["registration"]
    with pytest.raises(InvalidInputError, match=r"incomplete: details\.registration"):
        read_enrolment_request(_dump(doc))
    doc = _doc()
    doc["private_key"] = "oops"
    with pytest.raises(InvalidInputError, match="incomplete: private_key"):
        read_enrolment_request(_dump(doc))


def test_a_damaged_csr_is_refused() -> None:
    doc = _doc()
    doc["csr_pem"] = "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----"
    with pytest.raises(InvalidInputError, match=r"certificate request inside .* is damaged"):
        read_enrolment_request(_dump(doc))


def test_a_badly_signed_csr_is_refused() -> None:
    doc = _doc()
    csr = x509.load_pem_x509_csr(doc["csr_pem"].encode())
    flipped = bytearray(csr.signature)
    flipped[10] ^= 0x01
    doc["csr_pem"] = _reencode_csr(doc["csr_pem"], bytes(flipped))
    with pytest.raises(InvalidInputError, match=BAD_SIGNATURE):
        read_enrolment_request(_dump(doc))


def test_an_unsigned_csr_is_refused() -> None:
    doc = _doc()
    doc["csr_pem"] = _reencode_csr(doc["csr_pem"], b"")
    with pytest.raises(InvalidInputError, match=BAD_SIGNATURE):
        read_enrolment_request(_dump(doc))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Mallory Example"),
        ("profession", "nurse"),
        ("registration", "GMC 7654321"),
        ("email", "mallory@example.org"),
    ],
)
def test_details_changed_after_signing_are_refused(field: str, value: str) -> None:
    doc = _doc()
    doc["details"][field] = value
    with pytest.raises(InvalidInputError, match=MISMATCH):
        read_enrolment_request(_dump(doc))


def test_a_csr_swapped_in_from_another_request_is_refused() -> None:
    doc = _doc("Alice Example")
    doc["csr_pem"] = _doc("Bob Example")["csr_pem"]
    with pytest.raises(InvalidInputError, match=MISMATCH):
        read_enrolment_request(_dump(doc))


def test_a_csr_without_the_details_binding_is_refused() -> None:
    doc = _doc()
    details = ReviewerDetails.model_validate(doc["details"])
    doc["csr_pem"] = _csr_with(alice().key, details, bind=False)
    with pytest.raises(InvalidInputError, match=MISMATCH):
        read_enrolment_request(_dump(doc))


def test_a_csr_with_a_mismatched_common_name_is_refused() -> None:
    doc = _doc()
    details = ReviewerDetails.model_validate(doc["details"])
    other = details.model_copy(update={"name": "Someone Else"})
    pem = _csr_with(alice().key, other)  # CN differs; binding covers the real details
    csr_other = x509.load_pem_x509_csr(pem.encode())
    assert csr_other.is_signature_valid
    doc["csr_pem"] = pem
    with pytest.raises(InvalidInputError, match=MISMATCH):
        read_enrolment_request(_dump(doc))


def test_a_small_rsa_key_is_refused() -> None:
    doc = _doc()
    details = ReviewerDetails.model_validate(doc["details"])
    small = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    doc["csr_pem"] = _csr_with(small, details)
    with pytest.raises(InvalidInputError, match=WRONG_KEY):
        read_enrolment_request(_dump(doc))


def test_a_non_rsa_key_is_refused() -> None:
    doc = _doc()
    details = ReviewerDetails.model_validate(doc["details"])
    doc["csr_pem"] = _csr_with(ec.generate_private_key(ec.SECP256R1()), details)
    with pytest.raises(InvalidInputError, match=WRONG_KEY):
        read_enrolment_request(_dump(doc))


def test_a_correctly_built_request_from_another_tool_is_accepted() -> None:
    """The format is the contract, not our code: a hand-built request with binding passes."""
    doc = _doc()
    details = ReviewerDetails.model_validate(doc["details"])
    doc["csr_pem"] = _csr_with(alice().key, details)
    request = read_enrolment_request(_dump(doc))
    assert isinstance(request, EnrolmentRequest)


# --- PKCS#12 ------------------------------------------------------------------------------


def test_pkcs12_round_trip() -> None:
    reviewer = alice()
    root = study_a().root
    data = export_pkcs12(reviewer.key, reviewer.cert, [root], "a long passphrase")
    imported = import_pkcs12(data, "a long passphrase")
    assert imported.key.private_numbers() == reviewer.key.private_numbers()
    assert imported.cert == reviewer.cert
    assert imported.chain == [root]


def test_pkcs12_wrong_passphrase_and_damage_are_told_apart() -> None:
    reviewer = alice()
    data = export_pkcs12(reviewer.key, reviewer.cert, [], "right")
    with pytest.raises(WrongPassphraseError):
        import_pkcs12(data, "wrong")
    with pytest.raises(DamagedFileError):
        import_pkcs12(data[: len(data) // 2], "right")
    with pytest.raises(DamagedFileError):
        import_pkcs12(b"hello", "right")
    with pytest.raises(InvalidInputError, match="passphrase is needed"):
        export_pkcs12(reviewer.key, reviewer.cert, [], "")


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_reads_our_pkcs12(tmp_path: Path) -> None:
    reviewer = alice()
    (tmp_path / "id.p12").write_bytes(export_pkcs12(reviewer.key, reviewer.cert, [], "pw"))
    result = subprocess.run(
        [str(OPENSSL), "pkcs12", "-in", "id.p12", "-passin", "pass:pw", "-nokeys"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Alice Example" in result.stdout


def test_pkcs12_integrity_check_costs_as_much_as_the_encryption() -> None:
    """The MAC was derived with 2,048 rounds: a fast oracle for the passphrase. No more."""
    reviewer = alice()
    data = export_pkcs12(reviewer.key, reviewer.cert, [study_a().root], "a long passphrase")
    pfx = asn1_pkcs12.Pfx.load(data)
    mac = pfx["mac_data"]
    assert PKCS12_KDF_ROUNDS >= 200_000
    assert mac["iterations"].native == PKCS12_MAC_ROUNDS >= PKCS12_KDF_ROUNDS
    assert mac["mac"]["digest_algorithm"]["algorithm"].native == "sha256"
    assert len(mac["mac_salt"].native) >= 16
    assert (
        asn1_pkcs12.Pfx.load(export_pkcs12(reviewer.key, reviewer.cert, [], "a long passphrase"))[
            "mac_data"
        ]["mac_salt"].native
        != mac["mac_salt"].native
    )  # a fresh salt each time
    safes = asn1_pkcs12.AuthenticatedSafe.load(pfx["auth_safe"]["content"].native)
    schemes = []
    for info in safes:
        if info["content_type"].native == "encrypted_data":
            algorithm = info["content"]["encrypted_content_info"]["content_encryption_algorithm"]
        else:
            bags = asn1_pkcs12.SafeContents.load(info["content"].native)
            (algorithm,) = [
                b["bag_value"]["encryption_algorithm"]
                for b in bags
                if b["bag_id"].native == "pkcs8_shrouded_key_bag"
            ]
        assert algorithm["algorithm"].native == "pbes2"
        params = algorithm["parameters"]
        schemes.append(
            (
                params["encryption_scheme"]["algorithm"].native,
                params["key_derivation_func"]["parameters"]["iteration_count"].native,
            )
        )
    assert schemes == [("aes256_cbc", PKCS12_KDF_ROUNDS)] * 2


@pytest.mark.parametrize("passphrase", ["a long passphrase", "Zielińska 🙂 hasło"])
def test_pkcs12_with_the_strong_mac_opens_here_and_refuses_a_wrong_passphrase(
    passphrase: str,
) -> None:
    reviewer = alice()
    data = export_pkcs12(reviewer.key, reviewer.cert, [], passphrase)
    assert import_pkcs12(data, passphrase).cert == reviewer.cert
    with pytest.raises(WrongPassphraseError):
        import_pkcs12(data, passphrase + " ")


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
@pytest.mark.parametrize("passphrase", ["a long passphrase", "Zielińska 🙂 hasło"])
def test_openssl_verifies_the_strong_mac_and_reports_aes_256(
    tmp_path: Path, passphrase: str
) -> None:
    reviewer = alice()
    (tmp_path / "id.p12").write_bytes(export_pkcs12(reviewer.key, reviewer.cert, [], passphrase))

    def info(secret: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                str(OPENSSL),
                "pkcs12",
                "-in",
                "id.p12",
                "-info",
                "-noout",
                "-passin",
                f"pass:{secret}",
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    good = info(passphrase)
    report = good.stdout + good.stderr
    assert good.returncode == 0, report
    assert f"MAC: sha256, Iteration {PKCS12_MAC_ROUNDS}" in report
    bags = f"PBES2, PBKDF2, AES-256-CBC, Iteration {PKCS12_KDF_ROUNDS}, PRF hmacWithSHA256"
    assert report.count(bags) == 2, report
    bad = info("not " + passphrase)
    assert bad.returncode != 0
    assert "Mac verify error" in bad.stdout + bad.stderr
