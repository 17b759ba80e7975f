"""Composition root for the desktop app: paths, workspace, services, then the GUI.

Only this module and ``cli`` know every layer; widgets get the services they need passed in.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from reviewer_app.errors import UserError
from reviewer_app.paths import AppPaths

log = logging.getLogger(__name__)


def run_gui(folder: Path, paths: AppPaths, *, demo: bool) -> int:
    """Open the desktop app on ``folder`` (building the demo workspace first if asked)."""
    from reviewer_app.gui.launch import application, install_crash_handler
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.gui.unlock import ask_passphrase, show_error
    from reviewer_app.services.demo import DEMO_PASSPHRASE, build_demo_workspace, demo_exists
    from reviewer_app.services.session import ReviewerSession

    app = application(sys.argv[:1])
    install_crash_handler(str(paths.log_dir))
    if demo:
        if not demo_exists(folder):
            build_demo_workspace(folder)
        session = ReviewerSession.unlock(folder, DEMO_PASSPHRASE)
    else:
        unlocked: ReviewerSession | None = None
        while unlocked is None:
            passphrase = ask_passphrase(str(folder))
            if passphrase is None:
                return 0
            try:
                unlocked = ReviewerSession.unlock(folder, passphrase)
            except UserError as err:
                show_error(str(err))
        session = unlocked
    window = MainWindow(
        session.list_cases(),
        workspace_label="demo workspace" if demo else str(session.folder),
        synthetic=demo,
        demo_passphrase=DEMO_PASSPHRASE if demo else None,
    )
    window.show()
    try:
        return app.exec()
    finally:
        session.close()
