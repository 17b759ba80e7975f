"""The study roots a signature check may trust: from a certificate file, or a workspace.

A ``--trust`` file may be DER (one certificate) or PEM: one certificate or several, with any
text around them, as ``openssl pkcs12 -nokeys`` writes ("Bag Attributes" lines before each
BEGIN line). Only study roots (self-signed CA certificates) in it become trust anchors: a
reviewer's own certificate in the same bundle is not one, or any certificate could vouch for
itself.

A workspace trusts the study root it pinned when its first assignment pack was imported
(``pack_import``; the schema refuses any later change). That root is what its sign-off and
pack checks trust, so a PDF checked against it is checked as the workspace would.
"""

from __future__ import annotations

import re

from cryptography import x509

from reviewer_app.errors import InvalidInputError, UserError
from reviewer_app.services.trust.authority import is_study_root, load_certificate
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.assignments import AssignmentStore

_PEM_CERTIFICATE = re.compile(
    rb"-----BEGIN CERTIFICATE-----\r?\n.+?\r?\n-----END CERTIFICATE-----", re.DOTALL
)


def read_certificates(data: bytes, source: str) -> tuple[x509.Certificate, ...]:
    """Every certificate in ``data`` (PEM bundle with any text around it, or DER)."""
    blocks = _PEM_CERTIFICATE.findall(data)
    if not blocks and b"-----BEGIN" not in data:
        try:
            return (x509.load_der_x509_certificate(data),)
        except ValueError:
            pass
    certs = []
    for number, block in enumerate(blocks, start=1):
        try:
            certs.append(x509.load_pem_x509_certificate(block))
        except ValueError:
            raise InvalidInputError(
                f"{source}: certificate {number} in the file is damaged (not a readable "
                "certificate). Get a fresh copy of the study root certificate."
            ) from None
    if not certs:
        raise InvalidInputError(
            f"{source} is not a readable certificate file: give the study root certificate "
            "as PEM (one or more certificates; text around them is fine) or as DER."
        )
    return tuple(certs)


def read_trust_anchors(data: bytes, source: str) -> tuple[x509.Certificate, ...]:
    """The study roots in a certificate file; refuses a file that holds none."""
    certs = read_certificates(data, source)
    roots = tuple(c for c in certs if is_study_root(c))
    if not roots:
        raise InvalidInputError(
            f"{source} holds {len(certs)} certificate(s) but no study root (a self-signed "
            "study authority certificate). Give the study root certificate the coordinator "
            "published, not a reviewer's certificate."
        )
    return roots


def workspace_study_roots(workspace: Workspace) -> tuple[x509.Certificate, ...]:
    """The study root this workspace pinned; refuses a workspace that has pinned none."""
    pinned = AssignmentStore(workspace.db).pinned_root()
    if pinned is None:
        raise UserError(
            "This workspace trusts no study root yet (it pins one when it imports its first "
            "assignment pack), so it cannot vouch for any signer. Give --trust ROOT_CERT."
        )
    return (load_certificate(pinned.cert_pem),)


__all__ = ["read_certificates", "read_trust_anchors", "workspace_study_roots"]
