"""Screenshots of the real app for the README, rendered offscreen.

    uv run python scripts/screenshots.py                 # 1366x768, light, into docs/screenshots
    uv run python scripts/screenshots.py --theme dark --size 1093x614 --out /tmp/shots

It builds a throwaway demo workspace (synthetic patients only), opens the real main window on
it and saves: the case list, a theme section, the escalation section, the readiness view and
the lock screen. Nothing touches the real profile:
the app home is a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _settle(app: Any, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def _save(window: Any, app: Any, out: Path, name: str, suffix: str) -> Path:
    _settle(app)
    path = out / f"{name}{suffix}.png"
    window.grab().save(str(path))
    print(f"saved {path.relative_to(REPO) if path.is_relative_to(REPO) else path}")
    return path


# Demo cases chosen so each picture shows something: a review in progress for the theme and
# readiness views, the urgent escalated case for the escalation section.
SHOT_CASES = {"theme-section": "DEMO-0004", "escalation": "DEMO-0010", "readiness": "DEMO-0004"}


def _form_shots(window: Any, app: Any, out: Path, suffix: str, *, form: Any, ref: str) -> None:
    """Sections of the review form: a theme, the escalation decision, the readiness view."""
    definition = form.service.open(ref, "screenshots").definition
    ids = [section.id for section in definition.sections]
    wanted = {
        "theme-section": next((s for s in ids if "theme" in s), None),
        "escalation": next((s for s in ids if "escalat" in s), None),
        "readiness": next((s for s in ids if "readiness" in s), None),
    }
    for name, section in wanted.items():
        if section is None:
            print(f"no section for {name}: skipped")
            continue
        window.open_case(SHOT_CASES.get(name, ref))
        window.review_page.goto_section(section)
        _save(window, app, out, name, suffix)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--suffix", default="", help="added to every file name")
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="reviewer-shots-") as home:
        os.environ["REVIEWER_APP_HOME"] = home
        from reviewer_app.app import ReviewForm, build_main_window
        from reviewer_app.gui.launch import application
        from reviewer_app.gui.settings import AppSettings, settings_path
        from reviewer_app.gui.tasks import SyncTaskRunner
        from reviewer_app.gui.theme import apply_theme
        from reviewer_app.services.demo.build import DEMO_PASSPHRASE, build_demo_workspace
        from reviewer_app.services.session import ReviewerSession
        from reviewer_app.storage.keys import TEST_KDF

        app = application([sys.argv[0]])
        apply_theme(app, args.theme)
        folder = Path(home) / "demo"
        build_demo_workspace(folder, kdf=TEST_KDF)
        settings = AppSettings(settings_path())
        with ReviewerSession.unlock(folder, DEMO_PASSPHRASE) as session:
            form = ReviewForm(session, "screenshots")
            window = build_main_window(
                session, settings, demo=True, runner=SyncTaskRunner(), form=form
            )
            window.resize(width, height)
            window.show()
            _save(window, app, args.out, "case-list", args.suffix)
            first = window.case_list.current_case_ref()
            if first:
                window.open_case(first)
                _form_shots(window, app, args.out, args.suffix, form=form, ref=first)
            window.lock("screenshot")
            _save(window, app, args.out, "lock-screen", args.suffix)
            window.triggers.disarm()
            window.close()
            form.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
