"""Open the review form on a throw-away synthetic workspace, or render it to PNG files.

    uv run python scripts/try_review_page.py                    # a window to try by hand
    uv run python scripts/try_review_page.py --theme dark
    uv run python scripts/try_review_page.py --screenshots out/ # PNGs, light and dark, 1093x614

Every patient is invented (synthetic data). The workspace lives in a temporary folder and is
deleted on exit. Screenshots render offscreen, so they work on a machine without a display.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WIDTH, HEIGHT = 1093, 614  # 1366x768 at 125 % scaling


def _answers_for_screens() -> dict[str, dict[str, Any]]:
    long_comment = (
        "Observations were not repeated for eleven hours despite a rising early warning "
        "score, and no senior review was requested until the patient had deteriorated."
    )
    return {
        "theme": {
            "screening.death_category": "adult",
            "theme.deterioration.issue": "yes",
            "theme.deterioration.good_practice": "no",
            "theme.deterioration.setting": ["acute_hospital"],
            "theme.deterioration.comment": "NEWS 7 at 02:00 not escalated; NHS 943 476 5919.",
        },
        "escalation": {
            "phase.overall.score": 2,
            "phase.overall.comment": long_comment,
            "avoidability.grade": {"scale": "rcp", "grade": 2},
            "avoidability.comment": long_comment,
        },
        "problems": {
            "problems.any": "yes",
            "problems.items": [
                {
                    "id": "demo1",
                    "answers": {
                        "problems.item.type": "monitoring",
                        "problems.item.harm": "yes",
                        "problems.item.comment": long_comment,
                    },
                }
            ],
        },
        "immediate": {"immediate.concern": "yes"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--screenshots", type=Path, help="write PNGs here and exit")
    parser.add_argument("--cases", type=int, default=12)
    args = parser.parse_args(argv)
    if args.screenshots:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from reviewer_app.gui.autosave import AutosaveWriter
    from reviewer_app.gui.form import ReviewPage
    from reviewer_app.gui.launch import application
    from reviewer_app.gui.theme import palette_for
    from reviewer_app.services.demo.synthetic import synthetic_cases
    from reviewer_app.services.review.service import ReviewService
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import TEST_KDF
    from reviewer_app.storage.workspace.cases import CaseStore

    app = application()
    QApplication.setStyle("Fusion")
    with tempfile.TemporaryDirectory(prefix="review-page-") as tmp:
        workspace = Workspace.create(Path(tmp) / "ws", "synthetic demo only", kdf=TEST_KDF)
        cases = synthetic_cases(args.cases, prefix="DEMO")
        CaseStore(workspace.db).upsert_many(cases)
        service = ReviewService(workspace.db)
        themes = ("light", "dark") if args.screenshots else (args.theme,)
        try:
            for theme in themes:
                app.setPalette(palette_for(theme))
                writer = AutosaveWriter(workspace.connect, actor="demo-reviewer")
                writer.start()
                page = ReviewPage(service, writer)
                page.setWindowTitle("Review form – SYNTHETIC DATA")
                page.resize(WIDTH, HEIGHT)
                if args.screenshots:
                    _screens(app, page, service, cases, out=args.screenshots, theme=theme)
                else:
                    page.open_case(cases[0].case_ref)
                    page.show()
                    app.exec()
                page.close_case()
                writer.stop()
                page.deleteLater()
        finally:
            workspace.close()
    return 0


def _screens(app: Any, page: Any, service: Any, cases: list[Any], *, out: Path, theme: str) -> None:
    out.mkdir(parents=True, exist_ok=True)
    answers = _answers_for_screens()

    def shot(name: str) -> None:
        page.show()
        for _ in range(5):
            app.processEvents()
        path = out / f"review-{name}-{theme}.png"
        page.grab().save(str(path))
        print(path)

    def prepared(index: int, key: str | None) -> str:
        ref = cases[index].case_ref
        opened = service.open(ref, "demo-reviewer")
        if key is not None and not opened.answers:
            service.save(opened.review_id, answers[key], "demo-reviewer")
        return ref

    page.open_case(prepared(0, None), "screening")
    page.row("screening.death_category").toggle_help()
    shot("screening")
    page.open_case(prepared(1, "theme"), "theme.deterioration")
    shot("theme")
    page.open_case(prepared(2, "escalation"), "avoidability")
    shot("escalation-notice")
    page.goto_section("escalation")
    shot("escalation")
    page.open_case(prepared(3, "problems"), "problems")
    page.goto_question("problems.item.harm", "problems.items", "demo1")
    shot("problems")
    page.open_case(prepared(4, "immediate"), "immediate_safety")
    shot("immediate-safety")
    page.goto_section("readiness")
    shot("readiness")


if __name__ == "__main__":
    raise SystemExit(main())
