"""The study authority: the X.509 root a coordinator holds, and the certificates it issues.

Every trust decision in the app comes back to one self-signed root per study. Reviewers pin
its fingerprint on first use (read out by phone), so the fingerprint format is made for
reading aloud. The root signs assignment packs directly, and issues one end-entity
certificate per reviewer, which carries the reviewer's stable reference in the subject
``serialNumber`` attribute so that a certificate alone says whose it is.

Pure functions over keys and bytes: storing them is the caller's job.
"""

from __future__ import annotations

import datetime as dt
import re

from asn1crypto import keys, pem  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import CertificatePublicKeyTypes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from reviewer_app.errors import DamagedFileError, InvalidInputError, WrongPassphraseError
from reviewer_app.services.trust.enrolment import EnrolmentRequest, read_enrolment_request

AUTHORITY_KEY_BITS = 3072
"""NIST SP 800-57: 128-bit security, good beyond 2030; 4096 buys little and costs time."""

ROOT_VALIDITY = dt.timedelta(days=3653)
REVIEWER_VALIDITY = dt.timedelta(days=1096)
CLOCK_SKEW = dt.timedelta(minutes=5)
"""Back-date notBefore a little so a laptop whose clock runs slow still accepts a new cert."""

ROOT_ROLE = "Study authority"

OID_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")
"""id-kp-documentSigning (RFC 9336): the reviewer signs review documents."""

OID_REPLACES_CERTIFICATE = ObjectIdentifier("2.25.194147304127766183431652513212617591652")
"""Our own non-critical extension (a UUID-derived OID, X.667, needs no registration).

Its value is the 32-byte SHA-256 of the certificate this one replaces, so a re-issued
certificate (lost laptop, forgotten passphrase) records its predecessor auditably.
"""

OID_REGISTRATION = ObjectIdentifier("2.25.194147304127766183431652513212617591652.1")
"""Professional registration (e.g. "GMC 1234567") in a reviewer certificate's subject."""

_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_FP_NOISE = re.compile(r"[\s:.-]+")
_FP_HEX = re.compile(r"^[0-9A-F]{64}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _check_ref(kind: str, value: str) -> str:
    """Refs go into PrintableString attributes and file names: keep them plain."""
    if not _REF.match(value):
        raise InvalidInputError(
            f"The {kind} must be 1 to 64 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return value


def _check_label(kind: str, value: str) -> str:
    """X.520 caps names at 64 characters; refuse here with a message instead of a crash."""
    value = value.strip()
    if not 1 <= len(value) <= 64:
        raise InvalidInputError(f"The {kind} must be 1 to 64 characters long.")
    return value


# --- fingerprints ---------------------------------------------------------------------------


def fingerprint(cert: x509.Certificate) -> str:
    """SHA-256 of the DER certificate as 16 groups of 4 hex digits, for reading by phone."""
    digest = cert.fingerprint(hashes.SHA256()).hex().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4))


def parse_fingerprint(text: str) -> str:
    """Normalise a typed or pasted fingerprint to the form :func:`fingerprint` returns.

    Tolerates spaces, colons, dots, dashes and lower case, since people copy fingerprints
    from emails, openssl output (``AB:CD:...``) and their own handwriting.
    """
    compact = _FP_NOISE.sub("", text).upper()
    if not _FP_HEX.match(compact):
        raise InvalidInputError(
            "That is not a certificate fingerprint: it should be 64 hexadecimal characters "
            "(0-9, A-F), usually shown as 16 groups of 4."
        )
    return " ".join(compact[i : i + 4] for i in range(0, 64, 4))


def fingerprint_bytes(text: str) -> bytes:
    """The 32 raw bytes of a fingerprint given in any form :func:`parse_fingerprint` takes."""
    return bytes.fromhex(parse_fingerprint(text).replace(" ", ""))


# --- certificates as bytes ------------------------------------------------------------------


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificate(data: bytes | str) -> x509.Certificate:
    """Read one certificate, PEM or DER, refusing anything else with a clear message."""
    raw = data.encode("ascii", "replace") if isinstance(data, str) else data
    try:
        if raw.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(raw)
        return x509.load_der_x509_certificate(raw)
    except ValueError:
        raise InvalidInputError("This is not a readable certificate.") from None


def _single_attribute(name: x509.Name, oid: ObjectIdentifier) -> str | None:
    values = name.get_attributes_for_oid(oid)
    if len(values) != 1 or not isinstance(values[0].value, str):
        return None
    return values[0].value


def reviewer_ref_of(cert: x509.Certificate) -> str | None:
    """The reviewer reference an authority wrote into a reviewer certificate, if any."""
    return _single_attribute(cert.subject, NameOID.SERIAL_NUMBER)


def study_id_of(root_cert: x509.Certificate) -> str | None:
    """The study id written into a study root certificate, if any."""
    return _single_attribute(root_cert.subject, NameOID.SERIAL_NUMBER)


def is_study_root(cert: x509.Certificate) -> bool:
    """Self-issued, self-signed CA: the only shape a study authority has."""
    try:
        constraints = cert.extensions.get_extension_for_class(x509.BasicConstraints).value
        cert.verify_directly_issued_by(cert)
    except (x509.ExtensionNotFound, InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):
        return False
    return constraints.ca


# --- the authority --------------------------------------------------------------------------


def create_study_authority(
    study_id: str, study_name: str
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Make the study's root key and self-signed CA certificate.

    keyUsage includes digitalSignature as well as keyCertSign/cRLSign because the root
    signs assignment packs itself, and third-party tools (``openssl cms -verify``) check
    that the signer's key may make digital signatures.
    """
    study_id = _check_ref("study id", study_id)
    study_name = _check_label("study name", study_name)
    key = rsa.generate_private_key(public_exponent=65537, key_size=AUTHORITY_KEY_BITS)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, study_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ROOT_ROLE),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, study_id),
        ]
    )
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(now + ROOT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(key_usage(signs=True, issues=True), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def key_usage(
    *, signs: bool = False, commits: bool = False, enciphers: bool = False, issues: bool = False
) -> x509.KeyUsage:
    """What a key of ours may do: sign, commit to what it signs (non-repudiation), receive
    keys encrypted to it, issue certificates (and CRLs). The root signs and issues; a
    reviewer signs, commits and receives packs; the collection key only receives."""
    return x509.KeyUsage(
        digital_signature=signs,
        content_commitment=commits,
        key_encipherment=enciphers,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=issues,
        crl_sign=issues,
        encipher_only=False,
        decipher_only=False,
    )


def issued_by_root(
    subject: x509.Name,
    public_key: CertificatePublicKeyTypes,
    usage: x509.KeyUsage,
    *,
    root_cert: x509.Certificate,
    authority_key: rsa.RSAPrivateKey,
    valid_for: dt.timedelta | None = None,
    extensions: tuple[x509.ExtensionType, ...] = (),
) -> x509.CertificateBuilder:
    """An end-entity certificate from the study root, unsigned: never a CA, its key usage
    critical, ``extensions`` (non-critical) after it, then both key identifiers. Valid for
    ``valid_for`` from now, and never longer than the root."""
    now = _now()
    not_after = root_cert.not_valid_after_utc
    if valid_for is not None:
        not_after = min(now + valid_for, not_after)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(root_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - CLOCK_SKEW)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
    )
    for extension in extensions:
        builder = builder.add_extension(extension, critical=False)
    return builder.add_extension(
        x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
    ).add_extension(
        x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
        critical=False,
    )


def issue_reviewer_certificate(
    authority_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    request: EnrolmentRequest | bytes,
    reviewer_ref: str,
    replace_existing_fp: str | None = None,
) -> x509.Certificate:
    """Issue a reviewer's certificate from their enrolment request.

    The request is re-checked here (signature, binding of the details, key size) even if
    the caller already read it: issuing is the moment that matters. ``replace_existing_fp``
    names the certificate this one supersedes; it is recorded in the new certificate.
    Whether a replacement is allowed is the study database's decision, not ours.
    """
    reviewer_ref = _check_ref("reviewer reference", reviewer_ref)
    if isinstance(request, EnrolmentRequest):
        request = read_enrolment_request(request.to_bytes())
    else:
        request = read_enrolment_request(request)
    if authority_key.public_key().public_numbers() != _rsa_public(root_cert).public_numbers():
        raise InvalidInputError("This key does not belong to the study authority certificate.")
    builder = _reviewer_certificate(request, reviewer_ref, root_cert, authority_key)
    if replace_existing_fp is not None:
        replaced = fingerprint_bytes(replace_existing_fp)
        builder = builder.add_extension(
            x509.UnrecognizedExtension(OID_REPLACES_CERTIFICATE, b"\x04\x20" + replaced),
            critical=False,
        )
    return builder.sign(authority_key, hashes.SHA256())


def _reviewer_certificate(
    request: EnrolmentRequest,
    reviewer_ref: str,
    root_cert: x509.Certificate,
    authority_key: rsa.RSAPrivateKey,
) -> x509.CertificateBuilder:
    """The reviewer's certificate, unsigned: named by their name and reference, for signing
    and encryption (S/MIME and document signing), valid no longer than the root."""
    attributes = [
        x509.NameAttribute(NameOID.COMMON_NAME, request.details.name),
        x509.NameAttribute(NameOID.SERIAL_NUMBER, reviewer_ref),
        # what the co-reviewer's box on a summary shows of them, as the authority certified it
        x509.NameAttribute(NameOID.TITLE, request.details.profession.value),
    ]
    if request.details.registration:
        attributes.append(x509.NameAttribute(OID_REGISTRATION, request.details.registration))
    subject = x509.Name(attributes)
    return issued_by_root(
        subject,
        request.csr().public_key(),
        key_usage(signs=True, commits=True, enciphers=True),
        root_cert=root_cert,
        authority_key=authority_key,
        valid_for=REVIEWER_VALIDITY,
        extensions=(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, OID_DOCUMENT_SIGNING]),
            x509.SubjectAlternativeName([x509.RFC822Name(request.details.email)]),
        ),
    )


def replaced_fingerprint_of(cert: x509.Certificate) -> str | None:
    """The fingerprint of the certificate this one replaces, if it says so."""
    try:
        ext = cert.extensions.get_extension_for_oid(OID_REPLACES_CERTIFICATE).value
    except x509.ExtensionNotFound:
        return None
    raw = ext.value if isinstance(ext, x509.UnrecognizedExtension) else b""
    if len(raw) != 34 or raw[:2] != b"\x04\x20":
        return None
    return parse_fingerprint(raw[2:].hex())


def _rsa_public(cert: x509.Certificate) -> rsa.RSAPublicKey:
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidInputError("This certificate does not hold an RSA key.")
    return key


# --- private keys at rest -------------------------------------------------------------------


def serialise_private_key(key: rsa.RSAPrivateKey, passphrase: str) -> bytes:
    """PKCS#8 PEM encrypted under the passphrase (the library's best available scheme)."""
    if not passphrase:
        raise InvalidInputError("A passphrase is needed to protect the private key.")
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def load_private_key(data: bytes, passphrase: str) -> rsa.RSAPrivateKey:
    """Open a key written by :func:`serialise_private_key`.

    A wrong passphrase and a damaged file look alike to the library; we tell them apart by
    checking first that the file is a well-formed encrypted key, so the user is told the
    right thing to do.
    """
    if b"-----BEGIN ENCRYPTED PRIVATE KEY-----" not in data or not _is_encrypted_pkcs8(data):
        raise DamagedFileError("This private key file is damaged or is not one of ours.")
    try:
        key = serialization.load_pem_private_key(data, passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        raise WrongPassphraseError("The passphrase does not open this private key.") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DamagedFileError("This private key file holds a key of an unexpected kind.")
    return key


def _is_encrypted_pkcs8(data: bytes) -> bool:
    try:
        _, _, der = pem.unarmor(data.strip())
        info = keys.EncryptedPrivateKeyInfo.load(der, strict=True)
        _ = info["encryption_algorithm"]["algorithm"].native
        _ = info["encrypted_data"].native
    except Exception:  # asn1crypto raises many types on garbage
        return False
    return True
