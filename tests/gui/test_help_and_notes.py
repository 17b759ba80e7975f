"""Help (F1 topics, About) and the private scratch notes panel (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer_app.domain.definition import ReviewDefinition, load_definition
from reviewer_app.domain.help_texts import (
    AVOIDABILITY_TOPIC,
    CARE_SCORE_DESCRIPTORS,
    CARE_SCORES_TOPIC,
    PROBLEM_TYPE_NOTES,
    PROBLEM_TYPES_TOPIC,
    TOPIC_BY_ID,
    TOPICS,
    topic_for,
)
from reviewer_app.gui.help_window import (
    QUESTION_TOPIC,
    HelpWindow,
    show_help,
    show_help_for_question,
)

SCHEMA = Path(__file__).resolve().parents[2] / "schema"


@pytest.fixture(scope="module", params=["v1", "v2"])
def shipped(request: pytest.FixtureRequest) -> ReviewDefinition:
    return load_definition(SCHEMA / f"review-definition.{request.param}.json")


def test_every_problem_type_of_the_definition_has_its_note_and_no_other(
    shipped: ReviewDefinition,
) -> None:
    question = shipped.question("problems.item.type")
    options = {o.value: o.label for o in question.options}  # type: ignore[union-attr]
    assert set(options) == set(PROBLEM_TYPE_NOTES)
    for value, label in options.items():
        assert PROBLEM_TYPE_NOTES[value].term == label  # the form's wording, then ours
        assert len(PROBLEM_TYPE_NOTES[value].text.split()) >= 10


def test_care_score_descriptors_follow_the_definition_s_labels(shipped: ReviewDefinition) -> None:
    scores = [q for _s, q in shipped.top_questions() if q.type == "care_score"]
    assert scores
    for question in scores:
        labels = list(question.labels)  # type: ignore[union-attr]
        assert [CARE_SCORE_DESCRIPTORS[i + 1].term for i in range(5)] == [
            f"{i + 1} {label}" for i, label in enumerate(labels)
        ]
    assert len({entry.text for entry in CARE_SCORE_DESCRIPTORS.values()}) == 5


def test_the_topic_follows_the_question(shipped: ReviewDefinition) -> None:
    assert topic_for(shipped, "phase.overall.score") == CARE_SCORES_TOPIC
    assert topic_for(shipped, "phase.admission.score") == CARE_SCORES_TOPIC
    assert topic_for(shipped, "problems.item.type") == PROBLEM_TYPES_TOPIC
    assert topic_for(shipped, "problems.any") == PROBLEM_TYPES_TOPIC
    assert topic_for(shipped, "avoidability.grade") == AVOIDABILITY_TOPIC
    assert topic_for(shipped, "escalation.decision") is None
    assert topic_for(shipped, "no.such.question") is None
    assert topic_for(shipped, None) is None


def test_help_opens_at_the_focused_question_s_topic(qtbot, definition: ReviewDefinition) -> None:
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    window = show_help_for_question(parent, definition, "phase.overall.score")
    assert window.isVisible()
    assert window.current_topic == CARE_SCORES_TOPIC
    assert window.topic_ids()[0] == QUESTION_TOPIC  # the question's own help is there too
    text = window.text.toPlainText()
    assert "1 Very poor" in text and "5 Excellent" in text
    again = show_help_for_question(parent, definition, "problems.item.type")
    assert again is window  # one help window per parent, reused
    assert window.current_topic == PROBLEM_TYPES_TOPIC
    assert "Clinical monitoring" in window.text.toPlainText()
    window.show_topic(QUESTION_TOPIC)
    assert "Type of problem" in window.text.toPlainText()
    # a question with no topic of its own opens at its own help
    show_help_for_question(parent, definition, "escalation.decision")
    assert window.current_topic == QUESTION_TOPIC
    assert "Escalation decision" in window.text.toPlainText()
    # no question: the first topic, and "This question" is gone
    show_help(parent)
    assert window.current_topic == TOPICS[0].topic_id
    assert QUESTION_TOPIC not in window.topic_ids()
    assert not window.show_topic("no-such-topic")
    assert window.isModal() is False


def test_help_topics_move_with_the_arrow_keys(qtbot) -> None:
    from PySide6.QtCore import Qt

    window = HelpWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.topics.setFocus()
    qtbot.keyClick(window.topics, Qt.Key.Key_Down)
    assert window.current_topic == TOPICS[1].topic_id
    assert TOPIC_BY_ID[TOPICS[1].topic_id].title in window.text.toPlainText()


def test_about_names_the_version_and_the_licence(qtbot) -> None:
    from reviewer_app import __version__
    from reviewer_app.gui.about_dialog import AboutDialog, licence

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    text = dialog.text.text()
    assert __version__ in text
    assert licence() == "Proprietary - NHS internal"  # what pyproject.toml declares
    assert "Proprietary - NHS internal" in text
    assert "offline" in text


# -- the private notes panel ------------------------------------------------------------------


class _Backend:
    """The real service on a real workspace database, with a switch to make saving fail."""

    def __init__(self, db) -> None:  # type: ignore[no-untyped-def]
        from reviewer_app.services.notes.scratch import ScratchNotes

        self.notes = ScratchNotes(db)
        self.broken = False
        self.saves = 0

    def read(self, case_ref: str):  # type: ignore[no-untyped-def]
        return self.notes.read(case_ref)

    def save(self, case_ref: str, text: str):  # type: ignore[no-untyped-def]
        if self.broken:
            raise OSError("disk full")
        self.saves += 1
        return self.notes.save(case_ref, text)


@pytest.fixture
def backend(tmp_path: Path):  # type: ignore[no-untyped-def]
    from reviewer_app.services.workspace import Workspace
    from reviewer_app.storage.keys import TEST_KDF
    from reviewer_app.storage.workspace.cases import CaseStore
    from tests.support.review_fixtures import make_case

    ws = Workspace.create(tmp_path / "ws", "correct horse battery", kdf=TEST_KDF)
    CaseStore(ws.db).upsert_many(
        [make_case(), make_case(case_ref="C-0002", nhs_number="9876543210")]
    )
    yield _Backend(ws.db)
    ws.close()


def _panel(qtbot, backend, debounce_ms: int = 60):  # type: ignore[no-untyped-def]
    from reviewer_app.gui.notes_panel import NotesPanel

    panel = NotesPanel(backend, debounce_ms=debounce_ms)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_the_notes_are_labelled_private_and_autosave_after_typing(qtbot, backend) -> None:
    from tests.support.review_fixtures import make_case

    ref = make_case().case_ref
    panel = _panel(qtbot, backend)
    assert panel.title.text() == (
        "Private notes: only on this laptop; never signed, printed or returned"
    )
    assert not panel.editor.isEnabled()  # no case, nothing to type into
    assert panel.set_case(ref)
    panel.editor.setFocus()
    qtbot.keyClicks(panel.editor, "p. 14 fluid chart")
    assert panel.status.text() == "Notes not saved yet" and panel.unsaved
    with qtbot.waitSignal(panel.saved, timeout=3000):
        pass  # the debounce fires by itself
    assert panel.status.text().startswith("Notes saved ")
    assert backend.read(ref).text == "p. 14 fluid chart"
    # another case: its own (empty) note; back again: the first one
    assert panel.set_case("C-0002") and panel.editor.toPlainText() == ""
    qtbot.keyClicks(panel.editor, "second")
    assert panel.set_case(ref)  # switching saves first
    assert backend.read("C-0002").text == "second"
    assert panel.editor.toPlainText() == "p. 14 fluid chart"


def test_leaving_the_notes_saves_at_once_and_tab_moves_on(qtbot, backend) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

    from reviewer_app.gui.notes_panel import NotesPanel

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    panel = NotesPanel(backend, host, debounce_ms=60_000)  # only leaving can save it
    other = QLineEdit(host)
    layout.addWidget(panel)
    layout.addWidget(other)
    shortcut = panel.install_shortcut(host)
    host.show()
    qtbot.waitExposed(host)
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    panel.set_case("C-0002")
    other.setFocus()
    qtbot.keyClick(
        other, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert panel.editor.hasFocus()
    assert shortcut.key().toString() == "Ctrl+Shift+N"
    qtbot.keyClicks(panel.editor, "typed")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Tab)  # Tab leaves the box, typing no tab
    assert other.hasFocus()
    assert backend.read("C-0002").text == "typed"
    assert panel.editor.toPlainText() == "typed"


def test_a_failed_save_keeps_the_text_says_so_and_is_tried_again(qtbot, backend) -> None:
    panel = _panel(qtbot, backend, debounce_ms=60_000)
    panel.set_case("C-0002")
    backend.broken = True
    qtbot.keyClicks(panel.editor, "QUIXOTE secret")
    with qtbot.waitSignal(panel.save_failed):
        assert not panel.flush()
    assert "Could not save" in panel.status.text()
    assert "QUIXOTE" not in panel.status.text()
    assert not panel.set_case(None)  # the unsaved note is not dropped by switching
    assert panel.case_ref == "C-0002" and panel.editor.toPlainText() == "QUIXOTE secret"
    backend.broken = False
    assert panel.flush()
    assert backend.read("C-0002").text == "QUIXOTE secret"


def test_too_long_says_so_and_locking_never_leaves_the_note_on_screen(qtbot, backend) -> None:
    from reviewer_app.services.notes.scratch import MAX_NOTE_CHARS

    panel = _panel(qtbot, backend, debounce_ms=60_000)
    panel.set_case("C-0002")
    panel.editor.setPlainText("x" * (MAX_NOTE_CHARS + 1))
    assert "Too long to save" in panel.status.text()
    assert not panel.flush()
    assert f"{MAX_NOTE_CHARS:,}" in panel.status.text()
    assert backend.read("C-0002").text == ""  # nothing changed
    assert not panel.clear()  # could not save: said so by the return value ...
    assert panel.editor.toPlainText() == "" and panel.case_ref is None  # ... and off screen
    assert not panel.editor.isEnabled()


def test_f1_opens_the_help_from_the_case_list_and_only_for_questions_with_a_topic(
    qtbot, definition: ReviewDefinition
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from reviewer_app.gui.case_list_page import CaseListPage
    from reviewer_app.gui.help_window import show_topic_help
    from tests.gui.gui_fixtures import ROWS

    page = CaseListPage(ROWS)
    qtbot.addWidget(page)
    page.show()
    qtbot.waitExposed(page)
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F1)
    opened = page.findChild(HelpWindow)
    assert opened is not None and opened.isVisible()
    assert opened.current_topic == TOPICS[0].topic_id
    opened.close()

    parent = QWidget()
    qtbot.addWidget(parent)
    assert show_topic_help(parent, definition, "screening.death_category") is None
    assert parent.findChild(HelpWindow) is None  # nothing opened: the inline help is enough
    window = show_topic_help(parent, definition, "avoidability.grade")
    assert window is not None and window.current_topic == AVOIDABILITY_TOPIC


# -- the notes beside the review form, and F1 there (the lead's integration) -------------------


def test_the_review_page_shows_each_case_s_notes_and_saves_them_on_leaving(
    qtbot, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from reviewer_app.gui.autosave import AutosaveWriter
    from reviewer_app.gui.form import ReviewPage
    from reviewer_app.services.notes.scratch import ScratchNotes
    from reviewer_app.services.review.service import ReviewService
    from tests.gui.review_helpers import dispose, make_workspace

    workspace, refs = make_workspace(tmp_path / "ws", count=2)
    notes = ScratchNotes(workspace.db)
    notes.save(refs[1], "jotted earlier")
    writer = AutosaveWriter(workspace.connect, "gui-tester", debounce=0.05, max_delay=0.1)
    writer.start()
    page = ReviewPage(ReviewService(workspace.db), writer, notes=notes)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    try:
        assert page.notes is not None
        assert page.notes.title.text().startswith("Private notes: only on this laptop")
        assert page.open_case(refs[0])
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        qtbot.keyClick(
            page.focusWidget() or page,
            Qt.Key.Key_N,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
        assert page.notes.editor.hasFocus()
        qtbot.keyClicks(page.notes.editor, "check p. 14")
        assert page.open_case(refs[1])  # leaving the case saves its notes
        assert notes.read(refs[0]).text == "check p. 14"
        assert page.notes.editor.toPlainText() == "jotted earlier"
        page.notes.editor.setPlainText("jotted earlier, and more")
        # F1 on a care score: its inline help, and the help window at the care scores
        assert page.goto_question("phase.overall.score")
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_F1)
        shown = page.window().findChild(HelpWindow)
        assert shown is not None and shown.isVisible()
        assert shown.current_topic == CARE_SCORES_TOPIC
        shown.close()
        assert page.close_case()  # closing (locking) saves and takes them off the screen
        assert notes.read(refs[1]).text == "jotted earlier, and more"
        assert page.notes.editor.toPlainText() == ""
    finally:
        page.close_case()
        assert writer.stop(10)
        dispose(page)
        workspace.close()
