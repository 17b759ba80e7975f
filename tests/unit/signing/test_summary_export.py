"""Batch export of the stored signed summaries (no Qt): exact bytes, atomic writes, progress."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.atomic_file import atomic_write_bytes
from reviewer_app.errors import UserError
from reviewer_app.services.signing import export as summary_export
from reviewer_app.services.signing.background import own_connection, summary_file_name
from reviewer_app.services.signing.export import export_signed_summaries
from reviewer_app.storage.workspace.signatures import DocumentKind, SignatureStore
from tests.support.signoff_fixtures import COSIGNER_PASSPHRASE, Bench, bob_pkcs12, make_bench


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bench]:
    """Five cases: two signed, one co-signed, one amended (v2 in progress), one untouched."""
    bench = make_bench(tmp_path_factory.mktemp("export") / "ws", case_count=5)
    bench.sign("SIG-0001", seed=1)
    bench.sign("SIG-0002", seed=2)
    bench.joint("SIG-0003", co_ref="R02", co_name="Bob Example")
    review_id = bench.sign("SIG-0003", seed=3)
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
    bench.signoff.remove_cosigner(slot.id)
    v1 = bench.sign("SIG-0004", seed=4)
    bench.signoff.amend(v1, "Relatives' concerns were recorded wrongly", "R01")
    yield bench
    bench.workspace.close()


EXPECTED = {"SIG-0001": (1, 1), "SIG-0002": (1, 1), "SIG-0003": (1, 2), "SIG-0004": (1, 1)}
"""case ref -> (version exported, signatures in the file)"""


def stored(bench: Bench, case_ref: str, kind: DocumentKind) -> bytes:
    return bench.signoff.document(case_ref, kind).pdf


def test_writes_exactly_the_stored_bytes_of_every_signed_case(
    signed: Bench, tmp_path: Path
) -> None:
    report = export_signed_summaries(signed.workspace, tmp_path)
    names = {p.name for p in tmp_path.iterdir()}
    assert names == {f"{ref}-v{v}-identifiable.pdf" for ref, (v, _n) in EXPECTED.items()}
    for ref in EXPECTED:
        assert (tmp_path / f"{ref}-v1-identifiable.pdf").read_bytes() == stored(
            signed, ref, DocumentKind.FULL
        )
    assert {(f.case_ref, f.version, f.signature_count) for f in report.files} == {
        (ref, v, n) for ref, (v, n) in EXPECTED.items()
    }
    assert report.case_count == 4 and report.identifiable
    # The co-signed file is the one exported, and an amendment in progress exports v1.
    cosigned = (tmp_path / "SIG-0003-v1-identifiable.pdf").read_bytes()
    assert cosigned.count(b"/ByteRange") == 2
    assert not (tmp_path / "SIG-0004-v2-identifiable.pdf").exists()


def test_taskforce_copy_and_both(signed: Bench, tmp_path: Path) -> None:
    only = tmp_path / "taskforce"
    only.mkdir()
    report = export_signed_summaries(signed.workspace, only, DocumentKind.TASKFORCE)
    assert {p.name for p in only.iterdir()} == {f"{ref}-v1-taskforce.pdf" for ref in EXPECTED}
    for ref in EXPECTED:
        data = (only / f"{ref}-v1-taskforce.pdf").read_bytes()
        assert data == stored(signed, ref, DocumentKind.TASKFORCE)
        assert data != stored(signed, ref, DocumentKind.FULL)
    assert not report.identifiable
    both = tmp_path / "both"
    both.mkdir()
    report = export_signed_summaries(
        signed.workspace, both, (DocumentKind.FULL, DocumentKind.TASKFORCE)
    )
    assert len(report.files) == 8 and len(list(both.iterdir())) == 8


def test_progress_is_reported_before_and_after_each_case(signed: Bench, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    export_signed_summaries(
        signed.workspace, tmp_path, progress=lambda d, t, label: calls.append((d, t, label))
    )
    assert [(d, t) for d, t, _ in calls] == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    case = signed.reviews.case("SIG-0001")
    labels = " ".join(label for _, _, label in calls)
    assert case.family_name not in labels and case.nhs_number not in labels


def test_every_file_is_written_atomically(
    signed: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[Path] = []

    def spy(path: Path, data: bytes, mode: int | None = None) -> None:
        written.append(Path(path))
        atomic_write_bytes(path, data, mode)

    monkeypatch.setattr(summary_export, "atomic_write_bytes", spy)
    old = tmp_path / "SIG-0001-v1-identifiable.pdf"
    old.write_bytes(b"an older export")  # replaced whole
    report = export_signed_summaries(signed.workspace, tmp_path)
    assert written == [f.path for f in report.files]
    assert old.read_bytes() == stored(signed, "SIG-0001", DocumentKind.FULL)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temp files


def test_a_failed_write_stops_with_a_plain_error_and_leaves_no_half_file(
    signed: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}

    def flaky(path: Path, data: bytes, mode: int | None = None) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        atomic_write_bytes(path, data, mode)

    monkeypatch.setattr(summary_export, "atomic_write_bytes", flaky)
    with pytest.raises(UserError) as info:
        export_signed_summaries(signed.workspace, tmp_path)
    assert "No space left on device" in str(info.value) and "1 file(s)" in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["SIG-0001-v1-identifiable.pdf"]


def test_refuses_a_missing_folder(signed: Bench, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="no folder"):
        export_signed_summaries(signed.workspace, tmp_path / "absent")


def test_works_on_a_connection_of_its_own_thread(signed: Bench, tmp_path: Path) -> None:
    """How the GUI runs it: a workspace opened on the worker's own connection."""
    import threading

    result: dict[str, object] = {}

    def work() -> None:
        with own_connection(signed.workspace) as workspace:
            result["report"] = export_signed_summaries(workspace, tmp_path)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    report = result["report"]
    assert isinstance(report, summary_export.ExportReport) and len(report.files) == 4


def test_file_names_are_safe_whatever_the_case_ref() -> None:
    assert summary_file_name("NSR-0001", 2, DocumentKind.FULL) == "NSR-0001-v2-identifiable.pdf"
    assert summary_file_name("../x/..", 1, DocumentKind.TASKFORCE) == "_x_-v1-taskforce.pdf"
    assert summary_file_name("..", 1, DocumentKind.FULL) == "case-v1-identifiable.pdf"


def test_only_signed_versions_are_listed(signed: Bench) -> None:
    ids = SignatureStore(signed.workspace.db).signed_review_ids()
    assert sorted(ids) == sorted(EXPECTED)


def test_a_broken_audit_trail_refuses_the_export_and_writes_nothing(tmp_path: Path) -> None:
    from reviewer_app.services.integrity.checks import WorkspaceIntegrityError
    from tests.support import audit_tampering

    bench = make_bench(tmp_path / "ws", case_count=2)
    try:
        bench.sign("SIG-0001")
        out = tmp_path / "out"
        out.mkdir()
        assert export_signed_summaries(bench.workspace, out).files  # intact: exports
        again = tmp_path / "again"
        again.mkdir()
        audit_tampering.delete(bench.workspace.db, 3)
        with pytest.raises(WorkspaceIntegrityError) as refused:
            export_signed_summaries(bench.workspace, again, list(DocumentKind))
        assert "exporting the signed summaries is refused" in str(refused.value)
        assert "entry 3 is missing" in str(refused.value) and "backup" in str(refused.value)
        assert list(again.iterdir()) == []
    finally:
        bench.workspace.close()
