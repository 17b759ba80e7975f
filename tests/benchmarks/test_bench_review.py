"""Review form benchmarks on a 10,000-case workspace (issue 4). Each test says what it times.

Run with ``uv run pytest tests/benchmarks/test_bench_review.py --benchmarks -s``.
"""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form import ReviewPage
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.workspace import Workspace
from tests.benchmarks.conftest import PASSPHRASE, percentile_ms

OPEN_BUDGET_MS = 150
STALL_BUDGET_MS = 16


@pytest.fixture
def page_10k(qtbot: Any, workspace_10k: Path) -> Iterator[tuple[ReviewPage, ReviewService]]:
    workspace = Workspace.unlock(workspace_10k, PASSPHRASE)
    service = ReviewService(workspace.db)
    writer = AutosaveWriter(workspace.connect, "bench")
    writer.start()
    page = ReviewPage(service, writer)

    def no_dialogs(dialog: Any) -> int:
        raise AssertionError(f"unexpected dialog: {dialog.windowTitle()}")

    page.exec_dialog = no_dialogs
    page.resize(1093, 614)
    page.show()
    qtbot.waitExposed(page)
    try:
        yield page, service
    finally:
        page.close_case()
        writer.stop()
        page.close()
        page.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        workspace.close()


def _figures(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile_ms(samples, 95),
        "max_ms": max(samples) * 1000,
    }


def test_open_case(qtbot: Any, page_10k: tuple[ReviewPage, ReviewService]) -> None:
    """Times: ReviewService.open alone, and ReviewPage.open_case (which calls it: reads the
    case, creates or reads its review, loads answers, validates, fills the form) until the
    page has processed its events and painted (``QApplication.processEvents``). The first
    open also builds the first section's widgets; later opens reuse them. 30 different cases
    of the 10,000, each opened for the first time (its review is created: one commit)."""
    page, service = page_10k
    refs = [f"BEN-{n:04d}" for n in range(100, 10_000, 330)][:30]
    start = time.perf_counter()
    page.open_case("BEN-0001")
    QApplication.processEvents()
    first = time.perf_counter() - start
    service_samples, page_samples = [], []
    for ref in refs:
        start = time.perf_counter()
        service.open(ref, "bench")
        service_samples.append(time.perf_counter() - start)
    refs2 = [f"BEN-{n:04d}" for n in range(150, 10_000, 330)][:30]
    for ref in refs2:
        start = time.perf_counter()
        page.open_case(ref)
        QApplication.processEvents()
        page_samples.append(time.perf_counter() - start)
    service_figures = _figures(service_samples)
    page_figures = _figures(page_samples)
    print(
        f"\nfirst open (builds the first page): {first * 1000:.1f} ms"
        f"\nReviewService.open: {service_figures}"
        f"\nReviewPage.open_case until painted: {page_figures}"
    )
    assert first * 1000 < OPEN_BUDGET_MS * 2
    assert page_figures["p95_ms"] < OPEN_BUDGET_MS, page_figures


def test_longest_gui_stall_while_typing_and_saving(
    qtbot: Any, page_10k: tuple[ReviewPage, ReviewService]
) -> None:
    """Times: the longest gap between ticks of a 1 ms precise QTimer on the GUI thread while
    a reviewer types (one key every 15 ms into a comment, with the real writer thread saving
    in the background about every second) and answers choices (a radio every 300 ms, each
    recomputing validation, section states and readiness at once). Measured for 3 s."""
    page, _ = page_10k
    page.open_case("BEN-5000", "phase.overall")
    comment = page.row("phase.overall.comment").field.focus_target()
    score = page.row("phase.overall.score").field
    comment.setFocus()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    letters = iter("Observations were not repeated for eleven hours. " * 20)
    ticks = [0]

    def type_one() -> None:
        ticks[0] += 1
        QTest.keyClick(comment, next(letters))
        if ticks[0] % 20 == 0:
            score.buttons[ticks[0] // 20 % 5].click()
            comment.setFocus()

    probe_timer = QTimer()
    probe_timer.setTimerType(Qt.TimerType.PreciseTimer)
    probe_timer.timeout.connect(probe)
    typist = QTimer()
    typist.timeout.connect(type_one)
    probe_timer.start(1)
    typist.start(15)
    qtbot.wait(3000)
    typist.stop()
    probe_timer.stop()
    gaps = gaps[5:]  # the timers' first ticks line up with the start of the loop
    worst = max(gaps) * 1000
    print(
        f"\nGUI thread: {len(gaps)} probe ticks, {ticks[0]} keys; longest gap {worst:.1f} ms, "
        f"p99 {percentile_ms(gaps, 99):.1f} ms"
    )
    assert page.indicator.state in ("saved", "saving")
    assert worst < STALL_BUDGET_MS


def test_peak_memory(qtbot: Any, page_10k: tuple[ReviewPage, ReviewService]) -> None:
    """Measures: peak Python heap (tracemalloc) while opening 20 cases and visiting every
    section of the form once (every page built), and the process's peak resident set size
    (``ru_maxrss``: Qt, SQLCipher and Python together, since the process started)."""
    page, _ = page_10k
    tracemalloc.start()
    for n in range(20):
        page.open_case(f"BEN-{7000 + n:04d}")
    for index in range(page.nav.count()):
        page.nav.setCurrentRow(index)
    QApplication.processEvents()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak Python heap {peak / 2**20:.1f} MiB; peak RSS {rss_mib:.0f} MiB")
    assert peak < 200 * 2**20
