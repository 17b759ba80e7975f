"""The case list model (sorting, status filter, search) and page, with pytest-qt."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.case_list_page import CaseListPage
from reviewer_app.gui.case_table_model import (
    COLUMN_INDEX,
    COLUMNS,
    REF_ROLE,
    STATUS_FILTERS,
    CaseTableModel,
    fold,
)
from reviewer_app.gui.main_window import SYNTHETIC_MARK, MainWindow
from tests.gui.gui_fixtures import CANARY_NHS, ROWS


def refs(model: CaseTableModel) -> list[str]:
    return [model.index(r, 0).data(REF_ROLE) for r in range(model.rowCount())]


def test_model_shows_labels_not_codes(qtmodeltester) -> None:
    model = CaseTableModel(ROWS)
    qtmodeltester.check(model)
    assert model.rowCount() == 4
    assert model.columnCount() == len(COLUMNS)
    texts = [model.data(model.index(1, c)) for c in range(len(COLUMNS))]
    assert texts == [
        "NSR-0001",
        "Ó SÚILLEABHÁIN, Raj",
        "999 000 2220",
        "77",
        "24 Jun 2017",
        "Acute hospital",
        "Not started",
        "0%",
        "",
        "",
        "",
        "Urgent",
    ]
    flags = model.index(3, COLUMN_INDEX["Flags"]).data()
    assert flags == "Urgent, Amended", "shown in CaseFlag's order, not the row's"
    assert model.index(2, COLUMN_INDEX["Flags"]).data() == "Identifiers corrected, Withdrawn"
    assert model.data(model.index(0, 0), REF_ROLE) == "NSR-0002"


def test_the_returned_column_shows_when_and_an_amendment_not_yet_returned() -> None:
    from datetime import UTC, date, datetime

    from reviewer_app.domain.case import PlaceOfDeath
    from reviewer_app.storage.workspace.cases import CaseSummary

    def summary(ref: str, version: int | None, back: int | None) -> CaseSummary:
        return CaseSummary(
            case_ref=ref,
            display_name="EXAMPLE, Ann",
            nhs_number="9990001112",
            age_at_death=80,
            date_of_death=date(2017, 6, 3),
            place_of_death=PlaceOfDeath.HOME,
            status=ReviewStatus.SIGNED,
            review_id=1,
            review_version=version,
            answered=3,
            progress=1.0,
            flags=(),
            returned_version=back,
            returned_at=None if back is None else datetime(2025, 3, 2, 10, 0, tzinfo=UTC),
        )

    rows = [summary("R-1", 1, 1), summary("R-2", 2, 1), summary("R-3", 1, None)]
    model = CaseTableModel(rows)
    column = COLUMN_INDEX["Returned"]
    assert [model.index(r, column).data() for r in range(3)] == [
        "02 Mar 2025",
        "Version 1 on 02 Mar 2025; version 2 not yet",
        "",
    ]
    assert [r.returned for r in rows] == [True, False, False]
    model.sort(column, Qt.SortOrder.DescendingOrder)
    assert refs(model)[-1] == "R-3"


def test_sorting_by_each_column_is_stable_and_reversible(qtmodeltester) -> None:
    model = CaseTableModel(ROWS)
    qtmodeltester.check(model)
    model.sort(COLUMN_INDEX["Date of death"], Qt.SortOrder.AscendingOrder)
    assert refs(model) == ["NSR-0003", "NSR-0002", "NSR-0001", "NSR-0004"]
    model.sort(COLUMN_INDEX["Age"], Qt.SortOrder.DescendingOrder)
    assert refs(model) == ["NSR-0003", "NSR-0002", "NSR-0001", "NSR-0004"]
    model.sort(COLUMN_INDEX["Patient"], Qt.SortOrder.AscendingOrder)
    assert refs(model) == ["NSR-0002", "NSR-0001", "NSR-0004", "NSR-0003"]
    model.sort(COLUMN_INDEX["Case"], Qt.SortOrder.AscendingOrder)
    assert refs(model) == ["NSR-0001", "NSR-0002", "NSR-0003", "NSR-0004"]
    qtmodeltester.check(model)


def test_search_by_ref_name_any_order_without_accents_and_nhs_number(qtmodeltester) -> None:
    model = CaseTableModel(ROWS)
    qtmodeltester.check(model)
    model.set_query("nsr-0003")
    assert refs(model) == ["NSR-0003"]
    model.set_query("thi nguyen")  # order and accents do not matter
    assert refs(model) == ["NSR-0002"]
    model.set_query("súilleabháin")
    assert refs(model) == ["NSR-0001"]
    model.set_query("943 476 5919")  # spaces in the NHS number are ignored
    assert refs(model) == ["NSR-0004"]
    model.set_query(CANARY_NHS[:6])
    assert refs(model) == ["NSR-0004"]
    model.set_query("nobody like this")
    assert refs(model) == []
    model.set_query("")
    assert len(refs(model)) == 4
    qtmodeltester.check(model)
    assert fold("NGUYỄN") == "nguyen"
    # the letters that do not decompose fold too, as in the identifier check and redaction
    assert fold("Łukasz Øster-Hæm") == fold("lukasz oster-haem") == "lukasz oster-haem"


def test_status_filter_and_search_combine() -> None:
    model = CaseTableModel(ROWS)
    to_do = next(f for f in STATUS_FILTERS if f.label == "To do")
    model.set_filter(to_do.keeps)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0002", "NSR-0004"]
    model.set_query("raj")
    assert refs(model) == ["NSR-0001"]
    model.set_status_filter(frozenset({ReviewStatus.SIGNED}))
    assert refs(model) == []
    model.set_status_filter(None)
    assert refs(model) == ["NSR-0001"]


def test_status_change_updates_one_row_and_refilters() -> None:
    model = CaseTableModel(ROWS)
    model.set_status_filter(frozenset({ReviewStatus.IN_PROGRESS}))
    assert refs(model) == ["NSR-0002"]
    assert model.set_status("NSR-0001", ReviewStatus.IN_PROGRESS)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0002"]
    assert not model.set_status("NSR-9999", ReviewStatus.IN_PROGRESS)


def test_clear_forgets_every_row(qtmodeltester) -> None:
    model = CaseTableModel(ROWS)
    model.set_query("raj")
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0 and model.total_count == 0


def test_page_enter_and_double_click_open_the_selected_case(qtbot) -> None:
    page = CaseListPage(ROWS)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    assert page.current_case_ref() == "NSR-0001"  # sorted by case, first selected
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    with qtbot.waitSignal(page.open_case_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == ["NSR-0002"]
    index = page.model.index(2, 1)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_case_requested) as opened:
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["NSR-0003"]


def test_page_ctrl_f_searches_and_enter_opens_the_single_match(qtbot) -> None:
    page = CaseListPage(ROWS)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is page.search
    qtbot.keyClicks(page.search, "zielinska")
    assert page.count_label.text() == "Showing 1 of 4 cases"
    with qtbot.waitSignal(page.open_case_requested) as opened:
        qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert opened.args == ["NSR-0003"]
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""


def test_every_control_has_an_accessible_name(qtbot) -> None:
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QTableView

    page = CaseListPage(ROWS)
    qtbot.addWidget(page)
    controls = [
        w
        for kind in (QAbstractButton, QComboBox, QLineEdit, QTableView)
        for w in page.findChildren(kind)
        # parts Qt builds inside a control (clear button, corner button) are not ours
        if not isinstance(w.parent(), QLineEdit | QComboBox | QTableView)
    ]
    assert controls
    unnamed = [type(w).__name__ for w in controls if not w.accessibleName()]
    assert unnamed == []


def test_main_window_sorts_by_date_and_marks_synthetic_data(qtbot) -> None:
    window = MainWindow(
        ROWS,
        synthetic=True,
        demo_passphrase="pass words",
        listen_to_system=False,
    )
    qtbot.addWidget(window)
    assert SYNTHETIC_MARK in window.windowTitle()
    assert "pass words" in window.banner.text()
    window.table.sortByColumn(COLUMN_INDEX["Date of death"], Qt.SortOrder.AscendingOrder)
    assert refs(window.case_model) == ["NSR-0003", "NSR-0002", "NSR-0001", "NSR-0004"]
    window.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert refs(window.case_model) == ["NSR-0001", "NSR-0002", "NSR-0003", "NSR-0004"]


def test_real_workspace_window_has_no_synthetic_banner(qtbot) -> None:
    window = MainWindow(ROWS, synthetic=False, listen_to_system=False)
    qtbot.addWidget(window)
    assert SYNTHETIC_MARK not in window.windowTitle()
    assert not hasattr(window, "banner")


def test_awaiting_co_signature_has_its_label_and_its_own_filter() -> None:
    model = CaseTableModel(ROWS)
    assert model.set_status("NSR-0002", ReviewStatus.AWAITING_COSIGNATURE)
    awaiting = next(f for f in STATUS_FILTERS if f.label == "Awaiting co-signature")
    model.set_filter(awaiting.keeps)
    assert refs(model) == ["NSR-0002"]
    assert model.index(0, COLUMN_INDEX["Status"]).data() == "Awaiting co-signature"
    signed = next(f for f in STATUS_FILTERS if f.label == "Signed")
    model.set_filter(signed.keeps)
    assert "NSR-0002" not in refs(model)  # awaiting is not shown as signed


# -- issue 11: to do, flag filters, hidden matches, new columns, keyboard ---------------------


def _filter(label: str):  # type: ignore[no-untyped-def]
    return next(f for f in STATUS_FILTERS if f.label == label)


def _rows_with_escalation_and_partner():  # type: ignore[no-untyped-def]
    from dataclasses import dataclass, fields

    from tests.gui.gui_fixtures import Row

    @dataclass(frozen=True)
    class RichRow(Row):
        escalated: bool = False
        co_reviewer_name: str | None = None

    def rich(row: Row, **extra: object) -> RichRow:
        return RichRow(**{f.name: getattr(row, f.name) for f in fields(Row)}, **extra)

    by_ref = {r.case_ref: r for r in ROWS}
    return [
        rich(by_ref["NSR-0001"], escalated=True),  # urgent and escalated
        rich(by_ref["NSR-0002"], co_reviewer_name="Dr Priya Shah"),
        rich(by_ref["NSR-0003"]),
        rich(by_ref["NSR-0004"], escalated=True),
    ]


def test_to_do_includes_ready_to_sign_and_awaiting_co_signature() -> None:
    model = CaseTableModel(ROWS)
    model.set_filter(_filter("To do").keeps)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0002", "NSR-0004"]  # 0004 ready to sign
    assert model.set_status("NSR-0003", ReviewStatus.AWAITING_COSIGNATURE)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0002", "NSR-0003", "NSR-0004"]
    assert model.set_status("NSR-0004", ReviewStatus.SIGNED)
    assert model.set_status("NSR-0001", ReviewStatus.RECORDS_MISSING)
    assert sorted(refs(model)) == ["NSR-0002", "NSR-0003"]  # signed and closed are done


def test_urgent_and_escalated_filters_follow_the_flags() -> None:
    rows = _rows_with_escalation_and_partner()
    model = CaseTableModel(rows)
    model.set_filter(_filter("Urgent").keeps)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0004"]
    model.set_filter(_filter("Escalated").keeps)
    assert sorted(refs(model)) == ["NSR-0001", "NSR-0004"]
    from dataclasses import replace

    model.replace_row("NSR-0004", replace(rows[3], escalated=False))  # decision changed
    assert refs(model) == ["NSR-0001"]
    model.replace_row("NSR-0003", replace(rows[2], escalated=True))
    assert refs(model) == ["NSR-0001", "NSR-0003"]
    model.set_filter(None)
    flags = model.index(0, COLUMN_INDEX["Flags"]).data()
    assert flags == "Urgent, Escalated"
    assert model.index(2, COLUMN_INDEX["Flags"]).data() == (
        "Escalated, Identifiers corrected, Withdrawn"
    )
    # rows without the attribute (older callers) are simply not escalated
    plain = CaseTableModel(ROWS)
    plain.set_filter(_filter("Escalated").keeps)
    assert refs(plain) == []


def test_nhs_number_and_co_reviewer_columns_show_and_sort() -> None:
    model = CaseTableModel(_rows_with_escalation_and_partner())
    nhs, partner = COLUMN_INDEX["NHS number"], COLUMN_INDEX["Co-reviewer"]
    shown = {model.index(r, 0).data(): model.index(r, nhs).data() for r in range(4)}
    assert shown["NSR-0004"] == "943 476 5919"
    assert shown["NSR-0002"] == "999 000 1112"
    assert [model.index(r, partner).data() for r in range(4)] == ["", "Dr Priya Shah", "", ""]
    model.sort(partner, Qt.SortOrder.DescendingOrder)
    assert refs(model)[0] == "NSR-0002"
    model.sort(nhs, Qt.SortOrder.AscendingOrder)
    assert refs(model) == ["NSR-0004", "NSR-0002", "NSR-0001", "NSR-0003"]


def test_hidden_matches_are_counted_only_outside_the_filter() -> None:
    model = CaseTableModel(ROWS)
    assert model.hidden_matches() == 0  # no search
    model.set_query("zielinska")
    assert model.hidden_matches() == 0  # no filter
    model.set_filter(_filter("To do").keeps)
    assert refs(model) == [] and model.hidden_matches() == 1
    model.set_query("nsr-000")
    assert len(refs(model)) == 3 and model.hidden_matches() == 1
    model.set_query("nobody like this")
    assert model.hidden_matches() == 0


def _shown_page(qtbot, rows=ROWS) -> CaseListPage:  # type: ignore[no-untyped-def]
    page = CaseListPage(rows)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    return page


def test_a_search_found_only_elsewhere_says_so_and_enter_shows_all(qtbot) -> None:
    page = _shown_page(qtbot)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # To do
    assert page.status_filter.currentText() == "To do"
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.search, "zielinska")  # NSR-0003 is signed: not to do
    assert page.model.rowCount() == 0
    assert page.hidden_notice.isVisibleTo(page)
    assert "No case in \u201cTo do\u201d matches" in page.hidden_label.text()
    assert "1 case matches in other lists" in page.hidden_label.text()
    assert "zielinska" not in page.hidden_label.text().lower()  # the search is not echoed
    qtbot.keyClick(page.search, Qt.Key.Key_Return)  # one key
    assert page.status_filter.currentText() == "All cases"
    assert page.search.text() == "zielinska"  # the search stays
    assert page.current_case_ref() == "NSR-0003"
    assert not page.hidden_notice.isVisibleTo(page)
    # the button, for the mouse (and Alt+A)
    page.status_filter.setCurrentIndex(1)
    assert page.hidden_notice.isVisibleTo(page)
    qtbot.mouseClick(page.show_all_button, Qt.MouseButton.LeftButton)
    assert page.status_filter.currentIndex() == 0


def test_enter_in_the_search_with_no_match_anywhere_changes_nothing(qtbot) -> None:
    page = _shown_page(qtbot)
    page.status_filter.setCurrentIndex(1)
    page.focus_search()
    qtbot.keyClicks(page.search, "nobody like this")
    assert not page.hidden_notice.isVisibleTo(page)
    qtbot.keyClick(page.search, Qt.Key.Key_Return)
    assert page.status_filter.currentText() == "To do"


def test_filter_shortcuts_choose_each_filter_and_alt_w_reaches_the_list(qtbot) -> None:
    page = _shown_page(qtbot, _rows_with_escalation_and_partner())
    page.table.setFocus()
    expected = {
        Qt.Key.Key_1: ("All cases", 4),
        Qt.Key.Key_2: ("To do", 3),
        Qt.Key.Key_3: ("Urgent", 2),
        Qt.Key.Key_4: ("Escalated", 2),
        Qt.Key.Key_5: ("Awaiting co-signature", 0),
    }
    for key, (label, count) in expected.items():
        qtbot.keyClick(page.table, key, Qt.KeyboardModifier.ControlModifier)
        assert (page.status_filter.currentText(), page.model.rowCount()) == (label, count)
    qtbot.keyClick(page.table, Qt.Key.Key_W, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is page.status_filter


def test_no_two_mnemonics_share_a_letter_in_the_window_with_the_case_list(qtbot) -> None:
    """The Alt+H clash: the list's "Show" filter took Alt+H, which is the Help menu."""
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    window = MainWindow(ROWS, listen_to_system=False)
    qtbot.addWidget(window)
    texts = [a.text() for a in window.menuBar().actions()]
    texts += [w.text() for w in window.case_list.findChildren(QLabel) if w.buddy() is not None]
    texts += [w.text() for w in window.case_list.findChildren(QAbstractButton)]
    letters = [m.group(1).lower() for t in texts if (m := re.search(r"&([^&])", t))]
    assert len(letters) == len(set(letters)), sorted(letters)
    assert "h" in letters  # Help keeps Alt+H


def _rows_with_due_dates():  # type: ignore[no-untyped-def]
    """ROWS with due dates, as summaries carry them (``due_date``: date or None)."""
    from dataclasses import dataclass, fields
    from datetime import date

    from tests.gui.gui_fixtures import Row

    @dataclass(frozen=True)
    class DueRow(Row):
        due_date: date | None = None

    due = {
        "NSR-0001": date(2027, 1, 12),  # not started: overdue after 12 Jan
        "NSR-0002": date(2027, 1, 13),  # in progress: due the day after
        "NSR-0003": date(2027, 1, 2),  # withdrawn: never overdue
        "NSR-0004": None,  # a pack that gave no due date
    }
    return [
        DueRow(**{f.name: getattr(r, f.name) for f in fields(Row)}, due_date=due[r.case_ref])
        for r in ROWS
    ]


def test_the_due_column_shows_uk_dates_marks_overdue_and_sorts_by_date(qtmodeltester) -> None:
    from datetime import date

    from PySide6.QtGui import QBrush

    today = [date(2027, 1, 12)]
    model = CaseTableModel(_rows_with_due_dates(), today=lambda: today[0])
    qtmodeltester.check(model)
    due = COLUMN_INDEX["Due"]

    def shown() -> dict[str, str]:
        return {model.index(r, 0).data(): model.index(r, due).data() for r in range(4)}

    def coloured() -> set[str]:
        return {
            model.index(r, 0).data()
            for r in range(4)
            if isinstance(model.index(r, due).data(Qt.ItemDataRole.ForegroundRole), QBrush)
        }

    assert shown() == {
        "NSR-0001": "12 Jan 2027",  # due today: not overdue yet
        "NSR-0002": "13 Jan 2027",
        "NSR-0003": "02 Jan 2027",  # withdrawn: nothing owed
        "NSR-0004": "",
    }
    assert coloured() == set()
    today[0] = date(2027, 1, 13)
    assert shown()["NSR-0001"] == "12 Jan 2027 (overdue)"
    assert shown()["NSR-0002"] == "13 Jan 2027" and shown()["NSR-0003"] == "02 Jan 2027"
    assert coloured() == {"NSR-0001"}
    other = model.index(0, COLUMN_INDEX["Status"]).data(Qt.ItemDataRole.ForegroundRole)
    assert other is None, "only the due cell takes the warning colour"
    model.set_status("NSR-0001", ReviewStatus.AWAITING_COSIGNATURE)  # still not returned
    assert shown()["NSR-0001"].endswith("(overdue)")
    for done in (ReviewStatus.SIGNED, ReviewStatus.HANDED_BACK):
        model.set_status("NSR-0001", done)
        assert shown()["NSR-0001"] == "12 Jan 2027" and coloured() == set()
    model.sort(due, Qt.SortOrder.AscendingOrder)
    assert refs(model) == ["NSR-0003", "NSR-0001", "NSR-0002", "NSR-0004"]  # blank last
    model.sort(due, Qt.SortOrder.DescendingOrder)
    assert refs(model) == ["NSR-0004", "NSR-0002", "NSR-0001", "NSR-0003"]


def test_the_overdue_colour_is_the_warning_colour_of_each_palette() -> None:
    from datetime import date

    from PySide6.QtGui import QColor

    from reviewer_app.gui.theme import contrast_ratio, palette_for

    model = CaseTableModel(_rows_with_due_dates(), today=lambda: date(2027, 2, 1))
    app = QApplication.instance()
    assert app is not None
    was = app.property("reviewerTheme")
    colours = {}
    try:
        for theme in ("light", "dark"):
            app.setProperty("reviewerTheme", theme)
            row = model.visible_row_of("NSR-0002")
            assert row is not None
            brush = model.index(row, COLUMN_INDEX["Due"]).data(Qt.ItemDataRole.ForegroundRole)
            colours[theme] = brush.color()
            base = palette_for(theme).color(palette_for(theme).ColorRole.Base)
            assert contrast_ratio(colours[theme], base) >= 4.5, theme
    finally:
        app.setProperty("reviewerTheme", was)
    assert colours == {"light": QColor("#8A4500"), "dark": QColor("#FFB74D")}


def test_rows_without_due_dates_show_none_and_are_never_overdue() -> None:
    from datetime import date

    model = CaseTableModel(ROWS, today=lambda: date(2099, 1, 1))
    due = COLUMN_INDEX["Due"]
    assert [model.index(r, due).data() for r in range(4)] == ["", "", "", ""]
    assert all(model.index(r, due).data(Qt.ItemDataRole.ForegroundRole) is None for r in range(4))
