"""Sign-off benchmarks (issue: sign-off and the signed PDF). Each test says what it times.

Run with ``uv run pytest tests/benchmarks/test_bench_signing.py --benchmarks``. Workspaces
use the production KDF (the passphrase check costs what it costs on a laptop), but it is
checked once per session (``open_session``), as the GUI and batch signing do.
"""

from __future__ import annotations

import io
import os
import random
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from reviewer_app.domain.definition import load_definition_version
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.pdf.fonts import ensure_fonts
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.signing.canonical import sealed_warnings
from reviewer_app.services.signing.pades_sign import (
    SignaturePlace,
    SigningIdentity,
    asn1_cert,
    sign_pdf,
)
from reviewer_app.services.signing.pades_verify import verify_pdf
from reviewer_app.services.signing.signed_pdfs import REVIEWER_FIELD
from reviewer_app.services.signing.signing_inputs import SigningInputs
from reviewer_app.services.signing.signoff import SignoffService
from reviewer_app.services.summary.input import Signer, SummaryInput
from reviewer_app.services.summary.pdf import render_summary_layout
from reviewer_app.services.summary.story import SummaryStory
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.workspace.cases import CaseStore
from tests.benchmarks.conftest import (
    PASSPHRASE,
    build_workspace,
    interleaved,
    plain_document,
    plain_story_parts,
    time_calls,
)
from tests.benchmarks.summary_inputs import heaviest_input
from tests.support.crypto_fixtures import alice, study_a
from tests.support.signoff_fixtures import enrol, identity_of


def _fill(workspace: Workspace, refs: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    reviews = ReviewService(workspace.db)
    signoff = SignoffService(workspace)
    items = []
    for i, ref in enumerate(refs):
        opened = reviews.open(ref, "R01")
        answers = complete_answers(opened.definition, opened.case, random.Random(i))
        reviews.save(opened.review_id, answers, "R01")
        items.append((opened.review_id, signoff.check(opened.review_id).warning_codes))
    return items


BATCH_TARGET_S = 20.0
"""Issue 15: 400 sign-offs (both copies rendered, signed, verified, stored) in 20 s."""


def test_render_and_sign_one_summary(benchmark, tmp_path: Path) -> None:
    """Times: rendering ONE summary (the full, identifiable one) from its SummaryInput and
    signing it (PAdES-B-B, visible signature field, incremental update). Target: < 300 ms."""
    folder = build_workspace(tmp_path / "ws", 3)
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        enrol(workspace, alice())
        ((review_id, _),) = _fill(workspace, ["BEN-0001"])
        reviews = ReviewService(workspace.db)
        opened = reviews.reload(review_id)
    data = SummaryInput(
        study_name="Structured review A",
        study_id="STUDY-A",
        case=opened.case,
        definition=opened.definition,
        answers=opened.answers,
        signers=(Signer(name="Alice Example", profession="doctor", signed_at=None),),
        content_hash="ab" * 32,
    )
    identity = identity_of(alice())

    def render_and_sign() -> bytes:
        rendered = render_summary_layout(data)
        box = next(b for b in rendered.signature_boxes if b.field_name == REVIEWER_FIELD)
        return sign_pdf(
            rendered.pdf,
            identity,
            field_name=REVIEWER_FIELD,
            reason="benchmark",
            certify=True,
            place=SignaturePlace(box.field_name, box.page_index, box.box),
        )

    assert verify_pdf(render_and_sign()).ok
    figures = time_calls(render_and_sign, 20)
    benchmark.extra_info.update(figures)
    benchmark.pedantic(render_and_sign, rounds=5, iterations=1)
    assert figures["p50_ms"] < 300, figures


def test_sign_off_one_case_complete(benchmark, tmp_path: Path) -> None:
    """Times: the whole sign-off of one case after the passphrase check: validation, canonical
    content, rendering AND signing both summaries (full + taskforce copy), verifying each,
    and storing signatures, PDFs, status and audit in one durable transaction.
    Reported, not asserted against 300 ms (it is two documents, not one)."""
    folder = build_workspace(tmp_path / "ws", 30)
    with Workspace.unlock(folder, PASSPHRASE) as workspace:
        enrol(workspace, alice())
        items = iter(_fill(workspace, [f"BEN-{i:04d}" for i in range(1, 26)]))
        signoff = SignoffService(workspace)
        session = signoff.open_session(PASSPHRASE)

        def sign_next() -> None:
            review_id, codes = next(items)
            signoff.sign_with(session, review_id, codes)

        figures = time_calls(sign_next, 20)
        benchmark.extra_info.update(figures)
        benchmark.pedantic(sign_next, rounds=5, iterations=1)
        assert figures["p50_ms"] < 1000, figures


@pytest.mark.timeout(1200)  # 400 cases and the floor, on a loaded machine
def test_sign_400_cases_in_a_batch(benchmark, workspace_400: Path) -> None:
    """Times: signing 400 complete reviews in one batch: per case, render and sign both
    summaries (full + taskforce copy) in worker processes, self-verify each, and store
    (signature, both PDFs, status, audit) in its own transaction. The passphrase check and
    filling in the answers are NOT timed. Target (issue 15): <= 20 s on 2 cores.

    Baseline in the same run (the floor): the same 800 documents as plain reportlab
    documents of the same tables and words, each with one bare pyHanko signature, in as many
    worker processes, nothing verified or stored; half timed just before the batch and half
    just after, so that a change of load on a shared machine hits both. When that floor
    alone exceeds 20 s on this machine, the 20 s cannot be met by any renderer built on
    reportlab and pyHanko; the batch is then held to 3x the floor (the render + sign
    target) and the miss is printed.
    """
    with Workspace.unlock(workspace_400, PASSPHRASE) as workspace:
        enrol(workspace, alice())
        refs = [c.case_ref for c in CaseStore(workspace.db).list_summaries()]
        items = _fill(workspace, refs)
        inputs = _summary_inputs(workspace, items)
        signoff = SignoffService(workspace)
        session = signoff.open_session(PASSPHRASE)
        half = len(inputs) // 2  # half the floor just before the batch, half just after:
        floor = _floor_seconds(inputs[:half])  # a change of load during the batch hits both
        start = time.perf_counter()
        results = benchmark.pedantic(
            signoff.sign_batch, args=(session, items), rounds=1, iterations=1
        )
        elapsed = time.perf_counter() - start
        floor += _floor_seconds(inputs[half:])
    assert len(results) == 400
    assert all(verify_pdf(r.full.pdf, study_a().root).ok for r in results[:: len(results) // 8])
    benchmark.extra_info.update({"seconds": elapsed, "floor_seconds": floor})
    print(
        f"\n400 sign-offs in a batch: {elapsed:.1f} s; floor (800 plain reportlab documents "
        f"+ bare pyHanko signatures, {_workers()} processes): {floor:.1f} s; ratio "
        f"{elapsed / floor:.2f}; target {BATCH_TARGET_S:.0f} s "
        f"{'met' if elapsed <= BATCH_TARGET_S else 'NOT met'}"
    )
    if floor <= BATCH_TARGET_S:
        assert elapsed <= BATCH_TARGET_S, f"400 cases took {elapsed:.1f} s"
    else:
        assert elapsed / floor <= RENDER_SIGN_TARGET, (elapsed, floor)


def _workers() -> int:
    return min(4, os.cpu_count() or 1)  # what sign_batch uses by default


def _summary_inputs(
    workspace: Workspace, items: list[tuple[int, tuple[str, ...]]]
) -> list[SummaryInput]:
    """Both copies' inputs of every version, as sign-off makes them (not timed)."""
    signoff = SignoffService(workspace)
    made = SigningInputs(
        workspace.db, clock=utc_now, definition_loader=load_definition_version, synthetic=False
    )
    head = AuditLog(workspace.db).head()
    me = Signer(name="Alice Example", profession="doctor", signed_at=None)
    inputs = []
    for review_id, _ in items:
        check = signoff.check(review_id)
        draft = made.draft(check.review, head, me, sealed_warnings(check.warnings))
        inputs.extend(made.summary_input(draft, kind) for kind in DocumentKind)
    return inputs


_FLOOR_SIGNER: signers.SimpleSigner | None = None


def _floor_init() -> None:
    global _FLOOR_SIGNER  # noqa: PLW0603 - one signer per worker process, as sign-off does
    ensure_fonts()
    _FLOOR_SIGNER = _bare_signer(identity_of(alice()))


def _floor_parts(data: SummaryInput) -> list[object]:
    return plain_story_parts(SummaryStory(data, []).build())


def _floor_document(parts: list[object]) -> int:
    assert _FLOOR_SIGNER is not None
    return len(_bare_sign(plain_document(parts), _FLOOR_SIGNER))


def _floor_seconds(inputs: list[SummaryInput]) -> float:
    """The floor: plain documents of the same tables and words, bare-signed, in a pool."""
    with ProcessPoolExecutor(max_workers=_workers(), initializer=_floor_init) as pool:
        parts = list(pool.map(_floor_parts, inputs, chunksize=8))  # not timed
        start = time.perf_counter()
        sizes = list(pool.map(_floor_document, parts, chunksize=4))
        elapsed = time.perf_counter() - start
    assert len(sizes) == len(inputs) and min(sizes) > 0
    return elapsed


# --- against baselines timed in the same run (issue 15) -----------------------------------

RENDER_SIGN_TARGET = 3.0
VERIFY_TARGET = 1.5


class _HeldKeySigner(signers.SimpleSigner):  # type: ignore[misc]
    """pyHanko's SimpleSigner, signing with the key object already parsed. Out of the box
    SimpleSigner parses (and checks) the DER key again for every signature and once more
    for its dry run, ~90 ms each for a 3072-bit key: that would inflate the baseline and
    flatter our ratio, so the baseline holds the parsed key, exactly as ``pades_sign`` does.
    """

    def __init__(self, identity: SigningIdentity) -> None:
        der_key = identity.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        store = SimpleCertificateStore()
        store.register_multiple([asn1_cert(c) for c in identity.chain])
        super().__init__(
            signing_cert=asn1_cert(identity.cert),
            signing_key=asn1_keys.PrivateKeyInfo.load(der_key),
            cert_registry=store,
        )
        self._key = identity.key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if dry_run:
            return bytes(self._key.key_size // 8)
        algorithm = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}[digest_algorithm]
        return bytes(self._key.sign(data, padding.PKCS1v15(), algorithm()))


def _bare_signer(identity: SigningIdentity) -> signers.SimpleSigner:
    """pyHanko's own signer (made once, not timed)."""
    return _HeldKeySigner(identity)


def _bare_sign(pdf: bytes, signer: signers.SimpleSigner) -> bytes:
    """One bare pyHanko signature: defaults (but SHA-256, as ours: for a 3072-bit key
    pyHanko would pick SHA-384), a new invisible field, nothing else."""
    out = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)),
        signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256"),
        signer=signer,
    )
    return bytes(out.getvalue())


def _sign_ours(data: SummaryInput, identity: SigningIdentity) -> bytes:
    """What sign-off does to one copy: render, sign in the reviewer's visible box (certifying),
    reserve the other fields."""
    rendered = render_summary_layout(data)
    places = {
        b.field_name: SignaturePlace(b.field_name, b.page_index, b.box)
        for b in rendered.signature_boxes
    }
    return sign_pdf(
        rendered.pdf,
        identity,
        field_name=REVIEWER_FIELD,
        reason="benchmark",
        certify=True,
        place=places.get(REVIEWER_FIELD),
        reserve=[p for name, p in places.items() if name != REVIEWER_FIELD],
    )


def test_render_and_sign_against_plain_reportlab_and_bare_pyhanko(benchmark) -> None:
    """Times: render + sign the heaviest complete summary (as sign-off signs one copy),
    against the baseline in the same run: the plain reportlab document of the same tables
    and words (``test_bench_pdf``) plus one bare pyHanko signature on it (SimpleSigner
    holding the parsed key, default metadata, an invisible field). Alternated round by
    round. Target: at most 3x."""
    ensure_fonts()
    data = heaviest_input()
    identity = identity_of(alice())
    bare = _bare_signer(identity)
    parts = plain_story_parts(SummaryStory(data, []).build())
    assert verify_pdf(_sign_ours(data, identity), study_a().root).verified
    root_der = study_a().root.public_bytes(serialization.Encoding.DER)
    assert _bare_validate(_bare_sign(plain_document(parts), bare), root_der)
    figures = interleaved(
        lambda: _sign_ours(data, identity), lambda: _bare_sign(plain_document(parts), bare), 15
    )
    benchmark.extra_info.update(figures)
    benchmark.pedantic(_sign_ours, args=(data, identity), rounds=3, iterations=1)
    print(f"\nrender + sign one summary: {figures}")
    assert figures["ratio"] <= RENDER_SIGN_TARGET, figures


def _bare_validate(pdf: bytes, root_der: bytes) -> bool:
    """One bare pyHanko validation: read, the first embedded signature, validate it against
    the root (offline), as pyHanko's documentation does it."""
    from asn1crypto import x509 as asn1_x509

    reader = PdfFileReader(io.BytesIO(pdf))
    context = ValidationContext(
        trust_roots=[asn1_x509.Certificate.load(root_der)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    return bool(status.bottom_line)


def test_verify_one_signed_summary_against_bare_pyhanko(benchmark) -> None:
    """Times: ``verify_pdf`` of one signed summary against the study root, as collection
    does for every PDF (its inner loop), against one bare pyHanko validation of the same
    file, timed in the same run and alternated. Target: at most 1.5x."""
    ensure_fonts()
    identity = identity_of(alice())
    signed = _sign_ours(heaviest_input(), identity)
    root = study_a().root
    root_der = root.public_bytes(serialization.Encoding.DER)
    assert verify_pdf(signed, root).verified
    assert _bare_validate(signed, root_der)
    figures = interleaved(
        lambda: verify_pdf(signed, root), lambda: _bare_validate(signed, root_der), 30
    )
    benchmark.extra_info.update(figures)
    benchmark.pedantic(verify_pdf, args=(signed, root), rounds=5, iterations=1)
    print(f"\nverify one signed summary: {figures}")
    assert figures["ratio"] <= VERIFY_TARGET, figures
