"""The review form for one case: header, section list, the questions, readiness, outcomes.

``ReviewPage(service, writer)`` shows a case with ``open_case(case_ref)``. Everything the
reviewer changes goes to the ``AutosaveWriter`` at once (saved within about a second, and
immediately on leaving a field, a section or the case); what the form shows about the answers
(section states, relevance, messages, readiness, escalation prompts) is recomputed from the
answers in memory by ``services.review.service.evaluate``, so it follows every keystroke without
waiting for the disk. Widgets show; the service and the domain decide.

Keyboard: Tab / Shift+Tab move between controls (no auto-advance), arrows choose within a
group of options, Space ticks, Ctrl+S saves now, Ctrl+Page Down / Ctrl+Page Up go to the
next / previous section, F1 shows the help of the question being answered.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.definition import ReviewDefinition, SectionKind
from reviewer_app.domain.issues import Issue
from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.values import Answers, JsonValue
from reviewer_app.errors import UserError
from reviewer_app.gui.autosave import AutosaveWriter, SaveIndicator
from reviewer_app.gui.form.dialogs import ReasonDialog
from reviewer_app.gui.form.fields import FieldWidget
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.panels import CaseHeader, NoticeBar, SectionNav
from reviewer_app.gui.form.question_row import QuestionRow
from reviewer_app.gui.form.section_page import SectionPage
from reviewer_app.gui.form.style import form_stylesheet, is_dark
from reviewer_app.services.review.autosave_core import SavedBatch, SaveFailure
from reviewer_app.services.review.service import (
    MIN_REASON_LENGTH,
    POSITION_KEY,
    OpenReview,
    ReviewService,
    ReviewState,
    SaveResult,
    UiPosition,
    evaluate,
)

log = logging.getLogger(__name__)

TEXT_REFRESH_MS = 250  # typing: recompute the form's state when the typist pauses
FLUSH_TIMEOUT_S = 5.0
IMMEDIATE_SAFETY_TEXT = (
    "Telephone the provider's patient-safety team TODAY: do not wait for the next return. "
    "Then record below who you told and when. The case is flagged urgent."
)
OUTCOME_BUTTONS = {
    ReviewStatus.RECORDS_MISSING: ("Records missing…", "Could not be reviewed: records missing"),
    ReviewStatus.HANDED_BACK: ("Hand back (conflict)…", "Hand back to the coordinator: conflict"),
    ReviewStatus.OUTSIDE_METHOD: ("Outside this method…", "Outside this method"),
}
OUTCOME_EXPLANATIONS = {
    ReviewStatus.RECORDS_MISSING: "The case cannot be reviewed because records are missing. "
    "Say which records were missing and what was tried. The screening answers are still needed.",
    ReviewStatus.HANDED_BACK: "You have a conflict of interest, so the case goes back to the "
    "coordinator for another reviewer. Describe the conflict (no patient identifiers).",
    ReviewStatus.OUTSIDE_METHOD: "Deaths of children, neonatal and maternal deaths follow their "
    "own statutory processes. Say which process applies.",
}


@dataclass
class _Form:
    """The pages of one definition, built on first visit and reused for every case."""

    definition: ReviewDefinition
    stack: QStackedWidget
    pages: dict[str, SectionPage] = field(default_factory=dict)


class ReviewPage(QWidget):
    """The review form. Signals: ``status_changed(case_ref, status)``, ``close_requested()``."""

    status_changed = Signal(str, str)
    close_requested = Signal()
    sign_requested = Signal()  # the "Sign…" button: the window runs the sign-off

    def __init__(
        self,
        service: ReviewService,
        writer: AutosaveWriter,
        parent: QWidget | None = None,
        *,
        actor: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")
        self.setAccessibleName("Review form")
        self._service = service
        self._writer = writer
        self.actor = actor or writer.actor
        self._open: OpenReview | None = None
        self._answers: Answers = {}
        self._state: ReviewState | None = None
        self._status = ReviewStatus.NOT_STARTED
        self._urgent = False
        self._forms: dict[tuple[str, int], _Form] = {}
        self._form: _Form | None = None
        self._section_id: str | None = None
        self._case_refs: dict[int, str] = {}
        self._last_field: str | None = None
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._refresh)

        self._build()
        self._shortcuts()
        writer.saved.connect(self._saved)
        writer.failed.connect(self._save_failed)
        self._watch_focus()

    def _watch_focus(self) -> None:
        """Leaving a field saves it: follow the application's focus, safely.

        The application outlives this page; a bound method connected to it would be called
        after the page's C++ side is gone (a crash), so a weak, checked hook is connected and
        disconnected again when the page is destroyed.
        """
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            return
        page = weakref.ref(self)

        def hook(old: QWidget | None, new: QWidget | None) -> None:
            alive = page()
            if alive is not None and shiboken6.isValid(alive):
                alive._focus_changed(old, new)

        app.focusChanged.connect(hook)
        self.destroyed.connect(lambda *_: app.focusChanged.disconnect(hook))

    # -- layout

    def _build(self) -> None:
        self.setStyleSheet(form_stylesheet(is_dark(self)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.header = CaseHeader(self)
        layout.addWidget(self.header)
        self.escalation_bar = NoticeBar("Escalation decision needed", self)
        self.escalation_bar.action.connect(self._goto_escalation_decision)
        layout.addWidget(self.escalation_bar)
        self.save_problem = NoticeBar("Save problem", self)
        self.save_problem.action.connect(self._writer.save_now)
        layout.addWidget(self.save_problem)

        self.nav = SectionNav(self)
        self.nav.section_chosen.connect(lambda section_id: self.goto_section(section_id, False))
        self.forms = QStackedWidget(self)
        self.empty = QLabel("No case is open.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.forms.addWidget(self.empty)
        middle = QHBoxLayout()
        middle.setSpacing(6)
        middle.addWidget(self.nav)
        middle.addWidget(self.forms, 1)
        layout.addLayout(middle, 1)
        layout.addLayout(self._bottom_bar())
        self._show_actions()

    def _bottom_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setSpacing(8)
        self.outcome_buttons: dict[ReviewStatus, QPushButton] = {}
        for status, (text, name) in OUTCOME_BUTTONS.items():
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.setToolTip(f"{name}: an explicit outcome that needs a reason")
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, s=status: self.request_outcome(s))
            self.outcome_buttons[status] = button
            bar.addWidget(button)
        self.reopen_button = QPushButton("Reopen…", self)
        self.reopen_button.setAccessibleName("Reopen this review")
        self.reopen_button.setAutoDefault(False)
        self.reopen_button.clicked.connect(self.request_reopen)
        bar.addWidget(self.reopen_button)
        bar.addStretch(1)
        self.sign_button = QPushButton("Sign…", self)
        self.sign_button.setObjectName("primary")
        self.sign_button.setAccessibleName("Sign this review")
        self.sign_button.setToolTip("Nothing is missing: sign the review")
        self.sign_button.setAutoDefault(False)
        self.sign_button.clicked.connect(self._sign)
        bar.addWidget(self.sign_button)
        self.indicator = SaveIndicator(self._writer, self)
        bar.addWidget(self.indicator)
        self.back_button = QPushButton("Back to case list", self)
        self.back_button.setAccessibleName("Back to case list")
        self.back_button.setAutoDefault(False)
        self.back_button.clicked.connect(self._back)
        bar.addWidget(self.back_button)
        return bar

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Ctrl+S", self.save_now),
            ("Ctrl+PgDown", self.next_section),
            ("Ctrl+PgUp", self.previous_section),
            ("F1", self.toggle_help),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- public API

    @property
    def current_case_ref(self) -> str | None:
        return None if self._open is None else self._open.case.case_ref

    @property
    def current_section_id(self) -> str | None:
        return self._section_id

    @property
    def current_question_id(self) -> str | None:
        return self._last_field

    @property
    def review_id(self) -> int | None:
        return None if self._open is None else self._open.review_id

    @property
    def status(self) -> ReviewStatus:
        return self._status

    @property
    def urgent(self) -> bool:
        return self._urgent

    @property
    def state(self) -> ReviewState | None:
        return self._state

    @property
    def answers(self) -> Answers:
        return dict(self._answers)

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> bool:
        """Show a case (saving the one on screen first). False when it could not be opened."""
        if self._open is not None:
            self._leave_case()
        try:
            opened = self._service.open(case_ref, self.actor)
        except UserError as err:
            self._show_error(err)
            return False
        self._load(opened)
        first = opened.definition.sections[0].id
        target = section_id if section_id in self._sections() else first
        self.goto_section(target, focus=True)
        if question_id:
            self.goto_question(question_id)
        self._remember_position()
        return True

    def restore_position(self) -> bool:
        """Back to the case, section and field the reviewer was on (after restart or unlock)."""
        position = self._service.last_position()
        if position is None:
            return False
        return self.open_case(position.case_ref, position.section_id, position.question_id)

    def close_case(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Save everything and take the case off the screen. True when all is on disk."""
        saved = self._leave_case()
        self._unload()
        return saved

    def save_now(self) -> None:
        self._writer.save_now()

    def next_section(self) -> None:
        self._step_section(1)

    def previous_section(self) -> None:
        self._step_section(-1)

    def toggle_help(self) -> None:
        row = self._row_of(QApplication.focusWidget())
        if row is not None:
            row.toggle_help()

    def goto_section(self, section_id: str, focus: bool = True) -> None:
        if self._form is None or section_id not in self._sections():
            return
        if self._section_id != section_id:
            self._writer.save_now()
        page = self._page(section_id)
        self._form.stack.setCurrentWidget(page)
        self._section_id = section_id
        self.nav.select_section(section_id)
        self._update_notices()
        if focus:
            target = self._first_focus(page)
            if target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                page.verticalScrollBar().setValue(0)
        self._remember_position()

    def goto_question(
        self, question_id: str, group_id: str | None = None, item_id: str | None = None
    ) -> bool:
        """Show a question (inside an item of a group, when given) and put the cursor there."""
        if self._form is None:
            return False
        definition = self._form.definition
        ref = definition.find(group_id or question_id)
        if ref is None:
            return False
        self.goto_section(ref.section.id, focus=False)
        page = self._page(ref.section.id)
        row = page.rows.get(group_id or question_id)
        if row is None:
            return False
        target_row = row
        if group_id is not None and isinstance(row.field, GroupField):
            if item_id is not None:
                row.field.select_item(item_id)
            inner = row.field.row_for(question_id)
            if inner is not None and inner.isVisibleTo(row.field):
                target_row = inner
        target = target_row.field.focus_target()
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        page.scroll_to(target_row)
        self._last_field = question_id
        self._remember_position()
        return True

    def jump_to(self, item: ReadinessItem) -> None:
        if item.question_id is not None:
            self.goto_question(item.question_id, item.group_id, item.item_id)
        elif item.section_id is not None:
            self.goto_section(item.section_id)

    def row(self, question_id: str) -> QuestionRow:
        """The row of a top-level question (its page is built if needed)."""
        assert self._form is not None
        section = self._form.definition.section_of(question_id)
        return self._page(section.id).rows[question_id]

    def page(self, section_id: str) -> SectionPage:
        return self._page(section_id)

    # -- outcomes

    def outcome_dialog(self, status: ReviewStatus) -> ReasonDialog:
        name = OUTCOME_BUTTONS[status][1]
        return ReasonDialog(
            name,
            OUTCOME_EXPLANATIONS[status],
            f"Record: {status.label}",
            lambda reason: self._record_outcome(status, reason),
            self,
            hint=f"At least {MIN_REASON_LENGTH} characters.",
        )

    def request_outcome(self, status: ReviewStatus) -> None:
        self.exec_dialog(self.outcome_dialog(status))

    def reopen_dialog(self) -> ReasonDialog:
        return ReasonDialog(
            "Reopen this review",
            "The review continues where it was left; the outcome is kept in the audit trail.",
            "Reopen",
            self._reopen,
            self,
            hint=f"At least {MIN_REASON_LENGTH} characters.",
        )

    def request_reopen(self) -> None:
        self.exec_dialog(self.reopen_dialog())

    def _record_outcome(self, status: ReviewStatus, reason: str) -> None:
        assert self._open is not None
        self._flush_or_refuse()
        opened = self._service.set_outcome(self._open.review_id, status, reason, self.actor)
        self._reload(opened)

    def _reopen(self, reason: str) -> None:
        assert self._open is not None
        opened = self._service.reopen(self._open.review_id, self.actor, reason)
        self._reload(opened)

    def _flush_or_refuse(self) -> None:
        if not self._writer.flush(FLUSH_TIMEOUT_S):
            raise UserError(
                "Your latest changes are not saved yet (see the save status at the bottom). "
                "Try again in a moment."
            )

    def _reload(self, opened: OpenReview) -> None:
        section = self._section_id
        before = self._status
        self._load(opened)
        if section is not None:
            self.goto_section(section, focus=False)
        if opened.status != before:
            self.status_changed.emit(opened.case.case_ref, opened.status.value)

    # -- loading and binding

    def _sections(self) -> list[str]:
        return [] if self._form is None else [s.id for s in self._form.definition.sections]

    def _load(self, opened: OpenReview) -> None:
        self._open = opened
        self._case_refs[opened.review_id] = opened.case.case_ref
        answers = dict(opened.answers)
        for review_id, question_id, value in self._writer.core.pending_items():
            if review_id == opened.review_id:  # not on disk yet: the screen must not go back
                if value is None:
                    answers.pop(question_id, None)
                else:
                    answers[question_id] = value
        self._answers = answers
        self._status = opened.status
        self._urgent = opened.urgent
        self._last_field = None
        definition = opened.definition
        key = (definition.id, definition.version)
        form = self._forms.get(key)
        if form is None:
            stack = QStackedWidget(self.forms)
            self.forms.addWidget(stack)
            form = _Form(definition, stack)
            self._forms[key] = form
        if form is not self._form:
            self.nav.set_definition(definition)
            self._form = form
        self.forms.setCurrentWidget(form.stack)
        self.header.show_case(opened.case)
        for page in form.pages.values():
            self._load_page(page)
        self._refresh()
        self._show_actions()

    def _unload(self) -> None:
        self._refresh_timer.stop()
        self._open = None
        self._answers = {}
        self._state = None
        if self._form is not None:
            for page in self._form.pages.values():
                for row in page.rows.values():
                    row.field.set_value(None)
        self.header.clear()
        self.forms.setCurrentWidget(self.empty)
        self.escalation_bar.setVisible(False)
        self._section_id = None
        self._show_actions()

    def _page(self, section_id: str) -> SectionPage:
        assert self._form is not None
        page = self._form.pages.get(section_id)
        if page is None:
            page = SectionPage(self._form.definition.section(section_id), self._form.stack)
            page.previous_requested.connect(self.previous_section)
            page.next_requested.connect(self.next_section)
            if page.readiness is not None:
                page.readiness.jump.connect(self.jump_to)
            for row in page.rows.values():
                row.field.edited.connect(lambda r=row: self._edited(r))
            self._form.pages[section_id] = page
            self._form.stack.addWidget(page)
            self._fit_tab_order(page)
            self._load_page(page)
            if self._state is not None:
                self._apply_state_to(page, self._state)
        return page

    def _fit_tab_order(self, page: SectionPage) -> None:
        """Section list -> the page's controls, in reading order -> the buttons at the bottom.

        Pages are built on first visit, so Qt appends their controls to the end of the tab
        chain (after the bottom bar, built earlier). Moving the bottom buttons after the new
        page's last control keeps the order the eye expects; hidden pages are skipped by Tab.
        """
        body = page.widget()
        if body is None:
            return
        focusable = [
            w for w in body.findChildren(QWidget) if w.focusPolicy() & Qt.FocusPolicy.TabFocus
        ]
        if not focusable or focusable[-1].window() is not self.window():
            return
        previous: QWidget = focusable[-1]
        buttons = (*self.outcome_buttons.values(), self.reopen_button, self.sign_button)
        for button in (*buttons, self.back_button):
            QWidget.setTabOrder(previous, button)
            previous = button

    def _load_page(self, page: SectionPage) -> None:
        read_only = self._open is None or self._open.read_only
        for question_id, row in page.rows.items():
            row.field.set_value(self._answers.get(question_id))
            row.field.set_read_only(read_only)

    def _edited(self, row: QuestionRow) -> None:
        if self._open is None or self._open.read_only:
            return
        question_id = row.question_id
        value: JsonValue | None = row.field.value()
        if value is None:
            self._answers.pop(question_id, None)
        else:
            self._answers[question_id] = value
        self._writer.put(self._open.review_id, question_id, value)
        self._last_field = question_id
        if row.question.type in ("text", "group"):
            self._refresh_timer.start(TEXT_REFRESH_MS)  # typing: when the typist pauses
        else:
            self._refresh()  # a choice: show its consequences at once

    # -- state shown from the answers

    def _refresh(self) -> None:
        if self._open is None or self._form is None:
            return
        self._refresh_timer.stop()
        state = evaluate(self._form.definition, self._answers, self._open.case, self._status)
        self._state = state
        self.nav.show_states(state.sections, len(state.readiness))
        for page in self._form.pages.values():
            self._apply_state_to(page, state)
        self._urgent = self._urgent or state.immediate_concern
        self._show_actions()
        self._update_notices()

    def _apply_state_to(self, page: SectionPage, state: ReviewState) -> None:
        definition = page.section
        issues: list[Issue] = []
        for issue in state.report.issues:
            qid = issue.group_id or issue.question_id
            if qid is not None and qid in page.rows:
                issues.append(issue)
        page.apply_state(state, issues)
        if page.readiness is not None:
            page.readiness.show_items(state.readiness, self._status)
        if definition.kind == SectionKind.IMMEDIATE_SAFETY:
            page.show_notice(IMMEDIATE_SAFETY_TEXT if state.immediate_concern else None)
        elif definition.kind == SectionKind.ESCALATION:
            page.show_notice(self._escalation_text(state, in_section=True))

    def _escalation_text(self, state: ReviewState, in_section: bool) -> str | None:
        if not state.needs_escalation_decision:
            return None
        labels = "; ".join(t.label for t in state.escalation_triggers)
        if in_section:
            return (
                f"⚠ An escalation trigger applies: {labels}. Record your escalation decision "
                "below now: escalate, or not escalating with the reason."
            )
        return f"⚠ Escalation decision needed now. Trigger: {labels}."

    def _update_notices(self) -> None:
        state = self._state
        if state is None or self._form is None:
            self.escalation_bar.setVisible(False)
            return
        section = self._form.definition.section(self._section_id) if self._section_id else None
        in_escalation = section is not None and section.kind == SectionKind.ESCALATION
        text = self._escalation_text(state, in_section=False)
        if text and not in_escalation:
            self.escalation_bar.show_notice(text, "Go to the escalation decision")
        else:
            self.escalation_bar.setVisible(False)

    def _goto_escalation_decision(self) -> None:
        if self._open is None:
            return
        decision = self._open.roles.escalation_decision
        if decision is not None:
            self.goto_question(decision)

    def _show_actions(self) -> None:
        status = self._status if self._open is not None else None
        editable = self._open is not None and not self._open.read_only
        for button in self.outcome_buttons.values():
            button.setVisible(editable)
        signed = self._open is not None and self._open.signed
        self.reopen_button.setVisible(status is not None and status.is_outcome and not signed)
        signable = status is not None and (
            status in (ReviewStatus.READY_TO_SIGN, ReviewStatus.AMENDMENT_IN_PROGRESS)
            or status.is_outcome
        )
        ready = self._state is not None and not self._state.readiness
        self.sign_button.setVisible(bool(signable and not signed))
        self.sign_button.setEnabled(bool(signable and ready))
        if self._open is not None:
            self.header.show_status(self._status, self._urgent)

    # -- saving

    def _saved(self, batch: SavedBatch) -> None:
        result = batch.result
        if not isinstance(result, SaveResult):
            return
        self.save_problem.setVisible(False)
        case_ref = self._case_refs.get(result.review_id)
        if self._open is not None and result.review_id == self._open.review_id:
            changed = result.status != self._status
            self._status = result.status
            self._urgent = self._urgent or result.urgent
            self.header.show_status(self._status, self._urgent)
            if changed:
                self._show_actions()
                self._refresh()
        if case_ref is not None:
            self.status_changed.emit(case_ref, result.status.value)

    def _save_failed(self, failure: SaveFailure) -> None:
        if failure.retrying:
            text = (
                f"✖ Your latest changes are NOT saved yet: {failure.message} They stay on "
                f"screen and will be tried again in {failure.retry_in:.0f} s."
            )
            self.save_problem.show_notice(text, "Try again now")
        else:
            self.save_problem.show_notice(f"✖ Not saved: {failure.message}", None)

    def _leave_case(self) -> bool:
        self._refresh_timer.stop()
        self._remember_position()
        saved = self._writer.flush(FLUSH_TIMEOUT_S)
        if not saved:
            log.warning("leaving a case with changes not yet saved (still pending)")
        return saved

    def _sign(self) -> None:
        self._leave_case()  # what is signed is what is on screen: everything on disk first
        self.sign_requested.emit()

    def _back(self) -> None:
        self._leave_case()
        self.close_requested.emit()

    def _remember_position(self) -> None:
        if self._open is None:
            return
        position = UiPosition(self._open.case.case_ref, self._section_id, self._last_field)
        self._writer.put_ui_state(POSITION_KEY, position.to_json())

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        old_field = self._field_of(old)
        new_field = self._field_of(new)
        if old_field is not None and old_field is not new_field:
            self._writer.save_now()  # leaving a field: save it now
        if new_field is not None and new_field.question_id != self._last_field:
            self._last_field = new_field.question_id
            self._remember_position()

    def _field_of(self, widget: QWidget | None) -> FieldWidget | None:
        """The outermost field holding ``widget``, if it is on this page."""
        found: FieldWidget | None = None
        current = widget
        while current is not None:
            if isinstance(current, FieldWidget):
                found = current
            if current is self:
                return found
            current = current.parentWidget()
        return None

    def _row_of(self, widget: QWidget | None) -> QuestionRow | None:
        current = widget
        while current is not None and current is not self:
            if isinstance(current, QuestionRow):
                return current
            current = current.parentWidget()
        return None

    # -- navigation helpers

    def _step_section(self, step: int) -> None:
        if self._form is None or self._section_id is None or self._state is None:
            return
        order = self._sections()
        index = order.index(self._section_id)
        relevant = self._state.relevant_sections
        index += step
        while 0 <= index < len(order):
            if order[index] in relevant:
                self.goto_section(order[index])
                return
            index += step

    def _first_focus(self, page: SectionPage) -> QWidget | None:
        if page.readiness is not None and page.readiness.list.isVisibleTo(page):
            return page.readiness.list
        for row in page.rows.values():
            if row.isVisibleTo(page):
                return row.field.focus_target()
        return page.next_button

    def _show_error(self, err: UserError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Case review", str(err), parent=self)
        box.setAccessibleName("Problem")
        self.exec_dialog(box)
