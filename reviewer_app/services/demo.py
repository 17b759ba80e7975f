"""The demo workspace: synthetic cases a newcomer can explore without any real data.

Built through the same services as a real workspace, so the demo exercises the real code.
Its passphrase is public on purpose (it is shown on screen): nothing in it is real.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from reviewer_app.services.synthetic import synthetic_cases
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.cases import CaseStore
from reviewer_app.storage.keys import PRODUCTION_KDF, KdfParams

log = logging.getLogger(__name__)

DEMO_PASSPHRASE = "synthetic demo only"
DEMO_CASE_COUNT = 40
DEMO_PREFIX = "DEMO"

Progress = Callable[[int, int, str], None]


def _no_progress(_done: int, _total: int, _label: str) -> None:
    return None


def demo_exists(folder: Path) -> bool:
    return Workspace.exists_in(folder)


def build_demo_workspace(
    folder: Path,
    *,
    case_count: int = DEMO_CASE_COUNT,
    kdf: KdfParams = PRODUCTION_KDF,
    progress: Progress = _no_progress,
) -> None:
    """Create the demo workspace in ``folder`` (which must not hold a workspace yet)."""

    steps = 2
    progress(0, steps, "Creating the encrypted demo workspace")
    with Workspace.create(folder, DEMO_PASSPHRASE, kdf=kdf) as workspace:
        progress(1, steps, "Adding synthetic cases")
        CaseStore(workspace.db).upsert_many(synthetic_cases(case_count, prefix=DEMO_PREFIX))
    progress(steps, steps, "Demo workspace ready")
    log.info("built demo workspace with %d synthetic cases", case_count)
