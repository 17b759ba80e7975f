"""The case list model and the main window, with pytest-qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt

from reviewer_app.domain.case import PlaceOfDeath
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.case_table_model import COLUMNS, REF_ROLE, CaseTableModel
from reviewer_app.gui.main_window import SYNTHETIC_MARK, MainWindow


@dataclass(frozen=True)
class Row:
    case_ref: str
    display_name: str
    age_at_death: int
    date_of_death: date
    place_of_death: PlaceOfDeath
    status: ReviewStatus
    progress: float
    flags: tuple[str, ...] = ()


ROWS = [
    Row(
        "NSR-0002",
        "NGUYỄN, Thi Lan",
        81,
        date(2017, 6, 3),
        PlaceOfDeath.HOME,
        ReviewStatus.IN_PROGRESS,
        0.25,
    ),
    Row(
        "NSR-0001",
        "Ó SÚILLEABHÁIN, Raj",
        77,
        date(2017, 6, 24),
        PlaceOfDeath.ACUTE_HOSPITAL,
        ReviewStatus.NOT_STARTED,
        0.0,
        ("urgent",),
    ),
    Row(
        "NSR-0003",
        "ZIELIŃSKA, Agnieszka",
        90,
        date(2017, 6, 1),
        PlaceOfDeath.HOSPICE,
        ReviewStatus.SIGNED,
        1.0,
    ),
]


def test_model_shows_labels_not_codes(qtmodeltester) -> None:
    model = CaseTableModel(ROWS)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.columnCount() == len(COLUMNS)
    texts = [model.data(model.index(1, c)) for c in range(len(COLUMNS))]
    assert texts == [
        "NSR-0001",
        "Ó SÚILLEABHÁIN, Raj",
        "77",
        "24 Jun 2017",
        "Acute hospital",
        "Not started",
        "0%",
        "urgent",
    ]
    assert model.data(model.index(0, 0), REF_ROLE) == "NSR-0002"


def test_main_window_sorts_by_date_and_marks_synthetic_data(qtbot) -> None:
    window = MainWindow(ROWS, workspace_label="demo", synthetic=True, demo_passphrase="pass words")
    qtbot.addWidget(window)
    assert SYNTHETIC_MARK in window.windowTitle()
    assert "pass words" in window.banner.text()
    window.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)
    refs = [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]
    assert refs == ["NSR-0003", "NSR-0002", "NSR-0001"]
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    refs = [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]
    assert refs == ["NSR-0001", "NSR-0002", "NSR-0003"]


def test_real_workspace_window_has_no_synthetic_banner(qtbot) -> None:
    window = MainWindow(ROWS, workspace_label="C:/work", synthetic=False)
    qtbot.addWidget(window)
    assert SYNTHETIC_MARK not in window.windowTitle()
    assert not hasattr(window, "banner")
