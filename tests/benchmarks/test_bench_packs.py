"""Coordinator and pack benchmarks (issue 3). Each test says exactly what it times.

Set-up not timed: creating the study and its authority, importing the panel, creating the
reviewers' identities and enrolling them (RSA key generation), and the Argon2 unlock. The
study is open when the clock starts; the authority key is decrypted inside the timed part.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from reviewer_app.services.allocation import study_allocation
from reviewer_app.services.intake import study_intake
from reviewer_app.services.packs import maker as pack_maker
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.study import Study
from reviewer_app.services.trust import enrolment_desk
from reviewer_app.storage.keys import TEST_KDF
from tests.support.study_fixtures import (
    STUDY_PASSPHRASE,
    cohort_bytes,
    new_workspace,
    panel,
    panel_bytes,
)

WS_PASSPHRASE = "reviewer workspace passphrase"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A study with a doctor and a nurse enrolled (so each gets every case), no cohort."""
    root = tmp_path_factory.mktemp("bench-packs")
    with Study.create(
        root / "study", STUDY_PASSPHRASE, name="Benchmark study", kdf=TEST_KDF
    ) as study:
        study_intake.add_reviewers(study, panel_bytes(panel(2)), "panel.csv")
        for ref in ("R01", "R02"):
            session, request = new_workspace(root / f"ws-{ref}", ref)
            session.close()
            enrolment_desk.enrol(study, request, ref)
    return root


def _fresh(template: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(template, target)
    return target


def _cohort_to_packs(folder: Path, cohort: bytes) -> float:
    with Study.open(folder / "study", STUDY_PASSPHRASE) as study:
        start = time.perf_counter()
        study_intake.add_cohort(study, cohort, "cohort.csv")
        study_allocation.allocate(study)
        report = pack_maker.make_packs(study, folder / "drive")
        elapsed = time.perf_counter() - start
    assert {m.reviewer_ref for m in report.made} == {"R01", "R02"}
    return elapsed


@pytest.mark.parametrize(("count", "limit_s"), [(400, 2.0), (10_000, 20.0)])
def test_cohort_to_allocation_to_packs(
    benchmark, template: Path, tmp_path: Path, count: int, limit_s: float
) -> None:
    """Times: cohort CSV intake (parse, validate, store) + allocation (stored) + making and
    atomically writing both reviewers' packs (sign with the study root, encrypt), with the
    study already unlocked. Target: 400 cases under 2 s; 10,000 under 20 s."""
    cohort = cohort_bytes(count, seed=3)
    rounds = 3 if count <= 400 else 1
    timings: list[float] = []

    def one_round() -> None:
        timings.append(_cohort_to_packs(_fresh(template, tmp_path, "round"), cohort))

    benchmark.pedantic(one_round, rounds=rounds, iterations=1)
    benchmark.extra_info["seconds"] = timings
    assert max(timings) < limit_s, timings


def test_import_of_a_400_case_pack(benchmark, template: Path, tmp_path: Path) -> None:
    """Times: importing a 400-case pack into an unlocked, empty workspace (decrypt, verify the
    signature and chain, check trust, apply every case, commit one transaction)."""
    made = _fresh(template, tmp_path, "made")
    _cohort_to_packs(made, cohort_bytes(400, seed=3))
    pack = (made / "drive" / "assignment-R01-0001.p7m").read_bytes()
    with Study.open(made / "study", STUDY_PASSPHRASE) as study:
        fingerprint = study.fingerprint()
    timings: list[float] = []

    def one_round() -> None:
        folder = _fresh(template / "ws-R01", tmp_path, "ws")
        with ReviewerSession.unlock(folder, WS_PASSPHRASE) as session:
            start = time.perf_counter()
            report = session.import_pack(pack, trust_fingerprint=fingerprint)
            timings.append(time.perf_counter() - start)
            assert len(report.added) == 400

    benchmark.pedantic(one_round, rounds=5, iterations=1)
    benchmark.extra_info["seconds"] = timings
    assert max(timings) < 1.0, timings
