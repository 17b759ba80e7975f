"""The study's collection key: the one key that opens returned reviews, and nothing else.

Key separation: the study root signs (packs, certificates) and never decrypts; reviewers
encrypt their returns to this certificate instead. It is issued by the root, for key
encipherment only, so it can neither sign a document nor issue a certificate, and it carries
no reviewer reference (``serialNumber``), so nothing it might sign could pass as a reviewer's.
Pure functions over keys: the study database keeps the private key, encrypted again under
the study passphrase like the root's.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from reviewer_app.services.trust.authority import AUTHORITY_KEY_BITS, issued_by_root, key_usage

COLLECTION_ROLE = "Collection of returned reviews"


def issue_collection_key(
    authority_key: rsa.RSAPrivateKey, root_cert: x509.Certificate
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A fresh decryption-only key pair and its certificate from the study root."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=AUTHORITY_KEY_BITS)
    study_name = root_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, str(study_name)),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, COLLECTION_ROLE),
        ]
    )
    cert = issued_by_root(
        subject,
        key.public_key(),
        key_usage(enciphers=True),
        root_cert=root_cert,
        authority_key=authority_key,
    ).sign(authority_key, hashes.SHA256())
    return key, cert
