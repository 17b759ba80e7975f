"""Screenshots of the real app for the README, rendered offscreen.

    uv run python scripts/screenshots.py                 # 1366x768, light, into docs/screenshots
    uv run python scripts/screenshots.py --theme dark --size 1093x614 --out /tmp/shots

It builds a throwaway demo workspace (synthetic patients only), opens the real main window on
it and saves: the case list, the case list filtered (urgent cases), the sign dialog's preview
of a case ready to sign, a theme section, the escalation section, the readiness view and the
lock screen. Nothing touches the real profile:
the app home is a temporary folder.

    uv run python scripts/screenshots.py --coordinator   # docs/screenshots/coordinator-*.png

``--coordinator`` builds a throwaway practice study instead (synthetic, 40 cases), collects
its returns from the window and saves every section of the coordinator's window.
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


def _list_filter_shot(window: Any, app: Any, out: Path, suffix: str) -> None:
    """The case list filtered to the urgent cases (Ctrl+3), the filter list open beside."""
    page = window.case_list
    labels = [page.status_filter.itemText(i) for i in range(page.status_filter.count())]
    urgent = next((i for i, text in enumerate(labels) if "rgent" in text), None)
    if urgent is None:
        print("no urgent filter: case-list-filters skipped")
        return
    page.status_filter.setCurrentIndex(urgent)
    _save(window, app, out, "case-list-filters", suffix)
    page.status_filter.setCurrentIndex(0)


def _sign_preview_shot(
    window: Any, app: Any, out: Path, suffix: str, *, rows: Any, size: tuple[int, int]
) -> None:
    """The sign dialog of a case ready to sign: the key judgements and the summary itself."""
    from reviewer_app.domain.status import ReviewStatus

    desk = window.signing
    ready = next(
        (r.case_ref for r in rows if ReviewStatus(r.status) is ReviewStatus.READY_TO_SIGN), None
    )
    if ready is None or desk is None:
        print("no case ready to sign: sign-preview skipped")
        return

    def shoot(dialog: Any) -> int:
        dialog.resize(min(1240, size[0] - 24), min(760, size[1] - 48))  # as on that screen
        dialog.show()
        _settle(app, 20)
        _save(dialog, app, out, "sign-preview", suffix)
        dialog.reject()
        return 0

    desk.exec_dialog = shoot
    desk.sign(ready, window, lambda _ref: None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--theme", choices=("light", "dark"), default="light")
    parser.add_argument("--suffix", default="", help="added to every file name")
    parser.add_argument(
        "--coordinator", action="store_true", help="the coordinator's window on a practice study"
    )
    parser.add_argument(
        "--practice-dir",
        type=Path,
        help="with --coordinator: a copy of this built practice folder instead of a new build",
    )
    args = parser.parse_args(argv)
    width, height = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    if args.coordinator:
        return coordinator_shots(
            args.out, args.theme, args.suffix, (width, height), args.practice_dir
        )

    with tempfile.TemporaryDirectory(prefix="reviewer-shots-") as home:
        os.environ["REVIEWER_APP_HOME"] = home
        from PySide6.QtCore import Qt

        from reviewer_app.app import ReviewForm, build_main_window
        from reviewer_app.gui.launch import application
        from reviewer_app.gui.settings import AppSettings
        from reviewer_app.gui.tasks import SyncTaskRunner
        from reviewer_app.gui.theme import apply_theme
        from reviewer_app.paths import AppPaths
        from reviewer_app.services.demo.build import DEMO_PASSPHRASE, build_demo_workspace
        from reviewer_app.services.session import ReviewerSession
        from reviewer_app.storage.keys import TEST_KDF

        app = application([sys.argv[0]])
        apply_theme(app, args.theme)
        folder = Path(home) / "demo"
        build_demo_workspace(folder, kdf=TEST_KDF)
        settings = AppSettings(AppPaths.from_environment().settings_file)
        with ReviewerSession.unlock(folder, DEMO_PASSPHRASE) as session:
            form = ReviewForm(session, "screenshots")
            window = build_main_window(
                session,
                settings,
                demo=True,
                runner=SyncTaskRunner(),
                form=form,
                temp_dir=Path(home) / "tmp",  # with the signing desk: the sign dialog's shot
            )
            window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMaximized)
            window.resize(width, height)
            window.show()
            _save(window, app, args.out, "case-list", args.suffix)
            _list_filter_shot(window, app, args.out, args.suffix)
            _sign_preview_shot(
                window, app, args.out, args.suffix, rows=session.list_cases(), size=(width, height)
            )
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


def coordinator_shots(
    out: Path, theme: str, suffix: str, size: tuple[int, int], practice: Path | None = None
) -> int:
    """Every section of the coordinator's window, on a throwaway practice study: its returns
    collected and the report made (the practice study comes with its action plan)."""
    import shutil

    with tempfile.TemporaryDirectory(prefix="coordinator-shots-") as home:
        os.environ["REVIEWER_APP_HOME"] = home
        from reviewer_app.app import open_practice_in_worker, study_desk
        from reviewer_app.gui.coordinator.window import CoordinatorWindow
        from reviewer_app.gui.launch import application
        from reviewer_app.gui.tasks import SyncTaskRunner
        from reviewer_app.gui.theme import apply_theme
        from reviewer_app.storage.keys import TEST_KDF

        app = application([sys.argv[0]])
        apply_theme(app, theme)
        root = Path(home) / "practice"
        if practice is not None:
            shutil.copytree(practice, root)
        unlocked = open_practice_in_worker(root, lambda *_: None, kdf=TEST_KDF, workers=1)
        desk = study_desk(unlocked)
        window = CoordinatorWindow(desk, SyncTaskRunner(), listen_to_system=False)
        window.on_bug = _print_bug  # no modal dialog offscreen: say it and go on
        window.triggers.disarm()  # a slow build must not lock it mid-way: locked at the end
        window.resize(*size)
        window.show()
        window.section("returns").collect(root / "shared")
        window.section("report").make()
        for i, key in enumerate(window.sections):
            window.show_section(i)
            if key == "report":
                window.section("report").tabs.setCurrentIndex(1)  # the charts
            _save(window, app, out, f"coordinator-{key}", suffix)
        window.lock("screenshot")
        _save(window, app, out, "coordinator-locked", suffix)
        window.triggers.disarm()
        window.close()
        desk.close()
    return 0


def _print_bug(err: BaseException, _parent: Any) -> None:
    import traceback

    traceback.print_exception(err)


if __name__ == "__main__":
    raise SystemExit(main())
