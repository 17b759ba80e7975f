"""A reviewer's identity: their key pair, the enrolment request they send, PKCS#12 export.

The enrolment request is a small JSON document a reviewer emails or drops on the shared
drive. It holds a standard PKCS#10 CSR, whose self-signature proves the sender holds the
key, and the reviewer's details in plain JSON so the coordinator can read them. The details
are also *bound into* the CSR, as the SHA-256 of their canonical form in a CSR attribute,
so nobody can swap the details (or the CSR) in transit without breaking the signature.
Nothing secret is in the request.

```json
{"format": "reviewer-app/enrolment-request", "format_version": 1,
 "details": {"name": "...", "profession": "doctor|nurse|other",
             "registration": "GMC 1234567", "email": "..."},
 "csr_pem": "-----BEGIN CERTIFICATE REQUEST-----..."}
```
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from typing import Any, Final, Literal, NamedTuple

from asn1crypto import pkcs12 as asn1_pkcs12  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID, ObjectIdentifier
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from reviewer_app.domain.identifiers import nfc
from reviewer_app.domain.panel import Profession
from reviewer_app.errors import DamagedFileError, InvalidInputError, WrongPassphraseError

REQUEST_FORMAT: Final = "reviewer-app/enrolment-request"
REQUEST_FORMAT_VERSION: Final = 1
REVIEWER_KEY_BITS = 3072
ACCEPTED_KEY_BITS = range(3072, 4097)
MAX_REQUEST_BYTES = 64 * 1024

OID_DETAILS_BINDING = ObjectIdentifier("2.25.211912745961435391428998831379773735444")
"""CSR attribute holding ``sha256:<hex>`` of the canonical details (UUID-derived OID, X.667)."""

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_STRONG_HASHES = (hashes.SHA256, hashes.SHA384, hashes.SHA512)


class ReviewerDetails(BaseModel):
    """Who the reviewer says they are; the coordinator checks it against the register."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    profession: Profession
    registration: str
    email: str

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _within(nfc(value).strip(), "name", 64)

    @field_validator("registration")
    @classmethod
    def _registration(cls, value: str) -> str:
        return _within(" ".join(nfc(value).split()), "registration", 40)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip()
        if len(value) > 254 or not _EMAIL.match(value):
            raise ValueError("the email address is not valid (plain ASCII addresses only)")
        return value


def _within(value: str, what: str, most: int) -> str:
    """``value``, if it is 1 to ``most`` characters long (it goes into a certificate)."""
    if not 1 <= len(value) <= most:
        raise ValueError(f"the {what} must be 1 to {most} characters long")
    return value


def _binding_digest(details: ReviewerDetails, format_version: int) -> str:
    """What the CSR attribute carries: a digest of everything the coordinator relies on."""
    canonical = json.dumps(
        {"format_version": format_version, "details": details.model_dump(mode="json")},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    ).encode("utf-8")
    return "sha256:" + hashlib.sha256(canonical).hexdigest()


class EnrolmentRequest(BaseModel):
    """A checked enrolment request. Build one only through :func:`read_enrolment_request`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["reviewer-app/enrolment-request"] = REQUEST_FORMAT
    format_version: int = REQUEST_FORMAT_VERSION
    details: ReviewerDetails
    csr_pem: str

    def csr(self) -> x509.CertificateSigningRequest:
        return x509.load_pem_x509_csr(self.csr_pem.encode("ascii"))

    def to_bytes(self) -> bytes:
        """The file's bytes: canonical UTF-8 JSON (stable, so its hash can be quoted)."""
        return (
            json.dumps(self.model_dump(mode="json"), sort_keys=True, indent=1, ensure_ascii=False)
            + "\n"
        ).encode("utf-8")


def create_identity(
    name: str, profession: str, registration: str, email: str
) -> tuple[rsa.RSAPrivateKey, bytes]:
    """Make a reviewer's key pair and the enrolment request to send to the coordinator."""
    try:
        details = ReviewerDetails(
            name=name, profession=Profession(profession), registration=registration, email=email
        )
    except ValueError as err:
        raise InvalidInputError(_explain("Your details are not complete", err)) from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=REVIEWER_KEY_BITS)
    csr = (
        x509.CertificateSigningRequestBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, details.name)]))
        .add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(details.email)]), critical=False
        )
        .add_attribute(
            OID_DETAILS_BINDING,
            _binding_digest(details, REQUEST_FORMAT_VERSION).encode("ascii"),
        )
        .sign(key, hashes.SHA256())
    )
    request = EnrolmentRequest(
        details=details,
        csr_pem=csr.public_bytes(serialization.Encoding.PEM).decode("ascii"),
    )
    return key, request.to_bytes()


def _explain(lead: str, err: Exception) -> str:
    """A pydantic error as one line per problem, without echoing the values (privacy)."""
    if isinstance(err, ValidationError):
        problems = [
            f"{'.'.join(str(p) for p in e['loc']) or 'document'}: {e['msg']}"
            for e in err.errors(include_input=False, include_url=False)
        ]
        return f"{lead}: " + "; ".join(problems) + "."
    return f"{lead}."


def read_enrolment_request(data: bytes) -> EnrolmentRequest:
    """Read and check an enrolment request; every refusal says what is wrong with it."""
    if len(data) > MAX_REQUEST_BYTES:
        raise InvalidInputError("This file is far too large to be an enrolment request.")
    try:
        doc: Any = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise InvalidInputError(
            "This is not an enrolment request: it is not a readable JSON document."
        ) from None
    if not isinstance(doc, dict) or doc.get("format") != REQUEST_FORMAT:
        raise InvalidInputError(
            "This is not an enrolment request: it does not say it is one "
            f'(format "{REQUEST_FORMAT}").'
        )
    version = doc.get("format_version")
    if type(version) is not int:
        raise InvalidInputError("This enrolment request has no valid format version.")
    if version != REQUEST_FORMAT_VERSION:
        raise InvalidInputError(
            f"This enrolment request uses format version {version}, which this app does not "
            f"know (it reads version {REQUEST_FORMAT_VERSION}). Check that the reviewer and "
            "the coordinator use the same version of the app."
        )
    try:
        request = EnrolmentRequest.model_validate(doc)
    except ValidationError as err:
        raise InvalidInputError(_explain("This enrolment request is incomplete", err)) from None
    try:
        csr = request.csr()
    except (ValueError, UnicodeEncodeError):
        raise InvalidInputError(
            "The certificate request inside this enrolment request is damaged."
        ) from None
    _check_key(csr)
    _check_signature(csr)
    _check_binding(csr, request)
    return request


def _check_key(csr: x509.CertificateSigningRequest) -> None:
    try:
        key = csr.public_key()
    except (ValueError, UnsupportedAlgorithm):
        key = None
    if not isinstance(key, rsa.RSAPublicKey) or key.key_size not in ACCEPTED_KEY_BITS:
        raise InvalidInputError(
            "The key in this enrolment request is of the wrong kind: an RSA key of 3072 to "
            "4096 bits is required. Ask the reviewer to create their identity in this app."
        )


def _check_signature(csr: x509.CertificateSigningRequest) -> None:
    try:
        good = csr.is_signature_valid
        algorithm = csr.signature_hash_algorithm
    except (ValueError, UnsupportedAlgorithm):
        good, algorithm = False, None
    if not good:
        raise InvalidInputError(
            "The certificate request is not validly signed by its own key, so it does not "
            "prove the sender holds that key. Ask the reviewer to make a new request."
        )
    if not isinstance(algorithm, _STRONG_HASHES):
        raise InvalidInputError(
            "The certificate request is signed with a weak or unknown hash algorithm."
        )


def _check_binding(csr: x509.CertificateSigningRequest, request: EnrolmentRequest) -> None:
    mismatch = InvalidInputError(
        "The details in this enrolment request do not match its certificate request: they "
        "were changed after the request was made. Ask the reviewer to send it again."
    )
    try:
        bound = csr.attributes.get_attribute_for_oid(OID_DETAILS_BINDING).value
    except x509.AttributeNotFound:
        raise mismatch from None
    if bound != _binding_digest(request.details, request.format_version).encode("ascii"):
        raise mismatch
    names = csr.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if [n.value for n in names] != [request.details.name]:
        raise mismatch
    try:
        san = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        raise mismatch from None
    if san.get_values_for_type(x509.RFC822Name) != [request.details.email]:
        raise mismatch


# --- PKCS#12: carrying an identity to a colleague's laptop for co-signing -------------------


class Pkcs12Identity(NamedTuple):
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: list[x509.Certificate]


PKCS12_KDF_ROUNDS = 200_000
"""PBKDF2-SHA256 rounds protecting the key and certificates inside an exported identity."""
PKCS12_MAC_ROUNDS = PKCS12_KDF_ROUNDS
"""Rounds of the integrity check (MAC) key derivation: as many as the encryption's, or the
MAC would let anyone who has the file test guessed passphrases far faster than decrypting."""
_MAC_SALT_BYTES = 16
_SHA256_BLOCK = 64
_SHA256_SIZE = 32


def export_pkcs12(
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: list[x509.Certificate],
    passphrase: str,
) -> bytes:
    """PKCS#12 with AES-256 (PBES2, PBKDF2-SHA256) and an HMAC-SHA256 integrity check whose
    key derivation costs as much as the encryption's (readable by OpenSSL 3 and Windows 10+).

    The library fixes the MAC's rounds at 2,048, so the MAC is recomputed here (RFC 7292
    appendix B key derivation, SHA-256) with :data:`PKCS12_MAC_ROUNDS` and a fresh salt.
    """
    if not passphrase:
        raise InvalidInputError("A passphrase is needed to protect the exported identity.")
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    friendly = str(names[0].value).encode("utf-8") if names else None
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(PKCS12_KDF_ROUNDS)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(passphrase.encode("utf-8"))
    )
    data = pkcs12.serialize_key_and_certificates(friendly, key, cert, chain, encryption)
    return _with_strong_mac(data, passphrase, PKCS12_MAC_ROUNDS)


def _pkcs12_mac_key(passphrase: str, salt: bytes, rounds: int) -> bytes:
    """RFC 7292 appendix B.2 with SHA-256, ID 3 (MAC key), one 32-byte block.

    The password is the BMPString (UTF-16BE) of the passphrase with a two-byte terminator,
    as OpenSSL and the library derive it from the UTF-8 passphrase they are given.
    """
    password = passphrase.encode("utf-16-be") + b"\0\0"

    def filled(value: bytes) -> bytes:
        length = _SHA256_BLOCK * -(-len(value) // _SHA256_BLOCK)
        return (value * (length // len(value) + 1))[:length] if value else b""

    digest = hashlib.sha256(bytes([3]) * _SHA256_BLOCK + filled(salt) + filled(password)).digest()
    for _ in range(rounds - 1):
        digest = hashlib.sha256(digest).digest()
    return digest[:_SHA256_SIZE]


def _with_strong_mac(data: bytes, passphrase: str, rounds: int) -> bytes:
    pfx = asn1_pkcs12.Pfx.load(data)
    content = pfx["auth_safe"]["content"].native
    if pfx["auth_safe"]["content_type"].native != "data" or not isinstance(content, bytes):
        raise RuntimeError("unexpected PKCS#12 layout from the library")
    salt = secrets.token_bytes(_MAC_SALT_BYTES)
    mac = hmac.new(_pkcs12_mac_key(passphrase, salt, rounds), content, hashlib.sha256).digest()
    mac_data = asn1_pkcs12.MacData(
        {
            "mac": {"digest_algorithm": {"algorithm": "sha256"}, "digest": mac},
            "mac_salt": salt,
            "iterations": rounds,
        }
    )
    strong = asn1_pkcs12.Pfx(
        {"version": pfx["version"], "auth_safe": pfx["auth_safe"], "mac_data": mac_data}
    )
    return bytes(strong.dump())


def import_pkcs12(data: bytes, passphrase: str) -> Pkcs12Identity:
    """Open an exported identity. Wrong passphrase and damaged file get different errors."""
    if not _is_pfx(data):
        raise DamagedFileError("This identity file is damaged or is not a PKCS#12 file.")
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(data, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise WrongPassphraseError("The passphrase does not open this identity file.") from None
    if not isinstance(key, rsa.RSAPrivateKey) or cert is None:
        raise DamagedFileError("This identity file does not hold a reviewer key and certificate.")
    return Pkcs12Identity(key, cert, list(chain))


def _is_pfx(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        _ = pfx["version"].native
        _ = pfx["auth_safe"]["content_type"].native
    except Exception:  # asn1crypto raises many types on garbage
        return False
    return True
