"""The audit trail names the enrolled identity kept in the workspace, never the settings file.

Anyone can edit the settings file (a plain INI file); the identity is inside the encrypted
workspace and is what the study enrolled. The app is built as ``app.py`` builds it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewer_app.app import Shell, audit_actor
from reviewer_app.gui.settings import ReviewerDetailsForm
from reviewer_app.paths import AppPaths
from reviewer_app.services.session import ReviewerSession
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.identity_store import IdentityStore
from tests.gui.review_helpers import dispose, make_workspace


def test_the_actor_is_the_enrolled_reviewer_ref_then_the_identity_name(tmp_path: Path) -> None:
    workspace, _refs = make_workspace(tmp_path / "ws", 1)
    with ReviewerSession(workspace) as session:
        assert audit_actor(session) == "reviewer"  # no identity yet
        store = IdentityStore(workspace.db)
        store.create(
            b"key", name="Dr Ann Example", profession="nurse", registration="N1", email="a@b"
        )
        assert audit_actor(session) == "Dr Ann Example"  # made, not enrolled yet
        store.set_certificate(b"cert", (), "R07")
        assert audit_actor(session) == "R07"


def test_every_autosave_is_audited_as_the_enrolled_identity(
    qtbot: Any, tmp_path: Path, isolated_home: Path
) -> None:
    workspace, refs = make_workspace(tmp_path / "ws", 1)
    store = IdentityStore(workspace.db)
    store.create(b"key", name="Dr Ann Example", profession="nurse", registration="N1", email="a@b")
    store.set_certificate(b"cert", (), "R07")
    session = ReviewerSession(workspace)
    shell = Shell(None, AppPaths.from_environment(), tmp_path / "ws", demo=False)
    shell.settings.reviewer = ReviewerDetailsForm("Mallory Typed", "doctor", "GMC 1", "m@x")
    try:
        shell.show_main(session)
        assert shell.form is not None and shell.window is not None
        assert shell.form.writer.actor == "R07"
        assert shell.window.signing is not None and shell.window.signing.actor == "R07"
        review_id = shell.form.service.open(refs[0], "R07").review_id
        shell.form.writer.put(review_id, "learning.good_practice", "Clear plan")
        assert shell.form.writer.flush(5.0)
        actors = {e.actor for e in AuditLog(workspace.db).entries(review_id)}
        assert actors == {"R07"}
    finally:
        window = shell.window
        shell.close()
        if window is not None:
            dispose(window)
