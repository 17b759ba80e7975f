"""File ▸ Export signed summaries…: the stored PDF of every signed case, to a chosen folder.

The dialog asks for the folder and the copy (full, taskforce or both: the taskforce copy
unless the reviewer chooses otherwise) with the reminder, and warns plainly when identifiable
copies would go to the study's shared folder or a network location (reviews go to the
coordinator by File ▸ Return, encrypted; this is for deliberate local copies). The export
itself is ``services.signing.export.export_signed_summaries`` (stored bytes, written
atomically), run off the GUI thread by the runner with its progress dialog.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.gui.signing.common import (
    BusyDialog,
    CopyChoice,
    MessageLine,
    button_box,
    chooser_row,
    heading,
    make_close_button,
    paragraph,
    primary_button,
    reminder,
)
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.services.signing.export import ExportReport, shared_copy_warning

log = logging.getLogger(__name__)

ExportWork = Callable[[Path, Sequence[DocumentKind], Progress], ExportReport]


class ExportDialog(BusyDialog):
    def __init__(
        self,
        signed_cases: int,
        export: ExportWork,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        start_folder: Path | None = None,
        shared_folder: Path | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self._export = export
        self._shared_folder = shared_folder
        self.report: ExportReport | None = None
        self.titled("Export signed summaries")
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Export the PDF summaries of all signed cases", self))
        layout.addWidget(
            paragraph(
                f"{_plural(signed_cases, 'signed case')}. Each case's latest signed summary "
                "is written exactly as it was signed (co-signed where it was), named by case "
                "reference, version and copy: NSR-0001-v1-identifiable.pdf for the full "
                "summary, NSR-0001-v1-taskforce.pdf for the taskforce copy.",
                self,
                name="What is exported",
            )
        )
        self._add_folder_row(layout, start_folder)
        layout.addWidget(paragraph("Which copies?", self))
        self.choice = CopyChoice(self, both=True)
        self.choice.choose(DocumentKind.TASKFORCE)
        layout.addWidget(self.choice)
        layout.addWidget(reminder(self))
        self.shared_warning = paragraph(
            "", self, name="Warning: identifiable copies to a shared folder"
        )
        self.shared_warning.setObjectName("warningBox")
        layout.addWidget(self.shared_warning)
        self.message = MessageLine("Export problem", self)
        layout.addWidget(self.message)
        self.done_box = paragraph("", self, name="Export finished")
        self.done_box.setObjectName("doneBox")
        self.done_box.hide()
        layout.addWidget(self.done_box)
        layout.addStretch(1)
        self.export_button = primary_button("&Export", "Export the signed summaries", self)
        self.buttons, self.cancel_button = button_box(self.export_button, self)
        self.buttons.rejected.connect(self.reject)
        self.export_button.clicked.connect(self.submit)
        layout.addWidget(self.buttons)
        self.folder.textChanged.connect(self._update)
        self.choice.group.buttonToggled.connect(lambda *_: self._update())
        self.export_button.setEnabled(signed_cases > 0)
        self._signed_cases = signed_cases
        self._update()
        (self.choose_button if not self.folder.text() else self.export_button).setFocus(
            Qt.FocusReason.OtherFocusReason
        )

    def _add_folder_row(self, layout: QVBoxLayout, start_folder: Path | None) -> None:
        """The folder to export to: typed, or chosen with the platform's folder dialog."""
        label = QLabel("To &folder:", self)
        self.folder = QLineEdit(self)
        self.folder.setAccessibleName("Export folder")
        self.folder.setPlaceholderText("Choose a folder")
        if start_folder is not None:
            self.folder.setText(str(start_folder))
        label.setBuddy(self.folder)
        self.choose_button = chooser_row(
            layout,
            label,
            self.folder,
            ("C&hoose folder…", "Choose the export folder"),
            self.choose_folder,
        )

    def _update(self) -> None:
        text = self.folder.text().strip()
        warning = (
            shared_copy_warning(Path(text), self.choice.kinds(), self._shared_folder)
            if text
            else None
        )
        self.shared_warning.setText(warning or "")
        self.shared_warning.setAccessibleDescription(warning or "")
        self.shared_warning.setVisible(warning is not None)
        self.export_button.setEnabled(
            self._signed_cases > 0 and bool(self.folder.text().strip()) and not self.busy
        )

    def busy_controls(self) -> Sequence[QWidget]:
        return (self.folder, self.choose_button, self.choice)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Export the signed summaries to", self.folder.text()
        )
        if folder:
            self.folder.setText(folder)
            self.export_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if self.busy or not self.export_button.isEnabled():
            return
        folder = Path(self.folder.text().strip()).expanduser()
        kinds = self.choice.kinds()
        self.message.clear_message()

        def work(progress: Progress) -> ExportReport:
            return self._export(folder, kinds, progress)

        self.start(work, self._exported, self._failed, "Exporting signed summaries…")

    def _exported(self, report: Any) -> None:
        assert isinstance(report, ExportReport)
        self.set_busy(False)
        self.report = report
        text = (
            f"Wrote {_plural(len(report.files), 'file')} for "
            f"{_plural(report.case_count, 'signed case')} to {report.folder}."
        )
        if report.identifiable:
            text += " The full summaries are identifiable clinical documents."
        self.done_box.setText(text)
        self.done_box.setAccessibleDescription(text)
        self.done_box.show()
        self.export_button.hide()
        make_close_button(self.cancel_button)
        log.info("batch export finished (%d files)", len(report.files))

    def _failed(self, err: BaseException) -> None:
        self.show_failure(err, self.message)

    def reject(self) -> None:
        if self.report is not None and not self.busy:
            self.accept()
            return
        super().reject()


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
