"""Every section's table (models.py, widgets.TablePanel): the search box matches any column
ignoring case, a link's exact filter goes with it, a clicked heading sorts (numbers as
numbers) and the sort and the selected row survive a search and new rows."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from reviewer_app.gui.coordinator.models import Row
from reviewer_app.gui.coordinator.widgets import TablePanel

ROWS = [
    Row("C-1", ("C-1", "Both returned", 10, "R01 and R02")),
    Row("C-2", ("C-2", "Awaiting returns", 2, "R03 and R04")),
    Row("C-3", ("C-3", "Both returned", 3, "r05 and R06"), emphasis="overdue"),
    Row("C-4", ("C-4", "Closed", None, "R01 and R03")),
]


@pytest.fixture
def panel(qtbot) -> TablePanel:
    made = TablePanel("cases", ("Case", "Stage", "Returns", "Reviewers"), None)
    qtbot.addWidget(made)
    made.set_rows(ROWS)
    return made


def test_the_search_matches_any_column_ignoring_case(panel: TablePanel) -> None:
    panel.search.setText("R05")
    assert panel.shown_keys() == ["C-3"]
    panel.search.setText("  both RETURNED ")
    assert panel.shown_keys() == ["C-1", "C-3"]
    assert panel.count.text() == "2 of 4"
    panel.search.setText("nothing like it")
    assert panel.shown_keys() == [] and panel.count.text() == "0 of 4"
    panel.search.setText("")
    assert panel.shown_keys() == ["C-1", "C-2", "C-3", "C-4"] and panel.count.text() == "4"


def test_an_exact_filter_goes_with_the_search_and_show_all_lifts_it(panel: TablePanel) -> None:
    panel.filter_exact(1, "Both returned", "Stage: Both returned")
    assert panel.shown_keys() == ["C-1", "C-3"]
    assert not panel.show_all.isHidden()
    panel.search.setText("r01")
    assert panel.shown_keys() == ["C-1"]
    panel.clear_filter()
    assert panel.shown_keys() == ["C-1", "C-4"]
    assert panel.model.exact == (None, "")


def test_a_heading_sorts_numbers_as_numbers_and_keeps_the_selected_row(panel: TablePanel) -> None:
    assert panel.select_key("C-2")
    panel.table.sortByColumn(2, Qt.SortOrder.AscendingOrder)
    assert panel.shown_keys() == ["C-2", "C-3", "C-1", "C-4"]  # 2 < 3 < 10, blank last
    assert panel.current_key() == "C-2"
    panel.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert panel.shown_keys() == ["C-4", "C-1", "C-3", "C-2"]
    assert panel.current_key() == "C-2"
    panel.search.setText("return")
    assert panel.shown_keys() == ["C-1", "C-3", "C-2"]  # still sorted
    panel.set_rows([*ROWS, Row("C-5", ("C-5", "Both returned", 7, "R02 and R04"))])
    assert panel.shown_keys() == ["C-1", "C-5", "C-3", "C-2"]


def test_cells_read_as_given_and_emphasis_is_bold_with_its_reason(panel: TablePanel) -> None:
    model = panel.model
    assert model.index(3, 2).data() == ""  # None is shown as nothing, never "None"
    assert model.index(0, 2).data() == "10"
    assert model.index(2, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(2, 0).data(Qt.ItemDataRole.ToolTipRole) == "overdue"
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(9, 0).data() is None  # outside the rows shown


def test_a_heading_sorts_text_as_a_person_numbers_it(qtbot) -> None:
    """Action references and the like: 2.1 before 10.1 (not after 1.2), AP-7 before AP-10."""
    made = TablePanel("actions", ("Reference",), None)
    qtbot.addWidget(made)
    refs = ("10.1", "1.2", "AP-10", "2.1", "ap-7", "1.10", "9.1")
    made.set_rows([Row(ref, (ref,)) for ref in refs])
    made.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert made.shown_keys() == ["1.2", "1.10", "2.1", "9.1", "10.1", "ap-7", "AP-10"]
