"""The sign dialog's preview on real threads: "Preparing preview…" goes as soon as its work
ends, whichever way it ends; no please-wait box; the form stays usable meanwhile; the pages
come after the passphrase in the Tab order. (What the preview shows, and that it is what
is signed, is tested on a real workspace in test_signing_dialogs.py.)"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt

from reviewer_app.domain.issues import Issue
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import UserError
from reviewer_app.gui.signing.pdf_preview import FAILED, PREPARING
from reviewer_app.gui.signing.preview_source import Judgement, SummaryPreview
from reviewer_app.gui.signing.sign_dialog import SignDialog
from reviewer_app.gui.tasks import SyncTaskRunner, TaskRunner
from reviewer_app.services.signing.background import SignPreparation
from tests.support.signoff_fixtures import (
    tiny_pdf,
)

CASE = "SIG-0001"


# --- the preparing line never goes stale (real threads) -----------------------------------------


def _prep() -> SignPreparation:
    warning = Issue(code="W1", severity="warning", message="A warning")
    return SignPreparation(
        case_ref="NSR-0007",
        review_id=7,
        version=1,
        status=ReviewStatus.READY_TO_SIGN,
        errors=(),
        warnings=(warning,),
        signer_name="Alice Example",
        signer_detail="",
        not_enrolled_reason=None,
        co_reviewer_name=None,
    )


def test_preparing_preview_goes_when_the_work_ends_either_way(qtbot: Any) -> None:
    runner = TaskRunner(progress_delay_ms=0)
    release = threading.Event()
    pdf = tiny_pdf("Preview page")

    def slow(kinds: tuple[DocumentKind, ...]) -> SummaryPreview:
        release.wait(10)
        return SummaryPreview(
            "NSR-0007",
            1,
            (Judgement("Overall care score", "3 – Adequate"),),
            {k: pdf for k in kinds},
        )

    dialog = SignDialog(_prep(), lambda *_a: pytest.fail("not signed"), runner, preview=slow)
    qtbot.addWidget(dialog)
    dialog.show()
    panel = dialog.preview
    assert panel is not None
    assert panel.preparing and panel.status.isVisible() and panel.status.text() == PREPARING
    assert runner.last_dialog is not None and not runner.last_dialog.isVisible()  # no box
    assert dialog.rows[0].box.isEnabled()  # ticking goes on while it renders
    release.set()
    qtbot.waitUntil(lambda: not panel.preparing, timeout=10_000)
    assert panel.view is not None and panel.view.isVisible() and panel.page_count() == 1
    assert runner.wait(5_000)
    # By keyboard: after the passphrase, the copy to show, then the pages (Page Down scrolls).
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.passphrase is not None
    dialog.passphrase.setFocus()
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is panel.choice.full
    qtbot.keyClick(panel.choice.full, Qt.Key.Key_Tab)
    assert dialog.focusWidget() is panel.view

    def broken(_kinds: tuple[DocumentKind, ...]) -> SummaryPreview:
        raise UserError("The review is not there.")

    other = SignDialog(_prep(), lambda *_a: pytest.fail("not signed"), runner, preview=broken)
    qtbot.addWidget(other)
    other.show()
    assert other.preview is not None
    qtbot.waitUntil(lambda: not other.preview.preparing, timeout=10_000)  # type: ignore[union-attr]
    assert other.preview.status.text().startswith(FAILED.split(".")[0])
    assert "not there" in other.preview.status.text()
    assert other.preview.status.isVisible()
    assert runner.wait(5_000) and runner.active_count == 0


def test_a_preview_that_cannot_be_read_says_so(qtbot: Any) -> None:
    def damaged(kinds: tuple[DocumentKind, ...]) -> SummaryPreview:
        return SummaryPreview("NSR-0007", 1, (), {k: b"%PDF-1.7 not really" for k in kinds})

    runner = SyncTaskRunner()
    dialog = SignDialog(_prep(), lambda *_a: pytest.fail("not signed"), runner, preview=damaged)
    qtbot.addWidget(dialog)
    panel = dialog.preview
    assert panel is not None and not panel.preparing
    assert panel.status.text() == FAILED and panel.pages.currentWidget() is panel.status
    assert runner.labels == [PREPARING]  # asked once


def _mnemonics(dialog: Any) -> list[str]:
    """The Alt+letter of every visible button and label that has one."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    found = []
    for widget in [*dialog.findChildren(QAbstractButton), *dialog.findChildren(QLabel)]:
        text = widget.text().replace("&&", "")
        if widget.isVisibleTo(dialog) and "&" in text:
            found.append(text[text.index("&") + 1].lower())
    return found


def test_every_alt_key_of_both_dialogs_is_used_once(qtbot: Any) -> None:
    from reviewer_app.gui.signing.cosign_dialog import CosignDialog
    from reviewer_app.services.signing.rules import CaseSigning

    def ready(kinds: tuple[DocumentKind, ...]) -> SummaryPreview:
        return SummaryPreview("NSR-0007", 1, (), {k: tiny_pdf() for k in kinds})

    runner = SyncTaskRunner()
    sign = SignDialog(_prep(), lambda *_a: pytest.fail("not signed"), runner, preview=ready)
    state = CaseSigning(
        "NSR-0007",
        review_id=7,
        version=1,
        status=ReviewStatus.SIGNED,
        signature_count=1,
        signed_versions=(1,),
        joint=True,
        co_reviewer_name="Bob Example",
    )
    cosign = CosignDialog(
        state, [], lambda *_a: pytest.fail("no"), lambda _s: None, runner, preview=ready
    )
    for dialog in (sign, cosign):
        qtbot.addWidget(dialog)
        keys = _mnemonics(dialog)
        assert len(keys) >= 3 and len(keys) == len(set(keys)), keys
