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
