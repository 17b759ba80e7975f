"""Bad bundles are quarantined with their reason, kept in the study folder, and change
nothing else in the study database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.domain.vocabulary import QuarantineReason
from reviewer_app.services.collection import records
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.returns.format import ReturnBundle
from reviewer_app.services.signing.canonical import canonical_bytes
from reviewer_app.services.study import Study
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import (
    create_study_authority,
    fingerprint,
    issue_reviewer_certificate,
)
from reviewer_app.services.trust.collection_key import issue_collection_key
from tests.support.crypto_fixtures import enrolment
from tests.support.study_fixtures import snapshot
from tests.unit.collection.collect_support import (
    Returned,
    identity,
    read_bundle,
    resign,
    returned_world,
    reviewer_of,
)

BAD_NAME = "return-R01-0099.p7m"
KEPT_TABLES = {"bundle_files", "quarantine", "collection_runs"}


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "collect-templates"


@pytest.fixture
def rw(tmp_path: Path, template_root: Path) -> Returned:
    return returned_world(tmp_path, template_root)


def _r01_file(rw: Returned) -> Path:
    return rw.shared / "return-R01-0001.p7m"


def _quarantined(rw: Returned, make: Callable[[Study], bytes]) -> records.QuarantineRow:
    """Collect the genuine returns, drop in the bad file, collect: one quarantine, nothing
    else changed."""
    with rw.study() as study:
        collect(study, rw.shared)
        data = make(study)
        (rw.shared / BAD_NAME).write_bytes(data)
        before = snapshot(study.db)
        report = collect(study, rw.shared)
        after = snapshot(study.db)
        rows = records.quarantine(study)
    assert {k: v for k, v in before.items() if k not in KEPT_TABLES} == {
        k: v for k, v in after.items() if k not in KEPT_TABLES
    }
    assert len(rows) == 1 and len(report.quarantined) == 1
    row = rows[0]
    assert row.file_name == BAD_NAME and row.file_sha256 == hashlib.sha256(data).hexdigest()
    assert (rw.w.study_dir / row.kept_as).read_bytes() == data
    assert report.quarantined[0].reason.value == row.reason
    return row


def _altered(study: Study, rw: Returned, change: Callable[[ReturnBundle], ReturnBundle]) -> bytes:
    """R01's bundle, changed, and re-signed with R01's own key."""
    bundle = change(read_bundle(study, _r01_file(rw)))
    with rw.session("R01") as session:
        key, cert = identity(session)
    return resign(study, bundle, key, cert)


def _item(bundle: ReturnBundle, **update: Any) -> ReturnBundle:
    items = [bundle.items[0].model_copy(update=update), *bundle.items[1:]]
    return bundle.model_copy(update={"items": items})


@pytest.mark.parametrize("offset", [0, 1, 40, 300, 1000, 5000, -2000, -300, -1])
def test_a_flipped_byte_is_quarantined(rw: Returned, offset: int) -> None:
    def flipped(_: Study) -> bytes:
        data = bytearray(_r01_file(rw).read_bytes())
        data[offset] ^= 0x41
        return bytes(data)

    _quarantined(rw, flipped)


def test_a_truncated_bundle_is_quarantined(rw: Returned) -> None:
    data = _r01_file(rw).read_bytes()
    row = _quarantined(rw, lambda _: data[: len(data) // 2])
    assert row.reason in {QuarantineReason.NOT_A_BUNDLE, QuarantineReason.DAMAGED}


def test_another_studys_bundle_is_quarantined(rw: Returned) -> None:
    other_key, other_root = create_study_authority("STUDY-OTHER", "Another study")
    _, other_collection = issue_collection_key(other_key, other_root)

    def other(study: Study) -> bytes:
        bundle = read_bundle(study, _r01_file(rw))
        with rw.session("R01") as session:
            key, cert = identity(session)
        signed = cms.sign_attached(bundle.to_json_bytes(), key, cert, chain=(other_root,))
        return cms.envelope(signed, other_collection)

    assert _quarantined(rw, other).reason == QuarantineReason.NOT_FOR_THIS_STUDY


def test_a_bundle_naming_another_study_is_quarantined(rw: Returned) -> None:
    def renamed(study: Study) -> bytes:
        return _altered(study, rw, lambda b: b.model_copy(update={"study_id": "STUDY-OTHER"}))

    assert _quarantined(rw, renamed).reason == QuarantineReason.OTHER_STUDY


def test_a_bundle_signed_under_a_self_made_ca_is_quarantined(rw: Returned) -> None:
    def forged(study: Study) -> bytes:
        fake_key, fake_root = create_study_authority(study.info.study_id, study.info.name)
        key, request = enrolment("Mallory Example")
        cert = issue_reviewer_certificate(fake_key, fake_root, request, "R01")
        bundle = read_bundle(study, _r01_file(rw)).model_copy(
            update={"reviewer_cert_fingerprint": fingerprint(cert)}
        )
        signed = cms.sign_attached(bundle.to_json_bytes(), key, cert, chain=(fake_root,))
        return cms.envelope(signed, study.collection_certificate())

    assert _quarantined(rw, forged).reason == QuarantineReason.UNTRUSTED_SIGNER


def test_a_certificate_the_study_never_enrolled_is_quarantined(rw: Returned) -> None:
    def unenrolled(study: Study) -> bytes:
        root_key, root = study.signing_authority()
        key, request = enrolment("Mallory Example")
        cert = issue_reviewer_certificate(root_key, root, request, "R01")
        bundle = read_bundle(study, _r01_file(rw)).model_copy(
            update={"reviewer_cert_fingerprint": fingerprint(cert)}
        )
        return resign(study, bundle, key, cert)

    assert _quarantined(rw, unenrolled).reason == QuarantineReason.NOT_ENROLLED


def test_a_case_not_allocated_to_the_signer_is_quarantined(rw: Returned) -> None:
    def not_theirs(study: Study) -> bytes:
        pairs = {ref: reviewer_of(study, ref) for ref in records_cases(study)}
        other = next(ref for ref, pair in sorted(pairs.items()) if "R01" not in pair)
        return _altered(study, rw, lambda b: _item(b, case_ref=other))

    row = _quarantined(rw, not_theirs)
    assert row.reason == QuarantineReason.NOT_ALLOCATED and "not allocated to R01" in row.message


def records_cases(study: Study) -> list[str]:
    from reviewer_app.storage.study.allocation import AllocationStore

    return sorted(AllocationStore(study.db).get().pairs)


def _changed_content(content: str) -> str:
    doc = json.loads(content)
    doc["review"]["outcome_reason"] = "slipped in later"
    return canonical_bytes(doc).decode("utf-8")


def test_content_altered_under_its_stated_hash_is_quarantined(rw: Returned) -> None:
    def altered(study: Study) -> bytes:
        return _altered(study, rw, lambda b: _item(b, content=_changed_content(b.items[0].content)))

    assert _quarantined(rw, altered).reason == QuarantineReason.CONTENT_HASH


def test_content_altered_and_rehashed_does_not_match_its_signed_pdfs(rw: Returned) -> None:
    def altered(study: Study) -> bytes:
        def change(b: ReturnBundle) -> ReturnBundle:
            content = _changed_content(b.items[0].content)
            sha = hashlib.sha256(content.encode()).hexdigest()
            return _item(b, content=content, content_sha256=sha)

        return _altered(study, rw, change)

    assert _quarantined(rw, altered).reason == QuarantineReason.PDF_CONTENT_HASH


def test_a_pdf_from_another_review_is_quarantined(rw: Returned) -> None:
    def swapped(study: Study) -> bytes:
        def change(b: ReturnBundle) -> ReturnBundle:
            other = b.items[1]
            return _item(b, pdf_full_b64=other.pdf_full_b64, pdf_full_sha256=other.pdf_full_sha256)

        return _altered(study, rw, change)

    assert _quarantined(rw, swapped).reason == QuarantineReason.PDF_CONTENT_HASH


def test_a_pdf_not_matching_its_stated_hash_is_quarantined(rw: Returned) -> None:
    def wrong(study: Study) -> bytes:
        return _altered(study, rw, lambda b: _item(b, pdf_taskforce_sha256="0" * 64))

    assert _quarantined(rw, wrong).reason == QuarantineReason.PDF_HASH


def test_an_altered_audit_entry_is_quarantined(rw: Returned) -> None:
    def altered(study: Study) -> bytes:
        def change(b: ReturnBundle) -> ReturnBundle:
            entries = [dict(e) for e in b.items[0].audit_entries]
            entries[0]["actor"] = "someone else"
            return _item(b, audit_entries=entries)

        return _altered(study, rw, change)

    assert _quarantined(rw, altered).reason == QuarantineReason.AUDIT_CHAIN


def test_a_future_format_version_is_quarantined(rw: Returned) -> None:
    def newer(study: Study) -> bytes:
        doc = read_bundle(study, _r01_file(rw)).model_dump(mode="json") | {"format_version": 2}
        with rw.session("R01") as session:
            key, cert = identity(session)
        data = json.dumps(doc).encode()
        signed = cms.sign_attached(data, key, cert, chain=(study.root_certificate(),))
        return cms.envelope(signed, study.collection_certificate())

    assert _quarantined(rw, newer).reason == QuarantineReason.NEWER_FORMAT


def test_a_quarantined_file_is_not_read_again(rw: Returned) -> None:
    data = _r01_file(rw).read_bytes()[:500]
    _quarantined(rw, lambda _: data)
    with rw.study() as study:
        again = collect(study, rw.shared)
        assert len(records.quarantine(study)) == 1
    assert again.quarantined == [] and again.files_already == 3
