"""Finding the reviewer's certificate to decrypt an assignment pack with (``importer``).

The reviewer's certificate travels inside the pack, so before the first pack the workspace
holds only the key: the envelope is decrypted with the key alone to read the certificate the
pack names (unverified), which must hold our key; ``opening.open_pack`` then does every real
check with it. Nothing read here is trusted.
"""

from __future__ import annotations

import json

from asn1crypto import cms as asn1_cms  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from reviewer_app.services.packs.format import check_pack_document
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import load_certificate


def _decrypt_with_key(data: bytes, key: rsa.RSAPrivateKey) -> bytes | None:
    """Decrypt a single-recipient envelope with the key alone; None if it will not open.

    Only used to read which certificate the pack names; nothing read here is trusted.
    """
    info = asn1_cms.ContentInfo.load(data, strict=True)
    if info["content_type"].native != "enveloped_data":
        return None
    envelope = info["content"]
    encrypted = envelope["encrypted_content_info"]
    algorithm = encrypted["content_encryption_algorithm"]
    if algorithm["algorithm"].native != "aes256_cbc":
        return None
    iv = algorithm["parameters"].native
    ciphertext = encrypted["encrypted_content"].native
    for recipient in envelope["recipient_infos"]:
        if recipient.name != "ktri":
            continue
        try:
            content_key = key.decrypt(recipient.chosen["encrypted_key"].native, padding.PKCS1v15())
        except ValueError:
            continue
        if len(content_key) != 32:
            continue
        decryptor = Cipher(algorithms.AES256(content_key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(ciphertext) + decryptor.finalize()
        unpadder = sym_padding.PKCS7(128).unpadder()
        try:
            return unpadder.update(padded) + unpadder.finalize()
        except ValueError:
            continue
    return None


def _same_key(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> bool:
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    der = serialization.Encoding.DER
    return cert.public_key().public_bytes(der, spki) == key.public_key().public_bytes(der, spki)


def certificate_in(data: bytes, key: rsa.RSAPrivateKey) -> x509.Certificate | None:
    """The reviewer certificate the pack names, if the pack opens with our key and names ours.

    A document beyond the pack bounds is refused here already, with the bound it broke.
    """
    try:
        signed = _decrypt_with_key(data, key)
        if signed is None:
            return None
        claimed = cms.unverified_content(signed)
    except Exception:  # any failure: the real checks in open_pack will say what is wrong
        return None
    check_pack_document(claimed)
    try:
        doc = json.loads(claimed.decode("utf-8"))
        cert = load_certificate(str(doc["reviewer_cert_pem"]))
    except Exception:  # any failure: the real checks in open_pack will say what is wrong
        return None
    return cert if _same_key(cert, key) else None


def not_an_envelope(data: bytes) -> bool:
    try:
        info = asn1_cms.ContentInfo.load(data, strict=True)
        return bool(info["content_type"].native != "enveloped_data")
    except Exception:  # asn1crypto raises many types on garbage
        return True
