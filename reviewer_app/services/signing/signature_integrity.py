"""Whether one signature value is intact: its signature math, its exact form, its certificate.

The three questions ``pades_verify`` asks of each signature the raw bytes show: do the bytes
it covers hash to what was signed and does the signature over that hash hold (what pdfsig
calls valid); is everything else in the value exactly as this app writes it; and does the
embedded certificate belong to the signer and chain to a given study root. Also: reading a
signer's certificate out of a damaged value, to name (never to prove) who signed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import re
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from asn1crypto import algos as asn1_algos  # type: ignore[import-untyped]
from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleTrustManager

from reviewer_app.services.signing.pades_sign import DIGEST, asn1_cert
from reviewer_app.services.signing.raw_signatures import RawSignature, der_length
from reviewer_app.services.signing.signer_names import warnings_are_errors

logger = logging.getLogger(__name__)

FUTURE_TOLERANCE = dt.timedelta(minutes=10)
"""A signing time further in the future than this is not believed (validated at 'now')."""

_SIGNER_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)

_DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


def _validation_context(
    trust_roots: Sequence[x509.Certificate], moment: dt.datetime
) -> ValidationContext:
    """A fresh context per signature (its moment is that signature's signing time), on the
    trust manager built once per set of roots (the costly part: collection checks every PDF
    of a study against the same root)."""
    return ValidationContext(
        trust_manager=_trust_manager(tuple(trust_roots)),
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        best_signature_time=moment,
    )


@lru_cache(maxsize=16)
def _trust_manager(trust_roots: tuple[x509.Certificate, ...]) -> SimpleTrustManager:
    """The roots as pyHanko's trust manager (read-only once built; keyed by the certificates
    themselves, which compare by their DER bytes)."""
    return SimpleTrustManager.build(trust_roots=[asn1_cert(r) for r in trust_roots])


_T = TypeVar("_T")


class _ThreadLoop:
    """One event loop for one thread, closed when the thread's storage is released (the
    thread ends) or at exit, so that no loop is left open behind a finished worker."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def __del__(self) -> None:
        if not self.loop.is_closed():
            self.loop.close()


_loops = threading.local()


def _run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    """``asyncio.run`` without making and closing a new event loop for every signature: one
    loop per thread, reused (sign-off verifies on worker threads and processes)."""
    holder: _ThreadLoop | None = getattr(_loops, "holder", None)
    if holder is None or holder.loop.is_closed():
        holder = _ThreadLoop()
        _loops.holder = holder
    return holder.loop.run_until_complete(coroutine)


@dataclass(frozen=True)
class Integrity:
    intact: bool
    certificate_ok: bool
    trusted: bool
    cert: x509.Certificate | None
    """The signer certificate the signature names (proven only when intact)."""
    problem: str | None


def _signed_data(der: bytes) -> asn1_cms.SignedData:
    """The SignedData of exactly ``der`` (strict: nothing may follow it)."""
    info = asn1_cms.ContentInfo.load(der, strict=True)
    if info["content_type"].native != "signed_data" or not _exactly_its_parts(info):
        raise ValueError("not signed data")
    return info["content"]


def _names_signer(sid: Any, cert: asn1_x509.Certificate) -> bool:
    """Whether the signer info's identifier names ``cert``, byte for byte.

    asn1crypto's Name equality ignores case and spacing; an altered identifier must not
    pass for the original, so the encodings are compared.
    """
    if sid.name == "issuer_and_serial_number":
        return bool(
            sid.chosen["issuer"].dump() == cert.issuer.dump()
            and sid.chosen["serial_number"].native == cert.serial_number
        )
    return bool(cert.key_identifier == sid.chosen.native)


def _load_certificate(der: bytes) -> x509.Certificate:
    with warnings_are_errors():
        return x509.load_der_x509_certificate(der)


def _signer_certificate(signed_data: asn1_cms.SignedData) -> x509.Certificate:
    """The embedded certificate the signer info names (issuer + serial, or key id)."""
    (signer_info,) = signed_data["signer_infos"]
    sid = signer_info["sid"]
    for choice in signed_data["certificates"] or ():
        try:
            cert = choice.chosen
            if _names_signer(sid, cert):
                return _load_certificate(cert.dump())
        except Exception as err:  # a damaged certificate in the set: skip it, as NSS does
            logger.debug("skipped an unreadable embedded certificate: %s", type(err).__name__)
    raise ValueError("signer certificate not found")


def _signature_math(signed_data: asn1_cms.SignedData, digest: bytes) -> x509.Certificate:
    """The cryptographic check alone: messageDigest matches, signature over attributes holds.

    This is what poppler's "Signature is Valid" means. Whether the rest of the value is
    exactly as signed is :func:`_altered_part`; whether the embedded certificate is the one
    the signer committed to (ESS signing-certificate-v2) and whether it chains to a root is
    checked separately, by pyHanko.
    """
    (signer_info,) = signed_data["signer_infos"]
    attrs = signer_info["signed_attrs"]
    digests = [a["values"][0].native for a in attrs if a["type"].native == "message_digest"]
    if digests != [digest]:
        raise ValueError("message digest mismatch")
    cert = _signer_certificate(signed_data)
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA signer")
    algorithm = signer_info["signature_algorithm"]["algorithm"].native
    digest_name = signer_info["digest_algorithm"]["algorithm"].native
    if algorithm not in ("rsassa_pkcs1v15", f"{digest_name}_rsa"):
        raise ValueError("unsupported signature algorithm")
    hash_cls: dict[str, type[hashes.HashAlgorithm]] = {
        "sha256": hashes.SHA256,
        "sha384": hashes.SHA384,
        "sha512": hashes.SHA512,
    }
    key.verify(
        signer_info["signature"].native,
        attrs.untag().dump(),
        padding.PKCS1v15(),
        hash_cls[digest_name](),
    )
    return cert


_DIGEST_ALGORITHM = asn1_algos.DigestAlgorithm({"algorithm": DIGEST}).dump()
_SIGNATURE_ALGORITHM = asn1_algos.SignedDigestAlgorithm({"algorithm": f"{DIGEST}_rsa"}).dump()
_ENCAPSULATED = asn1_cms.EncapsulatedContentInfo({"content_type": "data"}).dump()


def _altered_part(
    signed_data: asn1_cms.SignedData,
    trust_roots: Sequence[x509.Certificate],
) -> str | None:
    """What in a signature value (whose signature math holds) is not as this app writes it.

    The parts the signature itself covers (the signed attributes) cannot change unnoticed;
    this checks the rest: the versions and algorithm identifiers (byte for byte), the signer
    identifier (in :func:`_names_signer`), that nothing else is carried, and every embedded
    certificate (each must verify under its issuer, embedded or given). A changed length or
    tag does not get this far: the strict parse of exactly ``der`` refuses it.
    """
    (signer_info,) = signed_data["signer_infos"]
    nested = (
        signed_data,
        signed_data["digest_algorithms"],
        signed_data["certificates"],
        signed_data["signer_infos"],
        signer_info,
        signer_info["sid"].chosen,
    )
    if not all(_exactly_its_parts(part) for part in nested):
        return "it holds data that is not part of the signature"
    if _form_of(signed_data) != _FORM_THIS_APP_SIGNS:
        return "it is not in the form this app signs with"
    return _altered_certificate(signed_data, trust_roots)


_FORM_THIS_APP_SIGNS = (
    "v1",
    (_DIGEST_ALGORITHM,),
    _ENCAPSULATED,
    None,
    "v1",
    "issuer_and_serial_number",
    _DIGEST_ALGORITHM,
    _SIGNATURE_ALGORITHM,
    None,
)
"""Versions, algorithm identifiers and absent parts, as :func:`_form_of` reads them."""


def _form_of(signed_data: asn1_cms.SignedData) -> tuple[object, ...]:
    """The parts of a value that the signature does not cover and this app always writes alike."""
    (signer_info,) = signed_data["signer_infos"]
    return (
        signed_data["version"].native,
        tuple(a.dump() for a in signed_data["digest_algorithms"]),
        signed_data["encap_content_info"].dump(),
        signed_data["crls"].native,
        signer_info["version"].native,
        signer_info["sid"].name,
        signer_info["digest_algorithm"].dump(),
        signer_info["signature_algorithm"].dump(),
        signer_info["unsigned_attrs"].native,
    )


def _altered_certificate(
    signed_data: asn1_cms.SignedData, trust_roots: Sequence[x509.Certificate]
) -> str | None:
    """What is wrong with the embedded certificates: each must verify under its issuer."""
    embedded = []
    for choice in signed_data["certificates"] or ():
        if choice.name != "certificate":
            return "it carries something other than certificates"
        cert = choice.chosen
        if cert["signature_algorithm"].dump() != cert["tbs_certificate"]["signature"].dump():
            return "an embedded certificate is damaged"
        try:
            embedded.append(_load_certificate(cert.dump()))
        except Exception:  # ValueError, or a warning about a malformed field
            return "an embedded certificate is damaged"
    issuers = [*embedded, *trust_roots]
    for cert in embedded:
        if not any(_issued_by(cert, issuer) for issuer in issuers):
            return "an embedded certificate is damaged or cannot be checked"
    return None


def _exactly_its_parts(value: Any) -> bool:
    """Whether a parsed SEQUENCE or SET holds its fields and nothing else.

    asn1crypto reads fields lazily and never looks past the last one it knows, so a
    lengthened header would smuggle bytes (say, padding zeros) into the structure unseen.
    """
    try:
        return bool(b"".join(value[i].dump() for i in range(len(value))) == value.contents)
    except Exception:  # an extra element asn1crypto cannot even parse
        return False


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def integrity(
    data: bytes,
    raw: RawSignature,
    trust_roots: Sequence[x509.Certificate],
    claimed: dt.datetime | None,
) -> Integrity:
    """Is the signature at ``raw`` intact, its certificate the one signed for, and trusted?

    ``claimed`` is the signing time the signature states: the certificate is checked at that
    moment unless it lies in the future (then at now).
    """
    if raw.byte_range is None:
        return _failed("no readable byte range points at this signature")
    try:
        der = raw.blob[: der_length(raw.blob)]
        signed_data = _signed_data(der)
        (signer_info,) = signed_data["signer_infos"]
        digest = _DIGESTS[signer_info["digest_algorithm"]["algorithm"].native]()
    except Exception:  # asn1crypto raises many types on garbage; unknown digests too
        return _failed("the signature value is damaged or unreadable")
    _, len1, start2, len2 = raw.byte_range
    digest.update(data[:len1])
    digest.update(data[start2 : start2 + len2])
    try:
        cert = _signature_math(signed_data, digest.digest())
    except Exception:  # InvalidSignature, or a malformed part: not intact either way
        return _failed("the signed bytes do not match the signature")
    try:
        altered = _altered_part(signed_data, trust_roots)
    except Exception:  # a part asn1crypto cannot even parse: altered too
        altered = "part of it cannot be read"
    if altered is not None:
        return _failed(f"the signature value was altered: {altered}", cert)
    return _certificate_check(signed_data, digest.digest(), cert, trust_roots, claimed)


def _failed(problem: str, cert: x509.Certificate | None = None) -> Integrity:
    return Integrity(False, False, False, cert, problem)


def _certificate_check(
    signed_data: asn1_cms.SignedData,
    digest: bytes,
    cert: x509.Certificate,
    trust_roots: Sequence[x509.Certificate],
    claimed: dt.datetime | None,
) -> Integrity:
    """An intact signature: is its certificate the one signed for (ESS), and is it trusted?"""
    now = dt.datetime.now(dt.UTC)
    moment = claimed if claimed is not None and claimed <= now + FUTURE_TOLERANCE else now
    try:
        status = _run(
            async_validate_cms_signature(
                signed_data,
                raw_digest=digest,
                validation_context=_validation_context(trust_roots, moment),
                key_usage_settings=_SIGNER_KEY_USAGE,
            )
        )
        certificate_ok = bool(status.intact and status.valid)
    except Exception as err:  # pyHanko wraps some failures, not all; fail closed
        logger.info("signer certificate could not be checked: %s", type(err).__name__)
        certificate_ok, status = False, None
    if not certificate_ok or status is None:
        return Integrity(
            True,
            False,
            False,
            cert,
            "the signer's certificate in the signature is damaged or is not the one signed for",
        )
    trusted = bool(status.trusted)
    problem = None
    if trust_roots and not trusted:
        logger.info("signer not trusted: %s", status.trust_problem_indic)
        problem = (
            "the signer's certificate does not chain to the given study root (or was not "
            "valid when it signed)"
        )
    return Integrity(True, True, trusted, cert, problem)


_CERT_START = re.compile(rb"\x30\x82")


def recovered_signer(blob: bytes) -> x509.Certificate | None:
    """The signer certificate of a damaged signature value, if it can still be read.

    First as the signer info names it; failing that (the CMS around it is damaged), the one
    end-entity certificate that parses anywhere in the value. For naming only: a certificate
    from a damaged value proves nothing.
    """
    try:
        return _signer_certificate(asn1_cms.ContentInfo.load(blob)["content"])
    except Exception as err:  # damaged CMS: look for the certificates themselves
        logger.debug("damaged signature value: %s", type(err).__name__)
    found: dict[bytes, x509.Certificate] = {}
    for match in _CERT_START.finditer(blob):
        cert = _certificate_at(blob[match.start() :])
        if cert is not None and not _is_ca(cert):
            found[cert.fingerprint(hashes.SHA256())] = cert
    return next(iter(found.values())) if len(found) == 1 else None


def _certificate_at(piece: bytes) -> x509.Certificate | None:
    try:
        cert = _load_certificate(piece[: der_length(piece)])
        with warnings_are_errors():
            cert.subject.rfc4514_string()  # parsed lazily: a damaged name fails only here
    except Exception:  # not a certificate here (an inner SEQUENCE), or a damaged one
        return None
    return cert


def _is_ca(cert: x509.Certificate) -> bool:
    """A CA certificate (or one too damaged to tell): not a signer's."""
    try:
        with warnings_are_errors():
            return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False
    except Exception:  # damaged extensions (cryptography raises several kinds)
        return True
