"""A signed case on the form: says "Signed", its text boxes look read-only, and the save
indicator tells of the case on screen, not of the one before."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form import ReviewPage
from reviewer_app.services.demo.synthetic import synthetic_cases
from tests.gui.review_helpers import ACTOR, dispose
from tests.support.signoff_fixtures import Bench, make_bench


@pytest.fixture
def signed(qtbot: Any, tmp_path: Path) -> Iterator[tuple[Bench, ReviewPage, list[str]]]:
    bench = make_bench(tmp_path / "ws", case_count=2)
    refs = [c.case_ref for c in synthetic_cases(2, seed=3, prefix="SIG")]
    bench.sign(refs[0])
    writer = AutosaveWriter(bench.workspace.connect, ACTOR, debounce=0.05, max_delay=0.1)
    writer.start()
    page = ReviewPage(bench.reviews, writer)
    qtbot.addWidget(page)
    page.resize(1200, 700)
    page.show()
    try:
        yield bench, page, refs
    finally:
        page.close_case()
        assert writer.stop(10)
        dispose(page)
        bench.workspace.close()


def test_signed_case_says_signed(qtbot: Any, signed: tuple[Bench, ReviewPage, list[str]]) -> None:
    _, page, refs = signed
    assert page.open_case(refs[0])
    page.goto_section("readiness")
    view = page.page("readiness").readiness
    assert view is not None
    assert view.summary.text() == "✓ This review is signed."
    assert page.nav.progress_text("readiness") == "Signed", "no count beside it"
    assert page.header.status.text() == "Signed"
    page_view = page.page("readiness")
    assert page_view.title.text() == "Signed", "not headed 'Ready to sign'"
    assert "still needed" not in page_view.help.text() and "reopen" in page_view.help.text()
    # a rule that asks more now than when it was signed: still "signed", no to-do list
    missing = ReadinessItem("R1.required", "Not answered: x", "learning", "Learning", "q")
    view.show_items([missing], ReviewStatus.SIGNED)
    assert view.summary.text() == "✓ This review is signed." and not view.list.isVisibleTo(view)
    view.show_items([missing], ReviewStatus.IN_PROGRESS)
    assert "Still needed" in view.summary.text() and view.list.isVisibleTo(view)


def test_a_signed_case_takes_focus_on_arrival_and_steps_by_keys(
    qtbot: Any, signed: tuple[Bench, ReviewPage, list[str]]
) -> None:
    _, page, refs = signed
    assert page.open_case(refs[0])
    first = page.current_section_id
    focused = QApplication.focusWidget()
    assert focused is not None and focused.isEnabled(), "focus is nowhere on a signed case"
    assert focused is page.nav, "a signed page's options are disabled: the section list"
    assert page.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange), "no frame"
    assert page.page(first or "").verticalScrollBar().value() == 0, "the heading is in sight"
    QTest.keyClick(focused, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert page.current_section_id != first, "Ctrl+PgDown did nothing"
    focused = QApplication.focusWidget()
    assert focused is not None and focused.isEnabled() and page.isAncestorOf(focused)


def background(box: Any) -> str:
    return str(box.grab().toImage().pixelColor(box.width() // 2, box.height() // 2).name())


def test_read_only_text_looks_read_only_and_the_indicator_is_the_cases(
    qtbot: Any, signed: tuple[Bench, ReviewPage, list[str]]
) -> None:
    _, page, refs = signed
    assert page.open_case(refs[1])
    page.goto_section("learning")
    box = page.row("learning.good_practice").field.focus_target()
    box.setFocus()
    qtbot.keyClicks(box, "Timely review.")
    qtbot.waitUntil(lambda: page.indicator.text().startswith("✓ Saved"), timeout=5000)
    editable = background(box)
    other_review = page.review_id
    assert other_review is not None
    assert page.open_case(refs[0])  # the signed case
    autism = page.row("screening.autism").field
    assert autism.value() is not None and not autism.clear_button.isVisibleTo(autism)
    page.goto_section("learning")
    assert box.isReadOnly()
    assert background(box) != editable, "a read-only box looks like one you can type in"
    assert page.indicator.text() == "All changes saved", "the other case's save time shown"
    page._writer.put(other_review, "learning.good_practice", "Timely review, late save.")
    page._writer.save_now()
    qtbot.waitUntil(lambda: not page._writer.pending_changes(other_review), timeout=5000)
    qtbot.wait(50)
    assert page.indicator.text() == "All changes saved", "another case's save shown as this one's"
    assert page.open_case(refs[1])
    assert not box.isReadOnly() and background(box) == editable
