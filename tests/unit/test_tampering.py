"""Tampering with signed summaries is always caught, and pdfsig (poppler) agrees with us.

Files: a real signed summary (one signature) and a co-signed one (two), made by the sign-off
service. Attacks: 130 random single-byte changes inside the signed ranges, appended bytes,
an incremental update that draws on page 1, and a changed byte in the zero padding of the
signature value. For each file, ``verify`` must refuse it, every signature whose signed bytes
were touched must be "not intact", and pdfsig must agree with us on each signature it
reports (matched by signed byte ranges: "Signature is Valid" == intact) and on the last
signature's whole-document verdict ("Total document signed" == covers the whole file).
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer_app.services.pades import Coverage, PdfVerification, verify_pdf
from tests.unit.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PdfsigSignature,
    bob_pkcs12,
    make_bench,
    needs_pdfsig,
    pdfsig,
)
from tests.unit.test_pades import content_change

RANDOM_CHANGES_PER_FILE = 65
SEED = 20240614


@dataclass(frozen=True)
class Documents:
    single: bytes
    cosigned: bytes


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Documents:
    bench = make_bench(tmp_path_factory.mktemp("tamper") / "ws")
    with bench.workspace:
        bench.joint("SIG-0002")
        bench.sign("SIG-0001")
        review_id = bench.sign("SIG-0002", seed=2)
        slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
        bench.signoff.cosign(review_id, slot.id, COSIGNER_PASSPHRASE)
        return Documents(
            bench.signoff.document("SIG-0001").pdf, bench.signoff.document("SIG-0002").pdf
        )


def agree(ours: PdfVerification, theirs: list[PdfsigSignature]) -> list[str]:
    """Disagreements between our report and pdfsig's (empty when they agree)."""
    problems = []
    by_range = {s.signed_ranges: s for s in ours.signatures}
    for sig in theirs:
        mine = by_range.get(sig.ranges)
        if mine is None:
            problems.append(f"pdfsig reports a signature we do not: {sig}")
        elif mine.intact != sig.valid:
            problems.append(f"intact {mine.intact} vs pdfsig valid {sig.valid} for {sig.ranges}")
    if theirs and ours.signatures and theirs[-1].ranges == ours.signatures[-1].signed_ranges:
        whole = ours.signatures[-1].coverage is Coverage.WHOLE_FILE
        if whole != theirs[-1].total:
            problems.append(f"whole-file {whole} vs pdfsig total {theirs[-1].total}")
    return problems


def inside(pos: int, ranges: tuple[int, int, int, int] | None) -> bool:
    if ranges is None:
        return False
    a, b, c, d = ranges
    return a <= pos < a + b or c <= pos < c + d


def random_changes(data: bytes, rng: random.Random) -> list[tuple[int, bytes]]:
    """(position, tampered file) inside the last signature's signed ranges."""
    last = verify_pdf(data).signatures[-1].signed_ranges
    assert last is not None
    a, b, c, d = last
    found = []
    for _ in range(RANDOM_CHANGES_PER_FILE):
        pos = rng.randrange(a, a + b) if rng.random() < (b / (b + d)) else rng.randrange(c, c + d)
        tampered = bytearray(data)
        tampered[pos] = (tampered[pos] + rng.randrange(1, 256)) % 256
        found.append((pos, bytes(tampered)))
    return found


def test_the_untampered_files_pass(documents: Documents) -> None:
    for data in (documents.single, documents.cosigned):
        assert verify_pdf(data).ok


@needs_pdfsig
@pytest.mark.slow
def test_random_single_byte_changes_are_caught_and_pdfsig_agrees(documents: Documents) -> None:
    rng = random.Random(SEED)
    tally: Counter[str] = Counter()
    disagreements = []
    for name, data in (("single", documents.single), ("cosigned", documents.cosigned)):
        originals = verify_pdf(data).signatures
        for pos, tampered in random_changes(data, rng):
            ours = verify_pdf(tampered)
            assert not ours.ok, (name, pos)
            touched = [s.signed_ranges for s in originals if inside(pos, s.signed_ranges)]
            for sig in ours.signatures:
                if sig.signed_ranges in touched:
                    assert not sig.intact, (name, pos)
            problems = agree(ours, pdfsig(tampered))
            tally["files"] += 1
            if problems:
                disagreements.append((name, pos, problems))
    assert tally["files"] >= 130
    assert not disagreements, disagreements


@needs_pdfsig
def test_appended_bytes(documents: Documents) -> None:
    for data in (documents.single, documents.cosigned):
        tampered = data + b"\n1 0 obj\n(appended)\nendobj\n"
        ours = verify_pdf(tampered)
        assert not ours.ok
        assert all(s.intact for s in ours.signatures)
        assert ours.signatures[-1].coverage is not Coverage.WHOLE_FILE
        theirs = pdfsig(tampered)
        assert not agree(ours, theirs)
        assert all(t.valid for t in theirs) and not theirs[-1].total


@needs_pdfsig
def test_incremental_update_that_changes_page_content(documents: Documents) -> None:
    for data in (documents.single, documents.cosigned):
        tampered = content_change(data)
        ours = verify_pdf(tampered)
        assert not ours.ok
        assert all(s.intact for s in ours.signatures)  # the signed revision is untouched...
        assert any("changed" in f for f in ours.failures)  # ...but what follows is not allowed
        theirs = pdfsig(tampered)
        assert not agree(ours, theirs)
        assert not theirs[-1].total


@needs_pdfsig
def test_changed_byte_in_the_signature_padding(documents: Documents) -> None:
    for data in (documents.single, documents.cosigned):
        last = verify_pdf(data).signatures[-1].signed_ranges
        assert last is not None
        _, len1, start2, _ = last
        value = data[len1 + 1 : start2 - 1]
        pad_start = len(value.rstrip(b"0"))
        for digit in (b"1", b"A", b" "):
            tampered = bytearray(data)
            tampered[len1 + 1 + pad_start + 10] = digit[0]
            ours = verify_pdf(bytes(tampered))
            assert not ours.ok, digit
            # The value area is outside the signed bytes: the signature still checks out,
            # but the file now holds bytes nobody signed, so it is not wholly signed.
            assert ours.signatures[-1].intact
            assert ours.signatures[-1].coverage is Coverage.PARTIAL
            assert not agree(ours, pdfsig(bytes(tampered))), digit


def test_verify_never_raises_a_library_exception(documents: Documents) -> None:
    """Truncations and random multi-byte damage anywhere give a verdict or our own error."""
    from reviewer_app.errors import UserError

    rng = random.Random(SEED + 1)
    data = documents.cosigned
    for cut in range(0, len(data), max(1, len(data) // 40)):
        with contextlib.suppress(UserError):
            assert not verify_pdf(data[:cut]).ok
    for _ in range(40):
        tampered = bytearray(data)
        for _ in range(8):
            tampered[rng.randrange(len(data))] = rng.randrange(256)
        with contextlib.suppress(UserError):
            verify_pdf(bytes(tampered))


def test_documents_are_real_summaries(documents: Documents, tmp_path: Path) -> None:
    assert len(documents.single) > 20_000 and documents.single.startswith(b"%PDF-")
    assert len(verify_pdf(documents.cosigned).signatures) == 2
