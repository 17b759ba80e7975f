"""Intake and allocation at national scale (issue 8 moved these out of the default run).

Each test says what it times and against which baseline, measured in the same run.
"""

from __future__ import annotations

import csv
import io
import statistics
import time

from reviewer_app.domain.panel import Profession, Reviewer, Sector
from reviewer_app.services.allocation.pairing import allocate
from reviewer_app.services.demo.synthetic import cohort_csv, synthetic_cases
from reviewer_app.services.intake.cohort_csv import read_cohort


def _median_s(fn, rounds: int = 3) -> float:
    runs = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def test_read_ten_thousand_cohort_rows(benchmark) -> None:
    """Times: reading and validating a 10,000-row cohort CSV (Modulus 11, dates, NFC) against
    the standard library's csv.DictReader merely splitting the same bytes into dicts."""
    data = cohort_csv(synthetic_cases(10_000, seed=7)).encode("utf-8")
    bare_s = _median_s(lambda: list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")))))
    result = benchmark.pedantic(read_cohort, args=(data, "c.csv"), rounds=3, iterations=1)
    assert len(result.cases) == 10_000
    assert result.errors == []
    ratio = benchmark.stats.stats.median / bare_s
    benchmark.extra_info.update(bare_dictreader_s=round(bare_s, 4), ratio_to_bare=round(ratio, 1))
    print(f"\n10,000 rows: {benchmark.stats.stats.median:.2f} s; bare DictReader {bare_s:.3f} s")
    assert benchmark.stats.stats.median < 5, "reading 10,000 rows must take under 5 s"


def test_allocate_ten_thousand_cases_to_forty_reviewers(benchmark) -> None:
    """Times: allocating 10,000 cases to 40 reviewers (no baseline fits: absolute target)."""
    cases = synthetic_cases(10_000, seed=7)
    sectors = (Sector.SECONDARY, Sector.PRIMARY, Sector.COMMUNITY)
    reviewers = [
        Reviewer(
            reviewer_ref=f"R{i:02d}",
            name=f"Reviewer {i}",
            profession=Profession.DOCTOR if i % 2 else Profession.NURSE,
            sector=sectors[i % 3],
            registration=f"GMC {1000000 + i}" if i % 2 else f"NMC 12A{1000 + i}E",
            email=f"r{i:02d}@example.nhs.uk",
        )
        for i in range(1, 41)
    ]
    result = benchmark.pedantic(allocate, args=(cases, reviewers), rounds=3, iterations=1)
    assert len(result.pairs) + len(result.unallocated) == 10_000
    assert benchmark.stats.stats.median < 5, "allocating 10,000 cases must take under 5 s"
