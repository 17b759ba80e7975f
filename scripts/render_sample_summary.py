"""Render a sample PDF case summary (synthetic data) and a PNG of its first page.

Usage: uv run python scripts/render_sample_summary.py [--out-dir docs/images] [--dpi 90]

Writes ``summary-sample.pdf`` and ``summary-page1.png`` (page 1 rendered by poppler's
``pdftoppm``) for the README. Everything in it is invented: the case, the reviewers and the
answers come from the synthetic generators, and every page says SYNTHETIC DATA.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from reviewer_app.domain.definition import default_definition
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.demo.synthetic import synthetic_cases
from reviewer_app.services.summary.pdf import Signer, SummaryInput, render_summary_layout

REPO = Path(__file__).resolve().parents[1]


def sample_input() -> SummaryInput:
    """A co-signed review with problems in care, an escalation and Duty of Candour."""
    definition = default_definition()
    cases = synthetic_cases(40)
    for seed, case in enumerate(cases):
        rng = random.Random(seed)  # noqa: S311 (invented data, not cryptography)
        answers = complete_answers(definition, case, rng)
        if answers.get("escalation.decision") == "escalate":
            break
    canonical = repr(sorted(answers.items())).encode("utf-8")
    return SummaryInput(
        study_name="Leicester, Leicestershire and Rutland deaths review",
        study_id="LLR-2017",
        case=case,
        definition=definition,
        answers=answers,
        signers=(
            Signer(
                name="Dr Amrit Kowalczyk",
                profession="Consultant physician, acute medicine",
                registration="GMC 7012345",
                role="reviewer",
                signed_at=datetime(2017, 7, 14, 14, 5, tzinfo=UTC),
            ),
            Signer(
                name="Siân Ní Bhriain",
                profession="Senior nurse, community services",
                registration="NMC 12A3456E",
                role="co-reviewer",
                signed_at=datetime(2017, 7, 14, 14, 21, tzinfo=UTC),
            ),
        ),
        content_hash=hashlib.sha256(canonical).hexdigest(),
        synthetic=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--dpi", type=int, default=90)
    args = parser.parse_args(argv)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        print("pdftoppm (poppler-utils) is needed to render the PNG", file=sys.stderr)
        return 1
    rendered = render_summary_layout(sample_input())
    args.out_dir.mkdir(parents=True, exist_ok=True)
    pdf_path = args.out_dir / "summary-sample.pdf"
    pdf_path.write_bytes(rendered.pdf)
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page1"
        subprocess.run(  # noqa: S603 (fixed arguments, our own file)
            [
                pdftoppm,
                "-r",
                str(args.dpi),
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf_path),
                str(stem),
            ],
            check=True,
        )
        png_path = args.out_dir / "summary-page1.png"
        shutil.copyfile(stem.with_suffix(".png"), png_path)
    print(f"{pdf_path} ({rendered.page_count} pages)\n{png_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
