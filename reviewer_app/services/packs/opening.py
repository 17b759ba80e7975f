"""Opening an assignment pack: decrypt, verify, read, in the order format.py's docstring
gives, each refusal with its own message and nothing changed.

The origin checks run on the header every format version keeps (``PackHeader``), so even a
newer pack is checked for where it came from before we say "update the app".
"""

from __future__ import annotations

import json

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import ValidationError

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.packs.format import (
    MAX_PACK_SEQUENCE,
    PACK_FORMAT_MINOR,
    PACK_FORMAT_VERSION,
    UNCHANGED,
    NewerPackError,
    OpenedPack,
    PackContent,
    PackHeader,
    PackRefusal,
    check_counts,
    check_pack_document,
    check_pack_file,
    refuse,
)
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import (
    fingerprint,
    is_study_root,
    load_certificate,
    parse_fingerprint,
)


def _decrypt(data: bytes, key: rsa.RSAPrivateKey, cert: x509.Certificate) -> bytes:
    check_pack_file(data)
    return cms.open_single_envelope(data, key, cert, _envelope_refusal)


def _envelope_refusal(problem: cms.EnvelopeProblem, recipients: int) -> Exception:
    if problem is cms.EnvelopeProblem.NOT_A_RECIPIENT:
        return refuse(
            PackRefusal.NOT_FOR_YOU,
            "This assignment pack was not made for you: it is encrypted for another "
            "reviewer. Check that you picked your own pack, or ask the coordinator.",
        )
    if problem is cms.EnvelopeProblem.DAMAGED:
        return refuse(
            PackRefusal.DAMAGED,
            "This assignment pack is addressed to you but is damaged and cannot be "
            "decrypted. Ask the coordinator to send it again.",
        )
    if problem is cms.EnvelopeProblem.NOT_AN_ENVELOPE:
        return refuse(
            PackRefusal.NOT_A_PACK,
            "This file is not an assignment pack (it is not an encrypted pack file).",
        )
    return refuse(
        PackRefusal.SEVERAL_RECIPIENTS,
        f"This assignment pack is encrypted for {recipients} people, but a pack is "
        "always for exactly one reviewer, so it is not opened: others may be able to "
        "read it. Tell the coordinator.",
    )


def _header(content: bytes) -> PackHeader | None:
    """The unverified header, after the bounds that make parsing safe (those refuse)."""
    check_pack_document(content)
    try:
        doc = json.loads(content.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    check_counts(doc)
    try:
        return PackHeader.model_validate(doc)
    except ValidationError:
        return None


def _root_inside(header: PackHeader) -> x509.Certificate | None:
    try:
        root = load_certificate(header.study_root_cert_pem)
    except InvalidInputError:
        return None
    try:
        return root if is_study_root(root) else None
    except UnsupportedAlgorithm:  # a key type no library knows: not a root of ours
        return None


def _verified(
    signed: bytes, pinned_root: x509.Certificate | None
) -> tuple[PackHeader | None, x509.Certificate | None, cms.CmsVerdict, bytes]:
    """The header and root the pack claims, and its signature checked against the pinned
    root (or, for a first pack, the root it claims); refused if damaged or altered."""
    try:
        parsed = cms.AttachedSignature(signed)  # parsed once: read the claim, then verify it
    except cms.NotSignedDataError:
        raise refuse(
            PackRefusal.DAMAGED,
            "This assignment pack is damaged: its signed part cannot be read. "
            "Ask the coordinator to send it again.",
        ) from None
    header = _header(parsed.unverified_content)
    root = _root_inside(header) if header is not None else None
    anchor = pinned_root if pinned_root is not None else root
    try:
        verdict, content = parsed.verify([anchor] if anchor is not None else [])
    except cms.NotSignedDataError:
        raise refuse(
            PackRefusal.DAMAGED, "This assignment pack is damaged: its signature cannot be read."
        ) from None
    if not verdict.intact:
        raise refuse(
            PackRefusal.TAMPERED,
            "This assignment pack has been altered since the study authority signed it, so "
            "it cannot be trusted. Ask the coordinator to send it again.",
        )
    return header, root, verdict, content


def _check_origin(
    header: PackHeader | None,
    root: x509.Certificate | None,
    verdict: cms.CmsVerdict,
    pinned_root: x509.Certificate | None,
    reviewer_cert: x509.Certificate,
) -> tuple[PackHeader, x509.Certificate]:
    """A pack, from our study's authority, addressed to us, in a format we read: else refused
    (in this order, so a newer pack is still checked for origin first)."""
    if header is None:
        raise refuse(
            PackRefusal.NOT_A_PACK,
            "This file is signed but is not an assignment pack this app can read.",
        )
    if root is None:
        raise refuse(
            PackRefusal.FORGED,
            "This assignment pack does not carry a valid study authority certificate, so "
            "it may be forged. Tell the coordinator.",
        )
    if pinned_root is not None and root != pinned_root:
        raise refuse(
            PackRefusal.OTHER_STUDY,
            "This assignment pack comes from another study: its study authority "
            f"(fingerprint {fingerprint(root)}) is not the one this workspace trusts "
            f"({fingerprint(pinned_root)}).",
        )
    if verdict.signer != root or not verdict.trusted:
        raise refuse(
            PackRefusal.FORGED,
            "This assignment pack was not signed by the study authority, so it may be "
            "forged. Tell the coordinator.",
        )
    if _fp_or_none(header.addressee_cert_fingerprint) != fingerprint(reviewer_cert):
        raise refuse(
            PackRefusal.NOT_FOR_YOU,
            "This assignment pack is addressed to another reviewer, although it was "
            "encrypted for you. Tell the coordinator.",
        )
    if header.format_version > PACK_FORMAT_VERSION:
        raise NewerPackError(
            f"This assignment pack uses format version {header.format_version}, made by a "
            f"newer version of the app (this one reads up to version {PACK_FORMAT_VERSION})."
            " Update the app, then open the pack again." + UNCHANGED
        )
    if header.format_minor > PACK_FORMAT_MINOR:
        raise NewerPackError(
            f"This assignment pack uses format version {header.format_version}."
            f"{header.format_minor}, made by a newer version of the app (this one reads up "
            f"to version {PACK_FORMAT_VERSION}.{PACK_FORMAT_MINOR}). Update the app, then "
            "open the pack again." + UNCHANGED
        )
    return header, root


def open_pack(
    data: bytes,
    reviewer_key: rsa.RSAPrivateKey,
    reviewer_cert: x509.Certificate,
    pinned_root: x509.Certificate | None,
) -> OpenedPack:
    """Decrypt, verify and read a pack; refuse it with a distinct message otherwise.

    With ``pinned_root`` None (first pack of a study) the pack's own root is used, and
    returned so the caller can show its fingerprint and ask the user to confirm it.
    """
    signed = _decrypt(data, reviewer_key, reviewer_cert)
    header, claimed_root, verdict, content = _verified(signed, pinned_root)
    _, root = _check_origin(header, claimed_root, verdict, pinned_root, reviewer_cert)
    return OpenedPack(
        content=_read_content(content, reviewer_cert),
        root_cert=root,
        root_fingerprint=fingerprint(root),
        signed_at=verdict.signing_time,
    )


def _fp_or_none(text: str) -> str | None:
    try:
        return parse_fingerprint(text)
    except InvalidInputError:
        return None


def _read_content(content: bytes, reviewer_cert: x509.Certificate) -> PackContent:
    """Full validation, once origin and addressee are settled (messages carry no values)."""
    try:
        pack = PackContent.model_validate_json(content)
    except ValidationError as err:
        where = sorted({".".join(str(p) for p in e["loc"][:1]) or "document" for e in err.errors()})
        bound = (
            f" A pack number (sequence) runs from 1 to {MAX_PACK_SEQUENCE:,}."
            if "sequence" in where
            else ""
        )
        raise refuse(
            PackRefusal.NOT_A_PACK,
            "This assignment pack is signed by your study authority but its contents are "
            f"not valid (problem in: {', '.join(where)}).{bound} Tell the coordinator.",
        ) from None
    try:
        named = load_certificate(pack.reviewer_cert_pem)
    except InvalidInputError:
        named = None
    if named != reviewer_cert:
        raise refuse(
            PackRefusal.NOT_FOR_YOU,
            "This assignment pack names a different reviewer certificate than yours. "
            "Tell the coordinator.",
        )
    return pack
