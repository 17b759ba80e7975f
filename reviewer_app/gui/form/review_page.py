"""The review form for one case: header, section list, the questions, readiness, outcomes.

``ReviewPage(service, writer)`` shows a case with ``open_case(case_ref)``. Everything the
reviewer changes goes to the ``AutosaveWriter`` at once (saved within about a second, and
immediately on leaving a field, a section or the case); what the form shows about the answers
(section states, relevance, messages, readiness, escalation prompts) is recomputed from the
answers in memory by ``services.review.service.evaluate``, so it follows every keystroke without
waiting for the disk. Widgets show; the controller (review_controller.py) holds the case and
its answers and talks to the service and the writer; the service and the domain decide. The
main window sees this page only as ``ReviewPageView`` (page_protocol.py).

Keyboard (the option keys are in choice_keys.py): Tab / Shift+Tab move between questions (no
auto-advance), Ctrl+S saves now, Ctrl+Page Down / Up go to the next / previous section, F1
shows the question's help, Alt+N accepts the offer of "not applicable" for the discharge
phases of a patient who died in the index admission.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.progress import ReadinessItem
from reviewer_app.domain.section_groups import section_counts
from reviewer_app.domain.values import JsonValue
from reviewer_app.errors import UserError
from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form.action_bar import ActionBar
from reviewer_app.gui.form.focus import (
    field_of,
    follow_focus,
    row_of,
    tab_before,
    typing_guard,
)
from reviewer_app.gui.form.group_field import GroupField
from reviewer_app.gui.form.nav import SectionNav
from reviewer_app.gui.form.notices import FormNotices
from reviewer_app.gui.form.offers import NOT_APPLICABLE_KEY
from reviewer_app.gui.form.page_offers import OfferActions
from reviewer_app.gui.form.page_outcomes import OutcomeActions
from reviewer_app.gui.form.page_state import PageState
from reviewer_app.gui.form.pairing import PairingFacts, pairing_text
from reviewer_app.gui.form.panels import CaseHeader
from reviewer_app.gui.form.question_row import QuestionRow
from reviewer_app.gui.form.review_controller import FLUSH_TIMEOUT_S, ReviewController
from reviewer_app.gui.form.section_page import SectionPage
from reviewer_app.gui.form.section_pages import SectionPages, first_focus
from reviewer_app.gui.form.style import form_stylesheet, is_dark
from reviewer_app.gui.form.unparsed import may_leave, unparsed_counts
from reviewer_app.gui.notes_panel import NotesBackend, NotesPanel
from reviewer_app.services.review.service import OpenReview, ReviewService

log = logging.getLogger(__name__)

TEXT_REFRESH_MS = 250  # typing: recompute the form's state when the typist pauses


class ReviewPage(PageState, OutcomeActions, OfferActions, QWidget):
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
        notes: NotesBackend | None = None,
        pairing: Callable[[str], PairingFacts | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")
        self._pairing = pairing  # the case's review mode and co-signature, for the header
        self._pairing_facts: PairingFacts | None = None
        self._notes_backend = notes
        self.notes: NotesPanel | None = None
        self.setAccessibleName("Review form")
        self._writer = writer  # for the save indicator only
        self.review = ReviewController(service, writer, actor or writer.actor, self)
        self._forms: dict[tuple[str, int], SectionPages] = {}
        self._form: SectionPages | None = None
        self._section_id: str | None = None
        self._last_field: str | None = None
        self.exec_dialog: Callable[[QDialog], int] = lambda dialog: dialog.exec()

        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self._refresh)

        self._build()
        self._shortcuts()
        self.review.status_changed.connect(self.status_changed)
        self.review.save_landed.connect(self._saved)
        self.review.save_failed.connect(self.notices.save_failed)
        follow_focus(self, lambda page, old, new: page._focus_changed(old, new))

    # -- layout

    def _build(self) -> None:
        self.setStyleSheet(form_stylesheet(is_dark(self)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        self.header = CaseHeader(self)
        layout.addWidget(self.header)
        self.notices = FormNotices(
            self,
            layout,
            escalation=self._goto_escalation_decision,
            not_applicable=self.mark_offered_not_applicable,
            retry=self.review.save_now,
        )
        self.escalation_bar = self.notices.escalation
        self.not_applicable_bar = self.notices.not_applicable
        self.save_problem = self.notices.save_problem

        self.nav = SectionNav(self)
        self.nav.section_chosen.connect(lambda section_id: self.goto_section(section_id, False))
        self.forms = QStackedWidget(self)
        self.empty = QLabel("No case is open.", self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.forms.addWidget(self.empty)
        middle = QSplitter(Qt.Orientation.Horizontal, self)  # the list can be widened
        middle.setObjectName("formSplitter")
        middle.setChildrenCollapsible(False)
        middle.addWidget(self.nav)
        middle.addWidget(self.forms)
        middle.setStretchFactor(1, 1)
        middle.setSizes([self.nav.sizeHint().width(), 4 * self.nav.sizeHint().width()])
        if self._notes_backend is not None:  # private notes, beside the form (Ctrl+Shift+N)
            self.notes = NotesPanel(self._notes_backend, self)
            self.notes.setMinimumWidth(200)
            self.notes.install_shortcut(self)
            middle.addWidget(self.notes)
        self.splitter = middle
        layout.addWidget(middle, 1)
        layout.addLayout(self._bottom_bar())
        typing_guard().watch_buttons(self)
        self._show_actions()

    def _bottom_bar(self) -> ActionBar:
        bar = ActionBar(
            self,
            self._writer,
            request_outcome=self.request_outcome,
            reopen=self.request_reopen,
            sign=self.request_sign,
            back=self._back,
        )
        self.bar, self.outcomes = bar, bar.outcomes
        self.outcome_buttons = bar.outcomes.buttons
        self.reopen_button, self.sign_button = bar.reopen_button, bar.sign_button
        self.indicator, self.back_button = bar.indicator, bar.back_button
        return bar

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            ("Ctrl+S", self.save_now),
            ("Ctrl+PgDown", self.next_section),
            ("Ctrl+PgUp", self.previous_section),
            ("F1", self.toggle_help),
            (NOT_APPLICABLE_KEY, self.mark_offered_not_applicable),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(context)
            shortcut.activated.connect(slot)

    # -- public API

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> bool:
        """Show a case (saving the one on screen first). False when it could not be opened."""
        if self._open is not None:
            self._leave_case()
        try:
            opened = self.review.open(case_ref)
        except UserError as err:
            self._show_error(err)
            return False
        self._show_review(opened)
        if self.notes is not None:
            self.notes.set_case(case_ref)
        first = opened.definition.sections[0].id
        target = section_id if section_id in self._sections() else first
        self.goto_section(target, focus=True)
        if question_id:
            self.goto_question(question_id)
        self._remember_position()
        return True

    def restore_position(self) -> bool:
        """Back to the case, section and field the reviewer was on (after restart or unlock)."""
        position = self.review.last_position()
        if position is None:
            return False
        return self.open_case(position.case_ref, position.section_id, position.question_id)

    def close_case(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        """Save everything and take the case off the screen. True when all is on disk."""
        saved = self._leave_case(timeout)
        self._unload()
        return saved

    def save_now(self) -> None:
        self.review.save_now()
        if self.notes is not None:
            self.notes.flush()

    def next_section(self) -> None:
        self._step_section(1)

    def previous_section(self) -> None:
        self._step_section(-1)

    def toggle_help(self) -> None:
        row = row_of(QApplication.focusWidget(), self)
        if row is not None:
            row.toggle_help()
            if row.help.isVisible() and self._form is not None:  # and its topic, if any
                from reviewer_app.gui.help_window import show_topic_help

                show_topic_help(self.window(), self._form.definition, row.question.id)

    def goto_section(self, section_id: str, focus: bool = True) -> None:
        if self._form is None or section_id not in self._sections():
            return
        if self._section_id != section_id:
            self.review.save_now()
        page = self._page(section_id)
        self._form.stack.setCurrentWidget(page)
        self._section_id = section_id
        self.nav.select_section(section_id)
        self._update_notices()
        if focus:
            target = first_focus(page, self.review.read_only)
            page.verticalScrollBar().setValue(0)
            self._focus(target or self.nav)
            if target is not None:
                page.arrive_at(target)
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
        target_row = page.row_to_show(question_id, group_id, item_id)
        if target_row is None:
            return False
        self._focus(target_row.field.focus_target())
        page.scroll_to(target_row)
        self._last_field = question_id
        self._remember_position()
        return True

    def _focus(self, target: QWidget) -> None:
        """Focus put somewhere on purpose, as a keyboard move: its frame is drawn (the style
        draws it only after a keyboard focus change, which the window records)."""
        typing_guard().moved_on_purpose()
        target.window().setAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

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

    # -- loading and binding

    def _sections(self) -> list[str]:
        return [] if self._form is None else self._form.section_ids()

    def _show_review(self, opened: OpenReview) -> None:
        self._last_field = None
        definition = opened.definition
        key = (definition.id, definition.version)
        form = self._forms.get(key)
        if form is None:
            stack = QStackedWidget(self.forms)
            self.forms.addWidget(stack)
            form = SectionPages(definition, stack, self._wire)
            self._forms[key] = form
        if form is not self._form:
            self.nav.set_definition(definition)
            self.outcomes.word(definition, opened.roles)
            self._form = form
        self.forms.setCurrentWidget(form.stack)
        self.header.show_case(opened.case)
        self._pairing_facts = None if self._pairing is None else self._pairing(opened.case.case_ref)
        form.fill_all(self.review.answers, self.review.read_only)
        form.offer_all(None if self.review.read_only else opened.case)
        self._refresh()
        self._show_actions()

    def _unload(self) -> None:
        self._refresh_timer.stop()
        if self.notes is not None:
            self.notes.clear()
        self.review.forget()
        if self._form is not None:
            self._form.clear()
            self._form.offer_all(None)
        self.header.clear()
        self.forms.setCurrentWidget(self.empty)
        self.escalation_bar.setVisible(False)
        self._section_id = None
        self._show_actions()

    def _page(self, section_id: str) -> SectionPage:
        assert self._form is not None
        state = self.review.state
        return self._form.page(
            section_id,
            self.review.answers,
            self.review.read_only,
            None if state is None else (state, self._shown_status),
        )

    def _wire(self, page: SectionPage) -> None:
        """A page just built: its buttons, readiness list and fields talk to this form."""
        page.previous_requested.connect(self.previous_section)
        page.next_requested.connect(self.next_section)
        if page.readiness is not None:
            page.readiness.jump.connect(self.jump_to)
        for row in page.rows.values():
            row.field.edited.connect(lambda r=row: self._edited(r))
            inner = row.field.rows if isinstance(row.field, GroupField) else []
            for each in (row, *inner):
                each.field.unparsed_changed.connect(self._refresh)
        tab_before(page, self.bar.tab_chain(), self.window())
        typing_guard().watch_buttons(page)

    def _edited(self, row: QuestionRow) -> None:
        question_id = row.question_id
        value: JsonValue | None = row.field.value()
        if not self.review.edit(question_id, value):
            return
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
        state = self.review.refresh()
        if state is None:
            return
        counts = section_counts(
            self._form.definition,
            self.review.answers,
            state.relevant_questions,
            state.report.issues,
        )
        self._form.show_state_all(state, self._shown_status)
        unparsed = self._form.unparsed
        missing = len(state.readiness) + len(unparsed)
        self.nav.show_states(
            state.sections,
            missing,
            counts,
            signed=self._open.signed,
            unparsed=unparsed_counts(unparsed),
        )
        self._show_actions()
        self._update_notices()

    def _update_notices(self) -> None:
        definition = None if self._form is None else self._form.definition
        opened = self._open
        died_in = opened is not None and opened.case.discharge_date is None
        self.notices.show_for(
            self.review.state,
            definition,
            self._section_id,
            self.review.read_only,
            reserve=died_in and not self.review.read_only,
        )

    def _show_actions(self) -> None:
        self.bar.show_for(self._open, self.review.status, self.review.state)
        unparsed = [] if self._form is None else self._form.unparsed
        self.indicator.show_dates_not_saved(len(unparsed))
        if unparsed:  # a date typed but not saved: never signed past
            self.sign_button.setEnabled(False)
        if self._open is not None:
            status = self.review.header_status()
            self.header.show_status(status, self.review.urgent)
            facts = self._pairing_facts
            self.header.show_pairing(None if facts is None else pairing_text(facts, status))

    # -- saving

    def _saved(self, changed: bool) -> None:
        """A save landed: the problem notice goes; a status it moved is shown at once."""
        self.notices.saved()
        if self._open is not None:
            self.header.show_status(self.review.header_status(), self.review.urgent)
            if changed:
                self._show_actions()
                self._refresh()

    def _leave_case(self, timeout: float = FLUSH_TIMEOUT_S) -> bool:
        self._refresh_timer.stop()
        self._remember_position()
        notes_saved = self.notes is None or self.notes.flush()
        return self.review.flush(timeout) and notes_saved

    def refuses_signing(self) -> bool:
        if self._form is not None and self._form.unparsed:  # never sign past an unsaved date
            self.jump_to(self._form.unparsed[0])
        return self._form is not None and bool(self._form.unparsed)

    def request_sign(self) -> None:
        """The Sign… button (or a menu): refused past an unsaved date."""
        if not self.refuses_signing():
            self._leave_case()  # what is signed is what is on screen: everything on disk first
            self.sign_requested.emit()

    def _back(self) -> None:
        unparsed = [] if self._form is None else self._form.unparsed
        if not may_leave(unparsed, self, self.exec_dialog):  # a date typed but not saved
            self.jump_to(unparsed[0])
            return
        self._leave_case()
        self.close_requested.emit()

    def _remember_position(self) -> None:
        self.review.remember(self._section_id, self._last_field)

    def _focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        old_field = field_of(old, self)
        new_field = field_of(new, self)
        if old_field is not None and old_field is not new_field:
            self.review.save_now()  # leaving a field: save it now
        current = None if self._form is None else self._form.stack.currentWidget()
        if new is not None and isinstance(current, SectionPage) and current.isAncestorOf(new):
            current.scroll_to(new)  # focus put anywhere is in sight, not only after Tab
        if new_field is not None and new_field.question_id != self._last_field:
            self._last_field = new_field.question_id
            self._remember_position()

    # -- navigation helpers

    def _step_section(self, step: int) -> None:
        state = self.review.state
        if self._form is None or self._section_id is None or state is None:
            return
        target = self._form.step(self._section_id, step, state.relevant_sections)
        if target is not None:
            self.goto_section(target)

    def _show_error(self, err: UserError) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Case review", str(err), parent=self)
        box.setAccessibleName("Problem")
        self.exec_dialog(box)
