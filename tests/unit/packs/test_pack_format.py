"""Assignment packs: built for one reviewer, refused with a distinct message when wrong."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms as asn1_cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.ciphers import algorithms
from cryptography.hazmat.primitives.serialization import pkcs7
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.errors import NewerVersionError, UserError
from reviewer_app.services.packs.format import (
    MAX_PACK_BYTES,
    MAX_PACK_CASES,
    MAX_PACK_DEPTH,
    MAX_PACK_JSON_BYTES,
    MAX_PACK_SEQUENCE,
    PACK_FORMAT_VERSION,
    NewerPackError,
    PackCase,
    PackContent,
    PackRefusal,
    PackRefusedError,
    build_pack,
)
from reviewer_app.services.packs.opening import open_pack
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import (
    certificate_pem,
    create_study_authority,
    fingerprint,
    serialise_private_key,
)
from tests.support.crypto_fixtures import (
    Authority,
    Reviewer,
    alice,
    bob,
    carol_in_b,
    pack_content,
    study_a,
    study_b,
)

OPENSSL = shutil.which("openssl")
FUZZ = settings(
    max_examples=150,
    deadline=None,
    # The autouse app-home fixture only sets environment variables: safe to share.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@cache
def alices_pack() -> bytes:
    study = study_a()
    return build_pack(pack_content(), study.key, study.root, alice().cert)


def _refusal(data: bytes, reviewer: Reviewer, pinned: x509.Certificate | None) -> PackRefusedError:
    with pytest.raises(PackRefusedError) as caught:
        open_pack(data, reviewer.key, reviewer.cert, pinned)
    assert "Nothing has been changed" in str(caught.value)
    return caught.value


def _signed_part(pack: bytes, reviewer: Reviewer) -> bytes:
    return cms.open_envelope(pack, reviewer.key, reviewer.cert)


def _hand_made_pack(
    doc: dict[str, Any] | bytes,
    signer_key: Any,
    signer_cert: x509.Certificate,
    recipient: x509.Certificate,
) -> bytes:
    """A pack assembled without build_pack's checks, as an attacker or a bug would."""
    payload = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return cms.envelope(cms.sign_attached(payload, signer_key, signer_cert), recipient)


def _content_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = pack_content().model_dump(mode="json")
    doc.update(overrides)
    return doc


# --- the good path --------------------------------------------------------------------------


def test_a_pack_opens_for_its_reviewer_with_the_pinned_root() -> None:
    opened = open_pack(alices_pack(), alice().key, alice().cert, study_a().root)
    assert opened.content == pack_content()
    assert opened.root_cert == study_a().root
    assert opened.root_fingerprint == fingerprint(study_a().root)
    assert opened.signed_at is not None


def test_first_pack_returns_the_root_for_the_user_to_confirm() -> None:
    opened = open_pack(alices_pack(), alice().key, alice().cert, None)
    assert opened.root_cert == study_a().root
    assert opened.root_fingerprint == fingerprint(study_a().root)


def test_the_pack_is_encrypted_to_its_reviewer_alone() -> None:
    pack = alices_pack()
    info = asn1_cms.ContentInfo.load(pack)
    assert info["content_type"].native == "enveloped_data"
    recipients = list(info["content"]["recipient_infos"])
    assert len(recipients) == 1
    rid = recipients[0].chosen["rid"]
    assert rid.name == "issuer_and_serial_number"
    issuer_der = alice().cert.issuer.public_bytes()
    assert rid.chosen["issuer"].dump() == issuer_der
    assert rid.chosen["serial_number"].native == alice().cert.serial_number
    algorithm = info["content"]["encrypted_content_info"]["content_encryption_algorithm"]
    assert algorithm["algorithm"].native == "aes256_cbc"
    for marker in (b"assignment-pack", pack_content().cases[0].case.family_name.encode()):
        assert marker not in pack
    refused = _refusal(pack, bob(), study_a().root)
    assert refused.reason is PackRefusal.NOT_FOR_YOU
    assert "encrypted for another reviewer" in str(refused)


def test_the_inner_layer_is_root_signed_canonical_json() -> None:
    signed = _signed_part(alices_pack(), alice())
    info = asn1_cms.ContentInfo.load(signed)
    assert info["content_type"].native == "signed_data"
    encap = info["content"]["encap_content_info"]
    assert encap["content_type"].native == "data"
    assert encap["content"].native == pack_content().to_json_bytes()
    verdict, _ = cms.verify_attached(signed, [study_a().root])
    assert verdict.signer == study_a().root


def test_a_joint_pack_carries_co_reviewers() -> None:
    content = pack_content(
        review_mode=ReviewMode.JOINT,
        cases=[
            PackCase(case=c.case, co_reviewer_ref="R02", co_reviewer_name="Bob Example")
            for c in pack_content().cases
        ],
        withdrawn_case_refs=["NSR-9999"],
        sequence=4,
    )
    study = study_a()
    pack = build_pack(content, study.key, study.root, alice().cert)
    opened = open_pack(pack, alice().key, alice().cert, study.root)
    assert opened.content.review_mode is ReviewMode.JOINT
    assert opened.content.cases[0].co_reviewer_name == "Bob Example"
    assert opened.content.withdrawn_case_refs == ["NSR-9999"]


def test_a_400_case_pack_round_trips() -> None:
    study = study_a()
    content = pack_content(case_count=400)
    pack = build_pack(content, study.key, study.root, alice().cert)
    opened = open_pack(pack, alice().key, alice().cert, study.root)
    assert opened.content == content


# --- each refusal has its own reason and message --------------------------------------------


@pytest.mark.parametrize("garbage", [b"", b"hello", b"\x30\x80\x00\x00", b"\x00" * 1000])
def test_garbage_is_not_a_pack(garbage: bytes) -> None:
    refused = _refusal(garbage, alice(), study_a().root)
    assert refused.reason is PackRefusal.NOT_A_PACK
    assert "not an assignment pack" in str(refused)


def test_a_signed_file_that_is_not_a_pack_is_refused() -> None:
    study = study_a()
    other = _hand_made_pack(b'{"hello": "world"}', study.key, study.root, alice().cert)
    refused = _refusal(other, alice(), study.root)
    assert refused.reason is PackRefusal.NOT_A_PACK
    assert "signed but is not an assignment pack" in str(refused)


def test_a_tampered_pack_is_refused() -> None:
    """Someone who can decrypt (the reviewer, or a thief of their key) edits the content
    and re-encrypts it: the root's signature no longer matches."""
    info = asn1_cms.ContentInfo.load(_signed_part(alices_pack(), alice()))
    encap = info["content"]["encap_content_info"]
    original = encap["content"].native
    family = pack_content().cases[0].case.family_name.encode()
    encap["content"] = original.replace(family, b"Tampered", 1)
    repacked = cms.envelope(info.dump(force=True), alice().cert)
    refused = _refusal(repacked, alice(), study_a().root)
    assert refused.reason is PackRefusal.TAMPERED
    assert "altered since the study authority signed it" in str(refused)


def test_a_damaged_pack_is_refused() -> None:
    info = asn1_cms.ContentInfo.load(alices_pack())
    eci = info["content"]["encrypted_content_info"]
    eci["encrypted_content"] = eci["encrypted_content"].native[:-7]
    refused = _refusal(info.dump(force=True), alice(), study_a().root)
    assert refused.reason is PackRefusal.DAMAGED
    assert "damaged" in str(refused)


def _impostor() -> Authority:
    """A fake authority that copies the real root's name (but not its key)."""
    key, _ = create_study_authority("STUDY-A", "Structured review A")
    real = study_a().root
    root = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(key.public_key())
        .serial_number(real.serial_number)
        .not_valid_before(real.not_valid_before_utc)
        .not_valid_after(real.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(key, root, "STUDY-A", "Structured review A")


def test_a_pack_signed_by_an_impostor_key_is_forged() -> None:
    fake = _impostor()
    forged = _hand_made_pack(_content_doc(), fake.key, fake.root, alice().cert)
    refused = _refusal(forged, alice(), study_a().root)
    assert refused.reason is PackRefusal.FORGED
    assert "not signed by the study authority" in str(refused)


def test_a_pack_signed_by_a_reviewer_is_forged_although_their_cert_chains_to_the_root() -> None:
    forged = _hand_made_pack(_content_doc(), bob().key, bob().cert, alice().cert)
    refused = _refusal(forged, alice(), study_a().root)
    assert refused.reason is PackRefusal.FORGED


def test_on_first_use_the_signer_must_still_be_the_root_inside_the_pack() -> None:
    other = study_b()
    forged = _hand_made_pack(_content_doc(), other.key, other.root, alice().cert)
    refused = _refusal(forged, alice(), None)
    assert refused.reason is PackRefusal.FORGED


def test_a_pack_without_a_valid_root_inside_is_forged() -> None:
    study = study_a()
    doc = _content_doc(study_root_cert_pem=certificate_pem(alice().cert))
    forged = _hand_made_pack(doc, study.key, study.root, alice().cert)
    refused = _refusal(forged, alice(), None)
    assert refused.reason is PackRefusal.FORGED
    assert "does not carry a valid study authority certificate" in str(refused)


def test_a_pack_from_another_study_is_refused() -> None:
    other = study_b()
    carol = carol_in_b()
    content = pack_content(study=other, reviewer=carol)
    pack_from_b = build_pack(content, other.key, other.root, carol.cert)
    refused = _refusal(pack_from_b, carol, study_a().root)
    assert refused.reason is PackRefusal.OTHER_STUDY
    assert fingerprint(other.root) in str(refused)
    assert "another study" in str(refused)


def test_a_pack_addressed_to_someone_else_but_encrypted_to_us_is_refused() -> None:
    study = study_a()
    doc = pack_content(reviewer=bob()).model_dump(mode="json")
    misdirected = _hand_made_pack(doc, study.key, study.root, alice().cert)
    refused = _refusal(misdirected, alice(), study.root)
    assert refused.reason is PackRefusal.NOT_FOR_YOU
    assert "addressed to another reviewer" in str(refused)


def test_a_pack_naming_another_reviewer_certificate_is_refused() -> None:
    study = study_a()
    doc = _content_doc(reviewer_cert_pem=certificate_pem(bob().cert))
    odd = _hand_made_pack(doc, study.key, study.root, alice().cert)
    refused = _refusal(odd, alice(), study.root)
    assert refused.reason is PackRefusal.NOT_FOR_YOU
    assert "different reviewer certificate" in str(refused)


def test_a_newer_format_is_refused_with_update_advice() -> None:
    study = study_a()
    doc = _content_doc(format_version=3, something_new={"x": 1})
    newer = _hand_made_pack(doc, study.key, study.root, alice().cert)
    with pytest.raises(NewerPackError) as caught:
        open_pack(newer, alice().key, alice().cert, study.root)
    assert isinstance(caught.value, NewerVersionError)
    assert caught.value.reason is PackRefusal.NEWER_FORMAT
    assert "format version 3" in str(caught.value) and "Update the app" in str(caught.value)


def test_a_newer_format_from_another_study_is_refused_for_its_origin_first() -> None:
    other = study_b()
    doc = pack_content(study=other, reviewer=carol_in_b()).model_dump(mode="json")
    doc["format_version"] = 9
    newer = _hand_made_pack(doc, other.key, other.root, carol_in_b().cert)
    refused = _refusal(newer, carol_in_b(), study_a().root)
    assert refused.reason is PackRefusal.OTHER_STUDY


def test_signed_but_invalid_content_is_refused_without_echoing_values() -> None:
    study = study_a()
    doc = _content_doc()
    doc["cases"][0]["case"]["nhs_number"] = 12345
    bad = _hand_made_pack(doc, study.key, study.root, alice().cert)
    refused = _refusal(bad, alice(), study.root)
    assert refused.reason is PackRefusal.NOT_A_PACK
    assert "problem in: cases" in str(refused)
    assert "12345" not in str(refused)


def test_refusal_messages_are_all_distinct() -> None:
    assert len({r.value for r in PackRefusal}) == len(PackRefusal)


# --- building refuses content that could never open ------------------------------------------


def test_build_refuses_inconsistent_content() -> None:
    study = study_a()
    with pytest.raises(UserError, match="reviewer certificate inside is not the recipient"):
        build_pack(pack_content(), study.key, study.root, bob().cert)
    with pytest.raises(UserError, match="signing key is not the study authority"):
        build_pack(pack_content(), study_b().key, study.root, alice().cert)
    with pytest.raises(UserError, match="study root certificate inside"):
        build_pack(pack_content(), study_b().key, study_b().root, alice().cert)


def test_content_rules() -> None:
    case = pack_content().cases[0]
    with pytest.raises(ValidationError, match="co-reviewer"):
        pack_content(review_mode=ReviewMode.JOINT)
    with pytest.raises(ValidationError, match="co-reviewer"):
        pack_content(cases=[case.model_copy(update={"co_reviewer_ref": "R02"})])
    with pytest.raises(ValidationError, match="appears twice"):
        pack_content(cases=[case, case])
    with pytest.raises(ValidationError, match="both sent and withdrawn"):
        pack_content(withdrawn_case_refs=[case.case.case_ref])
    with pytest.raises(ValidationError, match="timezone"):
        pack_content(created_at=dt.datetime(2025, 1, 1, 9, 0))
    with pytest.raises(ValidationError):
        pack_content(addressee_cert_fingerprint="abc")
    local = dt.timezone(dt.timedelta(hours=1))
    content = pack_content(created_at=dt.datetime(2025, 6, 1, 10, 0, tzinfo=local))
    assert content.created_at == dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC)
    assert content.created_at.utcoffset() == dt.timedelta(0)


# --- bounds: what no genuine pack exceeds is refused before it is parsed ---------------------


def _root_signed_pack(doc: dict[str, Any] | bytes) -> bytes:
    """Signed by the real study root for Alice, but assembled without build_pack's checks."""
    return _hand_made_pack(doc, study_a().key, study_a().root, alice().cert)


@pytest.mark.parametrize("sequence", [0, -1, MAX_PACK_SEQUENCE + 1, 2**62, 10**30])
def test_a_pack_number_outside_its_range_is_refused(sequence: int) -> None:
    with pytest.raises(ValidationError, match="sequence"):
        pack_content(sequence=sequence)
    refused = _refusal(_root_signed_pack(_content_doc(sequence=sequence)), alice(), study_a().root)
    assert refused.reason is PackRefusal.NOT_A_PACK
    assert "sequence" in str(refused) and "1 to 1,000,000" in str(refused)


def test_the_highest_pack_number_is_allowed() -> None:
    pack = _root_signed_pack(_content_doc(sequence=MAX_PACK_SEQUENCE))
    assert open_pack(pack, alice().key, alice().cert, study_a().root).content.sequence == (
        MAX_PACK_SEQUENCE
    )


@pytest.mark.parametrize(
    "document",
    [
        b"[" * 10**6 + b"]" * 10**6,
        b'{"a":' * 10**5 + b"1" + b"}" * 10**5,
        b"[" * 10**5,  # not even closed
    ],
)
def test_deeply_nested_json_is_refused_naming_the_limit(document: bytes) -> None:
    for pinned in (study_a().root, None):
        refused = _refusal(_root_signed_pack(document), alice(), pinned)
        assert refused.reason is PackRefusal.TOO_LARGE
        assert f"more than {MAX_PACK_DEPTH} levels deep" in str(refused)


def test_nesting_is_counted_outside_strings_only() -> None:
    """Brackets inside text (escaped quotes too) are not nesting; real nesting up to the
    limit opens."""
    deep: Any = "end"
    for _ in range(MAX_PACK_DEPTH - 2):  # inside the document and its definition: at the limit
        deep = [deep]
    definition = {"note": '"[[[' * 100 + "\\" + "{" * 500, "deep": deep}
    pack = _root_signed_pack(_content_doc(definition=definition))
    opened = open_pack(pack, alice().key, alice().cert, study_a().root)
    assert opened.content.definition == definition
    refused = _refusal(
        _root_signed_pack(_content_doc(definition={"deep": [deep]})), alice(), study_a().root
    )
    assert refused.reason is PackRefusal.TOO_LARGE


def test_a_pack_file_over_the_size_limit_is_refused_unread() -> None:
    refused = _refusal(b"\x30" * (MAX_PACK_BYTES + 1), alice(), study_a().root)
    assert refused.reason is PackRefusal.TOO_LARGE
    assert f"{MAX_PACK_BYTES // (1024 * 1024)} MB" in str(refused)


def test_pack_contents_over_the_size_limit_are_refused() -> None:
    padding = "x" * (MAX_PACK_JSON_BYTES + 1)
    pack = _root_signed_pack(_content_doc(definition={"pad": padding}))
    assert len(pack) <= MAX_PACK_BYTES  # the file passes; its contents do not
    refused = _refusal(pack, alice(), study_a().root)
    assert refused.reason is PackRefusal.TOO_LARGE
    assert f"{MAX_PACK_JSON_BYTES // (1024 * 1024)} MB a pack may hold" in str(refused)


@pytest.mark.parametrize("field", ["cases", "withdrawn_case_refs"])
def test_more_cases_than_a_pack_may_hold_are_refused_before_validation(field: str) -> None:
    listed: list[Any] = [{}] * 20_000 if field == "cases" else [f"X-{i}" for i in range(20_000)]
    refused = _refusal(_root_signed_pack(_content_doc(**{field: listed})), alice(), None)
    assert refused.reason is PackRefusal.TOO_LARGE
    assert "20,000" in str(refused) and f"{MAX_PACK_CASES:,}" in str(refused)
    with pytest.raises(ValidationError):
        pack_content(withdrawn_case_refs=[f"X-{i}" for i in range(MAX_PACK_CASES + 1)])


def test_the_largest_real_pack_still_fits() -> None:
    """A 10,000-case national study allocated to two reviewers: one pack holds every case
    (the coordinator benchmark's biggest pack)."""
    study = study_a()
    content = pack_content(case_count=10_000)
    pack = build_pack(content, study.key, study.root, alice().cert)
    assert len(pack) < MAX_PACK_BYTES // 2
    assert len(open_pack(pack, alice().key, alice().cert, study.root).content.cases) == 10_000


def test_a_pack_encrypted_for_two_recipients_is_refused() -> None:
    signed = cms.sign_attached(pack_content().to_json_bytes(), study_a().key, study_a().root)
    shared = (
        pkcs7.PKCS7EnvelopeBuilder()
        .set_data(signed)
        .set_content_encryption_algorithm(algorithms.AES256)
        .add_recipient(alice().cert)
        .add_recipient(bob().cert)
        .encrypt(serialization.Encoding.DER, [pkcs7.PKCS7Options.Binary])
    )
    assert cms.recipient_count(shared) == 2
    assert cms.open_envelope(shared, alice().key, alice().cert) == signed  # it does decrypt
    for reviewer in (alice(), bob()):
        refused = _refusal(shared, reviewer, study_a().root)
        assert refused.reason is PackRefusal.SEVERAL_RECIPIENTS
        assert "encrypted for 2 people" in str(refused)
    assert cms.recipient_count(alices_pack()) == 1


# --- third parties open packs with openssl ---------------------------------------------------

OPENSSL_PIPELINE = (
    "openssl cms -decrypt -binary -inform DER -in pack.p7m"
    " -recip reviewer-cert.pem -inkey reviewer-key.pem -passin file:passphrase.txt"
    " | openssl cms -verify -binary -inform DER -CAfile study-root.pem -out pack.json"
)


def _openssl_dir(tmp_path: Path, root: x509.Certificate) -> Path:
    reviewer = alice()
    (tmp_path / "pack.p7m").write_bytes(alices_pack())
    (tmp_path / "reviewer-cert.pem").write_text(certificate_pem(reviewer.cert))
    (tmp_path / "reviewer-key.pem").write_bytes(serialise_private_key(reviewer.key, "s3cret"))
    (tmp_path / "passphrase.txt").write_text("s3cret\n")
    (tmp_path / "study-root.pem").write_text(certificate_pem(root))
    return tmp_path


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_decrypts_and_verifies_a_pack(tmp_path: Path) -> None:
    folder = _openssl_dir(tmp_path, study_a().root)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", OPENSSL_PIPELINE],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert b"Verification successful" in result.stderr
    assert (folder / "pack.json").read_bytes() == pack_content().to_json_bytes()


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_openssl_rejects_a_pack_against_another_root(tmp_path: Path) -> None:
    folder = _openssl_dir(tmp_path, study_b().root)
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", OPENSSL_PIPELINE],
        cwd=folder,
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0
    assert b"Verification failure" in result.stderr


@pytest.mark.skipif(OPENSSL is None, reason="the openssl command-line tool is not installed")
def test_the_reviewer_certificate_file_is_what_openssl_expects(tmp_path: Path) -> None:
    """The PEM we hand out for ``-recip`` is the one inside the pack."""
    pem = pack_content().reviewer_cert_pem
    assert x509.load_pem_x509_certificate(pem.encode()).public_bytes(
        serialization.Encoding.PEM
    ) == alice().cert.public_bytes(serialization.Encoding.PEM)


# --- robustness: nothing but our own errors, ever -------------------------------------------


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_give_our_error(data: bytes) -> None:
    with pytest.raises(UserError):
        open_pack(data, alice().key, alice().cert, study_a().root)


@FUZZ
@given(st.data())
def test_mutated_packs_give_our_error(data: st.DataObject) -> None:
    pack = bytearray(alices_pack())
    position = data.draw(st.integers(0, len(pack) - 1))
    operation = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]))
    if operation == "flip":
        pack[position] ^= data.draw(st.integers(1, 255))
    elif operation == "delete":
        del pack[position]
    elif operation == "insert":
        pack.insert(position, data.draw(st.integers(0, 255)))
    else:
        del pack[position:]
    try:
        opened = open_pack(bytes(pack), alice().key, alice().cert, study_a().root)
    except UserError:
        return
    # A mutation can only be harmless if it changed nothing that counts.
    assert opened.content == pack_content()


@FUZZ
@given(st.data())
def test_mutated_signed_layers_give_our_error(data: st.DataObject) -> None:
    """Mutations inside the encryption reach the signature and JSON parsers directly."""
    signed = bytearray(_signed_part(alices_pack(), alice()))
    position = data.draw(st.integers(0, len(signed) - 1))
    signed[position] ^= data.draw(st.integers(1, 255))
    repacked = cms.envelope(bytes(signed), alice().cert)
    try:
        opened = open_pack(repacked, alice().key, alice().cert, study_a().root)
    except UserError:
        return
    assert opened.content == pack_content()


# --- format version 2: the collection certificate -------------------------------------------


@cache
def _collection_pem() -> str:
    from reviewer_app.services.trust.collection_key import issue_collection_key

    _, cert = issue_collection_key(study_a().key, study_a().root)
    return certificate_pem(cert)


def test_a_pack_without_the_collection_certificate_is_version_1_as_before() -> None:
    content = pack_content()
    doc = json.loads(content.to_json_bytes())
    assert content.format_version == 1 and doc["format_version"] == 1
    assert "collection_cert_pem" not in doc
    assert PackContent.model_validate_json(content.to_json_bytes()) == content


def test_a_pack_with_the_collection_certificate_is_version_2_and_opens() -> None:
    study = study_a()
    content = pack_content(collection_cert_pem=_collection_pem())
    assert content.format_version == PACK_FORMAT_VERSION == 2
    assert json.loads(content.to_json_bytes())["collection_cert_pem"] == _collection_pem()
    assert content.digest() != pack_content().digest()
    opened = open_pack(build_pack(content, study.key, study.root, alice().cert), *_alice_a())
    assert opened.content.collection_cert_pem == _collection_pem()


def _alice_a() -> tuple[Any, x509.Certificate, x509.Certificate]:
    return alice().key, alice().cert, study_a().root


@pytest.mark.parametrize(
    "overrides",
    [
        {"format_version": 1, "collection_cert_pem": "PEM"},
        {"format_version": 2},
        {"format_version": 2, "collection_cert_pem": None},
    ],
)
def test_the_version_and_the_collection_certificate_must_agree(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PackContent.model_validate(_content_doc(**overrides))
    doc = _content_doc(**overrides)
    refused = _refusal(_root_signed_pack(doc), alice(), study_a().root)
    assert refused.reason is PackRefusal.NOT_A_PACK
