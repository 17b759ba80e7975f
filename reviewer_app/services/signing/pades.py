"""PAdES signatures on PDF case summaries (pyHanko), made and checked offline.

Signing makes a PAdES-B-B signature (``/SubFilter /ETSI.CAdES.detached``, SHA-256, the
signer's certificate and its chain embedded, no time-stamp server: the signing time is the
signer's own claim). Every signature is added as an *incremental update*, so a co-signature
appends a second signature field and leaves the bytes the first signer signed untouched.
The first signature of a summary is a certification signature allowing only form filling
and further signatures (DocMDP P=2), so viewers such as Acrobat also flag other changes.

Verifying reports each signature on its own (signer, time, intact, trusted, coverage, what
changed after it) and an overall verdict that holds only when

- every signature is intact (the bytes it covers hash to what was signed, and the signature
  over that hash checks out with the key in the embedded signer certificate);
- the last signature covers the whole file (nothing was appended after it);
- every change after a signature is only further signatures (pyHanko's difference analysis
  at ``ModificationLevel.FORM_FILLING`` or stricter, and one revision per later signature);
- no signature value area carries anything but the signature, exactly in the form this app
  writes it (every embedded certificate checking out), and its zero padding: a changed byte
  there makes that signature "not intact" (stricter than pdfsig, on purpose: see below);
- when trust roots are given, every signer's certificate chains to one and was valid at the
  signing time it states.

Without a trust root a file can pass (``ok``) but is never ``verified``: integrity alone
says nothing about who signed, as anyone can make a certificate carrying a reviewer's name.
A damaged signature still names its signer when anything readable is left (a certificate in
the damaged value, or the signature dictionary's /Name), marked as not proven.

Trust is checked offline, without revocation look-ups (the study PKI publishes no CRLs).
No pyHanko or asn1crypto exception leaves this module on input we were given: a file that
cannot be read raises :class:`NotAPdfError`; a damaged signature is a finding in the report.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import io
import logging
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from asn1crypto import algos as asn1_algos  # type: ignore[import-untyped]
from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import (
    MDPPerm,
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
    enumerate_sig_fields,
)
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.validation.generic_cms import async_validate_cms_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reviewer_app.errors import InvalidInputError, UserError

logger = logging.getLogger(__name__)
# pyHanko logs every untrusted chain as a warning with a traceback; our report says it better.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)

DIGEST = "sha256"
MAX_PDF_BYTES = 64 * 1024 * 1024
FUTURE_TOLERANCE = dt.timedelta(minutes=10)
"""A signing time further in the future than this is not believed (validated at 'now')."""

_SIGNER_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_ACCEPTED_SUBFILTERS = {SigSeedSubFilter.PADES.value, SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value}


class NotAPdfError(InvalidInputError):
    """The bytes are not a PDF this app can read (garbage, truncated, damaged structure)."""


class SigningFailedError(UserError):
    """The PDF could not be signed (damaged input PDF, unusable key or certificate)."""


@dataclass(frozen=True, repr=False)
class SigningIdentity:
    """A private key with its certificate and the chain up to (and including) the root.

    The repr never shows the key.
    """

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()

    def __repr__(self) -> str:
        return f"SigningIdentity(subject={self.cert.subject.rfc4514_string()!r}, key=<hidden>)"


# --- signing --------------------------------------------------------------------------------


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class _KeySigner(SimpleSigner):  # type: ignore[misc]
    """pyHanko's SimpleSigner, signing with a key object we already hold.

    SimpleSigner re-parses (and so re-checks) the DER private key on every signature, which
    for a 3072-bit RSA key costs ~90 ms twice per PDF; holding the parsed key avoids that.
    """

    def __init__(self, identity: SigningIdentity) -> None:
        der_key = identity.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        store.register_multiple([_asn1_cert(c) for c in identity.chain])
        super().__init__(
            signing_cert=_asn1_cert(identity.cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=store,
        )
        self._key = identity.key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if digest_algorithm != DIGEST:
            raise SigningFailedError("Only SHA-256 signatures are made by this app.")
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())


def _reserved_bytes(identity: SigningIdentity) -> int:
    """Room for the CMS blob: certificates + signature + attributes, with a margin."""
    certs = sum(
        len(c.public_bytes(serialization.Encoding.DER)) for c in (identity.cert, *identity.chain)
    )
    reserved = certs + 2 * (identity.key.key_size // 8) + 4096
    return reserved + reserved % 2  # pyHanko needs an even reservation (hex pairs)


@dataclass(frozen=True)
class SignaturePlace:
    """A visible signature field: its name, page (from 0) and box (x1, y1, x2, y2) in points."""

    field_name: str
    page_index: int
    box: tuple[float, float, float, float]


STAMP_STYLE = TextStampStyle(
    stamp_text="Digitally signed (PAdES)\n%(ts)s",
    timestamp_format="%d %b %Y %H:%M %Z",
    border_width=0,
)
"""The visible stamp. ASCII only: names (which may carry any accent) are printed by the
summary itself beside the box, in the bundled Unicode font."""


def _field_spec(place: SignaturePlace) -> SigFieldSpec:
    x1, y1, x2, y2 = (round(v) for v in place.box)
    box = (x1, y1, x2, y2)
    return SigFieldSpec(sig_field_name=place.field_name, on_page=place.page_index, box=box)


def sign_pdf(
    data: bytes,
    identity: SigningIdentity,
    *,
    field_name: str,
    reason: str,
    certify: bool = False,
    place: SignaturePlace | None = None,
    reserve: Sequence[SignaturePlace] = (),
) -> bytes:
    """``data`` with one more PAdES-B-B signature, appended as an incremental update.

    ``field_name`` names an existing empty signature field to fill, or a new one, visible at
    ``place`` when given (else invisible). ``reserve`` adds empty signature fields for later
    signers in the same update, so that their signatures are pure form filling. ``certify``
    makes it a certification signature (first signature only): later changes are then
    limited to filling forms and adding signatures.
    """
    if identity.key.public_key().public_numbers() != _public_numbers(identity.cert):
        raise SigningFailedError("This key does not belong to the signing certificate.")
    meta = PdfSignatureMetadata(
        field_name=field_name,
        # /Name: lets a verifier name the signer even when the signature value is damaged.
        name=_name_attribute(identity.cert, NameOID.COMMON_NAME),
        md_algorithm=DIGEST,
        subfilter=SigSeedSubFilter.PADES,
        reason=reason,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=True)
        # Fields in signing order (viewers and pdfsig list them in this order).
        for spec in ([] if place is None else [place]) + list(reserve):
            append_signature_field(writer, _field_spec(spec))
        signer = PdfSigner(meta, _KeySigner(identity), stamp_style=STAMP_STYLE)
        output = asyncio.run(
            signer.async_sign_pdf(writer, bytes_reserved=_reserved_bytes(identity))
        )
    except UserError:
        raise
    except Exception as err:  # pyHanko raises many types on odd input; never show them
        logger.warning("PDF signing failed: %s", type(err).__name__, exc_info=True)
        raise SigningFailedError(
            "The PDF summary could not be signed: it is damaged or in a form this app cannot "
            "sign. Nothing was saved."
        ) from None
    signed: bytes = output.getvalue()
    return signed


def _public_numbers(cert: x509.Certificate) -> rsa.RSAPublicNumbers | None:
    key = cert.public_key()
    return key.public_numbers() if isinstance(key, rsa.RSAPublicKey) else None


# --- verifying ------------------------------------------------------------------------------


class Coverage(StrEnum):
    WHOLE_FILE = "whole_file"
    """The signature covers every byte of the file except its own (well-formed) value."""
    REVISION = "revision"
    """It covers the file as it was when signed; updates were appended afterwards."""
    PARTIAL = "partial"
    """It covers some other part of the file, or its value area holds foreign bytes."""


class ChangesAfter(StrEnum):
    NONE = "none"
    SIGNATURES_ONLY = "signatures_only"
    OTHER = "other"
    UNKNOWN = "unknown"


CHANGES_TEXT = {
    ChangesAfter.NONE: "nothing (it covers the whole file)",
    ChangesAfter.SIGNATURES_ONLY: "only further signatures were added",
    ChangesAfter.OTHER: "the document was changed after this signature",
    ChangesAfter.UNKNOWN: "could not be determined (the file structure is damaged)",
}


class SignerSource(StrEnum):
    """Where the signer's name in a report comes from, most trustworthy first."""

    SIGNATURE = "signature"
    """The certificate that made an intact signature and that the signer committed to."""
    UNBOUND_CERTIFICATE = "unbound_certificate"
    """The certificate whose key made an intact signature, but not the one signed for."""
    DAMAGED_SIGNATURE = "damaged_signature"
    """A certificate read out of a signature that is not intact: a claim, not proof."""
    DICTIONARY = "dictionary"
    """The /Name the signature dictionary states: a claim, not proof."""
    UNREADABLE = "unreadable"
    """Nothing names the signer: the signature's bytes are too damaged."""


@dataclass(frozen=True)
class SignatureReport:
    """What we found about one signature, in signing order (``index`` from 1)."""

    index: int
    field_name: str | None
    signer_name: str | None
    signer_ref: str | None
    signer_subject: str | None
    signing_time: dt.datetime | None
    intact: bool
    """The signature and the bytes it covers are exactly as signed: the covered bytes hash
    to what was signed, the signature value checks out with the key in the embedded signer
    certificate, and its value area holds nothing but that signature (in the exact form
    this app writes, every embedded certificate checking out) and zero padding. Stricter
    than pdfsig's "Signature is Valid", which ignores the unsigned parts of the value."""
    certificate_ok: bool
    """The embedded signer certificate is the one the signer committed to (ESS binding)."""
    trusted: bool | None
    """None when no trust root was given (not checked)."""
    coverage: Coverage
    changes_after: ChangesAfter
    signed_ranges: tuple[int, int, int, int] | None
    certificate: x509.Certificate | None = field(default=None, compare=False)
    """The signer certificate of an intact signature (None when not intact)."""
    problems: tuple[str, ...] = ()
    signer_source: SignerSource = SignerSource.SIGNATURE


@dataclass(frozen=True)
class PdfVerification:
    signatures: tuple[SignatureReport, ...]
    trust_checked: bool
    problems: tuple[str, ...] = ()
    """Document-level reasons for failure (each signature carries its own)."""

    @property
    def ok(self) -> bool:
        """Nothing failed: every signature intact, nothing but signatures added after any,
        the last covers the whole file, and (when trust was checked) every signer trusted.
        Without a trust root this says nothing about who signed: see :attr:`verified`."""
        return not self.failures

    @property
    def verified(self) -> bool:
        """:attr:`ok`, and every signer was checked against a trusted study root."""
        return self.ok and self.trust_checked

    @property
    def failures(self) -> tuple[str, ...]:
        """Every reason the document does not pass, in plain words; empty when it does."""
        found = list(self.problems)
        if not self.signatures:
            found.append("the file carries no signature")
            return tuple(found)
        last_index = len(self.signatures)
        for sig in self.signatures:
            if not sig.intact:
                found.append(f"signature {sig.index} is not intact")
            elif not sig.certificate_ok:
                found.append(f"signature {sig.index} carries an altered signer certificate")
            if self.trust_checked and not sig.trusted:
                found.append(f"signature {sig.index} does not chain to the given study root")
            if sig.coverage is Coverage.PARTIAL:
                found.append(f"signature {sig.index} covers only part of the file")
            elif sig.changes_after is ChangesAfter.OTHER or (
                sig.index < last_index and sig.changes_after is not ChangesAfter.SIGNATURES_ONLY
            ):
                found.append(
                    f"after signature {sig.index} the document was changed by more than "
                    "further signatures"
                )
        if self.signatures[-1].coverage is Coverage.REVISION:
            found.append(f"the last signature ({last_index}) does not cover the whole file")
        return tuple(found)


# Signatures are found twice, on purpose. Integrity (is each signature intact, does the last
# one cover the whole file) is decided from the raw bytes, the way poppler's pdfsig decides
# it, so the two tools agree even on files whose PDF syntax was damaged: a signature's
# integrity depends only on its /ByteRange, its /Contents and the bytes they point at.
# Structure (field names, signing times, what the later revisions changed) comes from
# pyHanko's strict parse; when that fails, the changes are "unknown" and the file fails.
#
# Where we are stricter than pdfsig, on purpose: the signature value area (/Contents) is
# outside the signed bytes, and pdfsig only asks whether the CMS blob it decodes from there
# still proves the signed bytes. So a changed byte in the zero padding, in a character
# poppler reads as a 0 digit, or in an embedded chain certificate passes pdfsig. Anything
# there that is not the signature exactly as this app writes it makes that signature "not
# intact" here: an altered value area is a tampered file, and a verdict that depended on
# which byte was hit would be one nobody can reason about.

_WS = rb"[ \t\n\r\f\x00]"
"""PDF white space (ISO 32000-1 table 1, NUL included; Python's ``\\s`` differs)."""
_BYTE_RANGE = re.compile(
    rb"/ByteRange%b*\[%b*(\d{1,12})%b+(\d{1,12})%b+(\d{1,12})%b+(\d{1,12})%b*\]" % ((_WS,) * 6)
)
_HEX = frozenset(b"0123456789abcdefABCDEF")
_PDF_WHITESPACE = frozenset(b" \t\n\r\f\x00")
_DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}


@dataclass(frozen=True)
class _RawSignature:
    position: int
    """Offset of the value area ('<') in the file: orders signatures as they were added."""
    byte_range: tuple[int, int, int, int] | None
    """None when a signature value is present but no readable /ByteRange points at it."""
    blob: bytes
    well_formed: bool
    """The value area is '<' hex-DER, then only hex zeros, '>' (nothing else hides there)."""


def _lenient_hex(inner: bytes) -> bytes:
    """Decode a hex string as PDF readers do: skip whitespace, odd digit padded with 0.

    Like poppler, a byte that is neither whitespace nor a hex digit counts as a 0 digit.
    """
    nibbles = []
    for byte in inner:
        if byte in _PDF_WHITESPACE:
            continue
        nibbles.append(int(chr(byte), 16) if byte in _HEX else 0)
    if len(nibbles) % 2:
        nibbles.append(0)
    return bytes(16 * hi + lo for hi, lo in zip(nibbles[::2], nibbles[1::2], strict=True))


def _der_length(raw: bytes) -> int:
    """Total length of the DER SEQUENCE at the start of ``raw`` (tag, length, content)."""
    if len(raw) < 2 or raw[0] != 0x30:
        raise ValueError("not a DER SEQUENCE")
    first = raw[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if count == 0 or count > 4 or len(raw) < 2 + count:
        raise ValueError("bad DER length")
    return 2 + count + int.from_bytes(raw[2 : 2 + count], "big")


def _well_formed(inner: bytes) -> bool:
    if not inner or any(b not in _HEX for b in inner) or len(inner) % 2:
        return False
    raw = bytes.fromhex(inner.decode("ascii"))
    try:
        length = _der_length(raw)
    except ValueError:
        return False
    return length <= len(raw) and not any(raw[length:])


_CONTENTS = re.compile(rb"/Contents" + _WS + rb"*<")
_MIN_SIGNATURE_HEX = 512
"""A /Contents hex string this long is a signature value (a CMS blob), not other text."""


def _raw_signatures(data: bytes) -> list[_RawSignature]:
    """Every signature the raw bytes show: by /ByteRange, plus values nothing points at."""
    found: dict[int, _RawSignature] = {}
    size = len(data)
    for match in _BYTE_RANGE.finditer(data):
        start1, len1, start2, len2 = (int(g) for g in match.groups())
        if start1 != 0 or not 0 < len1 < start2 or start2 + len2 > size:
            continue
        gap = data[len1:start2]
        if len(gap) < 2 or gap[:1] != b"<":
            # A byte range that points at no signature value: a damaged signature.
            found[len1] = _RawSignature(len1, (start1, len1, start2, len2), b"", False)
            continue
        end = gap.find(b">")
        inner = gap[1:] if end < 0 else gap[1:end]
        well_formed = end == len(gap) - 1 and _well_formed(inner)
        found[len1] = _RawSignature(
            len1, (start1, len1, start2, len2), _lenient_hex(inner), well_formed
        )
    for match in _CONTENTS.finditer(data):
        position = match.end() - 1
        end = data.find(b">", position)
        if position in found or end < 0 or end - position < _MIN_SIGNATURE_HEX:
            continue
        inner = data[position + 1 : end]
        found[position] = _RawSignature(position, None, _lenient_hex(inner), well_formed=False)
    return [found[p] for p in sorted(found)]


@dataclass
class _Structure:
    """What pyHanko's parse says about one signature (by byte range)."""

    field_name: str | None = None
    stated_name: str | None = None
    """The signature dictionary's /Name (what the signer says their name is)."""
    signing_time: dt.datetime | None = None
    coverage: SignatureCoverageLevel | None = None
    modification: ModificationLevel | None = None
    readable: bool = False


def _byte_range_key(sig: Any) -> tuple[int, ...]:
    return tuple(int(x) for x in sig["/ByteRange"])


def _structure(data: bytes) -> tuple[dict[tuple[int, ...], _Structure], str | None]:
    """Per byte range, pyHanko's view; plus a document problem if it cannot parse it all."""
    found: dict[tuple[int, ...], _Structure] = {}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception as err:  # pyHanko raises PdfReadError, KeyError, ValueError... on damage
        logger.info("PDF structure could not be read: %s", type(err).__name__)
        return (
            _names_only(data),
            "the PDF structure is damaged, so later changes cannot be analysed",
        )
    problem = None
    for name, sig_obj, sig_field in fields:
        try:
            sig = sig_obj.get_object()
            info = _Structure(field_name=str(name), stated_name=_text(sig.get("/Name")))
            found[_byte_range_key(sig)] = info
            if sig.get("/SubFilter") not in _ACCEPTED_SUBFILTERS:
                problem = "the file holds a signature of a kind this app does not accept"
                continue
            emb = EmbeddedPdfSignature(reader, sig_field, name)
            info.signing_time = _aware(emb.self_reported_timestamp)
            emb.compute_integrity_info()  # type: ignore[no-untyped-call]
            info.coverage = emb.coverage
            diff = emb.diff_result
            if isinstance(diff, DiffResult):
                info.modification = diff.modification_level
            elif diff is not None:
                info.modification = ModificationLevel.OTHER
            info.readable = True
        except Exception as err:  # one damaged signature: the others are still reported
            logger.info("signature structure could not be read: %s", type(err).__name__)
            problem = "a signature's part of the PDF structure is damaged"
    return found, problem


def _names_only(data: bytes) -> dict[tuple[int, ...], _Structure]:
    """Field names and stated signer names from a lenient parse of a damaged file.

    Only for the report: nothing read here counts towards any verdict.
    """
    found: dict[tuple[int, ...], _Structure] = {}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
    except Exception:  # too damaged even for a lenient parse
        return found
    for name, sig_obj, _ in fields:
        try:
            sig = sig_obj.get_object()
            found[_byte_range_key(sig)] = _Structure(
                field_name=str(name), stated_name=_text(sig.get("/Name"))
            )
        except Exception as err:  # this field is unreadable: leave it out
            logger.debug("signature field unreadable: %s", type(err).__name__)
    return found


_MAX_SHOWN_NAME = 200


def _text(value: object) -> str | None:
    """A name from the file, safe to print: no control characters, bounded length."""
    if not isinstance(value, str):
        return None
    shown = "".join(c if c.isprintable() else "?" for c in value.strip())[:_MAX_SHOWN_NAME]
    return shown or None


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC)


def _validation_context(
    trust_roots: Sequence[x509.Certificate], moment: dt.datetime
) -> ValidationContext:
    return ValidationContext(
        trust_roots=[_asn1_cert(r) for r in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=moment,
        best_signature_time=moment,
    )


@dataclass(frozen=True)
class _Integrity:
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


@contextlib.contextmanager
def _warnings_are_errors() -> Iterator[None]:
    """cryptography warns (deprecations, odd attribute lengths) on malformed certificates;
    from a signature value, such a certificate counts as damaged, and nothing is printed."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def _load_certificate(der: bytes) -> x509.Certificate:
    with _warnings_are_errors():
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
    form = (
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
    expected = (
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
    if form != expected:
        return "it is not in the form this app signs with"
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


def _integrity(
    data: bytes,
    raw: _RawSignature,
    trust_roots: Sequence[x509.Certificate],
    claimed: dt.datetime | None,
) -> _Integrity:
    def failed(problem: str, cert: x509.Certificate | None = None) -> _Integrity:
        return _Integrity(False, False, False, cert, problem)

    if raw.byte_range is None:
        return failed("no readable byte range points at this signature")
    try:
        der = raw.blob[: _der_length(raw.blob)]
        signed_data = _signed_data(der)
        (signer_info,) = signed_data["signer_infos"]
        digest = _DIGESTS[signer_info["digest_algorithm"]["algorithm"].native]()
    except Exception:  # asn1crypto raises many types on garbage; unknown digests too
        return failed("the signature value is damaged or unreadable")
    _, len1, start2, len2 = raw.byte_range
    digest.update(data[:len1])
    digest.update(data[start2 : start2 + len2])
    try:
        cert = _signature_math(signed_data, digest.digest())
    except Exception:  # InvalidSignature, or a malformed part: not intact either way
        return failed("the signed bytes do not match the signature")
    try:
        altered = _altered_part(signed_data, trust_roots)
    except Exception:  # a part asn1crypto cannot even parse: altered too
        altered = "part of it cannot be read"
    if altered is not None:
        return failed(f"the signature value was altered: {altered}", cert)
    now = dt.datetime.now(dt.UTC)
    moment = claimed if claimed is not None and claimed <= now + FUTURE_TOLERANCE else now
    try:
        status = asyncio.run(
            async_validate_cms_signature(
                signed_data,
                raw_digest=digest.digest(),
                validation_context=_validation_context(trust_roots, moment),
                key_usage_settings=_SIGNER_KEY_USAGE,
            )
        )
        certificate_ok = bool(status.intact and status.valid)
    except Exception as err:  # pyHanko wraps some failures, not all; fail closed
        logger.info("signer certificate could not be checked: %s", type(err).__name__)
        certificate_ok, status = False, None
    if not certificate_ok or status is None:
        return _Integrity(
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
    return _Integrity(True, True, trusted, cert, problem)


_CERT_START = re.compile(rb"\x30\x82")


def _recovered_signer(blob: bytes) -> x509.Certificate | None:
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
        cert = _load_certificate(piece[: _der_length(piece)])
        with _warnings_are_errors():
            cert.subject.rfc4514_string()  # parsed lazily: a damaged name fails only here
    except Exception:  # not a certificate here (an inner SEQUENCE), or a damaged one
        return None
    return cert


def _is_ca(cert: x509.Certificate) -> bool:
    """A CA certificate (or one too damaged to tell): not a signer's."""
    try:
        with _warnings_are_errors():
            return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False
    except Exception:  # damaged extensions (cryptography raises several kinds)
        return True


def _coverage(raw: _RawSignature, size: int, info: _Structure | None) -> Coverage:
    if not raw.well_formed or raw.byte_range is None:
        return Coverage.PARTIAL
    if raw.byte_range[2] + raw.byte_range[3] == size:
        return Coverage.WHOLE_FILE
    if info is not None and info.coverage == SignatureCoverageLevel.ENTIRE_REVISION:
        return Coverage.REVISION
    return Coverage.PARTIAL


def _changes(coverage: Coverage, info: _Structure | None) -> ChangesAfter:
    if coverage is Coverage.WHOLE_FILE:
        return ChangesAfter.NONE
    if coverage is Coverage.PARTIAL:
        return ChangesAfter.OTHER
    if info is None or info.modification is None:
        return ChangesAfter.UNKNOWN
    if info.modification.value <= ModificationLevel.FORM_FILLING.value:
        return ChangesAfter.SIGNATURES_ONLY
    return ChangesAfter.OTHER


def _name_attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str | None:
    values = cert.subject.get_attributes_for_oid(oid)
    return _text(values[0].value) if len(values) == 1 else None


def _signer_names(cert: x509.Certificate | None) -> tuple[str | None, str | None, str | None]:
    """(common name, reviewer ref, subject) of a certificate; all None if unreadable.

    A certificate from a damaged value may parse yet hold a subject that does not.
    """
    if cert is None:
        return None, None, None
    try:
        with _warnings_are_errors():
            return (
                _name_attribute(cert, NameOID.COMMON_NAME),
                _name_attribute(cert, NameOID.SERIAL_NUMBER),
                _text(cert.subject.rfc4514_string()),
            )
    except Exception:  # cryptography parses names lazily and raises several kinds
        return None, None, None


def _trust_roots(
    trust: x509.Certificate | Sequence[x509.Certificate] | None,
) -> tuple[x509.Certificate, ...] | None:
    if trust is None:
        return None
    if isinstance(trust, x509.Certificate):
        return (trust,)
    return tuple(trust)


def verify_pdf(
    data: bytes, trust_root: x509.Certificate | Sequence[x509.Certificate] | None = None
) -> PdfVerification:
    """Check every signature in ``data``. Raises :class:`NotAPdfError` only for non-PDFs.

    ``trust_root``: the study root (or roots) every signer must chain to; None checks
    integrity only (then :attr:`PdfVerification.verified` is False whatever the file).
    """
    if len(data) > MAX_PDF_BYTES:
        raise NotAPdfError("This file is far too large to be a case summary.")
    if not data.startswith(b"%PDF-"):
        raise NotAPdfError("This is not a PDF file.")
    roots = _trust_roots(trust_root)
    raws = _raw_signatures(data)
    structure, structure_problem = _structure(data)
    problems = [] if structure_problem is None else [structure_problem]
    if structure_problem is None and set(structure) != {r.byte_range for r in raws}:
        problems.append("the signatures in the file do not match its form structure")
    reports = []
    for index, raw in enumerate(raws, start=1):
        info = None if raw.byte_range is None else structure.get(raw.byte_range)
        claimed = None if info is None else info.signing_time
        checked = _integrity(data, raw, roots or (), claimed)
        intact = checked.intact and raw.well_formed
        coverage = _coverage(raw, len(data), info)
        sig_problems = [] if checked.problem is None else [checked.problem]
        if not raw.well_formed:
            sig_problems.append("the signature value area holds data that is not the signature")
        if info is None or not info.readable:
            sig_problems.append("this signature's entry in the PDF structure cannot be read")
        named, source = _named_signer(checked, intact, raw)
        name, ref, subject = _signer_names(named)
        if name is None and ref is None and subject is None:
            source = SignerSource.UNREADABLE
            if info is not None and info.stated_name is not None:
                name, source = info.stated_name, SignerSource.DICTIONARY
        reports.append(
            SignatureReport(
                index=index,
                field_name=None if info is None else info.field_name,
                signer_name=name,
                signer_ref=ref,
                signer_subject=subject,
                signing_time=claimed,
                intact=intact,
                certificate_ok=checked.certificate_ok and intact,
                trusted=None if roots is None else checked.trusted and intact,
                coverage=coverage,
                changes_after=_changes(coverage, info),
                signed_ranges=raw.byte_range,
                certificate=checked.cert if intact else None,
                problems=tuple(sig_problems),
                signer_source=source,
            )
        )
    return PdfVerification(
        signatures=tuple(reports), trust_checked=roots is not None, problems=tuple(problems)
    )


def _named_signer(
    checked: _Integrity, intact: bool, raw: _RawSignature
) -> tuple[x509.Certificate | None, SignerSource]:
    if intact and checked.cert is not None:
        source = (
            SignerSource.SIGNATURE if checked.certificate_ok else SignerSource.UNBOUND_CERTIFICATE
        )
        return checked.cert, source
    cert = checked.cert or _recovered_signer(raw.blob)
    if cert is not None:
        return cert, SignerSource.DAMAGED_SIGNATURE
    return None, SignerSource.UNREADABLE


SIGNER_UNREADABLE = "signer unreadable: the signature's bytes are damaged"

_SIGNER_CAVEAT = {
    SignerSource.SIGNATURE: "",
    SignerSource.UNBOUND_CERTIFICATE: " (from a certificate the signer did not sign for: "
    "not proven)",
    SignerSource.DAMAGED_SIGNATURE: " (read from the damaged signature: not proven)",
    SignerSource.DICTIONARY: " (as the signature dictionary states it: not proven)",
    SignerSource.UNREADABLE: "",
}


def describe_signer(sig: SignatureReport) -> str:
    """Who signed, in words, saying how far that is proven; never a bare 'None'."""
    if sig.signer_name is None and sig.signer_ref is None:
        if sig.signer_subject is not None:
            who = sig.signer_subject
        elif sig.intact:
            who = "unnamed signer (the certificate carries no name)"
        else:
            return SIGNER_UNREADABLE
    else:
        who = sig.signer_name or "unnamed signer"
        if sig.signer_ref:
            who += f" (reviewer {sig.signer_ref})"
    return who + _SIGNER_CAVEAT[sig.signer_source]


NO_TRUST_HINT = "give --trust ROOT_CERT or --workspace DIR"


def describe(result: PdfVerification) -> list[str]:
    """Plain-language lines for people: one block per signature, then the verdict.

    The verdict line starts with ``VERIFIED`` (everything holds and every signer chains to
    a trusted study root), ``SIGNER NOT CHECKED`` (the file is intact but no study root was
    given, so who signed is not known) or ``NOT VERIFIED``.
    """
    lines: list[str] = []
    for sig in result.signatures:
        when = sig.signing_time.strftime("%Y-%m-%d %H:%M:%S UTC") if sig.signing_time else "unknown"
        trusted = f"not checked ({NO_TRUST_HINT})" if sig.trusted is None else _yes(sig.trusted)
        coverage = {
            Coverage.WHOLE_FILE: "the whole file",
            Coverage.REVISION: "the file as it was when signed",
            Coverage.PARTIAL: "only part of the file",
        }[sig.coverage]
        field_name = sig.field_name or "field name unreadable"
        lines += [
            f"Signature {sig.index} ({field_name})",
            f"  Signer:        {describe_signer(sig)}",
            f"  Signed at:     {when}",
            f"  Intact:        {_yes(sig.intact)}",
            f"  Trusted:       {trusted}",
            f"  Covers:        {coverage}",
            f"  Changed after: {CHANGES_TEXT[sig.changes_after]}",
        ]
        lines += [f"  Problem:       {p}" for p in sig.problems]
    failures = result.failures
    count = len(result.signatures)
    if failures:
        lines.append("NOT VERIFIED: " + "; ".join(failures) + ".")
    elif result.trust_checked:
        lines.append(
            f"VERIFIED: {count} signature(s), all intact, the last covers the whole file; "
            "every signer chains to the given study root."
        )
    else:
        lines.append(
            f"SIGNER NOT CHECKED: {count} signature(s), all intact, the last covers the whole "
            "file, but no study root was given, so who signed was NOT checked (anyone can "
            f"make a certificate carrying a reviewer's name): {NO_TRUST_HINT}."
        )
    return lines


def _yes(value: bool) -> str:
    return "yes" if value else "NO"


def signer_certificates(result: PdfVerification) -> Sequence[x509.Certificate]:
    return [s.certificate for s in result.signatures if s.certificate is not None]
