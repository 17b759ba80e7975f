"""The redaction preview the sign dialog embeds: every redaction readable, by keyboard too."""

from __future__ import annotations

import random

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from reviewer_app.domain.definition import default_definition
from reviewer_app.gui.signing.redaction_preview import (
    LIST_NAME,
    NOTHING_REDACTED,
    RedactionPreview,
    row_text,
)
from reviewer_app.services.demo.sample_answers import complete_answers
from reviewer_app.services.summary.taskforce import ShownRedaction, redaction_preview
from tests.support.summary_fixtures import identified_case, sample_input

CASE = identified_case(family_name="Okafor", given_names="Grace")


def _shown(text: str) -> tuple[ShownRedaction, ...]:
    answers = complete_answers(default_definition(), CASE, random.Random(4))
    answers["learning.poor_care"] = text
    return redaction_preview(sample_input(case=CASE, answers=answers))


def test_each_redaction_is_a_row_with_where_before_and_after(qtbot: QtBot) -> None:
    shown = _shown("Despite Mrs Okafor asking twice, Dr Lee did not come.")
    preview = RedactionPreview(shown)
    qtbot.addWidget(preview)
    assert preview.count == 2 and preview.list.count() == 2
    first = preview.list.item(0).text()
    assert first.startswith("Learning: Characteristics of poor care (a name from the case header)")
    assert "As written: Despite Mrs Okafor asking twice, Dr Lee did not come." in first
    assert "Taskforce copy: Despite Mrs [name] asking twice, Dr [name] did not come." in first
    assert preview.list.item(1).text() == row_text(shown[1])
    assert "2 identifiers" in preview.intro.text()


def test_accessible_names_say_what_each_row_holds(qtbot: QtBot) -> None:
    shown = _shown("Grace was frightened.")
    preview = RedactionPreview(shown)
    qtbot.addWidget(preview)
    assert preview.list.accessibleName() == f"{LIST_NAME}, 1"
    assert preview.accessibleName() == f"{LIST_NAME}, 1"
    spoken = preview.list.item(0).data(Qt.ItemDataRole.AccessibleTextRole)
    assert spoken.startswith("Redaction 1 of 1: Learning: Characteristics of poor care")
    assert "Taskforce copy: [name] was frightened." in spoken
    assert "\n" not in spoken


def test_the_list_is_reached_with_tab_and_read_with_the_arrow_keys(qtbot: QtBot) -> None:
    host = QWidget()
    layout = QVBoxLayout(host)
    before = QLineEdit(host)
    layout.addWidget(before)
    preview = RedactionPreview(_shown("Grace and Okafor and Dr Lee."), host)
    layout.addWidget(preview)
    qtbot.addWidget(host)
    host.show()
    host.activateWindow()
    qtbot.waitExposed(host)
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is preview.list  # the intro text takes no Tab stop
    assert preview.list.currentRow() == 0
    qtbot.keyClick(preview.list, Qt.Key.Key_Down)
    qtbot.keyClick(preview.list, Qt.Key.Key_Down)
    assert preview.list.currentRow() == 2
    qtbot.keyClick(preview.list, Qt.Key.Key_Down)  # stays on the last row
    assert preview.list.currentRow() == 2


def test_nothing_redacted_says_so_and_shows_no_list(qtbot: QtBot) -> None:
    preview = RedactionPreview(_shown("Observations were not repeated overnight."))
    qtbot.addWidget(preview)
    preview.show()
    assert preview.count == 0
    assert preview.intro.text() == NOTHING_REDACTED
    assert not preview.list.isVisible()
    assert preview.accessibleName() == f"{LIST_NAME}, 0"
