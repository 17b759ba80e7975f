"""Verifying one return bundle, in the order issue 12 sets (the first failure quarantines):

1. it decrypts with the study's collection key;
2. the reviewer's signature is intact and chains to this study's root (and the bundle names
   this study);
3. the signer is a reviewer this study enrolled (the certificate in the enrolment table, by
   fingerprint), not revoked before the bundle was signed (CMS signing time), and the
   bundle's reviewer ref is theirs;
4. every case in it is allocated to that reviewer (either reviewer of the pair: in a joint
   review the pair shares the case);
5. each canonical content hashes to its stated SHA-256 and validates against its definition;
6. each PDF hashes as stated, its PAdES signatures verify against the study root, it is
   signed by the reviewer, and each signature's /Reason states the content's SHA-256;
7. each review's audit entries chain to the head sealed in its content.

(8, a superseding version's predecessor being known or arriving in the same run, needs the
whole run: collector.py checks it.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.case import Case
from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.services.collection.checks import (
    Quarantined,
    check_audit,
    check_content,
    check_pdfs,
)
from reviewer_app.services.returns.format import (
    BundleRefusedError,
    OpenedBundle,
    ReturnItem,
    open_bundle,
)
from reviewer_app.services.trust.authority import fingerprint
from reviewer_app.storage.study.enrolments import Enrolment

Pair = tuple[str, str]

VERDICTS = (
    "decrypted",
    "reviewer_signature",
    "enrolled_unrevoked",
    "allocated",
    "content",
    "pdfs",
    "audit_chain",
)


@dataclass(frozen=True)
class StudyTrust:
    """What a bundle is checked against: read once per collection run."""

    study_id: str
    root: x509.Certificate
    collection_key: rsa.RSAPrivateKey
    collection_cert: x509.Certificate
    definition: ReviewDefinition
    enrolments: dict[str, Enrolment]  # by certificate fingerprint
    pairs: dict[str, Pair]  # the current allocation
    cases: dict[str, Case]  # the cohort


@dataclass(frozen=True)
class VerifiedItem:
    item: ReturnItem
    pdf_full: bytes
    pdf_taskforce: bytes


@dataclass(frozen=True)
class VerifiedBundle:
    opened: OpenedBundle
    items: list[VerifiedItem] = field(default_factory=list)

    @property
    def reviewer_ref(self) -> str:
        return self.opened.bundle.reviewer_ref


def open_verified(data: bytes, trust: StudyTrust) -> OpenedBundle:
    """Checks 1 to 3: decrypt, signature, enrolled and unrevoked signer."""
    try:
        opened = open_bundle(data, trust.collection_key, trust.collection_cert, trust.root)
    except BundleRefusedError as refused:
        raise Quarantined(refused.reason, str(refused)) from None
    bundle = opened.bundle
    if bundle.study_id != trust.study_id:
        raise Quarantined(QuarantineReason.OTHER_STUDY, "it names another study")
    enrolment = trust.enrolments.get(fingerprint(opened.signer_cert))
    if enrolment is None or enrolment.reviewer_ref != bundle.reviewer_ref:
        raise Quarantined(
            QuarantineReason.NOT_ENROLLED,
            f"signed by a certificate this study did not enrol for {bundle.reviewer_ref}",
        )
    if enrolment.revoked_at is not None and _signed_after(opened.signed_at, enrolment.revoked_at):
        raise Quarantined(
            QuarantineReason.REVOKED,
            f"signed after {bundle.reviewer_ref}'s certificate was revoked "
            f"({enrolment.revoked_at:%Y-%m-%d %H:%M} UTC)",
        )
    return opened


def _signed_after(signed_at: dt.datetime | None, revoked_at: dt.datetime) -> bool:
    """A bundle without a signing time counts as signed after any revocation. CMS signing
    times are whole seconds: one in the second of the revocation counts as after it."""
    return signed_at is None or signed_at >= revoked_at.replace(microsecond=0)


def verify(data: bytes, trust: StudyTrust) -> VerifiedBundle:
    """Every check but the predecessor's; raises :class:`Quarantined` at the first failure."""
    opened = open_verified(data, trust)
    ref = opened.bundle.reviewer_ref
    for item in opened.bundle.items:
        if ref not in trust.pairs.get(item.case_ref, ()):
            raise Quarantined(
                QuarantineReason.NOT_ALLOCATED,
                f"case {item.case_ref} is not allocated to {ref} (never, or no longer: "
                "reallocated or withdrawn)",
            )
    keys = [item.key() for item in opened.bundle.items]
    if len(set(keys)) != len(keys):
        raise Quarantined(QuarantineReason.INVALID_CONTENT, "it returns one version twice")
    for item in opened.bundle.items:
        check_content(item, trust.definition, trust.cases.get(item.case_ref))
    verified = []
    for item in opened.bundle.items:
        full, taskforce = check_pdfs(item, trust.root, ref)
        verified.append(VerifiedItem(item, full, taskforce))
    for item in opened.bundle.items:
        check_audit(item)
    return VerifiedBundle(opened, verified)
