"""Report: the agreement statistics and the report's charts in the window, a preview of the
report PDF, "Save report", "Save publication version" and "Export data".

The figures are ``report.build.study_figures``, the call ``coordinator report`` makes; the
charts shown are the report's own ``Drawing``s (``report.views.report_charts``, which the PDF
places), turned into SVG by ``report.charts.to_svg``, so the window and the PDF never differ.
Making the report runs off the GUI thread, with progress, and can be cancelled between its
steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QScrollArea, QTabWidget, QVBoxLayout, QWidget

from reviewer_app.gui.coordinator.section import Section
from reviewer_app.gui.coordinator.widgets import ReportBox, button, named

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.gui.tasks import Runner
    from reviewer_app.progress import Progress
    from reviewer_app.services.study import Study


CHART_SCALE = 1.4  # the charts are sized for A4 in points; a little larger on screen


@dataclass(frozen=True)
class MadeReport:
    figures: Any  # report.figures.ReportFigures
    agreement: list[str]
    charts: list[str]  # SVG text, in the report's order
    pdf: bytes


def study_figures(
    study: Study, *, publication: bool = False, made_on: dt.date | None = None
) -> Any:
    """The report's figures: ``report.build.study_figures`` with the options ``coordinator
    report`` uses by default (the study's name and scale, the default summary rule)."""
    from reviewer_app.services.report.build import study_figures as figures_of
    from reviewer_app.services.report.build import study_scale
    from reviewer_app.services.report.source import ReportOptions

    options = ReportOptions(
        study_name=str(study.info.name or study.folder.name),
        scale=study_scale(study),
        publication=publication,
        made_on=made_on or dt.date.today(),
    )
    return figures_of(study, options)


def for_qt_svg(svg: str) -> str:
    """renderSVG's output as Qt's SVG renderer draws it: its clip path moved into ``<defs>``
    (Qt's SVG Tiny renderer otherwise paints the clip rectangle as a black box over the
    chart). Nothing drawn is changed: the clip is the drawing's own bounds."""
    start, end = svg.find("<clipPath"), svg.find("</clipPath>")
    if start < 0 or end < 0:
        return svg
    end += len("</clipPath>")
    return svg[:start] + "<defs>" + svg[start:end] + "</defs>" + svg[end:]


def make_report(study: Study, progress: Progress) -> MadeReport:
    from reviewer_app.services.pdf.fonts import ensure_fonts
    from reviewer_app.services.reconciliation.agreement_statement import agreement_statement
    from reviewer_app.services.reconciliation.text import agreement_lines
    from reviewer_app.services.report.charts import to_svg
    from reviewer_app.services.report.document import render_report
    from reviewer_app.services.report.views import report_charts

    ensure_fonts()  # the story's paragraphs name the report's fonts (render_report does too)
    progress(0, 4, "Reading the reviews and the records")
    figures = study_figures(study)
    progress(1, 4, "The agreement statistics")
    agreement = agreement_lines(agreement_statement(study))
    progress(2, 4, "The charts")
    charts = [to_svg(d) for d in report_charts(figures).values()]
    progress(3, 4, "The report PDF")
    pdf = render_report(figures)
    progress(4, 4, "Report ready")
    return MadeReport(figures, agreement, charts, pdf)


class ReportSection(Section):
    title = "Report"
    intro = (
        "Make the taskforce report from the collected reviews: the agreement statistics, the "
        "charts (the same drawings as the PDF) and the PDF itself, then save it."
    )

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.make_button = button("&Make the report", self, "Make the report", self.make)
        self.save_button = button("&Save report…", self, "Save the report PDF", self.choose_save)
        self.publication_button = button(
            "Save p&ublication version…",
            self,
            "Save the publication version",
            self.choose_publication,
        )
        self.export_button = button(
            "E&xport data…", self, "Export the data for analysts", self.choose_export
        )
        self.button_row(
            self.make_button, self.save_button, self.publication_button, self.export_button
        )
        self.add_status_rows()
        self.tabs = named(QTabWidget(self), "Report views")
        self.agreement = ReportBox(self.tabs, "Agreement statistics")
        self.agreement.setMaximumHeight(16777215)
        self.tabs.addTab(self.agreement, "Agreement")
        self.charts_area = named(QScrollArea(self.tabs), "Report charts")
        self.charts_area.setWidgetResizable(True)
        self.tabs.addTab(self.charts_area, "Charts")
        self.preview_host = QWidget(self.tabs)
        QVBoxLayout(self.preview_host).setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.preview_host, "PDF preview")
        self.body.addWidget(self.tabs, 1)
        self.made: MadeReport | None = None
        self.chart_widgets: list[QWidget] = []
        self.pdf_document: Any = None
        self.pdf_view: Any = None
        self._buffer: QBuffer | None = None
        self._set_ready(False)

    def _set_ready(self, ready: bool) -> None:
        for b in (self.save_button,):
            b.setEnabled(ready)

    # -- making

    def make(self) -> None:
        self.run_long("Making the report…", make_report, self._made, cancellable=True)

    def _made(self, made: MadeReport) -> None:
        self.made = made
        self.agreement.show_lines(made.agreement)
        self._show_charts(made.charts)
        self._show_pdf(made.pdf)
        self._set_ready(True)
        self.message.say(
            f"Report made: {len(made.charts)} chart(s), {len(made.pdf) // 1024} KB PDF "
            "(taskforce copy: not for publication)."
        )

    def _show_charts(self, charts: list[str]) -> None:
        from PySide6.QtSvgWidgets import QSvgWidget

        holder = QWidget()
        layout = QVBoxLayout(holder)
        self.chart_widgets = []
        for i, svg in enumerate(charts):
            widget = QSvgWidget()
            widget.load(QByteArray(for_qt_svg(svg).encode("utf-8")))
            size = widget.renderer().defaultSize()
            widget.setFixedSize(size * CHART_SCALE)
            # the charts are drawn for paper: shown on white in both themes, as in the PDF
            paper = widget.palette()
            paper.setColor(QPalette.ColorRole.Window, QColor("white"))
            widget.setPalette(paper)
            widget.setAutoFillBackground(True)
            widget.setAccessibleName(f"Report chart {i + 1} of {len(charts)}")
            layout.addWidget(widget)
            self.chart_widgets.append(widget)
        layout.addStretch(1)
        self.charts_area.setWidget(holder)

    def _show_pdf(self, pdf: bytes) -> None:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        if self.pdf_view is None:
            self.pdf_document = QPdfDocument(self)
            self.pdf_view = named(QPdfView(self.preview_host), "Report PDF preview")
            self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            self.pdf_view.setDocument(self.pdf_document)
            layout = self.preview_host.layout()
            assert layout is not None
            layout.addWidget(self.pdf_view)
        self.pdf_document.close()
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self._buffer = buffer
        self.pdf_document.load(buffer)

    @property
    def preview_pages(self) -> int:
        return 0 if self.pdf_document is None else int(self.pdf_document.pageCount())

    def clear(self) -> None:
        self.made = None
        self.agreement.clear()
        self.charts_area.setWidget(QWidget())
        self.chart_widgets = []
        if self.pdf_document is not None:
            self.pdf_document.close()
        self._set_ready(False)
        super().clear()

    # -- saving

    def choose_save(self) -> None:
        out = self.chooser.save_file(self, "Save the report", "PDF (*.pdf)", "taskforce-report.pdf")
        if out is not None:
            self.save(out)

    def save(self, out: Path) -> None:
        from reviewer_app.services.report.build import write_report

        made = self.made
        if made is None:
            self.message.say("Make the report first.", "warning")
            return

        def work(_study: Study, progress: Progress) -> Any:
            progress(0, 1, "Writing the report PDF")
            return write_report(made.figures, out)

        self.run_long(
            "Saving the report…",
            work,
            lambda w: self._saved(w, "taskforce copy, not for publication"),
            cancellable=False,
        )

    def _saved(self, written: Any, copy: str) -> None:
        self.message.say(f"Report saved to {written.pdf} ({copy}).")

    def choose_publication(self) -> None:
        out = self.chooser.save_file(
            self, "Save the publication version", "PDF (*.pdf)", "taskforce-report-publication.pdf"
        )
        if out is not None:
            self.save_publication(out)

    def save_publication(self, out: Path) -> None:
        from reviewer_app.services.report.build import write_report

        def work(study: Study, progress: Progress) -> Any:
            progress(0, 2, "The figures, small numbers suppressed")
            figures = study_figures(study, publication=True)
            progress(1, 2, "Writing the publication PDF")
            return write_report(figures, out)

        self.run_long(
            "Saving the publication version…",
            work,
            lambda w: self._saved(w, "publication copy: small numbers suppressed"),
            cancellable=True,
        )

    def choose_export(self) -> None:
        folder = self.chooser.folder(self, "Export the data into a folder")
        if folder is not None:
            self.export(folder)

    def export(self, folder: Path, *, publication: bool = False) -> None:
        from reviewer_app.services.exports.writer import export_study
        from reviewer_app.services.reconciliation.consensus import consensus_rows

        # read here, on the GUI thread's connection, as coordinator export reads the panel
        reviewers = self.attempt(self.desk.panel_reviewers)
        if reviewers is None:
            return
        professions = {r.reviewer_ref: str(r.profession) for r in reviewers}

        def work(study: Study, progress: Progress) -> Any:
            progress(0, 2, "The figures")
            figures = study_figures(study, publication=publication)
            progress(1, 2, "Writing the export files")
            modes = {
                c.case_ref: (c.mode.value if c.mode is not None else "")
                for c in figures.input.cases
            }
            return export_study(
                folder,
                figures,
                professions=professions,
                modes=modes,
                consensus=consensus_rows(study),
            )

        self.run_long("Exporting the data…", work, self._exported, cancellable=True)

    def _exported(self, written: Any) -> None:
        self.message.say(
            f"{len(written.files)} files written in {written.folder} (taskforce copy)."
        )
