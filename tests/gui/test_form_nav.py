"""The section list: grouped from the definition, numbered, "x of y answered", arrows skip the
group headings, and a splitter that widens it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QSplitter

from reviewer_app.domain.section_groups import section_groups
from tests.gui.review_helpers import Env, activate, click, env

__all__ = ["env"]


def test_groups_numbers_progress_and_arrows(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    nav = page.nav
    definition = env.service.open(env.case_refs[0], "check").definition
    headings = [nav.item(r).text() for r in range(nav.count()) if not nav.item(r).flags()]
    assert headings == [g.title for g in section_groups(definition)]
    assert nav.title_text("phase.admission") == "2. Admission and initial care (first 24 hours)"
    state = page.state
    assert state is not None
    asked = [q for q in definition.section("screening").questions]
    screening = len([q for q in asked if q.id in state.relevant_questions])  # asked now
    assert 0 < screening < len(asked)
    assert nav.progress_text("screening") == f"Not started · 0 of {screening} answered"
    field = page.row("screening.autism").field
    click(qtbot, field.buttons[1])
    assert nav.progress_text("screening") == f"In progress · 1 of {screening} answered"
    # Down from the last of a group lands on the first of the next, over the heading
    page.goto_section("records", focus=False)
    nav.setFocus()
    QTest.keyClick(nav, Qt.Key.Key_Down)
    first_phase = definition.phases[0].id
    assert page.current_section_id == first_phase
    QTest.keyClick(nav, Qt.Key.Key_Up)
    assert page.current_section_id == "records"


def test_the_list_is_in_a_splitter_and_never_elides(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    splitter = page.splitter
    assert isinstance(splitter, QSplitter) and splitter.widget(0) is page.nav
    before = page.nav.width()
    splitter.setSizes([before + 120, max(100, splitter.sizes()[1] - 120)])
    assert page.nav.width() > before, "the reviewer can widen the list"
    assert page.nav.textElideMode() == Qt.TextElideMode.ElideNone and page.nav.wordWrap()
    widest = page.nav.fontMetrics().horizontalAdvance("In progress · 88 of 88 answered")
    assert page.nav.minimumWidth() > widest, "a state fits on one line"


def test_arrival_shows_the_heading_of_the_section_and_of_its_group(qtbot: Any, env: Env) -> None:
    page = env.page
    page.resize(1000, 420)  # short: the list scrolls and the page does
    page.open_case(env.case_refs[0])
    nav = page.nav
    for section_id in ("phase.admission", "theme.fluids", "relatives", "screening"):
        page.goto_section(section_id)
        qtbot.wait(30)  # laid out
        shown = page.page(section_id)
        assert shown.verticalScrollBar().value() == 0, f"{section_id}: heading scrolled off"
        group = next(
            g for g in section_groups(page._form.definition) if section_id in g.section_ids
        )
        if group.section_ids[0] == section_id:  # first of its group: its heading in sight
            row = nav.currentRow() - 1
            assert nav.item(row).text() == group.title
            assert nav.viewport().rect().contains(nav.visualItemRect(nav.item(row)))


def test_a_case_opened_before_it_is_shown_starts_at_the_top(qtbot: Any, env: Env) -> None:
    page = env.page
    page.hide()  # as in the window: the case list is on screen while the case opens
    page.open_case(env.case_refs[1])
    page.show()
    qtbot.wait(50)
    shown = page.page("screening")
    assert shown.verticalScrollBar().value() == 0, "the heading and first label cut off"
    focused = page.focusWidget()
    assert focused is not None and shown.isAncestorOf(focused)


def test_focus_in_the_first_screenful_shows_the_page_from_its_top(qtbot: Any, env: Env) -> None:
    page = env.page
    activate(qtbot, page)
    page.open_case(env.case_refs[0])
    page.goto_section("screening")
    shown = page.page("screening")
    bar = shown.verticalScrollBar()
    assert bar.maximum() > 0
    page.nav.setFocus()  # elsewhere, then back to the first question of the scrolled page
    bar.setValue(bar.maximum())
    first = next(iter(shown.rows.values())).field.focus_target()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    assert bar.value() == 0, "the section heading and the first label scrolled off the top"
