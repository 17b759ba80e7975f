"""Cohort and panel: imports through the intake service, all or nothing, every problem shown
with its line and column; the tables, searchable, hold no patient identifier."""

from __future__ import annotations

from pathlib import Path

from reviewer_app.services.demo.synthetic import synthetic_cases
from tests.support.study_fixtures import cohort_bytes, panel_bytes, snapshot


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_importing_the_cohort_and_panel_fills_both_tables(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    window.show_section(1)
    section = window.section("cohort")
    assert section.cases.model.rowCount() == 0
    assert section.import_file(_write(tmp_path, "cohort.csv", cohort_bytes(9)), cohort=True)
    assert "9 cases added" in section.report.toPlainText()
    assert section.import_file(_write(tmp_path, "panel.csv", panel_bytes()), cohort=False)
    assert "4 reviewers added" in section.report.toPlainText()
    refs = sorted(section.cases.model.keys())
    assert refs == sorted(c.case_ref for c in synthetic_cases(9, seed=2017))
    assert sorted(section.reviewers.model.keys()) == ["R01", "R02", "R03", "R04"]
    # every reviewer is shown as not enrolled yet
    column = section.reviewers.model.columns.index("Enrolled")
    assert {r.values[column] for r in section.reviewers.model.rows} == {"not enrolled"}


def test_the_case_table_shows_no_patient_identifier(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    section = window.section("cohort")
    section.import_file(_write(tmp_path, "cohort.csv", cohort_bytes(6)), cohort=True)
    shown = repr([r.values for r in section.cases.model.rows])
    for case in synthetic_cases(6, seed=2017):
        assert case.nhs_number not in shown
        assert case.family_name not in shown
        assert case.date_of_birth.isoformat() not in shown


def test_search_filters_the_cases(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    section = window.section("cohort")
    section.import_file(_write(tmp_path, "cohort.csv", cohort_bytes(12)), cohort=True)
    first = section.cases.model.rows[0].key
    section.cases.search.setText(first)
    assert section.cases.shown_keys() == [first]
    assert section.cases.count.text() == "1 of 12"
    section.cases.search.setText("no such thing at all")
    assert section.cases.shown_keys() == []
    section.cases.search.clear()
    assert len(section.cases.shown_keys()) == 12


def test_a_cohort_with_errors_imports_nothing_and_lists_every_problem(
    open_window, empty_study, tmp_path
):
    window = open_window(empty_study)
    section = window.section("cohort")
    lines = cohort_bytes(4).decode("utf-8").splitlines()
    header = lines[0].split(",")
    nhs = header.index("nhs_number")
    broken = lines[2].split(",")
    broken[nhs] = "1234"  # not 10 digits
    lines[2] = ",".join(broken)
    before = snapshot(window.desk.study.db)
    imported = section.import_file(
        _write(tmp_path, "bad.csv", ("\n".join(lines) + "\n").encode()), cohort=True
    )
    assert imported is False
    assert snapshot(window.desk.study.db) == before
    assert section.cases.model.rowCount() == 0
    assert "nothing has been changed" in section.message.text()
    assert section.message.property("severity") == "error"
    problems = section.problems.model.rows
    assert problems, "every problem is listed"
    line_col, column_col = 0, 1
    assert (3, "nhs_number") in {(p.values[line_col], p.values[column_col]) for p in problems}
    assert "1234" not in section.message.text()  # the value itself (patient data) is not echoed


def test_a_file_that_cannot_be_read_is_said_in_words(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    section = window.section("cohort")
    assert section.import_file(tmp_path / "missing.csv", cohort=True) is False
    assert "There is no cohort file" in section.message.text()
    assert section.problems.isHidden()


def test_the_import_buttons_ask_for_the_file(open_window, empty_study, tmp_path):
    window = open_window(empty_study)
    section = window.section("cohort")
    path = _write(tmp_path, "panel.csv", panel_bytes())

    class Chooser:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def open_file(self, parent, title, pattern, start=""):
            self.asked.append(title)
            return path

    chooser = Chooser()
    section.chooser = chooser  # type: ignore[assignment]
    section.import_panel.click()
    assert chooser.asked == ["Import the review panel"]
    assert sorted(section.reviewers.model.keys()) == ["R01", "R02", "R03", "R04"]
