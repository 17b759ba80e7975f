"""pyHanko's in-memory signer, holding the parsed private key (shared by CMS and PAdES).

pyHanko's ``SimpleSigner`` keeps the key as DER and loads it again for every signature,
and loading runs OpenSSL's full RSA key check: ~0.13 s per signature for a 3072-bit key,
paid per pack, per return and twice per signed PDF. :class:`KeySigner` signs with the
``cryptography`` key object the caller already holds (checked once, when it was loaded).
The signatures are the same: RSA PKCS#1 v1.5 with SHA-256, as ``SimpleSigner`` makes them
for an RSA key.
"""

from __future__ import annotations

from collections.abc import Sequence

from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reviewer_app.errors import UserError

DIGEST = "sha256"
"""The only digest this app signs with."""


class UnsupportedDigestError(UserError):
    """A signature with another digest than SHA-256 was asked for."""


def asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    """The asn1crypto form of a certificate, as pyHanko takes it."""
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


class KeySigner(SimpleSigner):  # type: ignore[misc]
    """pyHanko's SimpleSigner, signing with a key object we already hold.

    ``chain`` is embedded in the signature for verifiers (with ``cert`` itself).
    """

    def __init__(
        self,
        key: rsa.RSAPrivateKey,
        cert: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        der_key = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        store = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        store.register_multiple([asn1_cert(c) for c in chain])
        super().__init__(
            signing_cert=asn1_cert(cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=store,
        )
        self._key = key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        return self.sign_raw(data, digest_algorithm)

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if digest_algorithm != DIGEST:
            raise UnsupportedDigestError("Only SHA-256 signatures are made by this app.")
        return self._key.sign(data, padding.PKCS1v15(), hashes.SHA256())
