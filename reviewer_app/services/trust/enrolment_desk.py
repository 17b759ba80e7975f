"""Enrolling a reviewer: the coordinator checks their request and the study authority
certifies their key.

The request's details are compared with the panel's: a different name, profession or
registration is noted; a different email is a warning to act on before making packs (phone
the reviewer on the panel's details and compare the key fingerprint), because a pack is
readable only by the key enrolled here.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.panel import Reviewer
from reviewer_app.errors import InvalidInputError, NotFoundError, UserError
from reviewer_app.services.study import Study
from reviewer_app.services.trust import authority
from reviewer_app.services.trust.enrolment import EnrolmentRequest, read_enrolment_request
from reviewer_app.services.trust.workspace_identity import key_fingerprint
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.study.enrolments import EnrolmentStore
from reviewer_app.storage.study.panel import PanelStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EnrolmentResult:
    reviewer_ref: str
    name: str
    key_fingerprint: str  # read out by phone: the reviewer sees the same in their app
    cert_fingerprint: str
    replaced_fingerprint: str | None
    notes: list[str]
    warnings: list[str] = field(default_factory=list)  # to act on before making packs


def _email_key(address: str) -> str:
    """An address as compared: case and surrounding spaces do not matter."""
    return address.strip().casefold()


def _panel_reviewer(study: Study, reviewer_ref: str) -> Reviewer:
    reviewer = PanelStore(study.db).get(reviewer_ref)
    if reviewer is None:
        raise NotFoundError(
            f"There is no reviewer {reviewer_ref} on this study's panel. Check the "
            "reference, or add the reviewer to the panel first."
        )
    return reviewer


def _request_key_fingerprint(checked: EnrolmentRequest) -> str:
    public_key = checked.csr().public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise InvalidInputError("The key in this enrolment request is not an RSA key.")
    return key_fingerprint(public_key)


def _differences(
    checked: EnrolmentRequest, reviewer: Reviewer, ref: str
) -> tuple[list[str], list[str]]:
    """What in the request differs from the panel: notes, and warnings to act on."""
    details = checked.details
    notes = []
    if details.name != reviewer.name:
        notes.append("the name in the request differs from the panel's")
    if details.profession.value != reviewer.profession.value:
        notes.append("the profession in the request differs from the panel's")
    if reviewer.registration and details.registration != reviewer.registration:
        notes.append("the registration in the request differs from the panel's")
    warnings = []
    if reviewer.email and _email_key(details.email) != _email_key(reviewer.email):
        warnings.append(
            f"the email in the request ({details.email}) is not the panel's email "
            f"for {ref} ({reviewer.email}). Before making packs, phone "
            f"{ref} on the panel's contact details and check the key fingerprint; "
            "if the request is not theirs, enrol their own request with --replace."
        )
    return notes, warnings


def enrol(
    study: Study, request: bytes, reviewer_ref: str, *, replace: bool = False
) -> EnrolmentResult:
    """Check a request and issue the reviewer's certificate from the study authority."""
    checked = read_enrolment_request(request)
    reviewer = _panel_reviewer(study, reviewer_ref)
    key_fp = _request_key_fingerprint(checked)
    enrolments = EnrolmentStore(study.db)
    current = enrolments.active(reviewer_ref)
    if any(e.revoked and e.key_fingerprint == key_fp for e in enrolments.history(reviewer_ref)):
        raise UserError(
            f"This request carries the key of {reviewer_ref}'s revoked certificate. A revoked "
            "reviewer re-enrols with a new identity: ask them to make a new workspace (or a "
            "new enrolment request from a new identity) and send that request."
        )
    if current is not None and not replace:
        same = current.key_fingerprint == key_fp
        raise UserError(
            f"{reviewer_ref} is already enrolled "
            + ("with this same key" if same else "with another key")
            + ". To issue a new certificate (lost laptop, new workspace), enrol again "
            "with --replace."
        )
    replaced = None if current is None else current.fingerprint
    root_key, root_cert = study.signing_authority()
    cert = authority.issue_reviewer_certificate(
        root_key, root_cert, checked, reviewer_ref, replace_existing_fp=replaced
    )
    cert_fp = authority.fingerprint(cert)
    enrolments.add(reviewer_ref, authority.certificate_pem(cert), cert_fp, key_fp)
    notes, warnings = _differences(checked, reviewer, reviewer_ref)
    log.info("enrolled reviewer %s%s", reviewer_ref, " (replacement)" if current else "")
    return EnrolmentResult(
        reviewer_ref=reviewer_ref,
        name=checked.details.name,
        key_fingerprint=key_fp,
        cert_fingerprint=cert_fp,
        replaced_fingerprint=replaced,
        notes=notes,
        warnings=warnings,
    )


@dataclass(frozen=True)
class RevocationResult:
    reviewer_ref: str
    cert_fingerprint: str
    revoked_at: dt.datetime
    reason: str
    already: bool  # it was revoked before: the first time and reason stand


MAX_REVOKE_REASON = 500


def revoke(
    study: Study,
    reviewer_ref: str,
    reason: str,
    *,
    clock: Callable[[], dt.datetime] = utc_now,
) -> RevocationResult:
    """Revoke the reviewer's current certificate from now on.

    Packs are no longer made for it; returns it signs after this moment (by their CMS
    signing time) are quarantined at collection; reviews it signed before stay valid. The
    reviewer re-enrols with a new identity (``enrol --replace``).
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInputError('Give the reason for the revocation, e.g. --reason "laptop lost".')
    if len(reason) > MAX_REVOKE_REASON:
        raise InvalidInputError(
            f"The reason is {len(reason)} characters; keep it under {MAX_REVOKE_REASON}."
        )
    _panel_reviewer(study, reviewer_ref)
    enrolments = EnrolmentStore(study.db, clock=clock)
    current = enrolments.active(reviewer_ref)
    if current is None:
        raise NotFoundError(f"{reviewer_ref} has no certificate to revoke: they are not enrolled.")
    already = current.revoked
    revoked = enrolments.revoke(reviewer_ref, reason) if not already else current
    assert revoked is not None and revoked.revoked_at is not None
    log.info("revoked the certificate of reviewer %s", reviewer_ref)
    return RevocationResult(
        reviewer_ref=reviewer_ref,
        cert_fingerprint=revoked.fingerprint,
        revoked_at=revoked.revoked_at,
        reason=revoked.revoke_reason or reason,
        already=already,
    )
