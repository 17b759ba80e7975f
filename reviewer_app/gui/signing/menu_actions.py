"""The sign-off menu actions: the Case menu's actions on one case, and the batch export.

The main window owns one ``SigningDesk`` (built by the composition root with the unlocked
workspace, the runner, the app's temp folder and the reviewer's name) and calls it with the
current case; the desk reads the case's sign-off state, shows the dialogs, runs the work off
the GUI thread (``services.signing.background``, each call on its own connection) and tells
the window, through ``on_changed(case_ref)``, when a case's status changed. What may be done
and why not is ``services.signing.rules``; the desk only shows it.

Tests replace ``exec_dialog`` to drive the dialogs without a nested event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.gui.crash_dialog import report_exception
from reviewer_app.gui.signing import preview_source
from reviewer_app.gui.signing.amend_dialog import AmendDialog
from reviewer_app.gui.signing.batch_export import ExportDialog
from reviewer_app.gui.signing.common import SummaryButtons
from reviewer_app.gui.signing.cosign_dialog import CosignDialog
from reviewer_app.gui.signing.pdf_preview import PreviewWork
from reviewer_app.gui.signing.sign_dialog import SignDialog
from reviewer_app.gui.signing.summary_actions import SummaryActions, clear_open_copies
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.services.signing import background
from reviewer_app.services.signing.background import (
    AmendedOutcome,
    CosignedOutcome,
    HeldCosigner,
    SignedOutcome,
    SignPreparation,
    StoredSummary,
    signed_case_count,
)
from reviewer_app.services.signing.export import ExportReport, export_signed_summaries
from reviewer_app.services.signing.rules import CaseSigning, case_signing
from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


def _min_reason_length() -> int:
    """The review service's rule, read when the desk is built (not when this module loads)."""
    from reviewer_app.services.review.service import MIN_REASON_LENGTH

    return int(MIN_REASON_LENGTH)


class SigningDesk:
    def __init__(
        self,
        workspace: Workspace,
        runner: Runner,
        temp_dir: Path,
        *,
        actor: str,
        synthetic: bool = False,
        min_reason_length: int | None = None,
    ) -> None:
        self.workspace = workspace
        self.runner = runner
        self.temp_dir = temp_dir
        self.actor = actor
        self.synthetic = synthetic
        self.min_reason_length = min_reason_length or _min_reason_length()
        self.notify: Callable[[str], None] = lambda _text: None
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()
        self.summaries = SummaryActions(
            self.fetch_summary,
            runner,
            temp_dir,
            notify=lambda text: self.notify(text),  # noqa: PLW0108 - late bound
            exec_dialog=lambda dialog: self.exec_dialog(dialog),  # noqa: PLW0108
        )
        self.identity_folder = str(Path.home())
        self.export_folder: Path | None = None
        self.shared_folder: Callable[[], Path | None] = lambda: None  # Settings' (export warns)
        self.last_dialog: QDialog | None = None
        self.close()  # copies left by a session that ended without closing its window

    # -- state (GUI thread, its own connection: a few quick reads)

    def state(self, case_ref: str) -> CaseSigning:
        return case_signing(self.workspace.db, case_ref)

    def signed_case_count(self) -> int:
        return signed_case_count(self.workspace.db)

    # -- work for the worker threads

    def fetch_summary(self, case_ref: str, kind: DocumentKind) -> StoredSummary:
        return background.stored_summary(self.workspace, case_ref, kind)

    def _sign_work(self, review_id: int) -> Callable[[str, Sequence[str], Progress], SignedOutcome]:
        def work(passphrase: str, acknowledged: Sequence[str], progress: Progress) -> SignedOutcome:
            return background.sign_review(
                self.workspace,
                review_id,
                passphrase,
                acknowledged,
                synthetic=self.synthetic,
                progress=progress,
            )

        return work

    def _cosign_work(
        self, review_id: int
    ) -> Callable[[str, str | None, int | None, Progress], CosignedOutcome]:
        def work(
            passphrase: str, identity_file: str | None, slot_id: int | None, progress: Progress
        ) -> CosignedOutcome:
            return background.cosign_review(
                self.workspace,
                review_id,
                passphrase,
                identity_file=identity_file,
                slot_id=slot_id,
                synthetic=self.synthetic,
                progress=progress,
            )

        return work

    def _sign_preview(self, review_id: int) -> PreviewWork:
        def work(kinds: tuple[DocumentKind, ...]) -> preview_source.SummaryPreview:
            return preview_source.sign_preview(
                self.workspace, review_id, kinds, synthetic=self.synthetic
            )

        return work

    def _stored_preview(self, case_ref: str, review_id: int) -> PreviewWork:
        def work(kinds: tuple[DocumentKind, ...]) -> preview_source.SummaryPreview:
            return preview_source.stored_preview(self.workspace, case_ref, review_id, kinds)

        return work

    def _summary_buttons(self, case_ref: str) -> SummaryButtons:
        """Save and Print on the page that says the case is signed (each asks which copy)."""
        return SummaryButtons(
            save=lambda parent: self.save_summary(case_ref, parent),
            print_summary=lambda parent: self.print_summary(case_ref, parent),
        )

    def _remove_work(self, slot_id: int) -> None:
        background.remove_cosigner(self.workspace, slot_id)

    def _amend_work(self, review_id: int) -> Callable[[str], AmendedOutcome]:
        def work(reason: str) -> AmendedOutcome:
            return background.amend_review(
                self.workspace, review_id, reason, self.actor, min_length=self.min_reason_length
            )

        return work

    def _export_work(
        self, folder: Path, kinds: Sequence[DocumentKind], progress: Progress
    ) -> ExportReport:
        with background.own_connection(self.workspace) as workspace:
            return export_signed_summaries(workspace, folder, kinds, progress)

    # -- showing dialogs

    def _exec(self, dialog: QDialog) -> int:
        self.last_dialog = dialog
        try:
            return self.exec_dialog(dialog)
        finally:
            dialog.deleteLater()

    def _refuse(self, parent: QWidget | None, text: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "Case review", text, parent=parent)
        box.setAccessibleName("Not available")
        self._exec(box)

    def _review_id_if(
        self, allowed: bool, state: CaseSigning, why_not: Callable[[], str], parent: QWidget | None
    ) -> int | None:
        """The signed review to act on, or None once the reviewer has been told why not."""
        if allowed and state.review_id is not None:
            return state.review_id
        self._refuse(parent, why_not())
        return None

    # -- the Case menu

    def sign(
        self, case_ref: str, parent: QWidget | None, on_changed: Callable[[str], None]
    ) -> None:
        state = self.state(case_ref)
        if not state.can_sign:
            self._refuse(parent, state.why_not_sign())
            return

        def prepared(result: Any) -> None:
            assert isinstance(result, SignPreparation)
            dialog = SignDialog(
                result,
                self._sign_work(result.review_id),
                self.runner,
                parent,
                preview=self._sign_preview(result.review_id),
                signed_preview=self._stored_preview(case_ref, result.review_id),
                summary_buttons=self._summary_buttons(case_ref),
            )
            self._exec(dialog)
            if dialog.outcome is not None:
                self.notify(
                    f"Signed case {case_ref}, version {dialog.outcome.version}: the signed "
                    "summary is stored."
                )
                on_changed(case_ref)

        self.runner.run(
            lambda _progress: background.prepare_signing(self.workspace, case_ref),
            prepared,
            lambda err: report_exception(err, parent),
            label="Checking the review…",
            parent=parent,
        )

    def cosign(
        self, case_ref: str, parent: QWidget | None, on_changed: Callable[[str], None]
    ) -> None:
        state = self.state(case_ref)
        review_id = self._review_id_if(state.can_cosign, state, state.why_not_cosign, parent)
        if review_id is None:
            return

        def loaded(held: Any) -> None:
            dialog = CosignDialog(
                state,
                list(held),
                self._cosign_work(review_id),
                self._remove_work,
                self.runner,
                parent=parent,
                start_folder=self.identity_folder,
                preview=self._stored_preview(case_ref, review_id),
                summary_buttons=self._summary_buttons(case_ref),
            )
            self._exec(dialog)
            if dialog.outcome is not None:
                self.notify(f"Co-signed case {case_ref}: both signatures are in the summary.")
                on_changed(case_ref)

        def work(_progress: Progress) -> list[HeldCosigner]:
            return background.held_cosigners(self.workspace)

        self.runner.run(work, loaded, lambda err: report_exception(err, parent), parent=parent)

    def amend(
        self, case_ref: str, parent: QWidget | None, on_changed: Callable[[str], None]
    ) -> None:
        state = self.state(case_ref)
        review_id = self._review_id_if(state.can_amend, state, state.why_not_amend, parent)
        if review_id is None:
            return
        dialog = AmendDialog(
            state,
            self._amend_work(review_id),
            self.runner,
            parent,
            min_length=self.min_reason_length,
        )
        self._exec(dialog)
        if dialog.outcome is not None:
            self.notify(
                f"Version {dialog.outcome.new_version} of case {case_ref} is open for "
                "amendment. Correct it, then sign it again."
            )
            on_changed(case_ref)

    def print_summary(self, case_ref: str, parent: QWidget | None) -> None:
        self._with_summary(case_ref, parent, self.summaries.print_summary)

    def open_summary(self, case_ref: str, parent: QWidget | None) -> None:
        self._with_summary(case_ref, parent, self.summaries.open_summary)

    def save_summary(self, case_ref: str, parent: QWidget | None) -> None:
        self._with_summary(case_ref, parent, self.summaries.save_summary)

    def _with_summary(
        self,
        case_ref: str,
        parent: QWidget | None,
        action: Callable[[CaseSigning, QWidget | None], None],
    ) -> None:
        """Hand the case's stored signed summary to ``action``, or say why there is none."""
        state = self.state(case_ref)
        if not state.has_summary:
            self._refuse(parent, state.why_no_summary())
            return
        action(state, parent)

    # -- File ▸ Export signed summaries…

    def export_all(self, parent: QWidget | None) -> None:
        dialog = ExportDialog(
            self.signed_case_count(),
            self._export_work,
            self.runner,
            parent,
            start_folder=self.export_folder,
            shared_folder=self.shared_folder(),
        )
        self._exec(dialog)
        if dialog.report is not None:
            self.export_folder = dialog.report.folder
            self.notify(f"Exported {len(dialog.report.files)} signed summary file(s).")

    def close(self) -> None:
        """The window is closing: delete the copies handed to the PDF viewer."""
        removed = clear_open_copies(self.temp_dir)
        if removed:
            log.info("deleted %d temporary summary copies", removed)
