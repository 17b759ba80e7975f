"""The reviewer's identity, made and kept inside their encrypted workspace.

The key pair is generated here and stored only in the workspace database (encrypted by
SQLCipher); what leaves is the enrolment request (a CSR and the details, nothing secret).
The private key leaves the workspace only on the owner's explicit request, as a
passphrase-protected PKCS#12 file (needed to co-sign at a colleague's laptop).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.domain.panel import Profession
from reviewer_app.errors import DamagedFileError, InvalidInputError, UserError
from reviewer_app.services.passphrases import check_new_passphrase
from reviewer_app.services.trust import enrolment as identity
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.identity_store import IdentityStore, StoredIdentity

log = logging.getLogger(__name__)


def key_fingerprint(public_key: rsa.RSAPublicKey) -> str:
    """SHA-256 of the public key (SubjectPublicKeyInfo DER) in 16 groups of 4 hex digits.

    Both sides can compute it: the reviewer from their workspace, the coordinator from the
    enrolment request; reading it out by phone confirms the request came from the reviewer.
    """
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    digest = hashlib.sha256(der).hexdigest().upper()
    return " ".join(digest[i : i + 4] for i in range(0, 64, 4))


def load_private_key(stored: StoredIdentity) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(stored.private_key_pem, None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise DamagedFileError("The reviewer key in this workspace is of an unexpected kind.")
    return key


def require_identity(workspace: Workspace) -> StoredIdentity:
    stored = IdentityStore(workspace.db).get()
    if stored is None:
        raise UserError(
            "This workspace has no reviewer identity yet. Create it first "
            "(reviewer-app identity create ...), send the request to the coordinator, "
            "then import the pack they send you."
        )
    return stored


def create_reviewer_identity(
    workspace: Workspace,
    *,
    name: str,
    profession: str,
    registration: str,
    email: str | None,
    request_out: Path | None = None,
) -> bytes:
    """Make the reviewer's RSA-3072 key pair in the workspace; return the enrolment request.

    With ``request_out`` the request is also written there (atomically). Refused if the
    workspace already has an identity: a second key would orphan the first certificate.
    """
    store = IdentityStore(workspace.db)
    if store.exists():
        raise UserError(
            "This workspace already has a reviewer identity. Each workspace holds one; "
            "use a new workspace for another person."
        )
    if not email:
        raise InvalidInputError(
            "Your email address is needed: the study authority writes it into your "
            "certificate. Give it with --email."
        )
    if profession not in {p.value for p in Profession}:
        raise InvalidInputError("The profession must be doctor, nurse or other.")
    key, request = identity.create_identity(name, profession, registration, email)
    details = identity.read_enrolment_request(request).details
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    if request_out is not None:
        _write(request_out, request)
    store.create(
        pem,
        name=details.name,
        profession=details.profession.value,
        registration=details.registration,
        email=details.email,
    )
    log.info("created a reviewer identity in the workspace")
    return request


def identity_key_fingerprint(workspace: Workspace) -> str:
    return key_fingerprint(load_private_key(require_identity(workspace)).public_key())


def check_exportable(workspace: Workspace) -> StoredIdentity:
    """The identity, if it can be exported (it has its certificate); else a clear refusal."""
    stored = require_identity(workspace)
    if stored.cert_pem is None:
        raise UserError(
            "Your identity has no certificate yet: it arrives with your first assignment "
            "pack. Import that pack, then export again."
        )
    return stored


def export_identity(workspace: Workspace, passphrase: str, out: Path | None = None) -> bytes:
    """The identity as PKCS#12 (key, certificate, chain) under ``passphrase``.

    Only possible once enrolled: the certificate arrives with the first pack. The
    passphrase must be strong (``check_new_passphrase``): the file travels, and whoever
    holds it can try passphrases offline.
    """
    stored = check_exportable(workspace)
    if stored.cert_pem is None:  # pragma: no cover - check_exportable refused already
        raise UserError("Your identity has no certificate yet.")
    check_new_passphrase(passphrase)
    cert = x509.load_pem_x509_certificate(stored.cert_pem)
    chain = [x509.load_pem_x509_certificate(p) for p in stored.chain_pems]
    data = identity.export_pkcs12(load_private_key(stored), cert, chain, passphrase)
    if out is not None:
        atomic_write_bytes(out, data, mode=0o600)
    log.info("exported the reviewer identity as PKCS#12 on request")
    return data


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write_bytes(path, data)
    except OSError as err:
        raise UserError(
            f"Could not write {path.name}: {err.strerror or 'the folder cannot be written'}. "
            "Check the folder exists and you may write to it."
        ) from None
