"""A signer's profession and registration as their certificate states them.

The co-reviewer's box and signature row show what the certificate the study authority issued
says, not what someone typed at the laptop. The certificate's subject carries the profession
as ``title`` (2.5.4.12) and the professional registration (e.g. "GMC 1234567") under
``OID_REGISTRATION``; a certificate issued before they were added says neither, and then the
row reads "Not recorded in the certificate".
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID, ObjectIdentifier

from reviewer_app.services.trust.authority import OID_REGISTRATION

NOT_IN_CERTIFICATE = "Not recorded in the certificate"


@dataclass(frozen=True)
class CertifiedDetails:
    profession: str
    registration: str | None

    def stamp_lines(self) -> tuple[str, str]:
        """What the visible signature stamp says of the signer (from the certificate)."""
        return (
            f"Profession: {self.profession}",
            f"Registration: {self.registration or NOT_IN_CERTIFICATE.lower()}",
        )


def _attribute(cert: x509.Certificate, oid: ObjectIdentifier) -> str | None:
    found = cert.subject.get_attributes_for_oid(oid)
    if len(found) != 1:
        return None
    value = found[0].value
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split()) or None


def signer_details_of(cert: x509.Certificate) -> CertifiedDetails:
    """The profession (capitalised) and registration the certificate states."""
    profession = _attribute(cert, NameOID.TITLE)
    return CertifiedDetails(
        profession=profession[:1].upper() + profession[1:] if profession else NOT_IN_CERTIFICATE,
        registration=_attribute(cert, OID_REGISTRATION),
    )
