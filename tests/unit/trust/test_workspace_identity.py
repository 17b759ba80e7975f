"""The reviewer's identity: made inside the encrypted workspace, exported only on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from reviewer_app.errors import InvalidInputError, UserError, WrongPassphraseError
from reviewer_app.services.passphrases import WeakPassphraseError
from reviewer_app.services.trust.enrolment import import_pkcs12, read_enrolment_request
from reviewer_app.services.trust.workspace_identity import key_fingerprint, load_private_key
from tests.support.study_fixtures import World, new_workspace, world


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "worlds"


def test_identity_is_created_in_the_workspace_with_a_valid_request(tmp_path: Path) -> None:
    session, request = new_workspace(tmp_path / "ws", "R01")
    with session:
        assert session.has_identity()
        stored = session.identity()
        assert stored is not None
        assert stored.cert_pem is None and stored.chain_pems == () and stored.reviewer_ref is None
        assert (stored.name, stored.profession, stored.registration) == (
            "Reviewer R01",
            "doctor",
            "GMC 1234567",
        )
        key = load_private_key(stored)
        assert key.key_size == 3072
        checked = read_enrolment_request(request)
        assert checked.csr().public_key().public_numbers() == key.public_key().public_numbers()
        assert session.key_fingerprint() == key_fingerprint(key.public_key())
        assert b"PRIVATE KEY" not in request


def test_the_request_file_is_written_atomically_where_asked(tmp_path: Path) -> None:
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.storage.keys import TEST_KDF

    out = tmp_path / "request.json"
    with ReviewerSession.create(tmp_path / "ws", "workspace passphrase", kdf=TEST_KDF) as s:
        request = s.create_identity(
            name="A Reviewer",
            profession="nurse",
            registration="NMC 12A3456E",
            email="a@example.nhs.uk",
            request_out=out,
        )
    assert out.read_bytes() == request
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_private_key_never_reaches_the_disk_in_plaintext(tmp_path: Path) -> None:
    session, _ = new_workspace(tmp_path / "ws", "R01")
    with session:
        identity = session.identity()
        assert identity is not None
        der = load_private_key(identity).private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    for path in (tmp_path / "ws").rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            assert b"PRIVATE KEY" not in blob
            assert der[-64:] not in blob


def test_a_second_identity_and_missing_details_are_refused(tmp_path: Path) -> None:
    session, _ = new_workspace(tmp_path / "ws", "R01")
    with session, pytest.raises(UserError, match="already has a reviewer identity"):
        session.create_identity(
            name="X", profession="doctor", registration="GMC 1", email="x@example.nhs.uk"
        )
    from reviewer_app.services.session import ReviewerSession
    from reviewer_app.storage.keys import TEST_KDF

    with ReviewerSession.create(tmp_path / "ws2", "workspace passphrase", kdf=TEST_KDF) as s:
        with pytest.raises(InvalidInputError, match="email"):
            s.create_identity(name="X", profession="doctor", registration="GMC 1", email=None)
        with pytest.raises(InvalidInputError, match="profession"):
            s.create_identity(
                name="X", profession="surgeon", registration="GMC 1", email="x@example.nhs.uk"
            )
        assert not s.has_identity()


def test_export_needs_a_certificate_first(tmp_path: Path) -> None:
    session, _ = new_workspace(tmp_path / "ws", "R01")
    with session, pytest.raises(UserError, match="first assignment"):
        session.export_identity("export passphrase", tmp_path / "id.p12")
    assert not (tmp_path / "id.p12").exists()


def test_export_after_enrolment_is_a_pkcs12_under_the_passphrase(
    tmp_path: Path, template_root: Path
) -> None:
    w: World = world(tmp_path, template_root)
    made = w.make_packs()
    out = tmp_path / "id.p12"
    with w.session("R01") as session:
        session.import_pack(made["R01"].read_bytes(), trust_fingerprint=w.fingerprint())
        with pytest.raises(InvalidInputError, match="at least 10"):
            session.export_identity("short", out)
        for weak in ("aaaaaaaaaa", "Password123!", "qwertyuiop12"):
            with pytest.raises(WeakPassphraseError, match="too easy to guess"):
                session.export_identity(weak, out)
        assert not out.exists()
        session.export_identity("export passphrase", out)
        identity = session.identity()
    assert identity is not None
    opened = import_pkcs12(out.read_bytes(), "export passphrase")
    key = load_private_key(identity)
    assert opened.key.public_key().public_numbers() == key.public_key().public_numbers()
    assert len(opened.chain) == 1
    assert out.stat().st_mode & 0o777 == 0o600
    with pytest.raises(WrongPassphraseError):
        import_pkcs12(out.read_bytes(), "wrong passphrase")
