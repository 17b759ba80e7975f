"""A private note never leaves the workspace: not in what is signed (the canonical content),
not in either PDF summary, not in the return bundle (content, audit entries, PDFs), not in the
audit trail, not in the CLI's exports (cases --json, answers --json, pdf)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.services.notes.scratch import ScratchNotes
from reviewer_app.services.returns.format import open_bundle
from reviewer_app.services.returns.writer import return_signed_reviews
from reviewer_app.storage.workspace.signatures import SignatureStore
from tests.support.crypto_fixtures import study_a
from tests.support.returns_fixtures import collection, returning_bench
from tests.support.signoff_fixtures import PASSPHRASE, Bench

CANARY = "CANARYNOTE-7F3A"
NOTE = f"{CANARY} p.14 fluid chart missing; ask ward sister {CANARY.lower()}"


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = returning_bench(tmp_path / "ws", case_count=2)
    yield made
    made.workspace.close()


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def assert_no_canary(data: str | bytes, where: str) -> None:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    assert CANARY.casefold() not in text.casefold(), where


def test_the_note_is_in_the_workspace_and_in_nothing_that_leaves_it(
    bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    notes = ScratchNotes(bench.workspace.db)
    notes.save("SIG-0001", NOTE)
    review_id = bench.complete_review("SIG-0001")
    notes.save("SIG-0001", NOTE + " (edited while reviewing)")
    bench.signoff.sign(review_id, PASSPHRASE, bench.acknowledged(review_id))
    assert CANARY in notes.read("SIG-0001").text  # it is there: the checks below can fail

    # the signed PDFs (their text, and their bytes)
    store = SignatureStore(bench.workspace.db)
    for kind in (DocumentKind.FULL, DocumentKind.TASKFORCE):
        document = store.latest_document(review_id, kind)
        assert document is not None
        text = pdf_text(document.pdf)
        assert "SIG-0001" in text or kind is DocumentKind.TASKFORCE  # the extraction reads text
        assert_no_canary(text, f"{kind} PDF text")
        assert_no_canary(document.pdf, f"{kind} PDF bytes")

    # the audit trail (returned with the review)
    audit = bench.workspace.db.query_all("SELECT * FROM audit")
    assert audit
    assert_no_canary(json.dumps([list(map(str, row)) for row in audit]), "audit trail")

    # the return bundle, opened with the collection key: the signed content and everything else
    shared = tmp_path / "shared"
    shared.mkdir()
    report = return_signed_reviews(bench.workspace, shared)
    (written,) = [b.path for b in report.bundles]
    key, cert = collection()
    bundle = open_bundle(written.read_bytes(), key, cert, study_a().root).bundle
    (item,) = bundle.items
    assert item.case_ref == "SIG-0001"
    assert_no_canary(item.content, "canonical content (what was signed)")
    assert_no_canary(bundle.model_dump_json(), "return bundle")
    for pdf in (item.pdf_full(), item.pdf_taskforce()):
        assert_no_canary(pdf_text(pdf), "returned PDF")

    # the CLI's exports
    from reviewer_app import cli

    monkeypatch.setenv("REVIEWER_APP_PASSPHRASE", PASSPHRASE)
    folder = str(bench.workspace.folder)
    bench.workspace.close()
    capsys.readouterr()
    assert cli.main(["cases", "--json", "--workspace", folder]) == 0
    assert cli.main(["answers", "SIG-0001", "--json", "--workspace", folder]) == 0
    printed = capsys.readouterr()
    assert "SIG-0001" in printed.out
    assert_no_canary(printed.out + printed.err, "CLI cases/answers --json")
    out = tmp_path / "summary.pdf"
    assert cli.main(["pdf", "SIG-0001", "--out", str(out), "--workspace", folder]) == 0
    assert_no_canary(pdf_text(out.read_bytes()), "CLI pdf")
