"""Help ▸ Help topics (F1): the care-score descriptors, the problem types, avoidability.

One help window per parent window, not modal, so the reviewer can read it beside the form.
``show_help`` opens it at a topic; ``show_help_for_question`` at the topic of the question the
reviewer is on (domain/help_texts.py's ``topic_for``), with that question's own help first.
The texts live in domain/help_texts.py; this module only lays them out. No patient data.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import ReviewDefinition
from reviewer_app.domain.help_texts import TOPICS, HelpTopic, topic_for

QUESTION_TOPIC = "this_question"
_TOPIC_ROLE = Qt.ItemDataRole.UserRole + 1


def topic_html(topic: HelpTopic) -> str:
    parts = [f"<h2>{escape(topic.title)}</h2>", f"<p>{escape(topic.intro)}</p>", "<dl>"]
    for entry in topic.entries:
        parts.append(f"<dt><b>{escape(entry.term)}</b></dt><dd>{escape(entry.text)}</dd>")
    parts.append("</dl>")
    if topic.closing:
        parts.append(f"<p>{escape(topic.closing)}</p>")
    return "".join(parts)


class HelpWindow(QDialog):
    """The topics on the left, the chosen one on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpWindow")
        self.setWindowTitle("Help: reviewing a case")
        self.setAccessibleName("Help")
        self.setModal(False)
        self.resize(860, 620)
        layout = QVBoxLayout(self)
        body = QHBoxLayout()
        self.topics = QListWidget(self)
        self.topics.setAccessibleName("Help topics")
        self.topics.setMaximumWidth(230)
        self.topics.setSpacing(3)
        self.text = QTextBrowser(self)
        self.text.setAccessibleName("Help text")
        self.text.setOpenLinks(False)
        body.addWidget(self.topics)
        body.addWidget(self.text, 1)
        layout.addLayout(body, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self._question_html: str | None = None
        for topic in TOPICS:
            self._add_item(topic.title, topic.topic_id)
        self.topics.currentItemChanged.connect(lambda item, _old: self._show_item(item))
        self.topics.setCurrentRow(0)

    def _add_item(self, title: str, topic_id: str, row: int | None = None) -> None:
        item = QListWidgetItem(title)
        item.setData(_TOPIC_ROLE, topic_id)
        if row is None:
            self.topics.addItem(item)
        else:
            self.topics.insertItem(row, item)

    def topic_ids(self) -> list[str]:
        return [str(self.topics.item(i).data(_TOPIC_ROLE)) for i in range(self.topics.count())]

    @property
    def current_topic(self) -> str | None:
        item = self.topics.currentItem()
        return None if item is None else str(item.data(_TOPIC_ROLE))

    def set_question(self, label: str | None, help_text: str | None) -> None:
        """Show (or, with None, drop) the "This question" topic: the question's own help."""
        ids = self.topic_ids()
        if QUESTION_TOPIC in ids:
            self.topics.takeItem(ids.index(QUESTION_TOPIC))
        self._question_html = None
        if label:
            self._question_html = (
                f"<h2>{escape(label)}</h2><p>{escape(help_text or 'No further help.')}</p>"
            )
            self._add_item("This question", QUESTION_TOPIC, row=0)

    def show_topic(self, topic_id: str | None) -> bool:
        """Open at ``topic_id`` (False, and the first topic, when there is no such topic)."""
        ids = self.topic_ids()
        found = topic_id is not None and topic_id in ids
        self.topics.setCurrentRow(ids.index(topic_id) if topic_id is not None and found else 0)
        self._show_item(self.topics.currentItem())
        return found

    def _show_item(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        topic_id = str(item.data(_TOPIC_ROLE))
        if topic_id == QUESTION_TOPIC and self._question_html is not None:
            self.text.setHtml(self._question_html)
            return
        topic = next((t for t in TOPICS if t.topic_id == topic_id), None)
        if topic is not None:
            self.text.setHtml(topic_html(topic))


def help_window(parent: QWidget | None) -> HelpWindow:
    """The parent's help window (made once, then reused)."""
    if parent is not None:
        existing = parent.findChild(HelpWindow, "helpWindow")
        if isinstance(existing, HelpWindow):
            return existing
    return HelpWindow(parent)


def show_help(parent: QWidget | None, topic_id: str | None = None) -> HelpWindow:
    """Open (or raise) the help window at a topic (the first one when None)."""
    window = help_window(parent)
    window.set_question(None, None)
    window.show_topic(topic_id)
    _present(window)
    return window


def show_help_for_question(
    parent: QWidget | None, definition: ReviewDefinition, question_id: str | None
) -> HelpWindow:
    """Open the help at the question's topic, its own help text first when it has one."""
    window = help_window(parent)
    found = None if question_id is None else definition.find(question_id)
    if found is None:
        window.set_question(None, None)
        window.show_topic(None)
    else:
        window.set_question(str(found.question.label), found.question.help)
        topic = topic_for(definition, question_id)
        window.show_topic(topic if topic is not None else QUESTION_TOPIC)
    _present(window)
    return window


def show_topic_help(
    parent: QWidget | None, definition: ReviewDefinition, question_id: str | None
) -> HelpWindow | None:
    """F1 on a question: the help window at its topic when it has one (a care score, a
    problem, avoidability); None, and nothing opened, when it has none (its inline help is
    enough)."""
    if topic_for(definition, question_id) is None:
        return None
    return show_help_for_question(parent, definition, question_id)


def _present(window: HelpWindow) -> None:
    window.show()
    window.raise_()
    window.activateWindow()
    window.topics.setFocus(Qt.FocusReason.OtherFocusReason)
