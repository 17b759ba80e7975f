"""CMS signatures (via pyHanko) and envelopes (via cryptography), offline and fail-closed.

Verification reports two facts separately because they fail for different reasons and
the user must do different things: ``intact`` (these exact bytes were signed by the key in
the signer certificate) and ``trusted`` (that certificate chains to a root we were given
and was valid when it signed). pyHanko's status has ``intact`` (content digest matches the
signed messageDigest) and ``valid`` (signature over the signed attributes checks out); a
status with only one of them true is not intact, so we require both.

Trust is checked offline: no fetching, no revocation look-ups (the study PKI publishes no
CRLs), at the signing time the signature states. Without a time-stamping authority that
time is the signer's own claim; it decides only certificate expiry, never integrity.

Every library exception on untrusted input is mapped to our own errors: a user never sees a
pyHanko or asn1crypto traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from pyhanko.sign.signers.pdf_cms import PdfCMSSignedAttributes
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.trust.key_signer import DIGEST, KeySigner, asn1_cert

logger = logging.getLogger(__name__)

MAX_SIGNED_BYTES = 64 * 1024 * 1024
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
"""A signing time further in the future than this is treated as a lie and ignored."""

_DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
"""Digests we accept in signatures we verify; anything weaker or exotic is refused."""

_SIGNER_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)


class NotSignedDataError(InvalidInputError):
    """The bytes are not a CMS signature at all (garbage, truncated, another format)."""


class EnvelopeError(InvalidInputError):
    """An envelope could not be opened with this key (base of the three cases below)."""


class NotAnEnvelopeError(EnvelopeError):
    """The bytes are not a CMS EnvelopedData at all."""


class NotARecipientError(EnvelopeError):
    """The envelope is not addressed to this certificate."""


class DamagedEnvelopeError(EnvelopeError):
    """Addressed to this certificate, but decryption failed: damaged or altered."""


@dataclass(frozen=True)
class CmsVerdict:
    """What a signature check found. ``trusted`` is never true unless ``intact`` is."""

    intact: bool
    trusted: bool
    signer: x509.Certificate
    signing_time: dt.datetime | None
    problem: str | None = None
    """Short, technical, patient-free reason when not trusted, for the log and support."""


# --- signing --------------------------------------------------------------------------------


def _signer(
    key: rsa.RSAPrivateKey, cert: x509.Certificate, chain: Sequence[x509.Certificate]
) -> KeySigner:
    """pyHanko's signer for ``cert``, holding the parsed ``key`` (not re-checked per use)."""
    return KeySigner(key, cert, chain)


def _sign(
    data: bytes,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate],
    *,
    detached: bool,
) -> bytes:
    signer = _signer(key, cert, chain)
    attrs = PdfCMSSignedAttributes(signing_time=dt.datetime.now(dt.UTC))
    content_info = asyncio.run(
        signer.async_sign_general_data(data, DIGEST, detached=detached, signed_attr_settings=attrs)
    )
    return bytes(content_info.dump())


def sign_detached(
    data: bytes,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """A detached CMS SignedData (DER) over ``data``; ``chain`` is embedded for verifiers."""
    return _sign(data, key, cert, chain, detached=True)


def sign_attached(
    data: bytes,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> bytes:
    """A CMS SignedData (DER) that carries ``data`` inside it (``openssl cms -verify``)."""
    return _sign(data, key, cert, chain, detached=False)


# --- verifying ------------------------------------------------------------------------------


def _load_signed_data(signature: bytes) -> asn1_cms.SignedData:
    """Parse strictly and touch every field we rely on, since asn1crypto parses lazily."""
    not_signed = NotSignedDataError("This is not a readable signature (CMS SignedData).")
    if len(signature) > MAX_SIGNED_BYTES:
        raise not_signed
    try:
        info = asn1_cms.ContentInfo.load(signature, strict=True)
        if info["content_type"].native != "signed_data":
            raise not_signed
        signed_data = info["content"]
        if not isinstance(signed_data, asn1_cms.SignedData):
            raise not_signed
        _ = signed_data.native
    except NotSignedDataError:
        raise
    except Exception:  # asn1crypto raises ValueError, TypeError, KeyError... on garbage
        raise not_signed from None
    return signed_data


def _signing_time(signed_data: asn1_cms.SignedData) -> dt.datetime | None:
    try:
        (signer_info,) = signed_data["signer_infos"]
        for attr in signer_info["signed_attrs"]:
            if attr["type"].native == "signing_time":
                (value,) = attr["values"].native
                if isinstance(value, dt.datetime) and value.tzinfo is not None:
                    return value.astimezone(dt.UTC)
    except Exception:  # malformed attributes: no usable time
        return None
    return None


def _verify(
    signed_data: asn1_cms.SignedData,
    raw_digest: bytes | None,
    trust_roots: Sequence[x509.Certificate],
) -> CmsVerdict:
    now = dt.datetime.now(dt.UTC)
    claimed = _signing_time(signed_data)
    moment = claimed if claimed is not None and claimed <= now + FUTURE_TOLERANCE else now
    context = ValidationContext(
        trust_roots=[asn1_cert(root) for root in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        best_signature_time=moment,
    )
    try:
        status = asyncio.run(
            async_validate_cms_signature(
                signed_data,
                raw_digest=raw_digest,
                validation_context=context,
                key_usage_settings=_SIGNER_KEY_USAGE,
            )
        )
        signer = x509.load_der_x509_certificate(status.signing_cert.dump())
    except Exception as err:  # pyHanko wraps some failures, not all; fail closed
        logger.info("Signature could not be validated: %s", type(err).__name__)
        raise NotSignedDataError(
            "This signature is damaged or malformed and cannot be checked."
        ) from None
    intact = bool(status.intact and status.valid)
    trusted = bool(intact and status.trusted)
    problem = None
    if not intact:
        problem = "signature does not match the signed bytes"
    elif not trusted:
        problem = f"signer not trusted ({status.trust_problem_indic})"
    return CmsVerdict(intact, trusted, signer, claimed, problem)


def verify_detached(
    data: bytes, signature: bytes, trust_roots: Sequence[x509.Certificate]
) -> CmsVerdict:
    """Check a detached signature over ``data`` against the given roots only."""
    signed_data = _load_signed_data(signature)
    if signed_data["encap_content_info"]["content"].native is not None:
        raise NotSignedDataError("This signature carries its own content; it is not detached.")
    try:
        (signer_info,) = signed_data["signer_infos"]
        digest_name = signer_info["digest_algorithm"]["algorithm"].native
        digest = hashes.Hash(_DIGESTS[digest_name]())
    except Exception:  # unknown digest algorithm or several signers
        raise NotSignedDataError("This signature uses a form this app does not accept.") from None
    digest.update(data)
    return _verify(signed_data, digest.finalize(), trust_roots)


def _content_of(signed_data: asn1_cms.SignedData) -> bytes:
    content = signed_data["encap_content_info"]["content"].native
    if not isinstance(content, bytes):
        raise NotSignedDataError("This signature does not carry any signed content.")
    return content


class AttachedSignature:
    """An attached signature parsed once: its content (NOT checked) and a way to check it.

    For callers that must read the claimed root before they can verify against it (trust
    on first use): nothing in :attr:`unverified_content` may be acted on before
    :meth:`verify` agrees. Raises :class:`NotSignedDataError` on anything unreadable or
    without content, exactly as :func:`unverified_content` does.
    """

    def __init__(self, signature: bytes) -> None:
        self._signed_data = _load_signed_data(signature)
        self.unverified_content = _content_of(self._signed_data)

    def verify(self, trust_roots: Sequence[x509.Certificate]) -> tuple[CmsVerdict, bytes]:
        """The verdict against ``trust_roots``, and the content it covers."""
        return _verify(self._signed_data, None, trust_roots), self.unverified_content


def unverified_content(signature: bytes) -> bytes:
    """The content inside an attached signature, NOT checked: only to find which root to use.

    Callers need to read the claimed root before they can verify against it (trust on
    first use); nothing read here may be acted on before :func:`verify_attached` agrees.
    """
    return AttachedSignature(signature).unverified_content


def verify_attached(
    signature: bytes, trust_roots: Sequence[x509.Certificate]
) -> tuple[CmsVerdict, bytes]:
    """Check a signature that carries its content; return the verdict and that content."""
    return AttachedSignature(signature).verify(trust_roots)


# --- envelopes ------------------------------------------------------------------------------


def envelope(data: bytes, recipient_cert: x509.Certificate) -> bytes:
    """CMS EnvelopedData (DER), AES-256-CBC content key wrapped to one RSA recipient.

    cryptography offers RSA PKCS#1 v1.5 key transport only; that is acceptable here because
    packs are opened offline, with no decryption oracle for an attacker to query.
    """
    return (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(data)
        .set_content_encryption_algorithm(algorithms.AES256)
        .add_recipient(recipient_cert)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )


def _recipients(data: bytes) -> list[tuple[bytes, int]]:
    """(issuer DER, serial) of every key-transport recipient; raises on non-envelopes."""
    info = asn1_cms.ContentInfo.load(data, strict=True)
    if info["content_type"].native != "enveloped_data":
        raise ValueError("not enveloped data")
    found = []
    for recipient in info["content"]["recipient_infos"]:
        rid = recipient.chosen["rid"]
        if rid.name != "issuer_and_serial_number":
            continue
        found.append((rid.chosen["issuer"].dump(), rid.chosen["serial_number"].native))
    return found


def recipient_count(data: bytes) -> int:
    """How many recipients (RecipientInfos of any kind) the envelope is encrypted for."""
    try:
        info = asn1_cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "enveloped_data":
            raise ValueError("not enveloped data")
        return len(info["content"]["recipient_infos"])
    except Exception:  # asn1crypto raises many types on garbage
        raise NotAnEnvelopeError("This is not an encrypted file (CMS EnvelopedData).") from None


def is_recipient(data: bytes, cert: x509.Certificate) -> bool:
    """Whether the envelope names ``cert`` (issuer + serial) as a recipient."""
    issuer = asn1_cert(cert)["tbs_certificate"]["issuer"].dump()
    try:
        recipients = _recipients(data)
    except Exception:  # asn1crypto raises many types on garbage
        raise NotAnEnvelopeError("This is not an encrypted file (CMS EnvelopedData).") from None
    return (issuer, cert.serial_number) in recipients


class EnvelopeProblem(Enum):
    """Why an envelope that must be for us alone was not opened."""

    NOT_A_RECIPIENT = "not_a_recipient"
    DAMAGED = "damaged"
    NOT_AN_ENVELOPE = "not_an_envelope"
    SEVERAL_RECIPIENTS = "several_recipients"


def open_single_envelope(
    data: bytes,
    key: rsa.RSAPrivateKey,
    cert: x509.Certificate,
    refusal: Callable[[EnvelopeProblem, int], Exception],
) -> bytes:
    """The content of an envelope encrypted for exactly one recipient, ``cert``. Each
    failure is raised as the caller words it: ``refusal(problem, recipients)``."""
    try:
        recipients = recipient_count(data)
        signed = open_envelope(data, key, cert)
    except NotARecipientError:
        raise refusal(EnvelopeProblem.NOT_A_RECIPIENT, 0) from None
    except DamagedEnvelopeError:
        raise refusal(EnvelopeProblem.DAMAGED, 0) from None
    except EnvelopeError:
        raise refusal(EnvelopeProblem.NOT_AN_ENVELOPE, 0) from None
    if recipients != 1:
        raise refusal(EnvelopeProblem.SEVERAL_RECIPIENTS, recipients)
    return signed


def open_envelope(data: bytes, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> bytes:
    """Decrypt an envelope addressed to ``cert``; refuse clearly if it is not."""
    if not is_recipient(data, cert):
        raise NotARecipientError("This file was not encrypted for you, so it cannot be opened.")
    try:
        return pkcs7.pkcs7_decrypt_der(data, cert, key, [])
    except Exception:  # ValueError/UnsupportedAlgorithm on damage; fail closed
        raise DamagedEnvelopeError(
            "This encrypted file is addressed to you but could not be decrypted: it is "
            "damaged or was altered."
        ) from None
