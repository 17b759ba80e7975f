"""An attached signature parsed once: its claimed content first, then the check of it."""

from __future__ import annotations

import pytest
from asn1crypto import cms as asn1_cms

from reviewer_app.services.trust import cms
from tests.support.crypto_fixtures import alice, study_a, study_b

DATA = b'{"pack": "R01", "cases": 12}'


def _attached() -> bytes:
    study = study_a()
    return cms.sign_attached(DATA, study.key, study.root)


def test_the_claim_is_read_before_and_the_verdict_matches_verify_attached() -> None:
    signed = _attached()
    parsed = cms.AttachedSignature(signed)
    assert parsed.unverified_content == DATA == cms.unverified_content(signed)
    verdict, content = parsed.verify([study_a().root])
    expected, expected_content = cms.verify_attached(signed, [study_a().root])
    assert content == expected_content == DATA
    assert (verdict.intact, verdict.trusted, verdict.signer, verdict.problem) == (
        expected.intact,
        expected.trusted,
        expected.signer,
        expected.problem,
    )
    assert verdict.intact and verdict.trusted and verdict.signer == study_a().root


def test_the_signature_is_parsed_once_for_the_claim_and_the_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    signed = _attached()
    loads: list[int] = []
    real_load = asn1_cms.ContentInfo.load

    def counting(encoded: bytes, strict: bool = False) -> asn1_cms.ContentInfo:
        loads.append(len(encoded))
        return real_load(encoded, strict=strict)

    monkeypatch.setattr(asn1_cms.ContentInfo, "load", counting)
    parsed = cms.AttachedSignature(signed)
    verdict, _ = parsed.verify([study_a().root])
    assert verdict.trusted
    assert loads == [len(signed)]


def test_one_parse_can_be_checked_against_different_roots() -> None:
    parsed = cms.AttachedSignature(_attached())
    other, _ = parsed.verify([study_b().root])
    assert other.intact and not other.trusted
    assert other.problem is not None and "not trusted" in other.problem
    none, _ = parsed.verify([])
    assert none.intact and not none.trusted
    mine, _ = parsed.verify([study_a().root])
    assert mine.trusted


def test_altered_content_is_read_but_never_intact() -> None:
    info = asn1_cms.ContentInfo.load(_attached())
    info["content"]["encap_content_info"]["content"] = DATA.replace(b"12", b"13")
    altered = info.dump(force=True)
    parsed = cms.AttachedSignature(altered)
    assert parsed.unverified_content == DATA.replace(b"12", b"13")
    verdict, _ = parsed.verify([study_a().root])
    assert not verdict.intact and not verdict.trusted


@pytest.mark.parametrize("garbage", [b"", b"\x30\x03\x02\x01\x01", b"hello" * 50])
def test_garbage_is_refused_with_our_error(garbage: bytes) -> None:
    with pytest.raises(cms.NotSignedDataError, match="not a readable signature"):
        cms.AttachedSignature(garbage)


def test_a_detached_signature_carries_no_content_to_claim() -> None:
    detached = cms.sign_detached(DATA, alice().key, alice().cert, [study_a().root])
    with pytest.raises(cms.NotSignedDataError, match="does not carry"):
        cms.AttachedSignature(detached)
