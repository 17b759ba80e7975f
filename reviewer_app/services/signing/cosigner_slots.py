"""Co-reviewer identities held in this workspace, each under its owner's own passphrase.

A co-reviewer brings the identity (PKCS#12) exported from their own workspace; it is checked
to open, to be someone else's, and to come from this study's authority, then held in a slot
until it is removed. Co-signing with it is ``SignoffService.cosign``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature

from reviewer_app.services.signing.rules import SignoffRefusedError
from reviewer_app.services.trust.authority import fingerprint, load_certificate, reviewer_ref_of
from reviewer_app.services.trust.enrolment import import_pkcs12
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.identity_store import IdentityStore
from reviewer_app.storage.workspace.signatures import CosignerSlot, SignatureStore


class CosignerSlots:
    """The held co-reviewer identities of one workspace (its connection)."""

    def __init__(self, db: Database, *, clock: Callable[[], dt.datetime]) -> None:
        self._db = db
        self._store = SignatureStore(db, clock=clock)
        self._audit = AuditLog(db, clock=clock)

    def add(self, pkcs12: bytes, passphrase: str) -> CosignerSlot:
        """Hold a co-reviewer's exported identity (checked to open, kept under THEIR passphrase)."""
        opened = import_pkcs12(pkcs12, passphrase)
        own = IdentityStore(self._db).get()
        if own is not None and own.cert_pem is not None:
            own_cert = load_certificate(own.cert_pem)
            if own_cert.public_key().public_numbers() == opened.cert.public_key().public_numbers():  # type: ignore[union-attr]
                raise SignoffRefusedError(
                    "This is your own identity. The co-reviewer brings the identity file "
                    "exported from their own workspace."
                )
            _check_same_study(opened.cert, own.chain_pems)
        name_attrs = opened.cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        name = str(name_attrs[0].value) if name_attrs else "Co-reviewer"
        with self._db.transaction():
            slot_id = self._store.add_slot(
                pkcs12,
                reviewer_ref=reviewer_ref_of(opened.cert),
                name=name,
                cert_fingerprint=fingerprint(opened.cert),
            )
            self._audit.append(
                actor=(own.reviewer_ref if own else None) or "reviewer",
                action="cosigner_added",
                new={"slot": slot_id, "reviewer_ref": reviewer_ref_of(opened.cert)},
            )
        return self._store.slot(slot_id)

    def remove(self, slot_id: int) -> None:
        """Forget a held co-reviewer identity (after co-signing, or if brought by mistake)."""
        with self._db.transaction():
            if self._store.remove_slot(slot_id):
                self._audit.append(
                    actor="reviewer", action="cosigner_removed", new={"slot": slot_id}
                )

    def all(self) -> list[CosignerSlot]:
        return self._store.slots()


def _check_same_study(cert: x509.Certificate, chain_pems: Sequence[bytes]) -> None:
    for pem in chain_pems:
        root = load_certificate(pem)
        try:
            cert.verify_directly_issued_by(root)
        except (InvalidSignature, ValueError, TypeError):
            continue
        return
    raise SignoffRefusedError(
        "This co-reviewer's certificate was not issued by your study's authority, so their "
        "signature could not be verified against the study."
    )
