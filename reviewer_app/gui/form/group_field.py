"""Repeating groups (problems in care, escalations): a list of items, each edited in place.

Editing happens inline, below the list, rather than in a dialog: every keystroke in an item
is part of the review's answer and is autosaved like any other field, so nothing typed into
an item can be lost by a crash or a cancelled dialog.
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.answers import display_value, group_items
from reviewer_app.domain.definition import GroupQuestion, ItemQuestion
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.values import JsonValue
from reviewer_app.gui.form.buttons import push_button
from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.question_row import QuestionRow

RowFactory = Callable[[ItemQuestion, QWidget], QuestionRow]
Confirm = Callable[[QWidget, str], bool]


def confirm_remove(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        "Remove entry",
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class GroupField(FieldWidget):
    """The items of a repeating group; ``value()`` is the stored list (``None`` when empty)."""

    def __init__(
        self,
        question: GroupQuestion,
        make_row: RowFactory,
        parent: QWidget | None = None,
        *,
        confirm: Confirm = confirm_remove,
    ) -> None:
        super().__init__(question.id, question.label, parent)
        self.question = question
        self._confirm = confirm
        self._items: list[tuple[str, dict[str, JsonValue]]] = []
        self._item_issues: dict[str, list[Issue]] = {}
        self._relevance: dict[str, frozenset[str]] = {}
        noun = question.item_label.lower()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.list = QListWidget(self)
        self.list.setAccessibleName(f"{question.label}: list of {noun}s")
        self.list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * 4 + 12)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)  # in full: the tooltip, below
        self.list.currentRowChanged.connect(self._select)
        layout.addWidget(self.list)
        self.empty = QLabel(f"No {noun}s recorded yet. Press “Add {noun}” to record one.", self)
        self.empty.setObjectName("notAnswered")
        layout.addWidget(self.empty)
        self.add_button = push_button(f"Add {noun}", f"Add {noun}", self, self.add_item)
        self.remove_button = push_button(
            f"Remove this {noun}", f"Remove the selected {noun}", self, self.remove_current
        )

        self.editor = QGroupBox(self)
        self.editor.setObjectName("itemEditor")
        editor_layout = QVBoxLayout(self.editor)
        # What every item carries from the review (escalations, definition v2): read-only.
        self.facts = QLabel(self.editor)
        self.facts.setObjectName("reviewFacts")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setAccessibleName("From the review (read-only, not typed again)")
        self.facts.setVisible(False)
        editor_layout.addWidget(self.facts)
        self._fact_rows: list[tuple[str, str]] | None = None
        self.rows: list[QuestionRow] = []
        for item_question in question.item_questions:
            row = make_row(item_question, self.editor)
            row.field.edited.connect(lambda r=row: self._item_edited(r))
            editor_layout.addWidget(row)
            self.rows.append(row)
        layout.addWidget(self.editor)
        buttons = QHBoxLayout()  # at the foot: after the item just written, "Add another"
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.add_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._refresh_list()

    # -- items

    @property
    def item_ids(self) -> list[str]:
        return [item_id for item_id, _ in self._items]

    def current_item_id(self) -> str | None:
        row = self.list.currentRow()
        return self._items[row][0] if 0 <= row < len(self._items) else None

    def add_item(self) -> None:
        """A new, empty item: selected, scrolled into view, its first question focused."""
        self._items.append((uuid.uuid4().hex[:12], {}))
        self._refresh_list()
        self.list.setCurrentRow(len(self._items) - 1)
        self._changed()
        if self.rows:
            target = self.rows[0].field.focus_target()
            target.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
            target.setFocus(
                Qt.FocusReason.ShortcutFocusReason
            )  # a keyboard move: the focus frame shows
            QTimer.singleShot(0, self, lambda: self._scroll_to(target))

    def _scroll_to(self, target: QWidget) -> None:
        """Once laid out: the item's title and first question in view in the page."""
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        body = None if widget is None else widget.widget()
        if widget is not None and body is not None:
            top = self.editor.mapTo(body, QPoint(0, 0)).y()
            widget.verticalScrollBar().setValue(top - 30)  # the item's title at the top
            widget.ensureWidgetVisible(target, 20, 60)  # the question wins over the frame

    def remove_current(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self._items):
            return
        noun = self.question.item_label.lower()
        if not self._confirm(self, f"Remove {noun} {row + 1}? What you wrote in it is deleted."):
            return
        del self._items[row]
        self._refresh_list()
        self.list.setCurrentRow(min(row, len(self._items) - 1))
        self._changed()
        self.list.setFocus()

    def select_item(self, item_id: str) -> bool:
        for row, (candidate, _) in enumerate(self._items):
            if candidate == item_id:
                self.list.setCurrentRow(row)
                return True
        return False

    def row_for(self, question_id: str) -> QuestionRow | None:
        return next((r for r in self.rows if r.question_id == question_id), None)

    def _summary(self, position: int, answers: dict[str, JsonValue]) -> str:
        parts = []
        for q in self.question.item_questions:
            if q.id in answers and q.type in ("single_choice", "multiple_choice", "yes_no"):
                shown = display_value(q, answers[q.id])
                parts.append(f"{q.label} {shown}" if len(shown) <= 12 else shown)
            if len(parts) == 3:
                break
        detail = " · ".join(parts) if parts else "not filled in yet"
        return f"{self.question.item_label} {position}: {detail}"

    def _refresh_list(self) -> None:
        current = self.list.currentRow()
        self.list.blockSignals(True)
        self.list.clear()
        for position, (item_id, answers) in enumerate(self._items, start=1):
            text = self._summary(position, answers)
            if self._item_issues.get(item_id):
                text += "  ✖ needs attention"
            entry = QListWidgetItem(text)
            entry.setToolTip(text)
            entry.setData(Qt.ItemDataRole.UserRole, item_id)
            self.list.addItem(entry)
        self.list.setCurrentRow(min(max(current, 0), len(self._items) - 1))
        self.list.blockSignals(False)
        has_items = bool(self._items)
        self.list.setVisible(has_items)
        self.empty.setVisible(not has_items)
        self.remove_button.setEnabled(has_items and self.add_button.isEnabled())
        self.remove_button.setVisible(has_items)
        noun = self.question.item_label.lower()
        self.add_button.setText(f"Add another {noun}" if has_items else f"Add {noun}")
        self.add_button.setAccessibleName(self.add_button.text())
        self._select(self.list.currentRow())

    def _select(self, row: int) -> None:
        valid = 0 <= row < len(self._items)
        self.editor.setVisible(valid)
        if not valid:
            return
        item_id, answers = self._items[row]
        self.editor.setTitle(f"{self.question.item_label} {row + 1}")
        self._loading = True
        try:
            for r in self.rows:
                r.field.set_value(answers.get(r.question_id))
        finally:
            self._loading = False
        self._apply_item_state(item_id)

    def _item_edited(self, row: QuestionRow) -> None:
        if self._loading:
            return
        index = self.list.currentRow()
        if not 0 <= index < len(self._items):
            return
        answers = self._items[index][1]
        value = row.field.value()
        if value is None:
            answers.pop(row.question_id, None)
        else:
            answers[row.question_id] = value
        entry = self.list.item(index)
        if entry is not None:
            entry.setText(self._summary(index + 1, answers))
            entry.setToolTip(entry.text())
        self._changed()

    # -- binding interface

    def value(self) -> JsonValue | None:
        if not self._items:
            return None
        return [{"id": item_id, "answers": dict(answers)} for item_id, answers in self._items]

    def _show(self, value: JsonValue | None) -> None:
        self._items = [(item_id, dict(answers)) for item_id, answers in group_items(value)]
        self._refresh_list()

    def focus_target(self) -> QWidget:
        return self.list if self._items else self.add_button

    def set_read_only(self, read_only: bool) -> None:
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only and bool(self._items))
        for row in self.rows:
            row.field.set_read_only(read_only)

    # -- what the items take from the review

    def show_facts(self, rows: Sequence[tuple[str, str]] | None) -> None:
        """Label/text pairs every item carries from the review, shown read-only in the item
        (``None``: this group has none; the definition asks for them in the item)."""
        new = None if rows is None else list(rows)
        if new == self._fact_rows:
            return
        self._fact_rows = new
        self.facts.setVisible(new is not None)
        if new is not None:
            lines = "".join(
                f"<tr><td><b>{html.escape(label)}</b></td><td>{html.escape(text)}</td></tr>"
                for label, text in new
            )
            self.facts.setText(
                "<p>From the review (read-only: change them where they are asked)</p>"
                f"<table cellspacing='2'>{lines}</table>"
            )

    def fact_text(self) -> str:
        """The facts as plain text (what a screen reader and the tests read)."""
        if self._fact_rows is None:
            return ""
        return "\n".join(f"{label}: {text}" for label, text in self._fact_rows)

    # -- state from validation

    def show_item_state(
        self, issues: Sequence[Issue], relevance: dict[str, frozenset[str]]
    ) -> None:
        """Per-item messages and relevance (``relevance``: item id -> relevant questions)."""
        by_item: dict[str, list[Issue]] = {}
        for issue in issues:
            if issue.item_id is not None:
                by_item.setdefault(issue.item_id, []).append(issue)
        changed = {k for k, v in by_item.items() if v} != {
            k for k, v in self._item_issues.items() if v
        }
        self._item_issues = by_item
        self._relevance = relevance
        if changed:
            self._refresh_list()
        else:
            current = self.current_item_id()
            if current is not None:
                self._apply_item_state(current)

    def _apply_item_state(self, item_id: str) -> None:
        relevant = self._relevance.get(item_id)
        issues = self._item_issues.get(item_id, [])
        for row in self.rows:
            row.setVisible(relevant is None or row.question_id in relevant)
            row.show_issues([i for i in issues if i.question_id == row.question_id])
