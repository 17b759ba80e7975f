"""``coordinator export`` for an open study: the figures, the panel's professions, each case's
review mode and the consensus records, then :func:`writer.export_study`."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.services.exports.writer import ExportWritten, export_study
from reviewer_app.services.reconciliation.consensus import consensus_rows
from reviewer_app.services.report.build import study_figures
from reviewer_app.services.report.source import ReportOptions
from reviewer_app.services.study import Study
from reviewer_app.storage.study.panel import PanelStore


def export_open_study(study: Study, folder: Path, options: ReportOptions) -> ExportWritten:
    figures = study_figures(study, options)
    professions = {r.reviewer_ref: str(r.profession) for r in PanelStore(study.db).all()}
    modes = {c.case_ref: c.mode.value for c in figures.input.cases if c.mode is not None}
    return export_study(
        folder, figures, professions=professions, modes=modes, consensus=consensus_rows(study)
    )
