"""Making PAdES signatures on PDF case summaries (pyHanko), offline.

Signing makes a PAdES-B-B signature (``/SubFilter /ETSI.CAdES.detached``, SHA-256, the
signer's certificate and its chain embedded, no time-stamp server: the signing time is the
signer's own claim). Every signature is added as an *incremental update*, so a co-signature
appends a second signature field and leaves the bytes the first signer signed untouched.
The first signature of a summary is a certification signature allowing only form filling
and further signatures (DocMDP P=2), so viewers such as Acrobat also flag other changes.
Checking them is ``pades_verify``.
"""

from __future__ import annotations

import asyncio
import io
import logging
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import (
    MDPPerm,
    SigFieldSpec,
    SigSeedSubFilter,
    append_signature_field,
)
from pyhanko.sign.signers.pdf_signer import PdfSignatureMetadata, PdfSigner
from pyhanko.stamp import TextStampStyle

from reviewer_app.errors import UserError
from reviewer_app.services.signing.signer_names import name_attribute
from reviewer_app.services.trust.key_signer import (
    DIGEST,
    KeySigner,
    UnsupportedDigestError,
    asn1_cert,
)

__all__ = [
    "DIGEST",
    "STAMP_STYLE",
    "SignaturePlace",
    "SigningFailedError",
    "SigningIdentity",
    "asn1_cert",
    "sign_pdf",
    "stamp_style",
]

logger = logging.getLogger(__name__)
# pyHanko logs every untrusted chain as a warning with a traceback; our report says it better.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)


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


def _ascii(text: str) -> str:
    """A stamp line in ASCII (accents folded, anything else dropped), % escaped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(folded.split()).replace("%", "%%")


def stamp_style(lines: Sequence[str] = ()) -> TextStampStyle:
    """The visible stamp, with ``lines`` (e.g. the certified profession) under the time."""
    if not lines:
        return STAMP_STYLE
    extra = "\n".join(_ascii(line) for line in lines if _ascii(line))
    return TextStampStyle(
        stamp_text=f"Digitally signed (PAdES)\n%(ts)s\n{extra}",
        timestamp_format=STAMP_STYLE.timestamp_format,
        border_width=0,
    )


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
    stamp_lines: Sequence[str] = (),
) -> bytes:
    """``data`` with one more PAdES-B-B signature, appended as an incremental update.

    ``field_name`` names an existing empty signature field to fill, or a new one, visible at
    ``place`` when given (else invisible). ``reserve`` adds empty signature fields for later
    signers in the same update, so that their signatures are pure form filling. ``certify``
    makes it a certification signature (first signature only): later changes are then
    limited to filling forms and adding signatures. ``stamp_lines`` are printed in the
    visible stamp under the signing time (ASCII), e.g. what the certificate says of the
    signer's profession and registration.
    """
    if identity.key.public_key().public_numbers() != _public_numbers(identity.cert):
        raise SigningFailedError("This key does not belong to the signing certificate.")
    meta = PdfSignatureMetadata(
        field_name=field_name,
        # /Name: lets a verifier name the signer even when the signature value is damaged.
        name=name_attribute(identity.cert, NameOID.COMMON_NAME),
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
        key_signer = KeySigner(identity.key, identity.cert, identity.chain)
        signer = PdfSigner(meta, key_signer, stamp_style=stamp_style(stamp_lines))
        output = asyncio.run(
            signer.async_sign_pdf(writer, bytes_reserved=_reserved_bytes(identity))
        )
    except UnsupportedDigestError:
        raise SigningFailedError("Only SHA-256 signatures are made by this app.") from None
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
