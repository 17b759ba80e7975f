"""The co-sign dialog: the co-reviewer brings their exported identity and types their passphrase.

The co-reviewer exported their identity (PKCS#12, under their own passphrase) from their own
workspace. Here it is loaded into a separate slot of this workspace, still under THEIR
passphrase, and their signature is added to the stored summaries as an incremental update.
Afterwards the dialog offers to remove the slot again (the default), or to keep it when they
will co-sign more cases at this laptop today; an identity held from earlier can be chosen
instead of a file.

The work runs off the GUI thread: ``cosign(passphrase, identity_file, slot_id, progress)``
and ``remove(slot_id)`` are given by the caller (``SigningDesk``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.signing.common import (
    MessageLine,
    SigningDialog,
    SummaryButtons,
    add_summary_buttons,
    chooser_row,
    done_page,
    headed_page,
    make_close_button,
    paragraph,
    primary_button,
)
from reviewer_app.gui.signing.pdf_preview import PreviewWork, SummaryPreviewPanel, preview_panel
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.services.signing.background import CosignedOutcome, HeldCosigner
from reviewer_app.services.signing.rules import CaseSigning

CosignWork = Callable[[str, str | None, int | None, Progress], CosignedOutcome]
RemoveWork = Callable[[int], None]
IDENTITY_FILTER = "Exported identity (*.p12 *.pfx);;All files (*)"
FROM_FILE = -1
WRONG_PASSPHRASE = (
    "That passphrase does not open the co-reviewer's identity, so nothing was "
    "signed. The co-reviewer types the passphrase they chose when exporting it."
)


class CosignDialog(SigningDialog):
    def __init__(
        self,
        state: CaseSigning,
        held: Sequence[HeldCosigner],
        cosign: CosignWork,
        remove: RemoveWork,
        runner: Runner,
        *,
        parent: QWidget | None = None,
        start_folder: str = "",
        preview: PreviewWork | None = None,
        summary_buttons: SummaryButtons | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.state = state
        self._cosign = cosign
        self._remove = remove
        self._start_folder = start_folder
        self._summary_buttons = summary_buttons
        self._preview_work = preview
        self.outcome: CosignedOutcome | None = None
        self.removed = False
        self.titled(f"Co-sign case {state.case_ref}")
        self.preview: SummaryPreviewPanel | None = None

        def beside() -> QWidget | None:
            if preview is not None:
                self.preview = preview_panel(self, runner, preview, title="What you co-sign")
            return self.preview

        layout = self.stack_pages(lambda: self._form_page(held), beside)
        self.cosign_button = primary_button("&Co-sign", "Co-sign this review", self)
        self.add_buttons(layout, self.cosign_button)
        self._source_changed()
        first = self.source if held else self.choose_button
        first.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- layout

    def _form_page(self, held: Sequence[HeldCosigner]) -> QWidget:
        state = self.state
        page, layout = headed_page(
            self, f"Co-sign the review of case {state.case_ref}, version {state.version}"
        )
        who = f" ({state.co_reviewer_name}, as assigned)" if state.co_reviewer_name else ""
        layout.addWidget(
            paragraph(
                f"The co-reviewer{who} signs with their own identity: the file they exported "
                "from their own workspace, opened with their own passphrase. It is held in this "
                "workspace, under their passphrase, only while it is needed.",
                page,
            )
        )
        self._add_identity_choice(page, layout, held)
        self.passphrase = self.add_passphrase(
            layout,
            page,
            "Co-reviewer's &passphrase (for their identity file):",
            "Co-reviewer's passphrase",
            "The passphrase the co-reviewer chose when exporting their identity",
        )
        hint = paragraph("The co-reviewer types it themselves.", page)
        hint.setObjectName("hint")
        layout.addWidget(hint)
        self.message = MessageLine("Co-signing problem", page)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.setTabOrder(self.source, self.choose_button)
        self.setTabOrder(self.choose_button, self.passphrase)
        return page

    def _add_identity_choice(
        self, page: QWidget, layout: QVBoxLayout, held: Sequence[HeldCosigner]
    ) -> None:
        """A held identity to choose (when there is one), or an exported identity file."""
        source_label = QLabel("&Identity:", page)
        self.source = QComboBox(page)
        self.source.setAccessibleName("Co-reviewer's identity")
        for slot in held:
            self.source.addItem(f"{slot.name}: held in this workspace", slot.slot_id)
        self.source.addItem("From an exported identity file…", FROM_FILE)
        self.source.currentIndexChanged.connect(self._source_changed)
        source_label.setBuddy(self.source)
        layout.addWidget(source_label)
        layout.addWidget(self.source)
        self.source.setVisible(bool(held))
        source_label.setVisible(bool(held))

        self.file_label = QLabel("Identity &file (.p12):", page)
        self.file = QLineEdit(page)
        self.file.setReadOnly(True)
        self.file.setPlaceholderText("No file chosen")
        self.file.setAccessibleName("Identity file")
        self.choose_button = chooser_row(
            layout,
            self.file_label,
            self.file,
            ("C&hoose file…", "Choose the identity file"),
            self.choose_file,
        )
        self.file_label.setBuddy(self.choose_button)

    # -- state

    @property
    def slot_id(self) -> int | None:
        value = self.source.currentData()
        return None if value in (None, FROM_FILE) else int(value)

    @property
    def identity_file(self) -> str | None:
        return self.file.text() or None

    def _source_changed(self) -> None:
        from_file = self.slot_id is None
        for widget in (self.file_label, self.file, self.choose_button):
            widget.setVisible(from_file)
        self._update()

    def _update(self) -> None:
        ready = bool(self.passphrase.text()) and (
            self.slot_id is not None or self.identity_file is not None
        )
        self.cosign_button.setEnabled(ready and not self.busy and self.outcome is None)

    def busy_controls(self) -> Sequence[QWidget]:
        return (self.source, self.choose_button, self.passphrase)

    def choose_file(self) -> None:
        path, _selected = QFileDialog.getOpenFileName(
            self, "Choose the co-reviewer's exported identity", self._start_folder, IDENTITY_FILTER
        )
        if path:
            self.file.setText(path)
            self.file.setToolTip(path)
            self.message.clear_message()
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update()

    # -- co-signing

    def submit(self) -> None:
        if self.busy or not self.cosign_button.isEnabled():
            if not self.busy and self.slot_id is None and self.identity_file is None:
                self.message.show_problem("Choose the co-reviewer's identity file first.")
            return
        passphrase = self.passphrase.text()
        slot_id = self.slot_id
        identity_file = None if slot_id is not None else self.identity_file
        self.message.clear_message()

        def work(progress: Progress) -> CosignedOutcome:
            return self._cosign(passphrase, identity_file, slot_id, progress)

        self.start(work, self._cosigned, self._refused, "Adding the co-signature…")

    def _cosigned(self, outcome: Any) -> None:
        assert isinstance(outcome, CosignedOutcome)
        self.outcome = outcome
        self.set_busy(False)
        self.passphrase.clear()
        self._show_done(outcome)

    def _refused(self, err: BaseException) -> None:
        self.nothing_signed(err, "co-signing", self.passphrase, WRONG_PASSPHRASE)

    def _show_done(self, outcome: CosignedOutcome) -> None:
        name = outcome.cosigner.name
        page, layout = done_page(
            self,
            f"Case {outcome.case_ref}, version {outcome.version} is co-signed",
            f"Co-signed by {name}. The stored summary now carries both signatures "
            f"({outcome.signature_count}), each verifiable on its own.",
            "Co-signed",
        )
        self.keep_note = paragraph(
            f"{name}'s identity is still held in this workspace, under their passphrase. "
            "Remove it now, unless they will co-sign more cases at this computer today.",
            page,
            name="Remove the co-reviewer's identity?",
        )
        layout.addWidget(self.keep_note)
        self.done_message = MessageLine("Removal problem", page)
        layout.addWidget(self.done_message)
        if self._summary_buttons is not None:
            self.save_button, self.print_button = add_summary_buttons(
                layout, page, self, self._summary_buttons
            )
        layout.addStretch(1)
        if self.preview is not None and self._preview_work is not None:
            self.preview.show_stored(self._preview_work, "What you co-signed (as stored)")
        self.show_page(page)

        self.cosign_button.hide()
        self.remove_button = primary_button(
            f"&Remove {name}'s identity", "Remove the co-reviewer's identity", self
        )
        self.buttons.addButton(self.remove_button, self.buttons.ButtonRole.AcceptRole)
        self.remove_button.clicked.connect(self.remove_slot)
        self.cancel_button.setText("&Keep it for now")
        self.cancel_button.setAccessibleName("Keep the co-reviewer's identity for now")
        self.remove_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def remove_slot(self) -> None:
        if self.outcome is None or self.busy:
            return
        slot_id = self.outcome.cosigner.slot_id

        def work(_progress: Progress) -> None:
            self._remove(slot_id)

        self.start(work, self._slot_removed, self._remove_failed, "Removing…")

    def _slot_removed(self, _result: object) -> None:
        self.set_busy(False)
        self.removed = True
        self.remove_button.hide()
        assert self.outcome is not None
        self.keep_note.setText(
            f"{self.outcome.cosigner.name}'s identity was removed from this workspace."
        )
        make_close_button(self.cancel_button)

    def _remove_failed(self, err: BaseException) -> None:
        self.show_failure(err, self.done_message)

    def work_done(self) -> bool:
        return self.outcome is not None
