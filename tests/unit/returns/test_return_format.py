"""The return bundle's wire format: standard CMS, one recipient, every refusal its own reason."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from functools import cache

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.errors import InvalidInputError
from reviewer_app.services.returns.format import (
    MAX_BUNDLE_ITEMS,
    AuditHead,
    BundleRefusedError,
    Outcome,
    ReturnBundle,
    ReturnItem,
    build_bundle,
    bundle_id_for,
    is_collection_certificate,
    open_bundle,
)
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import create_study_authority, fingerprint
from reviewer_app.services.trust.collection_key import issue_collection_key
from tests.support.crypto_fixtures import Authority, alice, bob, carol_in_b, study_a, study_b


@cache
def collection_a() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    return issue_collection_key(study_a().key, study_a().root)


@cache
def collection_b() -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    return issue_collection_key(study_b().key, study_b().root)


def item(case_ref: str = "NSR-0001", version: int = 1) -> ReturnItem:
    content = f'{{"case_ref":"{case_ref}","version":{version}}}'
    full, taskforce = b"%PDF-full " + case_ref.encode(), b"%PDF-taskforce " + case_ref.encode()
    return ReturnItem(
        case_ref=case_ref,
        version=version,
        outcome=Outcome.REVIEWED,
        definition_id="srm-default",
        definition_version="1",
        signed_at=dt.datetime(2025, 3, 2, 10, 0, tzinfo=dt.UTC),
        content=content,
        content_sha256=hashlib.sha256(content.encode()).hexdigest(),
        audit_head=AuditHead(seq=7, hash="a" * 64),
        pdf_full_sha256=hashlib.sha256(full).hexdigest(),
        pdf_taskforce_sha256=hashlib.sha256(taskforce).hexdigest(),
        pdf_full_b64=base64.b64encode(full).decode(),
        pdf_taskforce_b64=base64.b64encode(taskforce).decode(),
        audit_entries=[{"seq": 1, "field": "q1"}],
    )


def bundle_for(
    reviewer=None, study: Authority | None = None, items=None, **overrides
) -> ReturnBundle:
    reviewer = reviewer or alice()
    study = study or study_a()
    items = items if items is not None else [item()]
    fields = {
        "bundle_id": bundle_id_for(study.study_id, reviewer.ref, items),
        "study_id": study.study_id,
        "reviewer_ref": reviewer.ref,
        "reviewer_cert_fingerprint": fingerprint(reviewer.cert),
        "sequence": 1,
        "created_at": dt.datetime(2025, 3, 2, 11, 0, tzinfo=dt.UTC),
        "items": items,
        **overrides,
    }
    return ReturnBundle.model_validate(fields)


def build(bundle: ReturnBundle | None = None, reviewer=None, study=None) -> bytes:
    reviewer = reviewer or alice()
    study = study or study_a()
    collection = collection_a() if study is study_a() else collection_b()
    return build_bundle(
        bundle or bundle_for(reviewer, study),
        reviewer.key,
        reviewer.cert,
        study.root,
        collection[1],
    )


def open_a(data: bytes):
    key, cert = collection_a()
    return open_bundle(data, key, cert, study_a().root)


def refusal(data: bytes) -> QuarantineReason:
    with pytest.raises(BundleRefusedError) as caught:
        open_a(data)
    return caught.value.reason


def test_a_bundle_round_trips_and_names_its_signer() -> None:
    bundle = bundle_for(items=[item("NSR-0001"), item("NSR-0002", 2)])
    opened = open_a(build(bundle))
    assert opened.bundle == bundle
    assert opened.signer_cert == alice().cert
    assert opened.bundle.items[0].pdf_full() == b"%PDF-full NSR-0001"


def test_the_file_is_an_envelope_for_the_collection_key_alone() -> None:
    data = build()
    assert cms.recipient_count(data) == 1
    assert cms.is_recipient(data, collection_a()[1])
    assert not cms.is_recipient(data, study_a().root)


def test_the_same_reviews_give_the_same_bundle_id_whenever_written() -> None:
    items = [item("NSR-0002"), item("NSR-0001")]
    assert bundle_id_for("STUDY-A", "R01", items) == bundle_id_for("STUDY-A", "R01", items[::-1])
    assert bundle_id_for("STUDY-A", "R01", items) != bundle_id_for("STUDY-A", "R01", items[:1])
    assert bundle_id_for("STUDY-A", "R01", items) != bundle_id_for("STUDY-A", "R02", items)


def test_the_collection_certificate_can_decrypt_but_not_sign() -> None:
    _key, cert = collection_a()
    assert is_collection_certificate(cert, study_a().root)
    assert not is_collection_certificate(cert, study_b().root)
    assert not is_collection_certificate(alice().cert, study_a().root)  # a reviewer's can sign
    assert not is_collection_certificate(study_a().root, study_a().root)


def test_another_studys_bundle_is_refused() -> None:
    assert refusal(build(bundle_for(carol_in_b(), study_b()), carol_in_b(), study_b())) is (
        QuarantineReason.NOT_FOR_THIS_STUDY
    )


def test_a_bundle_signed_under_a_self_made_authority_is_refused() -> None:
    fake_key, fake_root = create_study_authority("STUDY-A", "Structured review A")
    from reviewer_app.services.trust.authority import issue_reviewer_certificate
    from tests.support.crypto_fixtures import enrolment

    key, request = enrolment("Alice Example")
    forged = issue_reviewer_certificate(fake_key, fake_root, request, "R01")
    bundle = bundle_for(alice(), reviewer_cert_fingerprint=fingerprint(forged))
    signed = cms.sign_attached(bundle.to_json_bytes(), key, forged, chain=(fake_root,))
    assert refusal(cms.envelope(signed, collection_a()[1])) is QuarantineReason.UNTRUSTED_SIGNER


def test_a_bundle_naming_another_reviewer_than_its_signer_is_refused() -> None:
    bundle = bundle_for(bob())  # names R02 ...
    signed = cms.sign_attached(bundle.to_json_bytes(), alice().key, alice().cert, (study_a().root,))
    assert refusal(cms.envelope(signed, collection_a()[1])) is QuarantineReason.SIGNER_MISMATCH


def test_content_altered_after_signing_is_tampered() -> None:
    signed = bytearray(
        cms.sign_attached(
            bundle_for().to_json_bytes(), alice().key, alice().cert, (study_a().root,)
        )
    )
    at = bytes(signed).index(b"NSR-0001")
    signed[at + 7] = ord("9")
    assert refusal(cms.envelope(bytes(signed), collection_a()[1])) is QuarantineReason.TAMPERED


def test_a_newer_format_is_refused_with_update_advice() -> None:
    doc = bundle_for().model_dump(mode="json") | {"format_version": 2}
    from reviewer_app.services.returns.format import canonical

    signed = cms.sign_attached(canonical(doc), alice().key, alice().cert, (study_a().root,))
    with pytest.raises(BundleRefusedError) as caught:
        open_a(cms.envelope(signed, collection_a()[1]))
    assert caught.value.reason is QuarantineReason.NEWER_FORMAT
    assert "update" in str(caught.value)


def test_deeply_nested_or_invalid_contents_are_refused_before_use() -> None:
    for document, reason in (
        (b"[" * 100_000 + b"]" * 100_000, QuarantineReason.TOO_LARGE),
        (b"not json", QuarantineReason.INVALID_CONTENT),
        (
            b'{"format":"reviewer-app/return-bundle","format_version":1}',
            QuarantineReason.INVALID_CONTENT,
        ),
        (b'{"format":"reviewer-app/assignment-pack"}', QuarantineReason.NOT_A_BUNDLE),
    ):
        signed = cms.sign_attached(document, alice().key, alice().cert, (study_a().root,))
        assert refusal(cms.envelope(signed, collection_a()[1])) is reason


def test_garbage_and_truncation_are_refused_cleanly() -> None:
    data = build()
    for broken in (b"", b"garbage" * 10, data[: len(data) // 2], data[:-1]):
        assert refusal(broken) in {
            QuarantineReason.NOT_A_BUNDLE,
            QuarantineReason.DAMAGED,
            QuarantineReason.NOT_FOR_THIS_STUDY,
        }


def test_more_items_than_a_bundle_holds_cannot_be_built() -> None:
    items = [item(f"NSR-{i:04d}") for i in range(MAX_BUNDLE_ITEMS + 1)]
    with pytest.raises(ValueError):
        bundle_for(items=items)


def test_building_refuses_a_collection_certificate_of_another_study() -> None:
    with pytest.raises(InvalidInputError):
        build_bundle(bundle_for(), alice().key, alice().cert, study_a().root, collection_b()[1])
