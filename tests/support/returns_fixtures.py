"""What the return tests share: study A's collection key and a workspace ready to return."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.services.trust.authority import certificate_pem, fingerprint
from reviewer_app.services.trust.collection_key import issue_collection_key
from reviewer_app.storage.workspace.returns import ReturnStore
from tests.support.crypto_fixtures import study_a
from tests.support.signoff_fixtures import Bench, make_bench


@cache
def collection() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """Study A's collection key and certificate, made once per run (RSA keys are slow)."""
    return issue_collection_key(study_a().key, study_a().root)


def returning_bench(folder: Path, case_count: int = 4) -> Bench:
    """A signing bench whose workspace has pinned study A's collection certificate."""
    made = make_bench(folder, case_count=case_count)
    cert = collection()[1]
    ReturnStore(made.workspace.db).pin_collection_cert(certificate_pem(cert), fingerprint(cert), 1)
    return made
