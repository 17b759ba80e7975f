"""The return bundle: signed reviews going home to the coordinator, signed and encrypted.

Wire format (standard CMS, so a third party can open a bundle with ``openssl cms``)::

    return file (DER) = CMS EnvelopedData, AES-256-CBC, ONE recipient: the study's
                        collection certificate (a decryption-only key issued by the study
                        authority; the root key itself never decrypts anything)
      decrypted       = CMS SignedData (DER), content ATTACHED, SHA-256, signed by the
                        REVIEWER's key; their certificate and the study root embedded
        content       = the ReturnBundle JSON: canonical UTF-8 (sorted keys, no spaces)

Per review version the bundle carries the canonical content that was signed (as the exact
string whose SHA-256 the signature sealed), both signed PDFs (base64), their SHA-256, the
audit head sealed at signing and the review's audit entries. The bundle id is derived from
what it returns, so writing the same reviews again gives the same id.

Opening checks, in order, and refuses with its own reason (for the quarantine) without using
anything: bounded size, an envelope for this study's collection key, a readable signature,
intact, signed by a certificate the study root issued, header format and version, content
that parses, and the signer being the reviewer the bundle names. Whether that reviewer was
allocated the cases, and the contents themselves, are the collector's checks.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import fingerprint, reviewer_ref_of

RETURN_FORMAT: Final = "reviewer-app/return-bundle"
RETURN_FORMAT_VERSION: Final = 1
_MB = 1024 * 1024
MAX_BUNDLE_BYTES: Final = 60 * _MB  # the file (DER envelope)
MAX_BUNDLE_JSON_BYTES: Final = 48 * _MB  # the signed JSON inside it
MAX_BUNDLE_DEPTH: Final = 64
MAX_BUNDLE_ITEMS: Final = 50  # review versions in one bundle; more go in the next bundle
MAX_BUNDLE_SEQUENCE: Final = 1_000_000
MAX_AUDIT_ENTRIES: Final = 20_000  # per review version


class Outcome(StrEnum):
    """What a signed review version concluded (the canonical content's ``outcome``)."""

    REVIEWED = "reviewed"
    RECORDS_MISSING = "records_missing"
    HANDED_BACK = "handed_back"
    OUTSIDE_METHOD = "outside_method"


class AuditHead(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int = Field(ge=0)
    hash: str = Field(pattern=r"^[0-9a-f]{64}$")


class ReturnItem(BaseModel):
    """One signed review version (or signed outcome) as it goes home."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    case_ref: str = Field(min_length=1, max_length=50)
    version: int = Field(ge=1, le=1000)
    outcome: Outcome
    definition_id: str
    definition_version: str
    supersedes_version: int | None = Field(default=None, ge=1)
    signed_at: AwareDatetime
    content: str
    """The canonical content exactly as signed (UTF-8 JSON text)."""
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    audit_head: AuditHead
    pdf_full_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pdf_taskforce_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    pdf_full_b64: str
    pdf_taskforce_b64: str
    audit_entries: list[dict[str, Any]] = Field(default=[], max_length=MAX_AUDIT_ENTRIES)

    def pdf_full(self) -> bytes:
        return base64.b64decode(self.pdf_full_b64, validate=True)

    def pdf_taskforce(self) -> bytes:
        return base64.b64decode(self.pdf_taskforce_b64, validate=True)

    def key(self) -> tuple[str, int]:
        return (self.case_ref, self.version)


class ReturnBundle(BaseModel):
    """What the reviewer signs. Field names are the JSON names (format version 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["reviewer-app/return-bundle"] = RETURN_FORMAT
    format_version: Literal[1] = RETURN_FORMAT_VERSION
    bundle_id: str = Field(pattern=r"^[0-9a-f]{64}$")
    study_id: str
    reviewer_ref: str
    reviewer_cert_fingerprint: str
    sequence: int = Field(ge=1, le=MAX_BUNDLE_SEQUENCE)
    created_at: AwareDatetime
    items: list[ReturnItem] = Field(min_length=1, max_length=MAX_BUNDLE_ITEMS)

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC)

    def to_json_bytes(self) -> bytes:
        """Canonical UTF-8 JSON: the exact bytes that are signed."""
        return canonical(self.model_dump(mode="json"))


def canonical(doc: object) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def bundle_id_for(study_id: str, reviewer_ref: str, items: list[ReturnItem]) -> str:
    """Same reviews returned again, same id: derived from what is returned, not when."""
    said = sorted(
        (i.case_ref, i.version, i.content_sha256, i.pdf_full_sha256, i.pdf_taskforce_sha256)
        for i in items
    )
    return hashlib.sha256(canonical([study_id, reviewer_ref, said])).hexdigest()


class BundleRefusedError(InvalidInputError):
    """The opener's refusal, by the first ``QuarantineReason`` the bundle failed."""

    def __init__(self, reason: QuarantineReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class OpenedBundle:
    bundle: ReturnBundle
    signer_cert: x509.Certificate
    signed_at: dt.datetime | None


# --- building -------------------------------------------------------------------------------


def build_bundle(
    bundle: ReturnBundle,
    reviewer_key: rsa.RSAPrivateKey,
    reviewer_cert: x509.Certificate,
    root_cert: x509.Certificate,
    collection_cert: x509.Certificate,
) -> bytes:
    """Sign with the reviewer's key and encrypt for the study's collection key only."""
    problems = []
    if fingerprint(reviewer_cert) != bundle.reviewer_cert_fingerprint:
        problems.append("the certificate fingerprint inside is not the signer's")
    if reviewer_ref_of(reviewer_cert) != bundle.reviewer_ref:
        problems.append("the reviewer reference inside is not the signer's")
    if not is_collection_certificate(collection_cert, root_cert):
        problems.append("the collection certificate was not issued by this study's authority")
    document = bundle.to_json_bytes()
    if len(document) > MAX_BUNDLE_JSON_BYTES:
        problems.append(f"it would hold {len(document) // _MB} MB, more than a bundle may")
    if problems:
        raise InvalidInputError("Cannot build this return: " + "; ".join(problems) + ".")
    signed = cms.sign_attached(document, reviewer_key, reviewer_cert, chain=(root_cert,))
    return cms.envelope(signed, collection_cert)


def is_collection_certificate(cert: x509.Certificate, root_cert: x509.Certificate) -> bool:
    """Issued by the study root, for key encipherment only (it can never sign)."""
    try:
        cert.verify_directly_issued_by(root_cert)
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except Exception:  # wrong issuer, bad signature, no key usage: not ours
        return False
    return usage.key_encipherment and not usage.digital_signature and not usage.key_cert_sign


# --- opening --------------------------------------------------------------------------------


def _refuse(reason: QuarantineReason, message: str) -> BundleRefusedError:
    return BundleRefusedError(reason, message)


def _decrypt(data: bytes, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> bytes:
    if len(data) > MAX_BUNDLE_BYTES:
        raise _refuse(QuarantineReason.TOO_LARGE, f"larger than {MAX_BUNDLE_BYTES // _MB} MB")
    return cms.open_single_envelope(data, key, cert, _envelope_refusal)


def _envelope_refusal(problem: cms.EnvelopeProblem, recipients: int) -> Exception:
    if problem is cms.EnvelopeProblem.NOT_A_RECIPIENT:
        return _refuse(
            QuarantineReason.NOT_FOR_THIS_STUDY,
            "not encrypted for this study's collection key (another study, or not a return)",
        )
    if problem is cms.EnvelopeProblem.DAMAGED:
        return _refuse(QuarantineReason.DAMAGED, "encrypted for this study but damaged")
    if problem is cms.EnvelopeProblem.NOT_AN_ENVELOPE:
        return _refuse(QuarantineReason.NOT_A_BUNDLE, "not an encrypted return bundle")
    return _refuse(
        QuarantineReason.SEVERAL_RECIPIENTS,
        f"encrypted for {recipients} recipients; a return is for the collection key only",
    )


def _nesting_depth(document: bytes, limit: int) -> int:
    """Bracket depth outside strings, iteratively (see packs.format for the same idea)."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in document:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in b"[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > limit:
                break
        elif byte in b"]}":
            depth -= 1
    return deepest


def _parse(document: bytes) -> dict[str, Any]:
    if len(document) > MAX_BUNDLE_JSON_BYTES:
        raise _refuse(QuarantineReason.TOO_LARGE, "its contents are larger than a bundle may hold")
    if _nesting_depth(document, MAX_BUNDLE_DEPTH) > MAX_BUNDLE_DEPTH:
        raise _refuse(QuarantineReason.TOO_LARGE, f"nested more than {MAX_BUNDLE_DEPTH} deep")
    try:
        doc = json.loads(document.decode("utf-8"))
    except (ValueError, RecursionError):
        raise _refuse(QuarantineReason.INVALID_CONTENT, "its contents are not JSON") from None
    if not isinstance(doc, dict):
        raise _refuse(QuarantineReason.INVALID_CONTENT, "its contents are not a return bundle")
    return doc


def open_bundle(
    data: bytes,
    collection_key: rsa.RSAPrivateKey,
    collection_cert: x509.Certificate,
    root_cert: x509.Certificate,
) -> OpenedBundle:
    """Decrypt, verify and read a return bundle, or refuse it with a reason."""
    signed = _decrypt(data, collection_key, collection_cert)
    try:
        verdict, document = cms.verify_attached(signed, [root_cert])
    except cms.NotSignedDataError:
        raise _refuse(QuarantineReason.DAMAGED, "its signed part cannot be read") from None
    if not verdict.intact:
        raise _refuse(QuarantineReason.TAMPERED, "altered after the reviewer signed it")
    signer_ref = reviewer_ref_of(verdict.signer)
    if not verdict.trusted or signer_ref is None or verdict.signer == root_cert:
        raise _refuse(
            QuarantineReason.UNTRUSTED_SIGNER,
            "signed by a certificate this study's authority did not issue to a reviewer",
        )
    doc = _parse(document)
    if doc.get("format") != RETURN_FORMAT:
        raise _refuse(QuarantineReason.NOT_A_BUNDLE, "signed, but not a return bundle")
    version = doc.get("format_version")
    if isinstance(version, int) and version > RETURN_FORMAT_VERSION:
        raise _refuse(
            QuarantineReason.NEWER_FORMAT,
            f"format version {version}, made by a newer version of the app: update it",
        )
    items = doc.get("items")
    if isinstance(items, list) and len(items) > MAX_BUNDLE_ITEMS:
        raise _refuse(QuarantineReason.TOO_LARGE, f"more than {MAX_BUNDLE_ITEMS} review versions")
    try:
        bundle = ReturnBundle.model_validate(doc)
    except ValidationError as err:
        where = ".".join(str(p) for p in err.errors()[0]["loc"]) if err.errors() else "?"
        raise _refuse(
            QuarantineReason.INVALID_CONTENT, f"its contents are invalid at {where}"
        ) from None
    if bundle.reviewer_ref != signer_ref or bundle.reviewer_cert_fingerprint != fingerprint(
        verdict.signer
    ):
        raise _refuse(
            QuarantineReason.SIGNER_MISMATCH,
            f"names reviewer {bundle.reviewer_ref} but was signed by {signer_ref}",
        )
    return OpenedBundle(bundle=bundle, signer_cert=verdict.signer, signed_at=verdict.signing_time)
