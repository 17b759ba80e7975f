"""The summary to be signed, shown in the dialog: the key judgements and the PDF itself.

The PDF is shown with Qt's own PDF module (``QPdfDocument`` in a ``QPdfView``), read from a
``QBuffer`` over the bytes in memory: no copy is ever written to disk. QtPdf is imported when
a preview is first built (start-up stays light). While the worker renders, the preview says
"Preparing preview…"; once the bytes arrive (or the work fails) that line goes, so it can
never outlive its work. The copy shown is chosen with two radio buttons (full summary or
taskforce copy); a copy not yet rendered is asked for through ``want(kind)``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.vocabulary import DocumentKind
from reviewer_app.errors import UserError
from reviewer_app.gui.crash_dialog import report_exception
from reviewer_app.gui.signing.common import CopyChoice, heading, paragraph, section
from reviewer_app.gui.signing.preview_source import Judgement, SummaryPreview
from reviewer_app.gui.tasks import Progress, Runner

log = logging.getLogger(__name__)

PREPARING = "Preparing preview…"
FAILED = (
    "The preview could not be shown. You can still sign: the signed summary is made from the "
    "same answers. Report this to the study coordinator."
)
PREVIEW_MIN_WIDTH = 460

PreviewWork = Callable[[tuple[DocumentKind, ...]], SummaryPreview]
"""Renders (or reads) the given copies off the GUI thread."""


def judgement_form(judgements: Sequence[Judgement], parent: QWidget) -> QWidget:
    """The key judgements in one glance: label and printed answer, one row each."""
    box = QWidget(parent)
    box.setObjectName("keyJudgements")
    box.setAccessibleName("Key judgements")
    form = QFormLayout(box)
    form.setContentsMargins(0, 0, 0, 0)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for judgement in judgements:
        text = judgement.label if judgement.label.endswith(("?", ":")) else f"{judgement.label}:"
        label = QLabel(text, box)
        label.setWordWrap(True)
        value = paragraph(judgement.value, box, name=f"{judgement.label}: {judgement.value}")
        value.setObjectName("judgementValue")
        form.addRow(label, value)
    return box


class SummaryPreviewPanel(QWidget):
    """ "What you sign": the key judgements, the copy to show and the PDF, page after page."""

    def __init__(
        self,
        parent: QWidget,
        *,
        title: str,
        want: Callable[[DocumentKind], None],
    ) -> None:
        super().__init__(parent)
        self._want = want
        self.preview: SummaryPreview | None = None
        self.setMinimumWidth(PREVIEW_MIN_WIDTH)
        self.setAccessibleName(title)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.title = heading(title, self)
        layout.addWidget(self.title)
        self.judgements_box, self._judgements_layout = section(self)
        layout.addWidget(self.judgements_box)
        self.choice = CopyChoice(self, in_a_row=True)
        self.choice.group.buttonToggled.connect(self._copy_changed)
        layout.addWidget(self.choice)
        self.status = paragraph(PREPARING, self, name="Preview status")
        self.status.setObjectName("hint")
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.status)
        layout.addWidget(self.pages, 1)
        self.view: QWidget | None = None
        self._document: Any = None  # a QPdfDocument (QtPdf loads with the first preview)
        self._buffer: QBuffer | None = None
        self.shown_kind: DocumentKind | None = None
        self.loader: PreviewLoader | None = None
        self._ensure_view()  # now: in the Tab order after the copy choice, before the buttons
        self.pages.setCurrentWidget(self.status)

    # -- what the dialog calls

    @property
    def preparing(self) -> bool:
        """True while a copy is asked for and not yet shown (the status line says so)."""
        return self.pages.currentWidget() is self.status and self.status.text() == PREPARING

    def show_preview(self, preview: SummaryPreview) -> None:
        """The worker's result: the judgements (first time) and the copy chosen, if there."""
        first = self.preview is None
        if self.preview is not None:
            preview = SummaryPreview(
                preview.case_ref,
                preview.version,
                preview.judgements,
                {**self.preview.pdfs, **preview.pdfs},
                preview.stored,
            )
        self.preview = preview
        if first:
            self._judgements_layout.addWidget(judgement_form(preview.judgements, self))
        self._show_chosen()

    def show_stored(self, work: PreviewWork, title: str) -> None:
        """After the signature: the stored signed file instead (same judgements), read anew
        by ``work`` for the copy chosen."""
        self.title.setText(title)
        self.setAccessibleName(title)
        if self.preview is not None:
            self.preview = SummaryPreview(
                self.preview.case_ref, self.preview.version, self.preview.judgements, {}, True
            )
        if self.loader is not None:
            self.loader.restart(work)
        self._show_chosen()

    def show_failure(self, text: str = FAILED) -> None:
        self._set_status(text, "error")

    def page_count(self) -> int:
        return 0 if self._document is None else int(self._document.pageCount())

    # -- inside

    def _copy_changed(self, _button: object, checked: bool) -> None:
        if checked:
            self._show_chosen()

    def _show_chosen(self) -> None:
        kind = self.choice.kind()
        pdf = None if self.preview is None else self.preview.pdfs.get(kind)
        if pdf is None:
            self._set_status(PREPARING, "")
            if self.preview is not None:  # the first result brings the full summary
                self._want(kind)
            return
        self._load(pdf, kind)

    def _set_status(self, text: str, severity: str) -> None:
        self.status.setText(text)
        self.status.setProperty("severity", severity)
        self.status.setAccessibleDescription(text)
        self.pages.setCurrentWidget(self.status)

    def _ensure_view(self) -> QWidget:
        if self.view is None:
            from PySide6.QtPdf import QPdfDocument
            from PySide6.QtPdfWidgets import QPdfView

            self._document = QPdfDocument(self)
            view = QPdfView(self)
            view.setAccessibleName("Preview of the summary to be signed")
            view.setAccessibleDescription("Page Up and Page Down move through the pages")
            view.setDocument(self._document)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            view.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Page Up/Down, arrows scroll
            self.pages.addWidget(view)
            self.view = view
        return self.view

    def _load(self, pdf: bytes, kind: DocumentKind) -> None:
        """Show ``pdf`` from memory (a QBuffer over the bytes: no file is written)."""
        view = self._ensure_view()
        from PySide6.QtPdf import QPdfDocument

        document = self._document
        assert isinstance(document, QPdfDocument)
        document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))  # the buffer's own copy: nothing dangles
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(self._buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            log.warning("the summary preview could not be read (%s)", document.status().name)
            self.show_failure()
            return
        self.shown_kind = kind
        self.pages.setCurrentWidget(view)


def _alive(widget: QWidget) -> bool:
    from shiboken6 import isValid

    return bool(isValid(widget))


class PreviewLoader:
    """Asks the worker for each copy once, off the GUI thread, with no please-wait box (the
    panel says "Preparing preview…" itself); a result for a closed dialog is dropped."""

    def __init__(self, panel: SummaryPreviewPanel, runner: Runner, work: PreviewWork) -> None:
        self.panel = panel
        self._runner = runner
        self._work = work
        self.asked: list[DocumentKind] = []
        self._generation = 0

    def restart(self, work: PreviewWork) -> None:
        """From now on copies come from ``work`` (a result still on its way is dropped)."""
        self._work = work
        self.asked = []
        self._generation += 1

    def want(self, kind: DocumentKind) -> None:
        if kind in self.asked:
            return
        self.asked.append(kind)
        work, generation = self._work, self._generation

        def render(_progress: Progress) -> SummaryPreview:
            return work((kind,))

        def done(result: object) -> None:
            assert isinstance(result, SummaryPreview)
            if generation == self._generation and _alive(self.panel):
                self.panel.show_preview(result)

        self._runner.run(
            render, done, self._failed, label=PREPARING, parent=None, show_progress=False
        )

    def _failed(self, err: BaseException) -> None:
        log.info("summary preview failed: %s", type(err).__name__)
        if not _alive(self.panel):
            return
        if isinstance(err, UserError):
            self.panel.show_failure(f"The preview could not be shown. {err}")
            return
        self.panel.show_failure()
        report_exception(err, self.panel)


def preview_panel(
    parent: QWidget, runner: Runner, work: PreviewWork, *, title: str
) -> SummaryPreviewPanel:
    """The panel, already asking for the full summary (the first copy shown)."""
    holder: list[PreviewLoader] = []

    def want(kind: DocumentKind) -> None:
        holder[0].want(kind)

    panel = SummaryPreviewPanel(parent, title=title, want=want)
    loader = PreviewLoader(panel, runner, work)
    holder.append(loader)
    panel.loader = loader
    loader.want(DocumentKind.FULL)
    return panel
