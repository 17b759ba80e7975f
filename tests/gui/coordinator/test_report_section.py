"""Report: the window shows the report's own charts (the Drawings of its story, as SVG), the
agreement statement and a preview of the very PDF; save, publication version, export."""

from __future__ import annotations

import os

from reviewer_app.gui.coordinator.report import study_figures
from reviewer_app.services.reconciliation.agreement_statement import agreement_statement
from reviewer_app.services.reconciliation.text import agreement_lines
from reviewer_app.services.report.views import report_charts


def test_make_show_save_and_export(collected_window, tmp_path):
    window = collected_window
    window.show_section(6)
    section = window.section("report")
    assert not section.save_button.isEnabled()
    section.make()
    made = section.made
    assert made is not None, section.message.text()
    study = window.desk.study
    assert made.agreement == agreement_lines(agreement_statement(study))
    assert section.agreement.toPlainText().splitlines() == made.agreement
    expected = list(report_charts(study_figures(study)).values())
    assert expected and len(made.charts) == len(expected) == len(section.chart_widgets)
    assert all(svg.lstrip().startswith("<?xml") or "<svg" in svg[:400] for svg in made.charts)
    assert made.pdf.startswith(b"%PDF")
    assert section.preview_pages > 1
    assert section.save_button.isEnabled()
    out = tmp_path / "report.pdf"
    section.save(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    assert "taskforce copy" in section.message.text()
    public = tmp_path / "public.pdf"
    section.save_publication(public)
    assert public.read_bytes().startswith(b"%PDF") and public.read_bytes() != out.read_bytes()
    assert "publication copy" in section.message.text()
    folder = tmp_path / "export"
    section.export(folder)
    assert (folder / "reviews.csv").exists() and (folder / "codebook.csv").exists()
    assert "files written in" in section.message.text()


def test_save_before_making_says_so(collected_window, tmp_path):
    section = collected_window.section("report")
    section.save(tmp_path / "r.pdf")
    assert "Make the report first" in section.message.text()
    assert not (tmp_path / "r.pdf").exists()
