"""Keys and certificates for the crypto tests, made once per test session.

RSA key generation costs a noticeable fraction of a second per key, so every builder here
is cached for the whole run (session scope without fixture plumbing, which also keeps them
usable inside Hypothesis tests). Nothing here is secret: throwaway test identities.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.packs.format import PackCase, PackContent
from reviewer_app.services.trust.authority import (
    certificate_pem,
    create_study_authority,
    fingerprint,
    issue_reviewer_certificate,
)
from reviewer_app.services.trust.enrolment import create_identity


@dataclass(frozen=True)
class Authority:
    key: rsa.RSAPrivateKey
    root: x509.Certificate
    study_id: str
    study_name: str


@dataclass(frozen=True)
class Reviewer:
    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    ref: str
    request: bytes


@cache
def study_a() -> Authority:
    key, root = create_study_authority("STUDY-A", "Structured review A")
    return Authority(key, root, "STUDY-A", "Structured review A")


@cache
def study_b() -> Authority:
    key, root = create_study_authority("STUDY-B", "Structured review B")
    return Authority(key, root, "STUDY-B", "Structured review B")


@cache
def enrolment(name: str) -> tuple[rsa.RSAPrivateKey, bytes]:
    """One identity per name (doctor, GMC number and address derived from the name)."""
    slug = name.lower().replace(" ", ".")
    return create_identity(name, "doctor", "GMC 1234567", f"{slug}@example.nhs.uk")


def _reviewer(study: Authority, name: str, ref: str) -> Reviewer:
    key, request = enrolment(name)
    cert = issue_reviewer_certificate(study.key, study.root, request, ref)
    return Reviewer(key, cert, ref, request)


@cache
def alice() -> Reviewer:
    return _reviewer(study_a(), "Alice Example", "R01")


@cache
def bob() -> Reviewer:
    return _reviewer(study_a(), "Bob Example", "R02")


@cache
def carol_in_b() -> Reviewer:
    return _reviewer(study_b(), "Carol Example", "R01")


def pack_content(
    study: Authority | None = None,
    reviewer: Reviewer | None = None,
    case_count: int = 3,
    **overrides: object,
) -> PackContent:
    """A valid independent-review pack content; ``overrides`` replace any field."""
    study = study or study_a()
    reviewer = reviewer or alice()
    fields: dict[str, object] = {
        "pack_id": str(uuid.UUID(int=case_count)),
        "sequence": 1,
        "study_id": study.study_id,
        "study_name": study.study_name,
        "created_at": dt.datetime(2025, 3, 1, 9, 30, tzinfo=dt.UTC),
        "review_mode": ReviewMode.INDEPENDENT,
        "addressee_reviewer_ref": reviewer.ref,
        "addressee_cert_fingerprint": fingerprint(reviewer.cert),
        "study_root_cert_pem": certificate_pem(study.root),
        "reviewer_cert_pem": certificate_pem(reviewer.cert),
        "definition_id": "srm-default",
        "definition_version": "1",
        "definition": {"themes": [{"id": "t1", "title": "Admission"}]},
        "cases": [PackCase(case=c) for c in synthetic_cases(case_count, seed=7)],
        "withdrawn_case_refs": [],
    }
    fields.update(overrides)
    return PackContent.model_validate(fields)
