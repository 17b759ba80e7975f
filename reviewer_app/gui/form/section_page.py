"""One section of the form as a page: title, help, notices and a row per question."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import GroupQuestion, Section, SectionKind
from reviewer_app.domain.escalation_words import fact_rows_in_words
from reviewer_app.domain.issues import Issue
from reviewer_app.gui.form.factory import make_row
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.panels import ReadinessView
from reviewer_app.gui.form.question_row import QuestionRow
from reviewer_app.gui.form.text_fields import TextField
from reviewer_app.services.review.service import ReviewState


class SectionPage(QScrollArea):
    """A scrollable page for one section; the binding loads values into ``rows``."""

    previous_requested = Signal()
    next_requested = Signal()

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.setWidgetResizable(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the questions, not the frame
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setAccessibleName(f"Section: {section.title}")
        body = QWidget(self)
        body.setObjectName("sectionBody")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 10, 16, 12)
        layout.setSpacing(6)

        self.title = QLabel(section.title, body)
        self.title.setObjectName("sectionTitle")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)  # relative: follows the system
        self.title.setFont(title_font)
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.help = QLabel(section.help, body)
        self.help.setObjectName("sectionHelp")
        self.help.setWordWrap(True)
        layout.addWidget(self.help)
        self.notice = QLabel(body)
        self.notice.setObjectName("notice")
        self.notice.setWordWrap(True)
        self.notice.setVisible(False)
        self.notice.setAccessibleName(f"Notice for {section.title}")
        layout.addWidget(self.notice)

        self.readiness: ReadinessView | None = None
        if section.kind == SectionKind.READINESS:
            self.readiness = ReadinessView(body)
            layout.addWidget(self.readiness)

        self.not_needed = QLabel(
            "Not needed for this review (it follows from the outcome or earlier answers).", body
        )
        self.not_needed.setObjectName("notAnswered")
        self.not_needed.setVisible(False)
        layout.addWidget(self.not_needed)

        self.rows: dict[str, QuestionRow] = {}
        for question in section.questions:
            row = make_row(question, body)
            self.rows[question.id] = row
            layout.addWidget(row)

        layout.addSpacing(8)
        layout.addLayout(self._step_buttons(body))
        layout.addStretch(1)
        body.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setWidget(body)

    def _step_buttons(self, body: QWidget) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.previous_button = QPushButton("← Previous section", body)
        self.previous_button.setAccessibleName("Previous section")
        self.previous_button.setToolTip("Previous section (Ctrl+Page Up)")
        self.previous_button.setAutoDefault(False)
        self.previous_button.clicked.connect(self.previous_requested)
        self.next_button = QPushButton("Next section →", body)
        self.next_button.setAccessibleName("Next section")
        self.next_button.setToolTip("Next section (Ctrl+Page Down)")
        self.next_button.setAutoDefault(False)
        self.next_button.clicked.connect(self.next_requested)
        buttons.addWidget(self.previous_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        return buttons

    def groups(self) -> list[GroupField]:
        return [r.field for r in self.rows.values() if isinstance(r.field, GroupField)]

    def apply_state(self, state: ReviewState, issues: Sequence[Issue]) -> None:
        """Relevance (hide/show) and messages next to each question."""
        relevant_section = self.section.id in state.relevant_sections
        self.not_needed.setVisible(not relevant_section)
        by_question: dict[str, list[Issue]] = {}
        for issue in issues:
            key = issue.group_id or issue.question_id
            if key is not None:
                by_question.setdefault(key, []).append(issue)
        for question_id, row in self.rows.items():
            visible = relevant_section and question_id in state.relevant_questions
            if row.isVisibleTo(self) != visible:
                row.setVisible(visible)
            own = [i for i in by_question.get(question_id, []) if i.item_id is None]
            row.show_issues(own)
            if isinstance(row.question, GroupQuestion) and isinstance(row.field, GroupField):
                relevance = {
                    item_id: qs
                    for (group_id, item_id), qs in state.item_relevant.items()
                    if group_id == question_id
                }
                items = [i for i in by_question.get(question_id, []) if i.item_id is not None]
                row.field.show_item_state(items, relevance)
                if self.section.kind == SectionKind.ESCALATION:
                    facts = state.escalation_facts
                    row.field.show_facts(None if facts is None else fact_rows_in_words(facts))
            if isinstance(row.field, TextField):
                target = state.comment_targets.get(question_id)
                row.field.set_target(*((target.min_length, target.min_words) if target else (0, 0)))

    def show_notice(self, text: str | None) -> None:
        self.notice.setVisible(bool(text))
        if text:
            self.notice.setText(text)

    def row_to_show(
        self, question_id: str, group_id: str | None = None, item_id: str | None = None
    ) -> QuestionRow | None:
        """The row of a question; inside a group's item (selected first) when it shows there."""
        row = self.rows.get(group_id or question_id)
        if row is None or group_id is None or not isinstance(row.field, GroupField):
            return row
        if item_id is not None:
            row.field.select_item(item_id)
        inner = row.field.row_for(question_id)
        return inner if inner is not None and inner.isVisibleTo(row.field) else row

    def scroll_to(self, widget: QWidget) -> None:
        """Bring a widget into sight; one in the page's first screenful shows the page from
        its top, so the section's heading and the first question's label are never cut."""
        body = self.widget()
        bottom = None if body is None else widget.mapTo(body, QPoint(0, widget.height())).y()
        if bottom is not None and bottom + 40 <= self.viewport().height():
            self.verticalScrollBar().setValue(0)
        else:
            self.ensureWidgetVisible(widget, 20, 40)

    def arrive_at(self, target: QWidget) -> None:
        """Once laid out (the page may be built or shown just now), show ``target``."""
        self.scroll_to(target)
        QTimer.singleShot(0, self, lambda: self.scroll_to(target))
