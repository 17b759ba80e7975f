"""Checking the PAdES signatures on a PDF case summary (pyHanko), offline.

The signatures are those ``pades_sign`` makes (PAdES-B-B, each an incremental update, the
first a certification signature that allows only form filling). Verifying reports each
signature on its own (signer, time, intact, trusted, coverage, what changed after it) and an
overall verdict that holds only when

- every signature is intact (the bytes it covers hash to what was signed, and the signature
  over that hash checks out with the key in the embedded signer certificate);
- the last signature covers the whole file (nothing was appended after it);
- every change after a signature is only further signatures: pyHanko's difference analysis
  under ``ONLY_SIGNATURES`` (stricter than its default policy, which lets a later revision
  rewrite the document information dictionary and the XMP metadata as "LTA updates"): a
  later revision may add or fill signature fields and nothing else, save the /ModDate that
  pyHanko itself updates when it signs;
- no signature value area carries anything but the signature, exactly in the form this app
  writes it (every embedded certificate checking out), and its zero padding: a changed byte
  there makes that signature "not intact" (stricter than pdfsig, on purpose:
  see ``raw_signatures``);
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

import datetime as dt
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from cryptography import x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DiffResult, ModificationLevel
from pyhanko.sign.fields import (
    SigSeedSubFilter,
    enumerate_sig_fields,
)
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.signing.diff_policy import ONLY_SIGNATURES
from reviewer_app.services.signing.raw_signatures import RawSignature, raw_signatures
from reviewer_app.services.signing.signature_integrity import Integrity, integrity, recovered_signer
from reviewer_app.services.signing.signer_names import safe_text, signer_names

logger = logging.getLogger(__name__)
# pyHanko logs every untrusted chain as a warning with a traceback; our report says it better.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)

MAX_PDF_BYTES = 64 * 1024 * 1024
_MAX_REASON = 512

_ACCEPTED_SUBFILTERS = {SigSeedSubFilter.PADES.value, SigSeedSubFilter.ADOBE_PKCS7_DETACHED.value}


class NotAPdfError(InvalidInputError):
    """The bytes are not a PDF this app can read (garbage, truncated, damaged structure)."""


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
    """Every later revision added or filled a signature field: further signatures only."""
    METADATA_ONLY = "metadata_only"
    """The last signature; a later revision changed only what a signature may (the
    /ModDate) but added no signature."""
    UNSIGNED_REVISION = "unsigned_revision"
    """The last signature; a later revision added no signature (it changed nothing, or only
    added an empty signature field)."""
    SIGNATURES_THEN_UNSIGNED = "signatures_then_unsigned"
    """Further signatures were added, then a revision without a signature (see the last)."""
    OTHER = "other"
    UNKNOWN = "unknown"


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
    stated_reason: str | None = None
    """The signature dictionary's /Reason (covered by the signature's byte range, so intact
    when the signature is), from a strict parse only; None when absent or unreadable."""


@dataclass(frozen=True)
class PdfVerification:
    signatures: tuple[SignatureReport, ...]
    trust_checked: bool
    problems: tuple[str, ...] = ()
    """Document-level reasons for failure (each signature carries its own)."""
    unsigned_fields: tuple[str, ...] = ()
    """Signature fields reserved in the file but not signed yet (e.g. the co-reviewer's of a
    joint review awaiting co-signature), by their role ("co-reviewer"), in file order. Not a
    failure: what is signed holds; but the document is not complete (:attr:`complete`)."""

    @property
    def complete(self) -> bool:
        """Every signature field the file reserves is signed."""
        return not self.unsigned_fields

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
    reason: str | None = None


def _byte_range_key(sig: Any) -> tuple[int, ...]:
    return tuple(int(x) for x in sig["/ByteRange"])


def field_role(name: str) -> str:
    """The role a signature field is named for: ``Signature2-co-reviewer`` -> ``co-reviewer``
    (this app's names, ``services.summary.signature_block.field_name_for``); another
    file's field keeps its own name (made safe to print)."""
    match = _FIELD_NAME.fullmatch(name)
    if match:
        return match.group(1)
    return safe_text(name) or "unnamed field"


_FIELD_NAME = re.compile(r"Signature\d+-([a-z][a-z-]{0,40})")


def _empty_fields(reader: PdfFileReader) -> tuple[str, ...]:
    """The roles of the signature fields that are reserved but not signed."""
    return tuple(
        field_role(str(name)) for name, _, _ in enumerate_sig_fields(reader, filled_status=False)
    )


_Parsed = tuple[dict[tuple[int, ...], _Structure], str | None, tuple[str, ...]]


def _structure(data: bytes) -> _Parsed:
    """Per byte range, pyHanko's view; a document problem if it cannot parse it all; and
    the reserved signature fields not yet signed."""
    found: dict[tuple[int, ...], _Structure] = {}
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        fields = list(enumerate_sig_fields(reader, filled_status=True))
        empty = _empty_fields(reader)
    except Exception as err:  # pyHanko raises PdfReadError, KeyError, ValueError... on damage
        logger.info("PDF structure could not be read: %s", type(err).__name__)
        return (
            _names_only(data),
            "the PDF structure is damaged, so later changes cannot be analysed",
            (),
        )
    problem = None
    for name, sig_obj, sig_field in fields:
        try:
            sig = sig_obj.get_object()
            info = _Structure(field_name=str(name), stated_name=safe_text(sig.get("/Name")))
            found[_byte_range_key(sig)] = info
            if sig.get("/SubFilter") not in _ACCEPTED_SUBFILTERS:
                problem = "the file holds a signature of a kind this app does not accept"
                continue
            reason = sig.get("/Reason")
            info.reason = str(reason)[:_MAX_REASON] if isinstance(reason, str) else None
            emb = EmbeddedPdfSignature(reader, sig_field, name)
            info.signing_time = _aware(emb.self_reported_timestamp)
            emb.compute_integrity_info(diff_policy=ONLY_SIGNATURES)  # type: ignore[no-untyped-call]
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
    return found, problem, empty


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
                field_name=str(name), stated_name=safe_text(sig.get("/Name"))
            )
        except Exception as err:  # this field is unreadable: leave it out
            logger.debug("signature field unreadable: %s", type(err).__name__)
    return found


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(dt.UTC)


def _coverage(raw: RawSignature, size: int, info: _Structure | None) -> Coverage:
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
    raws = raw_signatures(data)
    structure, structure_problem, unsigned = _structure(data)
    problems = [] if structure_problem is None else [structure_problem]
    if structure_problem is None and set(structure) != {r.byte_range for r in raws}:
        problems.append("the signatures in the file do not match its form structure")
    reports = _unsigned_tail(
        tuple(
            _report(index, data, raw, structure, roots) for index, raw in enumerate(raws, start=1)
        ),
        structure,
    )
    return PdfVerification(
        signatures=reports,
        trust_checked=roots is not None,
        problems=tuple(problems),
        unsigned_fields=unsigned,
    )


def _unsigned_tail(
    reports: tuple[SignatureReport, ...], structure: dict[tuple[int, ...], _Structure]
) -> tuple[SignatureReport, ...]:
    """A revision appended after the last signature adds no signature, however little it
    changes (a /ModDate only passes the difference analysis as a signature's would): say so,
    for the last signature and for every earlier one whose later changes it is part of."""
    if not reports or reports[-1].coverage is not Coverage.REVISION:
        return reports
    last = reports[-1]
    if last.changes_after is not ChangesAfter.SIGNATURES_ONLY:
        return reports
    info = None if last.signed_ranges is None else structure.get(last.signed_ranges)
    level = None if info is None else info.modification
    tail = (
        ChangesAfter.METADATA_ONLY
        if level is ModificationLevel.LTA_UPDATES
        else ChangesAfter.UNSIGNED_REVISION
    )
    earlier = tuple(
        replace(r, changes_after=ChangesAfter.SIGNATURES_THEN_UNSIGNED)
        if r.changes_after is ChangesAfter.SIGNATURES_ONLY
        else r
        for r in reports[:-1]
    )
    return (*earlier, replace(last, changes_after=tail))


def _report(
    index: int,
    data: bytes,
    raw: RawSignature,
    structure: dict[tuple[int, ...], _Structure],
    roots: tuple[x509.Certificate, ...] | None,
) -> SignatureReport:
    """One signature's report: its raw bytes' integrity, joined with what the parse says."""
    info = None if raw.byte_range is None else structure.get(raw.byte_range)
    claimed = None if info is None else info.signing_time
    checked = integrity(data, raw, roots or (), claimed)
    intact = checked.intact and raw.well_formed
    coverage = _coverage(raw, len(data), info)
    problems = [] if checked.problem is None else [checked.problem]
    if not raw.well_formed:
        problems.append("the signature value area holds data that is not the signature")
    if info is None or not info.readable:
        problems.append("this signature's entry in the PDF structure cannot be read")
    named, source = _named_signer(checked, intact, raw)
    name, ref, subject = signer_names(named)
    if name is None and ref is None and subject is None:
        source = SignerSource.UNREADABLE
        if info is not None and info.stated_name is not None:
            name, source = info.stated_name, SignerSource.DICTIONARY
    return SignatureReport(
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
        problems=tuple(problems),
        signer_source=source,
        stated_reason=None if info is None or not info.readable else info.reason,
    )


def _named_signer(
    checked: Integrity, intact: bool, raw: RawSignature
) -> tuple[x509.Certificate | None, SignerSource]:
    if intact and checked.cert is not None:
        source = (
            SignerSource.SIGNATURE if checked.certificate_ok else SignerSource.UNBOUND_CERTIFICATE
        )
        return checked.cert, source
    cert = checked.cert or recovered_signer(raw.blob)
    if cert is not None:
        return cert, SignerSource.DAMAGED_SIGNATURE
    return None, SignerSource.UNREADABLE
