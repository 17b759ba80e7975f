"""A verification report in plain words, for people (the CLI's ``verify`` prints it)."""

from __future__ import annotations

from reviewer_app.services.signing.pades_verify import (
    ChangesAfter,
    Coverage,
    PdfVerification,
    SignatureReport,
    SignerSource,
)

CHANGES_TEXT = {
    ChangesAfter.NONE: "nothing (it covers the whole file)",
    ChangesAfter.SIGNATURES_ONLY: "only further signatures were added",
    ChangesAfter.METADATA_ONLY: (
        "a later revision changed the document's metadata (modification date) without adding "
        "a signature"
    ),
    ChangesAfter.UNSIGNED_REVISION: "a later revision was added without a signature",
    ChangesAfter.SIGNATURES_THEN_UNSIGNED: (
        "further signatures were added, then a later revision without a signature (see the "
        "last signature)"
    ),
    ChangesAfter.OTHER: "the document was changed after this signature",
    ChangesAfter.UNKNOWN: "could not be determined (the file structure is damaged)",
}


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

    The verdict line starts with ``VERIFIED`` (everything holds, every signer chains to a
    trusted study root and every reserved signature field is signed), ``AWAITING SIGNATURE``
    (as VERIFIED, but a reserved field, e.g. the co-reviewer's, is still empty: never a bare
    VERIFIED for an incomplete joint review), ``SIGNER NOT CHECKED`` (the file is intact but
    no study root was given, so who signed is not known) or ``NOT VERIFIED``.
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
    awaiting = unsigned_text(result)
    if awaiting:
        lines.append(f"Not yet signed: {awaiting}")
    if failures:
        lines.append("NOT VERIFIED: " + "; ".join(failures) + ".")
    elif not result.trust_checked:
        lines.append(
            f"SIGNER NOT CHECKED: {count} signature(s), all intact, the last covers the whole "
            "file, but no study root was given, so who signed was NOT checked (anyone can "
            f"make a certificate carrying a reviewer's name): {NO_TRUST_HINT}."
            + (f" The document is not complete: {awaiting}." if awaiting else "")
        )
    elif awaiting:
        lines.append(
            f"AWAITING SIGNATURE: {count} signature(s), all intact, every signer chains to the "
            f"given study root, but the document is not complete: {awaiting}."
        )
    else:
        lines.append(
            f"VERIFIED: {count} signature(s), all intact, the last covers the whole file; "
            "every signer chains to the given study root."
        )
    return lines


def unsigned_text(result: PdfVerification) -> str:
    """``1 signature field not yet signed: co-reviewer`` (empty when none is waiting)."""
    fields = result.unsigned_fields
    if not fields:
        return ""
    noun = "signature field" if len(fields) == 1 else "signature fields"
    return f"{len(fields)} {noun} not yet signed: {', '.join(fields)}"


def _yes(value: bool) -> str:
    return "yes" if value else "NO"
