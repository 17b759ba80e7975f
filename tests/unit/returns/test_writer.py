"""Returning signed reviews: what goes in, how it is written, what is marked, and when not."""

from __future__ import annotations

import errno
import hashlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import DocumentKind, ReturnHold
from reviewer_app.errors import UserError
from reviewer_app.services.returns import writer
from reviewer_app.services.returns.format import OpenedBundle, Outcome, open_bundle
from reviewer_app.services.returns.holds import cases_to_return
from reviewer_app.services.returns.writer import return_signed_reviews
from reviewer_app.services.shared_drive import folder as shared_folder
from reviewer_app.services.trust.authority import certificate_pem
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.returns import ReturnStore
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.crypto_fixtures import study_a, study_b
from tests.support.returns_fixtures import collection, returning_bench
from tests.support.review_fixtures import SCREENING
from tests.support.signoff_fixtures import PASSPHRASE, Bench, make_bench
from tests.support.study_fixtures import snapshot


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = returning_bench(tmp_path / "ws", case_count=5)
    yield made
    made.workspace.close()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "shared"
    folder.mkdir()
    return folder


def opened(path: Path) -> OpenedBundle:
    key, cert = collection()
    return open_bundle(path.read_bytes(), key, cert, study_a().root)


OUTCOME_NEEDS: dict[ReviewStatus, dict[str, Any]] = {
    # what each outcome's definition needs to hold (the method's rules for the outcomes)
    ReviewStatus.RECORDS_MISSING: {"records.missing": ["acute"]},
    ReviewStatus.HANDED_BACK: {"screening.conflict_of_interest": "yes"},
}


def sign_outcome(bench: Bench, case_ref: str, status: ReviewStatus) -> int:
    review = bench.reviews.open(case_ref, "R01")
    bench.reviews.save(review.review_id, {**SCREENING, **OUTCOME_NEEDS.get(status, {})}, "R01")
    bench.reviews.set_outcome(review.review_id, status, "The notes could not be found.", "R01")
    bench.signoff.sign(review.review_id, PASSPHRASE, bench.acknowledged(review.review_id))
    return review.review_id


def returned(bench: Bench) -> dict[str, tuple[int | None, int | None, bool]]:
    return {
        s.case_ref: (s.review_version, s.returned_version, s.returned)
        for s in CaseStore(bench.workspace.db).list_summaries()
    }


# --- the happy path -------------------------------------------------------------------------


def test_signed_reviews_and_outcomes_are_returned_and_nothing_else(
    bench: Bench, shared: Path
) -> None:
    reviewed = bench.sign("SIG-0001")
    missing = sign_outcome(bench, "SIG-0002", ReviewStatus.RECORDS_MISSING)
    bench.complete_review("SIG-0003")  # complete but not signed: not returned
    report = return_signed_reviews(bench.workspace, shared)
    assert [b.path.name for b in report.bundles] == ["return-R01-0001.p7m"]
    assert sorted(p.name for p in shared.iterdir()) == ["return-R01-0001.p7m"]
    bundle = opened(shared / "return-R01-0001.p7m").bundle
    assert (bundle.study_id, bundle.reviewer_ref, bundle.sequence) == ("STUDY-A", "R01", 1)
    assert [(i.case_ref, i.version, i.outcome) for i in bundle.items] == [
        ("SIG-0001", 1, Outcome.REVIEWED),
        ("SIG-0002", 1, Outcome.RECORDS_MISSING),
    ]
    store = SignatureStore(bench.workspace.db)
    for item, review_id in zip(bundle.items, (reviewed, missing), strict=True):
        (signature,) = store.signatures(review_id)
        assert item.content_sha256 == signature.content_sha256
        assert hashlib.sha256(item.content.encode()).hexdigest() == signature.content_sha256
        assert (item.audit_head.seq, item.audit_head.hash) == (
            signature.audit_seq,
            signature.audit_hash,
        )
        for kind, pdf in (
            (DocumentKind.FULL, item.pdf_full()),
            (DocumentKind.TASKFORCE, item.pdf_taskforce()),
        ):
            stored = store.latest_document(review_id, kind)
            assert stored is not None and pdf == stored.pdf
        assert item.audit_entries and all(e["review_id"] == review_id for e in item.audit_entries)
        assert max(e["seq"] for e in item.audit_entries) <= signature.audit_seq
    assert report.by_outcome() == {Outcome.REVIEWED: 1, Outcome.RECORDS_MISSING: 1}
    assert ReturnStore(bench.workspace.db).returned_review_ids() == {reviewed, missing}
    listed = returned(bench)
    assert listed["SIG-0001"] == (1, 1, True) and listed["SIG-0002"] == (1, 1, True)
    assert listed["SIG-0003"][1:] == (None, False)


def test_nothing_identifiable_is_in_the_clear_on_the_shared_drive(
    bench: Bench, shared: Path
) -> None:
    bench.sign("SIG-0001")
    case = CaseStore(bench.workspace.db).get("SIG-0001")
    return_signed_reviews(bench.workspace, shared)
    (written,) = shared.iterdir()
    data = written.read_bytes()
    nhs = case.nhs_number.replace(" ", "")
    for needle in (case.family_name, case.given_names, nhs, f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"):
        for encoding in ("utf-8", "utf-16-le"):
            assert needle.encode(encoding) not in data
    assert b"%PDF" not in data and b"SIG-0001" not in data


def test_a_second_return_has_nothing_to_return(bench: Bench, shared: Path) -> None:
    bench.sign("SIG-0001")
    return_signed_reviews(bench.workspace, shared)
    before = snapshot(bench.workspace.db)
    again = return_signed_reviews(bench.workspace, shared)
    assert again.bundles == () and again.item_count == 0
    assert "Nothing to return" in again.summary_lines()[0]
    assert len(list(shared.iterdir())) == 1
    assert snapshot(bench.workspace.db) == before


# --- the drive fails --------------------------------------------------------------------------


def test_a_full_drive_marks_nothing_and_a_retry_gives_the_same_bundle_id(
    bench: Bench, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.sign("SIG-0001")
    sign_outcome(bench, "SIG-0002", ReviewStatus.HANDED_BACK)
    before = snapshot(bench.workspace.db)
    attempted: list[bytes] = []

    def full_disk(path: Any, data: bytes, mode: int | None = None) -> None:
        attempted.append(data)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(shared_folder, "atomic_write_bytes", full_disk)
    with pytest.raises(UserError) as caught:
        return_signed_reviews(bench.workspace, shared)
    message = str(caught.value)
    assert str(shared) in message and "Nothing was marked as returned" in message
    assert snapshot(bench.workspace.db) == before
    assert list(shared.iterdir()) == []
    monkeypatch.undo()
    report = return_signed_reviews(bench.workspace, shared)
    key, cert = collection()
    failed = open_bundle(attempted[0], key, cert, study_a().root).bundle
    done = opened(report.bundles[0].path).bundle
    assert (done.bundle_id, done.sequence) == (failed.bundle_id, failed.sequence)
    assert done.items == failed.items


def test_a_folder_that_is_not_one_is_refused_and_nothing_is_marked(
    bench: Bench, tmp_path: Path
) -> None:
    bench.sign("SIG-0001")
    not_a_folder = tmp_path / "shared.txt"
    not_a_folder.write_text("a file")
    before = snapshot(bench.workspace.db)
    with pytest.raises(UserError, match="Nothing was returned"):
        return_signed_reviews(bench.workspace, not_a_folder)
    with pytest.raises(UserError, match="no folder"):
        return_signed_reviews(bench.workspace, tmp_path / "missing")
    assert snapshot(bench.workspace.db) == before


def test_a_read_only_folder_marks_nothing(
    bench: Bench, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only share (EROFS, as a drive mounted read-only gives even to root) is reported."""
    bench.sign("SIG-0001")
    before = snapshot(bench.workspace.db)

    def read_only(path: Any, data: bytes, mode: int | None = None) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(shared_folder, "atomic_write_bytes", read_only)
    with pytest.raises(UserError, match="read-only"):
        return_signed_reviews(bench.workspace, shared)
    assert snapshot(bench.workspace.db) == before and list(shared.iterdir()) == []


def test_a_file_already_on_the_drive_is_never_replaced(bench: Bench, shared: Path) -> None:
    bench.sign("SIG-0001")
    (shared / "return-R01-0001.p7m").write_bytes(b"another workspace's return")
    report = return_signed_reviews(bench.workspace, shared)
    assert [b.path.name for b in report.bundles] == ["return-R01-0002.p7m"]
    assert (shared / "return-R01-0001.p7m").read_bytes() == b"another workspace's return"
    assert opened(shared / "return-R01-0002.p7m").bundle.sequence == 2


# --- amendments, joint reviews, withdrawn and corrected cases ----------------------------------


def test_an_amended_case_is_returned_again_as_its_new_version(bench: Bench, shared: Path) -> None:
    v1 = bench.sign("SIG-0001")
    return_signed_reviews(bench.workspace, shared)
    v2 = bench.signoff.amend(v1, "The date of the review was wrong", "R01")
    assert returned(bench)["SIG-0001"] == (2, 1, False)  # the new version is not returned
    bench.reviews.save(v2.id, {"avoidability.comment": "Corrected after discussion."}, "R01")
    bench.signoff.sign(v2.id, PASSPHRASE, bench.acknowledged(v2.id))
    report = return_signed_reviews(bench.workspace, shared)
    assert [b.path.name for b in report.bundles] == ["return-R01-0002.p7m"]
    (item,) = opened(report.bundles[0].path).bundle.items
    assert (item.case_ref, item.version, item.supersedes_version) == ("SIG-0001", 2, 1)
    assert returned(bench)["SIG-0001"] == (2, 2, True)


def test_bundles_hold_at_most_the_limit_in_order(
    bench: Bench, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writer, "MAX_BUNDLE_ITEMS", 2)
    for ref in ("SIG-0001", "SIG-0002", "SIG-0003"):
        bench.sign(ref)
    seen: list[tuple[int, int, str]] = []
    report = return_signed_reviews(
        bench.workspace, shared, progress=lambda d, t, label: seen.append((d, t, label))
    )
    assert [len(b.items) for b in report.bundles] == [2, 1]
    assert [opened(b.path).bundle.sequence for b in report.bundles] == [1, 2]
    assert seen[-1][:2] == (3, 3)


def test_a_joint_review_waits_for_its_co_signature(bench: Bench, shared: Path) -> None:
    bench.joint("SIG-0001")
    bench.sign("SIG-0001")
    report = return_signed_reviews(bench.workspace, shared)
    assert report.bundles == ()
    assert [(h.case_ref, h.reason) for h in report.held_back] == [
        ("SIG-0001", ReturnHold.AWAITING_COSIGNATURE)
    ]
    assert "co-reviewer" in report.summary_lines()[-1]


def test_a_withdrawn_case_is_not_returned(bench: Bench, shared: Path) -> None:
    bench.sign("SIG-0001")
    bench.sign("SIG-0002")
    CaseStore(bench.workspace.db).set_withdrawn("SIG-0002", True)
    report = return_signed_reviews(bench.workspace, shared)
    assert [i[0] for b in report.bundles for i in b.items] == ["SIG-0001"]
    assert [h.reason for h in report.held_back] == [ReturnHold.WITHDRAWN]


def test_what_is_to_return_is_what_a_return_would_carry(bench: Bench, shared: Path) -> None:
    """``cases_to_return`` (the window's "N to return") counts the cases a return carries:
    signed and not yet returned; not a withdrawn case, nor a joint review not yet co-signed,
    nor an unsigned one; an amendment once signed again."""
    assert cases_to_return(bench.workspace.db) == []
    v1 = bench.sign("SIG-0001")
    bench.sign("SIG-0002")
    bench.joint("SIG-0003")
    bench.sign("SIG-0003")  # awaits the co-reviewer
    bench.complete_review("SIG-0004")  # complete but not signed: nothing to return
    bench.sign("SIG-0005")
    CaseStore(bench.workspace.db).set_withdrawn("SIG-0005", True)
    assert cases_to_return(bench.workspace.db) == ["SIG-0001", "SIG-0002"]
    report = return_signed_reviews(bench.workspace, shared)
    carried = sorted({i[0] for b in report.bundles for i in b.items})
    assert carried == ["SIG-0001", "SIG-0002"]
    assert cases_to_return(bench.workspace.db) == []
    v2 = bench.signoff.amend(v1, "The date of the review was wrong", "R01")
    assert cases_to_return(bench.workspace.db) == [], "an amendment not yet signed waits"
    bench.reviews.save(v2.id, {"avoidability.comment": "Corrected after discussion."}, "R01")
    bench.signoff.sign(v2.id, PASSPHRASE, bench.acknowledged(v2.id))
    assert cases_to_return(bench.workspace.db) == ["SIG-0001"]


def test_a_version_signed_before_its_identifiers_were_corrected_is_not_counted_to_return(
    bench: Bench, shared: Path
) -> None:
    """The return holds such a version back for good (amend it and sign again), so the
    window's "to return" must not count it, before or after the new version goes."""
    v1 = bench.sign("SIG-0001")
    bench.sign("SIG-0002")
    bench.workspace.db.execute(
        "UPDATE cases SET family_name = 'Corrected' WHERE case_ref = 'SIG-0001'"
    )
    CaseStore(bench.workspace.db).set_identifiers_corrected("SIG-0001", True)
    assert cases_to_return(bench.workspace.db) == ["SIG-0002"]
    report = return_signed_reviews(bench.workspace, shared)
    assert [h.reason for h in report.held_back] == [ReturnHold.IDENTIFIERS_CORRECTED]
    assert cases_to_return(bench.workspace.db) == []
    v2 = bench.signoff.amend(v1, "The coordinator corrected the patient's details", "R01")
    bench.reviews.save(
        v2.id, {"avoidability.comment": "Signed again on the corrected record."}, "R01"
    )
    bench.signoff.sign(v2.id, PASSPHRASE, bench.acknowledged(v2.id))
    assert cases_to_return(bench.workspace.db) == ["SIG-0001"], "signed on the corrected record"
    report = return_signed_reviews(bench.workspace, shared)
    assert [(i[0], i[1]) for b in report.bundles for i in b.items] == [("SIG-0001", 2)]
    assert cases_to_return(bench.workspace.db) == [], "version 1 stays held, and is not counted"


def test_a_record_that_no_longer_matches_its_signature_returns_nothing(
    bench: Bench, shared: Path
) -> None:
    bench.sign("SIG-0001")
    bench.sign("SIG-0002")
    bench.workspace.db.execute(
        "UPDATE cases SET family_name = 'Altered' WHERE case_ref = 'SIG-0002'"
    )
    before = snapshot(bench.workspace.db)
    with pytest.raises(UserError, match=r"SIG-0002 version 1 .* no longer matches") as caught:
        return_signed_reviews(bench.workspace, shared)
    assert "Altered" not in str(caught.value)
    assert list(shared.iterdir()) == [] and snapshot(bench.workspace.db) == before
    CaseStore(bench.workspace.db).set_identifiers_corrected("SIG-0002", True)
    report = return_signed_reviews(bench.workspace, shared)
    assert [i[0] for b in report.bundles for i in b.items] == ["SIG-0001"]
    assert [h.reason for h in report.held_back] == [ReturnHold.IDENTIFIERS_CORRECTED]


def test_without_a_collection_certificate_the_reviewer_is_told_to_import_a_pack(
    tmp_path: Path, shared: Path
) -> None:
    made = make_bench(tmp_path / "plain")
    try:
        made.sign("SIG-0001")
        with pytest.raises(UserError, match="import the latest assignment pack"):
            return_signed_reviews(made.workspace, shared)
        assert list(shared.iterdir()) == []
    finally:
        made.workspace.close()


OPENSSL = shutil.which("openssl")


@pytest.mark.skipif(OPENSSL is None, reason="openssl is not installed")
def test_openssl_opens_a_return_with_the_readme_commands(
    bench: Bench, shared: Path, tmp_path: Path
) -> None:
    bench.sign("SIG-0001")
    (bundle,) = return_signed_reviews(bench.workspace, shared).bundles
    key, cert = collection()
    (tmp_path / "collection-key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    (tmp_path / "collection-cert.pem").write_text(certificate_pem(cert))
    (tmp_path / "study-root.pem").write_text(certificate_pem(study_a().root))
    (tmp_path / "other-root.pem").write_text(certificate_pem(study_b().root))
    command = (
        f"openssl cms -decrypt -binary -inform DER -in {bundle.path} -recip collection-cert.pem "
        "-inkey collection-key.pem | openssl cms -verify -binary -inform DER "
        "-CAfile study-root.pem -out bundle.json"
    )
    done = subprocess.run(
        ["sh", "-c", command], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "Verification successful" in done.stderr
    assert (tmp_path / "bundle.json").read_bytes() == opened(bundle.path).bundle.to_json_bytes()
    wrong = subprocess.run(
        ["sh", "-c", command.replace("study-root.pem", "other-root.pem")],
        cwd=tmp_path,
        capture_output=True,
        check=False,
    )
    assert wrong.returncode != 0  # another study's root: the reviewer's signature is not trusted


# --- a broken workspace returns nothing ------------------------------------------------------


@pytest.mark.parametrize("how", ["edit", "rewrite_history"])
def test_a_broken_audit_trail_returns_nothing_and_says_what_to_do(
    bench: Bench, shared: Path, how: str
) -> None:
    from reviewer_app.services.integrity.checks import WorkspaceIntegrityError
    from tests.support import audit_tampering

    bench.sign("SIG-0001")
    getattr(audit_tampering, how)(
        *((bench.workspace.db, 2) if how == "edit" else (bench.workspace.db,))
    )
    before = snapshot(bench.workspace.db)
    with pytest.raises(WorkspaceIntegrityError) as refused:
        return_signed_reviews(bench.workspace, shared)
    message = str(refused.value)
    assert "returning the signed reviews is refused" in message
    assert "backup" in message and "coordinator" in message
    assert list(shared.iterdir()) == [] and snapshot(bench.workspace.db) == before
    assert returned(bench)["SIG-0001"][1] is None  # not marked returned
