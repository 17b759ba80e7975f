"""The assignment pack: the cases a coordinator sends one reviewer, signed and encrypted.

Wire format (standard CMS, so a third party can open a pack with ``openssl cms``)::

    pack file (DER)  = CMS EnvelopedData, AES-256-CBC, ONE recipient: the reviewer's
                       certificate (issuer + serial), RSA key transport
      decrypted      = CMS SignedData (DER), content ATTACHED, content type id-data,
                       SHA-256, signed by the study root key itself (signer cert = root)
        content      = the PackContent JSON: canonical UTF-8 (sorted keys, no spaces)

The root signs packs directly, so the signer must BE the root: a reviewer certificate,
although it chains to the root, can never sign a pack. Opening a pack checks, in order, and
refuses with its own message and without changing anything: readable envelope, addressed to
this certificate, readable signature, signature intact, the root inside the pack is the
pinned root (else "another study"), the signer is that root (else "forged"), the signed
addressee is us, then the format version. Before anything is parsed, the pack is bounded
(file and content size, JSON nesting depth, number of cases), so a hostile or broken file is
refused with the limit it broke instead of exhausting memory or the stack; and a pack
encrypted to more than one recipient is refused, since a pack is for one reviewer alone.
The header fields named in
:class:`PackHeader` keep their names and meaning in every future format version, so even a
newer pack is checked for origin before we say "update the app".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)

from reviewer_app.domain.avoidability import AvoidabilityScale
from reviewer_app.domain.case import Case
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import InvalidInputError, NewerVersionError
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import (
    fingerprint,
    is_study_root,
    load_certificate,
    parse_fingerprint,
    reviewer_ref_of,
    study_id_of,
)

PACK_FORMAT: Final = "reviewer-app/assignment-pack"
# The newest format version this app writes (and reads). Version 2 is version 1 plus the
# study's collection certificate; a pack without one is still written as version 1, byte for
# byte what earlier versions of the app wrote.
PACK_FORMAT_VERSION: Final = 2
PACK_FORMAT_VERSION_WITHOUT_COLLECTION: Final = 1
# Additions within a version that an app of the same version may read without them: minor 1
# adds each case's due date. A pack without one (minor 0) leaves ``format_minor`` out of its
# JSON, byte for byte what earlier versions of the app wrote.
PACK_FORMAT_MINOR: Final = 1
PACK_FORMAT_MINOR_DUE_DATES: Final = 1
_MB = 1024 * 1024
# Bounds a pack must keep, checked before parsing. A 10,000-case pack (a national study
# allocated to two reviewers) is about 5 MB of JSON, nested 10 deep; these leave room for
# long names and a bigger review definition, and refuse anything no study would make.
MAX_PACK_BYTES: Final = 24 * _MB  # the pack file (DER envelope)
MAX_PACK_JSON_BYTES: Final = 20 * _MB  # the signed JSON inside it
MAX_PACK_DEPTH: Final = 64  # arrays and objects inside one another
MAX_PACK_CASES: Final = 12_000  # cases, and withdrawn case refs, in one pack
MAX_PACK_SEQUENCE: Final = 1_000_000  # pack numbers per reviewer run from 1 to this


class PackCase(BaseModel):
    """One case in a pack, with who reviews it alongside the addressee when joint.

    ``review_mode`` is set only for a case whose mode differs from the pack's (the
    coordinator's per-case override); ``None`` means the pack's mode. ``stage`` is
    ``"second"`` for a second-stage review (a reviewer outside the original pair, reviewing
    alone). ``due_date`` (format minor 1) is the day the review is due back (see
    ``domain.review_timing.due_date_for``). All three are left out of the JSON when
    ``None``, so a pack without them is byte-for-byte what earlier versions of the app wrote
    and read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    case: Case
    co_reviewer_ref: str | None = None
    co_reviewer_name: str | None = None
    review_mode: ReviewMode | None = None
    stage: Literal["second"] | None = None
    due_date: dt.date | None = None

    @model_serializer(mode="wrap")
    def _omit_default_mode(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in ("review_mode", "stage", "due_date"):
                if data.get(name) is None:
                    data.pop(name, None)
        return data

    def mode_in(self, pack_mode: ReviewMode) -> ReviewMode:
        """This case's review mode in a pack of ``pack_mode``."""
        return self.review_mode if self.review_mode is not None else pack_mode


class PackContent(BaseModel):
    """What the study authority signs. Field names are the JSON names.

    ``avoidability_scale`` is the study's avoidability scale (every reviewer grades on it);
    ``None`` in a pack made before studies fixed their scale, which then reads as it always
    did (the definition's default scale). Left out of the JSON when ``None``, so such a pack
    is byte-for-byte what earlier versions wrote, and its digest is unchanged.

    ``collection_cert_pem`` (format version 2) is the study's collection certificate, to
    which the reviewer encrypts returned reviews. A pack that carries it is version 2; one
    without it is version 1 and its JSON leaves the field out, so it is byte-for-byte what
    earlier versions of the app wrote. ``format_version`` follows from the field when not
    given, and a version that contradicts it is refused.

    ``format_minor`` 1 adds each case's due date; it follows from the cases when not given
    (1 when any case carries a due date) and is left out of the JSON when 0, so a pack
    without due dates is byte-for-byte what earlier versions wrote. A due date in a minor 0
    pack is refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["reviewer-app/assignment-pack"] = PACK_FORMAT
    format_version: Literal[1, 2] = PACK_FORMAT_VERSION_WITHOUT_COLLECTION
    format_minor: Literal[0, 1] = 0
    pack_id: str
    sequence: int = Field(ge=1, le=MAX_PACK_SEQUENCE)
    study_id: str
    study_name: str
    created_at: AwareDatetime
    review_mode: ReviewMode
    addressee_reviewer_ref: str
    addressee_cert_fingerprint: str
    study_root_cert_pem: str
    reviewer_cert_pem: str
    definition_id: str
    definition_version: str
    definition: dict[str, Any]
    cases: list[PackCase] = Field(max_length=MAX_PACK_CASES)
    withdrawn_case_refs: list[str] = Field(default=[], max_length=MAX_PACK_CASES)
    collection_cert_pem: str | None = None
    avoidability_scale: AvoidabilityScale | None = None

    @model_validator(mode="before")
    @classmethod
    def _version_from_fields(cls, data: Any) -> Any:
        if isinstance(data, dict) and "format_version" not in data:
            carries = data.get("collection_cert_pem") is not None
            version = PACK_FORMAT_VERSION if carries else PACK_FORMAT_VERSION_WITHOUT_COLLECTION
            data = {**data, "format_version": version}
        if isinstance(data, dict) and "format_minor" not in data:
            dated = any(_carries_due_date(c) for c in data.get("cases") or ())
            data = {**data, "format_minor": PACK_FORMAT_MINOR_DUE_DATES if dated else 0}
        return data

    @model_serializer(mode="wrap")
    def _omit_missing_collection(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for optional in ("collection_cert_pem", "avoidability_scale"):
                if data.get(optional) is None:
                    data.pop(optional, None)
            if data.get("format_minor") == 0:
                data.pop("format_minor")
        return data

    @field_validator("created_at")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        return value.astimezone(dt.UTC)

    @field_validator("addressee_cert_fingerprint")
    @classmethod
    def _fingerprint(cls, value: str) -> str:
        try:
            return parse_fingerprint(value)
        except InvalidInputError:
            raise ValueError("not a SHA-256 certificate fingerprint") from None

    @model_validator(mode="after")
    def _consistent(self) -> PackContent:
        carries = self.collection_cert_pem is not None
        if carries != (self.format_version == PACK_FORMAT_VERSION):
            raise ValueError(
                "a version 2 pack carries the collection certificate and a version 1 pack does not"
            )
        if self.format_minor < PACK_FORMAT_MINOR_DUE_DATES and any(
            c.due_date is not None for c in self.cases
        ):
            raise ValueError("a pack of format minor 0 carries no due dates")
        refs = [c.case.case_ref for c in self.cases]
        if len(set(refs)) != len(refs):
            raise ValueError("a case appears twice")
        if len(set(self.withdrawn_case_refs)) != len(self.withdrawn_case_refs):
            raise ValueError("a withdrawn case is listed twice")
        if set(refs) & set(self.withdrawn_case_refs):
            raise ValueError("a case is both sent and withdrawn")
        for c in self.cases:
            joint = c.mode_in(self.review_mode) is ReviewMode.JOINT
            partner = (c.co_reviewer_ref is not None, c.co_reviewer_name is not None)
            if partner != (joint, joint):
                raise ValueError(
                    "every joint case needs a co-reviewer (ref and name), and independent "
                    "cases must have none"
                )
        return self

    def to_json_bytes(self) -> bytes:
        """Canonical UTF-8 JSON: the exact bytes that are signed."""
        return _canonical(self.model_dump(mode="json"))

    def digest(self) -> str:
        """SHA-256 (hex) of what the pack says, leaving out its id, number and time.

        Two packs with the same digest tell the reviewer exactly the same thing, so the
        coordinator's app need not send the second.
        """
        said = self.model_dump(mode="json", exclude={"pack_id", "sequence", "created_at"})
        return hashlib.sha256(_canonical(said)).hexdigest()


def _carries_due_date(case: object) -> bool:
    if isinstance(case, PackCase):
        return case.due_date is not None
    return isinstance(case, dict) and case.get("due_date") is not None


def _canonical(doc: object) -> bytes:
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


class PackHeader(BaseModel):
    """The fields every pack format version keeps, so origin is checked before version."""

    model_config = ConfigDict(frozen=True, extra="ignore", strict=True)

    format: Literal["reviewer-app/assignment-pack"]
    format_version: int
    format_minor: int = 0
    study_root_cert_pem: str
    addressee_cert_fingerprint: str


@dataclass(frozen=True)
class OpenedPack:
    content: PackContent
    root_cert: x509.Certificate
    root_fingerprint: str
    signed_at: dt.datetime | None


class PackRefusal(StrEnum):
    NOT_A_PACK = "not_a_pack"
    DAMAGED = "damaged"
    NOT_FOR_YOU = "not_for_you"
    TAMPERED = "tampered"
    FORGED = "forged"
    OTHER_STUDY = "other_study"
    NEWER_FORMAT = "newer_format"
    TOO_LARGE = "too_large"  # beyond a bound checked before parsing
    SEVERAL_RECIPIENTS = "several_recipients"  # encrypted for more than one person


class PackRefusedError(InvalidInputError):
    """A pack was refused and nothing was changed. ``reason`` says which check failed."""

    def __init__(self, reason: PackRefusal, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class NewerPackError(NewerVersionError):
    """A genuine pack from our study, in a format this app is too old to read."""

    reason = PackRefusal.NEWER_FORMAT


UNCHANGED = " Nothing has been changed."


def refuse(reason: PackRefusal, message: str) -> PackRefusedError:
    return PackRefusedError(reason, message + UNCHANGED)


# --- building -------------------------------------------------------------------------------


def build_pack(
    content: PackContent,
    authority_key: rsa.RSAPrivateKey,
    root_cert: x509.Certificate,
    recipient_cert: x509.Certificate,
) -> bytes:
    """Sign the content with the study root and encrypt it for the one reviewer.

    Refuses content that would not open at the other end (wrong root, certificate or
    fingerprint inside), because a reviewer can only report such a pack as forged.
    """
    root_pem_inside = load_certificate(content.study_root_cert_pem)
    reviewer_pem_inside = load_certificate(content.reviewer_cert_pem)
    problems = []
    if root_pem_inside != root_cert or not is_study_root(root_cert):
        problems.append("the study root certificate inside is not this study authority")
    if study_id_of(root_cert) != content.study_id:
        problems.append("the study id does not match the study authority")
    if reviewer_pem_inside != recipient_cert:
        problems.append("the reviewer certificate inside is not the recipient's")
    if content.addressee_cert_fingerprint != fingerprint(recipient_cert):
        problems.append("the addressee fingerprint is not the recipient's")
    if reviewer_ref_of(recipient_cert) != content.addressee_reviewer_ref:
        problems.append("the addressee reference is not the one in the recipient's certificate")
    try:
        recipient_cert.verify_directly_issued_by(root_cert)
    except (InvalidSignature, ValueError, TypeError):
        problems.append("the recipient's certificate was not issued by this study authority")
    public = authority_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != root_cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        problems.append("the signing key is not the study authority's key")
    document = content.to_json_bytes()
    if len(document) > MAX_PACK_JSON_BYTES:
        problems.append(
            f"its contents are {_megabytes(len(document))}, more than the "
            f"{_megabytes(MAX_PACK_JSON_BYTES)} a pack may hold"
        )
    elif _nesting_depth(document, MAX_PACK_DEPTH) > MAX_PACK_DEPTH:
        problems.append(f"its contents nest more than {MAX_PACK_DEPTH} levels deep")
    if problems:
        raise InvalidInputError("Cannot build this assignment pack: " + "; ".join(problems) + ".")
    signed = cms.sign_attached(document, authority_key, root_cert, chain=())
    pack = cms.envelope(signed, recipient_cert)
    if len(pack) > MAX_PACK_BYTES:
        raise InvalidInputError(
            f"Cannot build this assignment pack: it would be {_megabytes(len(pack))}, more "
            f"than the {_megabytes(MAX_PACK_BYTES)} a pack file may be."
        )
    return pack


# --- bounds, checked before anything is parsed ----------------------------------------------

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_OPENING = frozenset(b"[{")


def _megabytes(size: int) -> str:
    return f"{size / _MB:.1f} MB" if size % _MB else f"{size // _MB} MB"


def _nesting_depth(document: bytes, limit: int) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it.

    Iterative (no recursion, whatever the input): strings are cut out first, so brackets
    inside them do not count, then the brackets left are counted, stopping once past
    ``limit``. Malformed JSON gets some answer; parsing it later refuses it anyway.
    """
    brackets = _JSON_STRING.sub(b"", document).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        if byte in _OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def check_pack_file(data: bytes) -> None:
    """Refuse a file too large to be a pack before any work is done on it."""
    if len(data) > MAX_PACK_BYTES:
        raise refuse(
            PackRefusal.TOO_LARGE,
            f"This file is {_megabytes(len(data))}, more than the {_megabytes(MAX_PACK_BYTES)} "
            "an assignment pack may be, so it was not opened. Check that you picked the "
            "right file; if it is a pack, tell the coordinator.",
        )


def check_pack_document(document: bytes) -> None:
    """Refuse (unverified) pack JSON too large or too deeply nested to parse safely."""
    if len(document) > MAX_PACK_JSON_BYTES:
        raise refuse(
            PackRefusal.TOO_LARGE,
            f"This assignment pack holds {_megabytes(len(document))} of contents, more than "
            f"the {_megabytes(MAX_PACK_JSON_BYTES)} a pack may hold, so it was not read. "
            "Tell the coordinator.",
        )
    if _nesting_depth(document, MAX_PACK_DEPTH) > MAX_PACK_DEPTH:
        raise refuse(
            PackRefusal.TOO_LARGE,
            f"This assignment pack's contents nest more than {MAX_PACK_DEPTH} levels deep, "
            "which no genuine pack does, so it was not read. Tell the coordinator.",
        )


def check_counts(doc: object) -> None:
    """Refuse a parsed (unverified) document listing more cases than a pack may hold."""
    if not isinstance(doc, dict):
        return
    for key, what in (("cases", "cases"), ("withdrawn_case_refs", "withdrawn cases")):
        listed = doc.get(key)
        if isinstance(listed, list) and len(listed) > MAX_PACK_CASES:
            raise refuse(
                PackRefusal.TOO_LARGE,
                f"This assignment pack lists {len(listed):,} {what}, more than the "
                f"{MAX_PACK_CASES:,} one pack may hold, so it was not read. Tell the "
                "coordinator.",
            )
