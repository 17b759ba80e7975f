"""Shared set-up for benchmarks: workspaces of 400 and 10,000 synthetic cases, built once."""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.keys import PRODUCTION_KDF
from reviewer_app.storage.workspace.cases import CaseStore

PASSPHRASE = "benchmark passphrase"

if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest-benchmark does not time under xdist; parallel workers would also skew each other.
    pytest.exit("Run the benchmarks in one process: add -n 0")


def build_workspace(folder: Path, count: int) -> Path:
    with Workspace.create(folder, PASSPHRASE, kdf=PRODUCTION_KDF) as workspace:
        CaseStore(workspace.db).upsert_many(synthetic_cases(count, prefix="BEN"))
    return folder


@pytest.fixture(scope="session")
def workspace_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("ws10k"), 10_000)


@pytest.fixture(scope="session")
def workspace_400(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("ws400"), 400)


def percentile_ms(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index] * 1000


def time_calls(fn: Callable[[], object], rounds: int) -> dict[str, float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p95_ms": percentile_ms(samples, 95),
        "max_ms": max(samples) * 1000,
    }


# --- baselines timed in the same run (issue 15) ------------------------------------------


def interleaved(
    ours: Callable[[], object], baseline: Callable[[], object], rounds: int
) -> dict[str, float]:
    """Median times of ``ours`` and ``baseline``, alternated round by round so that a load
    spike on a shared machine hits both; the ratio is what the targets are set on."""
    mine: list[float] = []
    base: list[float] = []
    for _ in range(rounds):
        for fn, into in ((ours, mine), (baseline, base)):
            start = time.perf_counter()
            fn()
            into.append(time.perf_counter() - start)
    ours_ms = statistics.median(mine) * 1000
    base_ms = statistics.median(base) * 1000
    return {
        "ours_ms": round(ours_ms, 2),
        "baseline_ms": round(base_ms, 2),
        "ratio": round(ours_ms / base_ms, 2),
    }


def plain_story_parts(story: list[object]) -> list[object]:
    """What a story holds, stripped of its layout: each table as (column widths, rows of cell
    texts, which cells were Paragraphs), each paragraph as its text. ``plain_document``
    rebuilds the same tables and words as a plain reportlab document."""
    from reportlab.platypus import KeepTogether, Paragraph, Table

    parts: list[object] = []

    def cell_text(cell: object) -> tuple[str, bool]:
        if isinstance(cell, Paragraph):
            return cell.text, True
        if isinstance(cell, list | tuple):  # a cell holding flowables: their words
            texts = [cell_text(c)[0] for c in cell]
            return " ".join(t for t in texts if t), True
        if isinstance(cell, Table):
            inner = [cell_text(c)[0] for row in cell._cellvalues for c in row]
            return " ".join(t for t in inner if t), True
        return ("" if cell is None else str(cell)), False

    def walk(flowables: list[object]) -> None:
        for f in flowables:
            if isinstance(f, KeepTogether):
                walk(list(f._content))
            elif isinstance(f, Table):
                rows = [[cell_text(c) for c in row] for row in f._cellvalues]
                parts.append((list(f._colWidths), rows))
            elif isinstance(f, Paragraph):
                parts.append(f.text)

    walk(story)
    return parts


def plain_document(parts: list[object]) -> bytes:
    """A plain reportlab document of ``parts``: SimpleDocTemplate, one default-ish style in
    the same (bundled) font, plain Tables with a grid, Paragraphs where the summary had
    them: the same tables and words, none of the summary's furniture."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    from reviewer_app.services.pdf.fonts import ensure_fonts

    fonts = ensure_fonts()
    style = ParagraphStyle("plain", fontName=fonts.regular, fontSize=8.5, leading=11)
    grid = TableStyle(
        [
            ("FONT", (0, 0), (-1, -1), fonts.regular, 8.5),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.5, "grey"),
        ]
    )
    flowables: list[object] = []
    for part in parts:
        if isinstance(part, str):
            flowables.append(Paragraph(part, style))
            continue
        widths, rows = part  # type: ignore[misc]
        data = [[Paragraph(t, style) if is_para else t for t, is_para in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=0, splitInRow=1)
        table.setStyle(grid)
        flowables.append(table)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, invariant=1, pageCompression=1)
    doc.build(flowables)
    return buffer.getvalue()


def pdf_pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type /Page\b(?!s)", data))
