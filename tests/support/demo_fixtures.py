"""The demo workspace for the tests, built once per run by the real ``reviewer-app demo``.

Building it takes seconds (a study authority, enrolment, a signed pack, 40 cases in every
state, signed PDFs). It is built exactly as a user's ``demo`` command builds it, except that
its passphrases use the cheap test key derivation instead of the production Argon2 cost
(about 0.4 s of CPU for every unlock of a copy, and the CLI tests unlock copies dozens of
times). The progress the build reports, and its duration, are kept for the demo's own tests.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class DemoBuild:
    """The built demo: its folder, the progress the build reported, and how long it took."""

    folder: Path
    progress: list[tuple[int, int, str]]
    seconds: float


def build_demo_with_the_cli(home: Path, folder: Path) -> DemoBuild:
    """``reviewer-app demo --workspace FOLDER`` with ``home`` as the app home, test KDF."""
    from reviewer_app import cli
    from reviewer_app.services.demo import build
    from reviewer_app.storage.keys import TEST_KDF

    home.mkdir(parents=True, exist_ok=True)
    folder.parent.mkdir(parents=True, exist_ok=True)
    progress: list[tuple[int, int, str]] = []
    real_build = build.build_demo_workspace

    def build_with_test_kdf(target: Path, **options: Any) -> None:
        shown = options.pop("progress")

        def report(done: int, total: int, label: str) -> None:
            progress.append((done, total, label))
            shown(done, total, label)

        real_build(target, **options, kdf=TEST_KDF, progress=report)

    saved = os.environ.get("REVIEWER_APP_HOME")
    os.environ["REVIEWER_APP_HOME"] = str(home)
    build.build_demo_workspace = build_with_test_kdf  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        assert cli.main(["demo", "--workspace", str(folder)]) == 0
        seconds = time.perf_counter() - started
    finally:
        build.build_demo_workspace = real_build
        if saved is None:
            os.environ.pop("REVIEWER_APP_HOME", None)
        else:
            os.environ["REVIEWER_APP_HOME"] = saved
    assert progress, "the CLI built the demo through build_demo_workspace"
    return DemoBuild(folder, progress, seconds)
