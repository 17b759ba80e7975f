"""Return and collection benchmarks (issue 12). Each test says exactly what it times.

Set-up not timed: building the practice study through the real path (keys, enrolment,
packs, every review filled and signed: minutes at 400 cases), with ``variety=False`` so it is
a plain double-review study (every case reviewed by two reviewers, each version signed) and
``return_reviews=False`` so the signed reviews are still on the laptops. Production KDF.

- return of one reviewer's 200 signed reviews (timed: ``return_signed_reviews``);
- collection and full verification of all 400 cases (800 versions, 1,600 PDFs) with the
  per-bundle cost set against a bare CMS decrypt + verify (``cms.open_envelope`` +
  ``cms.verify_attached``) and a bare pyHanko verify of one PDF, measured in the same run;
- re-collecting the collected folder (every file known by its hash: no re-verification).

The 10,000-version run is built the same way but takes hours to set up (every version is
signed for real): it runs only with ``REVIEWER_APP_BENCH_10K=1``.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from reviewer_app.services.collection.collector import collect
from reviewer_app.services.demo.practice import (
    PRACTICE_STUDY_PASSPHRASE,
    PRACTICE_WORKSPACE_PASSPHRASE,
    PracticeStudy,
    build_practice_study,
)
from reviewer_app.services.returns.format import open_bundle
from reviewer_app.services.returns.writer import return_signed_reviews
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.study import Study
from reviewer_app.services.trust import cms
from reviewer_app.storage.keys import PRODUCTION_KDF

DER = Encoding.DER
RETURN_TARGET_S = 10.0
COLLECT_TARGET_S = 60.0
RECOLLECT_TARGET_S = 5.0
SIZES = [
    pytest.param(400, 4, id="400-cases"),
    pytest.param(
        5_000,
        25,
        id="5000-cases",
        marks=pytest.mark.skipif(
            os.environ.get("REVIEWER_APP_BENCH_10K") != "1",
            reason="10,000 versions take hours to build: set REVIEWER_APP_BENCH_10K=1",
        ),
    ),
]


@dataclass
class Figures:
    built: PracticeStudy
    build_s: float
    return_s: float = 0.0
    returned_items: int = 0


def _build(root: Path, cases: int, reviewers: int) -> Figures:
    started = time.perf_counter()
    built = build_practice_study(
        root,
        cases=cases,
        reviewers=reviewers,
        kdf=PRODUCTION_KDF,
        variety=False,
        return_reviews=False,
    )
    return Figures(built, time.perf_counter() - started)


def _return_all(figures: Figures, first_timed: bool) -> None:
    shared = figures.built.layout.shared
    for n, ref in enumerate(figures.built.plan.reviewers()):
        with ReviewerSession.unlock(
            figures.built.layout.reviewer(ref), PRACTICE_WORKSPACE_PASSPHRASE
        ) as session:
            started = time.perf_counter()
            report = return_signed_reviews(session, shared)
            if n == 0 and first_timed:
                figures.return_s = time.perf_counter() - started
                figures.returned_items = report.item_count


def _bare_costs(study: Study, bundle_file: Path) -> tuple[float, float]:
    """Seconds for a bare CMS decrypt + verify of one bundle, and a bare pyHanko verify of
    one of its PDFs (each the best of five)."""
    key, cert = study.collection_authority()
    root = study.root_certificate()
    data = bundle_file.read_bytes()
    cms_s = min(_timed(lambda: cms.verify_attached(cms.open_envelope(data, key, cert), [root])))
    pdf = open_bundle(data, key, cert, root).bundle.items[0].pdf_full()
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(root.public_bytes(DER))])

    def pyhanko_verify() -> None:
        reader = PdfFileReader(io.BytesIO(pdf))
        for signature in reader.embedded_signatures:
            validate_pdf_signature(signature, context)

    return cms_s, min(_timed(pyhanko_verify))


def _timed(fn, rounds: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


@pytest.mark.parametrize(("cases", "reviewers"), SIZES)
def test_return_collect_and_recollect(
    cases: int, reviewers: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    figures = _build(tmp_path_factory.mktemp(f"bench-returns-{cases}") / "p", cases, reviewers)
    _return_all(figures, first_timed=True)
    layout = figures.built.layout
    files = sorted(layout.shared.glob("return-*.p7m"))
    with Study.open(layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        started = time.perf_counter()
        report = collect(study, layout.shared)
        collect_s = time.perf_counter() - started
        started = time.perf_counter()
        again = collect(study, layout.shared)
        recollect_s = time.perf_counter() - started
        cms_s, pyhanko_s = _bare_costs(study, files[0])
    totals = report.totals()
    versions = totals["new"] + totals["superseded"]
    per_bundle = collect_s / len(files)
    per_version = collect_s / versions
    print(
        f"\n{cases} cases, {reviewers} reviewers: built in {figures.build_s:.0f} s; "
        f"return of {figures.returned_items} signed reviews from one workspace "
        f"{figures.return_s:.2f} s; collection of {len(files)} bundles ({versions} versions, "
        f"{2 * versions} PDFs) {collect_s:.1f} s = {per_bundle * 1000:.0f} ms per bundle, "
        f"{per_version * 1000:.1f} ms per version; bare CMS decrypt+verify of one bundle "
        f"{cms_s * 1000:.1f} ms; bare pyHanko verify of one PDF {pyhanko_s * 1000:.1f} ms; "
        f"re-collect {recollect_s:.2f} s"
    )
    assert totals["quarantined"] == 0 and versions == 2 * cases
    assert again.files_already == len(files) and again.files_collected == 0
    if cases == 400:
        assert figures.returned_items == 200
        assert figures.return_s < RETURN_TARGET_S
        assert collect_s < COLLECT_TARGET_S
        assert recollect_s < RECOLLECT_TARGET_S
