"""The coordinator's window: sections down the side with Ctrl+1..8, the shortcut list, locking
with the study passphrase, SYNTHETIC DATA on a practice study, names on every control, and
1366x768 without clipping."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTabWidget,
    QWidget,
)

from reviewer_app.gui.coordinator.sections import SPECS
from reviewer_app.gui.coordinator.shortcuts import shortcuts_text
from reviewer_app.gui.coordinator.widgets import KEY_HINT_ROLE
from reviewer_app.gui.coordinator.window import SECTION_KEYS, SYNTHETIC_MARK
from reviewer_app.gui.unlock_screen import STUDY_WRONG_PASSPHRASE_HINT
from reviewer_app.services.intake.study_intake import add_cohort, add_reviewers
from reviewer_app.services.study import Study
from tests.support.study_fixtures import STUDY_PASSPHRASE, cohort_bytes, panel_bytes

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QTabWidget,
)


@pytest.fixture
def loaded_study(empty_study: Path) -> Path:
    with Study.open(empty_study, STUDY_PASSPHRASE) as study:
        add_cohort(study, cohort_bytes(8), "cohort.csv")
        add_reviewers(study, panel_bytes(), "reviewers.csv")
    return empty_study


def test_sections_in_order_each_on_ctrl_and_its_number(open_window, loaded_study, qtbot):
    window = open_window(loaded_study)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    assert list(window.sections) == list(SECTION_KEYS)
    assert window.current is window.section("overview")
    for i, key in enumerate(SECTION_KEYS):
        qtbot.keyClick(window.nav, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.current is window.section(key)
        assert window.nav.currentRow() == i
        assert window.windowTitle().startswith(window.section(key).title)


def test_the_side_list_chooses_the_section(open_window, loaded_study):
    window = open_window(loaded_study)
    window.nav.setCurrentRow(1)
    assert window.current is window.section("cohort")
    assert window.section("cohort").cases.model.rowCount() == 8  # refreshed when shown


def test_the_shortcut_list_names_every_section_and_opens_on_f1_and_ctrl_slash(
    open_window, loaded_study
):
    window = open_window(loaded_study)
    text = shortcuts_text(SPECS)
    for i, section in enumerate(window.sections.values()):
        assert f"Ctrl+{i + 1} or {SPECS[i].alt_key}\tGo to {section.title}" in text
    keys = {s.toString() for s in window.shortcuts_action.shortcuts()}
    assert keys == {"F1", "Ctrl+/"}
    bound = {a.shortcut().toString() for a in window.actions() if not a.shortcut().isEmpty()}
    for keys_listed in ("Ctrl+L", "F5", "Ctrl+W", "Ctrl+O", "Ctrl+Shift+N"):
        assert keys_listed in bound and keys_listed in text
    assert QKeySequence(QKeySequence.StandardKey.Find).toString() in bound


def test_locking_takes_every_row_off_and_only_the_study_passphrase_unlocks(
    open_window, loaded_study, qtbot
):
    window = open_window(loaded_study)
    window.show()
    window.show_section(1)
    cohort = window.section("cohort")
    assert cohort.cases.model.rowCount() == 8
    window.show_section(3)
    window.show_section(1)
    window.lock("test")
    assert window.locked and window.windowTitle().startswith("Locked")
    assert not window.page.isVisible()
    for section in window.sections.values():
        for panel in section.findChildren(type(cohort.cases)):
            assert panel.model.rowCount() == 0, section.title
    assert all(not a.isEnabled() for a in window.go_actions)
    screen = window.lock_screen
    assert screen is not None
    screen.passphrase.setText("not the passphrase")
    screen.submit()
    assert window.locked
    assert screen.message.text() == STUDY_WRONG_PASSPHRASE_HINT
    screen.passphrase.setText(STUDY_PASSPHRASE)
    screen.submit()
    assert not window.locked and window.page.isVisible()
    assert window.current is cohort
    assert cohort.cases.model.rowCount() == 8
    assert all(a.isEnabled() for a in window.go_actions)


def test_idle_time_locks_the_study(open_window, loaded_study, qtbot):
    window = open_window(loaded_study)
    window.triggers.set_idle_ms(50)
    window.triggers.arm()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)


def test_a_practice_study_says_synthetic_data_and_a_real_one_does_not(open_window, loaded_study):
    real = open_window(loaded_study)
    assert SYNTHETIC_MARK not in real.windowTitle()
    assert not hasattr(real, "banner")
    practice = open_window(loaded_study, synthetic=True)
    assert SYNTHETIC_MARK in practice.windowTitle()
    assert SYNTHETIC_MARK in practice.banner.text()
    practice.lock("test")
    assert SYNTHETIC_MARK in practice.windowTitle()


def _unnamed(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName() or ''} in {type(w.parent()).__name__} "
        f"{w.parent().objectName()} text={getattr(w, 'text', lambda: '')()!r}"
        for w in root.findChildren(QWidget)
        if isinstance(w, CONTROLS)
        and not w.accessibleName().strip()
        and not w.objectName().startswith("qt_")  # Qt's own parts (tab bar scrollers)
    ]


def test_every_control_of_every_section_has_an_accessible_name(open_window, loaded_study):
    window = open_window(loaded_study)
    window.show()
    for i in range(len(window.sections)):
        window.show_section(i)  # loaded: tables and combos filled
    window.section("allocation").allocate()
    offenders = _unnamed(window)
    assert offenders == []
    window.lock("test")
    assert _unnamed(window) == []


def test_the_name_check_can_fail(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    QLineEdit(parent)
    assert len(_unnamed(parent)) == 1


def test_every_section_fits_1366_by_768(open_window, loaded_study):
    window = open_window(loaded_study)
    window.resize(1366, 768)
    window.show()
    for i, section in enumerate(window.sections.values()):
        window.show_section(i)
        hint = window.minimumSizeHint()
        assert hint.width() <= 1366 and hint.height() <= 768, (section.title, hint)
        assert window.size() == QSize(1366, 768), section.title
        available = window.stack.size()
        need = section.minimumSizeHint()
        assert need.width() <= available.width(), (section.title, need, available)
        assert need.height() <= available.height(), (section.title, need, available)


def test_a_bug_in_a_service_goes_to_the_crash_dialog_not_the_message_line(
    open_window, loaded_study
):
    window = open_window(loaded_study)
    seen: list[BaseException] = []
    section = window.section("cohort")
    section.on_bug = lambda err, _parent: seen.append(err)

    def broken() -> list[object]:
        raise RuntimeError("boom")

    window.desk.cohort_cases = broken
    section.refresh()
    assert len(seen) == 1 and isinstance(seen[0], RuntimeError)
    assert "boom" not in section.message.text()


def _active_window(open_window, study, qtbot):  # type: ignore[no-untyped-def]
    window = open_window(study)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def _every_section_key(window):  # type: ignore[no-untyped-def]
    """(section shown, section whose Alt+letter is pressed next), for every pair."""
    for start in SPECS:
        for spec in SPECS:
            window.show_section(SPECS.index(start))
            yield start, spec


def test_alt_and_a_letter_goes_to_each_section_from_every_section(open_window, loaded_study, qtbot):
    window = _active_window(open_window, loaded_study, qtbot)
    for start, spec in _every_section_key(window):
        qtbot.keyClick(window.current, Qt.Key(ord(spec.letter)), Qt.KeyboardModifier.AltModifier)
        assert window.current is window.section(spec.key), (start.key, spec.alt_key)


def test_a_section_reached_by_a_key_never_has_a_button_in_focus(open_window, loaded_study, qtbot):
    """Typing on after Alt+letter (a person who meant a box) must not press a button with
    Space: the focus goes to the section's search, its first table, or the side list."""
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    window = _active_window(open_window, loaded_study, qtbot)
    for start, spec in _every_section_key(window):
        # as a person filling in a box further down the section would be
        boxes = [
            w
            for w in window.current.findChildren(QWidget)
            if w.isVisible() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        boxes[-1].setFocus()
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key(ord(spec.letter)), Qt.KeyboardModifier.AltModifier
        )
        focused = QApplication.focusWidget()
        assert window.current is window.section(spec.key)
        assert focused is not None and not isinstance(focused, QAbstractButton), (
            start.key,
            spec.key,
            type(focused).__name__,
        )
        assert focused is window.nav or window.current.isAncestorOf(focused)


def test_the_side_list_and_the_shortcut_list_show_each_sections_alt_key(open_window, empty_study):
    window = open_window(empty_study)
    text = shortcuts_text(SPECS)
    for i, spec in enumerate(SPECS):
        item = window.nav.item(i)
        assert item.data(KEY_HINT_ROLE) == spec.alt_key and spec.alt_key in item.toolTip()
        assert f"{spec.alt_key}\tGo to {spec.title}" in text
        assert window.section(spec.key).title == spec.title
    assert len({spec.letter for spec in SPECS}) == len(SPECS)


def test_sections_are_built_when_first_shown(open_window, empty_study):
    window = open_window(empty_study)
    assert [s.title for s in window.sections.built()] == ["Overview"]
    window.show_section(6)
    assert [s.title for s in window.sections.built()] == ["Overview", "Report"]
    assert window.current is window.section("report")
    assert window.stack.currentWidget() is window.section("report")


def test_a_section_key_puts_the_focus_in_the_sections_first_search_box(
    open_window, loaded_study, qtbot
):
    """From the side list too (where the focus is after unlocking), and after a section with
    no search box: the first search box in Tab order, else the first table, else the list."""
    from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit

    window = _active_window(open_window, loaded_study, qtbot)
    window.nav.setFocus()
    seen = {}
    for spec in [*SPECS, *SPECS]:  # twice: each section reached from the one before it
        qtbot.keyClick(
            QApplication.focusWidget(), Qt.Key(ord(spec.letter)), Qt.KeyboardModifier.AltModifier
        )
        focused = QApplication.focusWidget()
        assert window.current is window.section(spec.key)
        boxes = [
            w
            for w in window.current.findChildren(QLineEdit)
            if w.isVisible() and w.accessibleName().startswith("Search")
        ]
        if boxes:
            assert isinstance(focused, QLineEdit) and focused in boxes, (spec.key, focused)
        elif any(v.isVisible() for v in window.current.findChildren(QAbstractItemView)):
            assert isinstance(focused, QAbstractItemView), spec.key
        else:
            assert focused is window.nav, spec.key
        seen[spec.key] = focused.accessibleName()
    assert seen["reconciliation"] == "Search discordant cases"  # the list of cases, first
    assert seen["cohort"].startswith("Search") and seen["actions"].startswith("Search")
