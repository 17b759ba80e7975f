"""The review page: relevance, messages, section states, readiness, escalation, urgent,
outcomes and autosave, driven through the real widgets, service and writer thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.definition import SectionKind
from reviewer_app.domain.status import ReviewStatus
from reviewer_app.domain.vocabulary import ReviewMode
from reviewer_app.gui.autosave import AutosaveWriter, SaveIndicator
from reviewer_app.gui.form import ReviewPage
from reviewer_app.gui.form.pairing import pairing_text
from reviewer_app.services.review.service import ReviewService
from reviewer_app.storage.database import DatabaseLockedError
from tests.gui.review_helpers import (
    ACTOR,
    Env,
    click,
    dispose,
    env,
    make_workspace,
    wait_saved,
)
from tests.support.review_fixtures import outcome_only

__all__ = ["env"]  # the fixture


def radio(env: Env, question_id: str, text: str) -> Any:
    field = env.page.row(question_id).field
    return next(b for b in field.buttons if b.text() == text)


def test_open_case_shows_header_and_sections(env: Env) -> None:
    page = env.page
    assert page.open_case(env.case_refs[0])
    case = env.service.case(env.case_refs[0])
    header = page.header
    digits = case.nhs_number
    assert header.nhs.text() == f"NHS {digits[:3]} {digits[3:6]} {digits[6:]}"
    assert header.name.text() == case.display_name
    assert "Born" in header.born.text()
    assert "Admitted" in header.dates.text() and "Died" in header.dates.text()
    assert "Site:" in header.where.text() and "GP practice:" in header.where.text()
    assert header.status.text() == "Not started"
    assert not page.sign_button.isVisible(), "nothing to sign yet"
    opened = env.service.open(env.case_refs[0], ACTOR)
    sections = opened.definition.sections
    titles = [page.nav.title_text(s.id).split(". ", 1)[1] for s in sections]
    assert titles == [s.title for s in sections]
    assert len([s for s in sections if s.kind == SectionKind.THEME]) == 12
    assert page.nav.item(0).text() == "Screening and records"  # a group heading first
    assert page.nav.item(1).text().startswith("1. Screening\nNot started · 0 of ")
    assert not page.nav.item(1).icon().isNull(), "state shown with an icon as well as text"
    assert page.current_section_id == "screening"


def test_relevance_hides_and_shows_live(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    leder = page.row("screening.leder_date")
    assert not leder.isVisible()
    click(qtbot, radio(env, "screening.learning_disability", "Yes"))
    assert leder.isVisible()
    click(qtbot, radio(env, "screening.learning_disability", "No"))
    assert not leder.isVisible()
    # a section that is not needed says so
    click(qtbot, radio(env, "outcome.type", "Handed back: conflict of interest"))
    records = page.page("records")
    page.goto_section("records")
    assert records.not_needed.isVisible()
    assert page.nav.state_text("records") == "Not needed"


def test_messages_next_to_field_errors_and_warnings_distinct(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("phase.overall")
    click(qtbot, radio(env, "phase.overall.score", "2 – Poor"))
    comment = page.row("phase.overall.comment")
    errors, warnings = comment.shown_messages
    assert errors.startswith("✖ Needed before signing:")
    assert "judgement comment" in errors
    assert comment.errors.isVisible() and not comment.warnings.isVisible()
    comment.field.focus_target().setFocus()
    case = env.service.case(env.case_refs[0])
    QTest.keyClicks(comment.field.focus_target(), f"Reviewed; NHS {case.nhs_number} noted.")
    qtbot.waitUntil(comment.warnings.isVisible, timeout=2000)
    errors, warnings = comment.shown_messages
    assert warnings.startswith("⚠ Warning:")
    assert "NHS number" in warnings
    assert "substantial" in errors, "still too short for a score of 2"
    assert comment.errors.property("severity") == "error"
    assert comment.warnings.property("severity") == "warning"
    # the message never repeats the typed text (no patient data in messages)
    assert case.nhs_number not in warnings


def test_section_states_follow_answers(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    assert page.nav.state_text("screening") == "Not started"
    click(qtbot, radio(env, "screening.death_category", "Child (under 18)"))
    assert page.nav.state_text("screening") == "In progress"
    assert page.nav.state_text("outcome") == "Has errors", "a child's death: outside this method"
    outcome = page.row("outcome.type")
    assert "Outside this method" in outcome.shown_messages[0]
    adult = "Adult (18 or over), not a maternal or late maternal death"
    click(qtbot, radio(env, "screening.death_category", adult))
    assert page.nav.state_text("outcome") == "Not started"
    assert outcome.shown_messages == ("", "")
    click(qtbot, radio(env, "outcome.type", "Full review"))
    assert page.nav.state_text("outcome") == "Complete"


def test_readiness_links_jump_to_the_field(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.activateWindow()
    page.goto_section("readiness")
    view = page.page("readiness").readiness
    assert view is not None
    assert view.list.count() > 10
    assert view.list.hasFocus(), "the readiness list takes the keyboard"
    target = view.items[3]
    view.list.setCurrentRow(3)
    QTest.keyClick(view.list, Qt.Key.Key_Return)
    assert target.section_id is not None
    assert page.current_section_id == target.section_id
    row = page.row(target.question_id or "")
    qtbot.waitUntil(lambda: row.field.focus_target().hasFocus(), timeout=2000)


def test_readiness_jumps_into_a_group_item(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    review_id = page.review_id
    assert review_id is not None
    env.service.save(
        review_id,
        {
            "problems.any": "yes",
            "problems.items": [{"id": "p1", "answers": {"problems.item.type": "other"}}],
        },
        ACTOR,
    )
    page.open_case(env.case_refs[0])
    items = page.state.readiness if page.state else []
    harm = next(i for i in items if i.question_id == "problems.item.harm")
    page.activateWindow()
    page.jump_to(harm)
    group = page.row("problems.items").field
    assert group.current_item_id() == "p1"
    inner = group.row_for("problems.item.harm")
    qtbot.waitUntil(lambda: inner.field.focus_target().hasFocus(), timeout=2000)


def test_escalation_prompt_on_both_scales(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("avoidability")
    field = page.row("avoidability.grade").field
    bar = page.escalation_bar

    def entered(value: dict[str, Any]) -> None:  # a grade stored on the other scale
        page.review.edit("avoidability.grade", value)
        page._refresh()

    click(qtbot, field.grades.buttons[2])  # RCP 3: probably avoidable (the study's scale)
    assert bar.isVisible()
    assert "Death more likely than not avoidable" in bar.text.text()
    click(qtbot, field.grades.buttons[3])  # RCP 4
    assert not bar.isVisible()
    entered({"scale": "hogan", "grade": 4})  # Hogan 4 = RCP 3
    assert bar.isVisible()
    entered({"scale": "hogan", "grade": 3})  # Hogan 3 = RCP 4
    assert not bar.isVisible()
    click(qtbot, field.grades.buttons[1])  # RCP 2
    assert bar.isVisible()
    # the prompt is in the escalation section too, and the button goes to the decision
    page.activateWindow()
    click(qtbot, bar.button)
    assert page.current_section_id == "escalation"
    assert not bar.isVisible(), "in the escalation section the section itself asks"
    escalation = page.page("escalation")
    assert escalation.notice.isVisible()
    assert "Record your escalation decision" in escalation.notice.text()
    decision = page.row("escalation.decision").field
    qtbot.waitUntil(lambda: decision.focus_target().hasFocus(), timeout=2000)
    click(qtbot, radio(env, "escalation.decision", "Not escalating"))
    assert not escalation.notice.isVisible()


def test_immediate_safety_concern_flags_urgent(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[1])
    page.goto_section("immediate_safety")
    section = page.page("immediate_safety")
    assert not section.notice.isVisible()
    click(qtbot, radio(env, "immediate.concern", "Yes"))
    assert section.notice.isVisible()
    assert "Telephone" in section.notice.text() and "TODAY" in section.notice.text()
    assert page.header.urgent.isVisible()
    who = page.row("immediate.who_told")
    when = page.row("immediate.told_at")
    assert who.isVisible() and when.isVisible()
    assert "time" in when.question.label.lower()
    who.field.focus_target().setFocus()
    QTest.keyClicks(who.field.focus_target(), "Duty patient-safety manager")
    date_box, time_box = when.field.date_edit, when.field.time_edit
    date_box.setFocus()
    QTest.keyClicks(date_box, "01/07/2017")
    time_box.setFocus()  # the date alone is half an answer: not saved
    assert when.field.value() is None
    assert "NOT saved" in when.field.shown.text()
    QTest.keyClicks(time_box, "2:30pm")
    QTest.keyClick(time_box, Qt.Key.Key_Return)
    assert time_box.text() == "14:30"
    wait_saved(qtbot, env, "immediate.told_at", "2017-07-01T14:30")
    wait_saved(qtbot, env, "immediate.who_told", "Duty patient-safety manager")
    assert env.review().urgent
    # before the review began: an error on the row, and the form says so
    page._refresh()
    assert "before this review began" in when.shown_messages[0]


def test_outcome_action_needs_a_reason(qtbot: Any, env: Env) -> None:
    page = env.page
    statuses: list[tuple[str, str]] = []
    page.status_changed.connect(lambda ref, status: statuses.append((ref, status)))
    page.open_case(env.case_refs[2])
    click(qtbot, page.outcome_buttons[ReviewStatus.RECORDS_MISSING])
    dialog = env.dialogs[-1]
    assert "records missing" in dialog.windowTitle().lower()
    QTest.keyClicks(dialog.reason, "short")
    dialog.buttons.accepted.emit()
    assert dialog.error.isVisible()
    assert "at least" in dialog.error.text()
    assert dialog.result() == 0, "still open, the text kept"
    assert dialog.reason.toPlainText() == "short"
    # the screening is still needed for the outcome
    dialog.reason.setPlainText("Acute trust notes could not be found.")
    dialog.buttons.accepted.emit()
    assert "Before recording" in dialog.error.text()
    review_id = page.review_id
    assert review_id is not None
    screening = {k: v for k, v in outcome_only("records_missing").items() if "screening" in k}
    env.service.save(review_id, screening, ACTOR)
    dialog.buttons.accepted.emit()
    assert "Records missing" in dialog.error.text(), "v2: the missing records are named"
    assert dialog.result() == 0
    env.service.save(review_id, {"records.missing": ["acute"]}, ACTOR)
    dialog.buttons.accepted.emit()
    assert dialog.result() == 1
    assert page.status is ReviewStatus.RECORDS_MISSING
    assert page.header.status.text() == "Records missing"
    assert (env.case_refs[2], "records_missing") in statuses
    assert env.review().status is ReviewStatus.RECORDS_MISSING
    assert env.review().outcome_reason == "Acute trust notes could not be found."
    assert not page.row("screening.autism").field.isEnabled() or not any(
        b.isEnabled() for b in page.row("screening.autism").field.buttons
    ), "an outcome is read-only"
    assert page.reopen_button.isVisible()
    assert not page.outcome_buttons[ReviewStatus.HANDED_BACK].isVisible()
    assert page.state is not None and page.state.readiness == []
    assert page.sign_button.isVisible() and page.sign_button.isEnabled(), "signed like a review"
    # reopening needs a reason too
    reopen = page.reopen_dialog()
    reopen.reason.setPlainText("Notes were found after all.")
    reopen.buttons.accepted.emit()
    assert page.status is ReviewStatus.IN_PROGRESS


def test_autosave_and_flush_on_close_persist(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("learning")
    row = page.row("learning.poor_care")
    row.field.focus_target().setFocus()
    QTest.keyClicks(row.field.focus_target(), "Handover lacked a plan")
    assert page.close_case()
    assert page.current_case_ref is None
    assert page.header.name.text() == "", "no patient detail left on screen"
    service = ReviewService(env.workspace.db)
    opened = service.open(env.case_refs[0], ACTOR)
    assert opened.answers["learning.poor_care"] == "Handover lacked a plan"
    assert opened.status is ReviewStatus.IN_PROGRESS
    # the indicator said so
    qtbot.waitUntil(lambda: page.indicator.text().startswith("✓ Saved "), timeout=2000)


def test_autosave_within_a_second_without_leaving(qtbot: Any, tmp_path: Any) -> None:
    workspace, refs = make_workspace(tmp_path / "ws2", 1)
    writer = AutosaveWriter(workspace.connect, ACTOR)  # production timing
    writer.start()
    try:
        page = ReviewPage(ReviewService(workspace.db), writer)
        qtbot.addWidget(page)
        page.open_case(refs[0])
        page.goto_section("learning")
        field = page.row("learning.good_practice").field
        field.focus_target().setFocus()
        QTest.keyClicks(field.focus_target(), "Clear plan")
        qtbot.waitUntil(lambda: page.indicator.text().startswith("✓ Saved"), timeout=2000)
        review_id = page.review_id
        assert review_id is not None
        assert ReviewService(workspace.db).reload(review_id).answers == {
            "learning.good_practice": "Clear plan"
        }
        page.close_case()
    finally:
        writer.stop()
        dispose(page)
        workspace.close()


def test_position_is_remembered(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[3], "theme.fluids")
    page.goto_question("theme.fluids.good_practice")
    page.close_case()
    assert page.restore_position()
    assert page.current_case_ref == env.case_refs[3]
    assert page.current_section_id == "theme.fluids"
    assert env.writer.flush(5.0)  # the position is saved by the autosave writer's thread
    position = env.service.last_position()
    assert position is not None and position.question_id == "theme.fluids.good_practice"
    assert page.current_question_id == "theme.fluids.good_practice"


def test_failed_save_is_shown_at_once_and_retried(qtbot: Any, tmp_path: Any) -> None:
    workspace, refs = make_workspace(tmp_path / "ws3", 1)
    from contextlib import contextmanager

    from reviewer_app.services.review.service import review_sink

    failures = {"left": 2}

    class FlakySink:
        def __init__(self, real: Any) -> None:
            self.real = real

        def save(self, review_id: int, changes: Any, actor: str) -> Any:
            if failures["left"] > 0:
                failures["left"] -= 1
                raise DatabaseLockedError("The workspace is busy in another window.")
            return self.real.save(review_id, changes, actor)

        def save_ui_state(self, values: Any) -> None:
            self.real.save_ui_state(values)

    @contextmanager
    def open_sink() -> Any:
        with review_sink(workspace.connect) as real:
            yield FlakySink(real)

    writer = AutosaveWriter(
        actor=ACTOR, open_sink=open_sink, debounce=0.01, max_delay=0.02, retry_delays=(0.3,)
    )
    writer.start()
    try:
        page = ReviewPage(ReviewService(workspace.db), writer)
        qtbot.addWidget(page)
        page.show()
        indicator: SaveIndicator = page.indicator
        page.open_case(refs[0])
        click(qtbot, radio_of(page, "screening.autism", "Unknown"))
        qtbot.waitUntil(lambda: indicator.state == "failed", timeout=2000)
        assert "Not saved" in indicator.text()
        assert "busy" in indicator.toolTip()
        assert page.save_problem.isVisible()
        assert "NOT saved" in page.save_problem.text.text()
        qtbot.waitUntil(lambda: indicator.state == "saved", timeout=5000)
        assert not page.save_problem.isVisible()
        review_id = page.review_id
        assert review_id is not None
        assert ReviewService(workspace.db).reload(review_id).answers == {
            "screening.autism": "unknown"
        }
        page.close_case()
    finally:
        writer.stop()
        dispose(page)
        workspace.close()


def radio_of(page: ReviewPage, question_id: str, text: str) -> Any:
    return next(b for b in page.row(question_id).field.buttons if b.text() == text)


def test_group_item_edits_are_saved(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[4])
    page.goto_section("problems")
    click(qtbot, radio(env, "problems.any", "Yes"))
    group = page.row("problems.items").field
    assert page.row("problems.items").isVisible()
    click(qtbot, group.add_button)
    harm = group.row_for("problems.item.harm")
    harm_yes = next(b for b in harm.field.buttons if b.text() == "Yes")
    qtbot.waitUntil(lambda: harm_yes.height() > 0, timeout=2000)  # the new item laid out
    click(qtbot, harm_yes)
    severity = group.row_for("problems.item.severity")
    qtbot.waitUntil(severity.isVisible, timeout=2000)  # asked once harm is yes
    qtbot.waitUntil(
        lambda: (
            (env.stored().get("problems.items") or [{}])[0].get("answers")
            == {"problems.item.harm": "yes"}
        ),
        timeout=5000,
    )
    qtbot.waitUntil(page.escalation_bar.isVisible, timeout=2000)  # harm is a trigger


def test_urgent_badge_goes_when_the_concern_is_corrected_to_no(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[1])
    page.goto_section("immediate_safety")
    click(qtbot, radio(env, "immediate.concern", "Yes"))
    assert page.header.urgent.isVisible()
    wait_saved(qtbot, env, "immediate.concern", "yes")
    qtbot.waitUntil(lambda: env.review().urgent, timeout=5000)
    click(qtbot, radio(env, "immediate.concern", "No"))
    assert not page.header.urgent.isVisible()  # at once, from the answer on screen
    wait_saved(qtbot, env, "immediate.concern", "no")
    qtbot.waitUntil(lambda: not env.review().urgent, timeout=5000)  # and on disk
    qtbot.wait(50)  # the save landing does not bring the badge back
    assert not page.header.urgent.isVisible()


# --- definition v2: live counter, the not-applicable offer, the escalation's facts -------------


def test_substantial_comment_counter_follows_the_score(qtbot: Any, env: Env) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("phase.ongoing")
    comment = page.row("phase.ongoing.comment").field
    click(qtbot, radio(env, "phase.ongoing.score", "2 – Poor"))
    assert comment.counter.isVisible()
    assert comment.counter.text() == (
        "Substantial comment: 0 characters (at least 100), 0 different words (at least 15)"
    )
    comment.focus_target().setFocus()
    QTest.keyClicks(comment.focus_target(), "Poor: no observations overnight.")
    assert "32 characters (at least 100), 4 different words" in comment.counter.text()
    click(qtbot, radio(env, "phase.ongoing.score", "3 – Adequate"))
    assert comment.counter.text() == "✔ Judgement comment: 4 different words (at least 3)"


def test_a_date_not_saved_shows_in_the_section_list_and_blocks_signing(
    qtbot: Any, env: Env
) -> None:
    page = env.page
    page.open_case(env.case_refs[0])
    page.goto_section("relatives")
    click(qtbot, radio(env, "relatives.contact_attempted", "Yes"))
    box = page.row("relatives.contact_date").field
    box.edit.setFocus()
    QTest.keyClicks(box.edit, "1/6/17")
    QTest.keyClick(box.edit, Qt.Key.Key_Return)
    wait_saved(qtbot, env, "relatives.contact_date", "2017-06-01")
    before = page.nav.progress_text("relatives")
    assert "not saved" not in before
    box.edit.selectAll()
    QTest.keyClicks(box.edit, "yesterday")
    QTest.keyClick(box.edit, Qt.Key.Key_Return)
    assert page.nav.state_text("relatives") == "✖ 1 date not saved"
    assert page.nav.progress_text("relatives").endswith(before)
    assert "The saved answer is still 1 Jun 2017" in box.shown.text()
    assert page.indicator.text().startswith("✖ 1 date NOT saved"), "the footer says ✓ Saved"
    shown = page.page("relatives")
    qtbot.wait(20)
    assert box.edit.width() == box.edit.minimumWidth(), "the message squeezed the date box"
    assert shown.widget().width() <= shown.viewport().width(), "the message widened the page"
    page.goto_section("readiness")
    view = page.page("readiness").readiness
    assert view is not None
    [entry] = [i for i in view.items if i.question_id == "relatives.contact_date"]
    assert "NOT saved" in entry.message and entry.section_id == "relatives"
    assert not page.sign_button.isEnabled()
    asked: list[bool] = []
    page.sign_requested.connect(lambda: asked.append(True))
    page.request_sign()  # even if asked (Case ▸ Sign…): back to the box, nothing signed
    assert QApplication.focusWidget() is box.edit and not asked
    closed: list[bool] = []
    page.close_requested.connect(lambda: closed.append(True))
    page.goto_section("learning")
    page.back_button.click()  # leaving the case: asked first, and stays unless told to go
    assert env.dialogs and "NOT saved" in env.dialogs[-1].text()
    assert "“Date of contact attempt”" in env.dialogs[-1].text()
    assert not closed and QApplication.focusWidget() is box.edit
    env.dialogs[-1].close()
    box.edit.selectAll()
    QTest.keyClicks(box.edit, "2/6/2017")
    QTest.keyClick(box.edit, Qt.Key.Key_Return)
    wait_saved(qtbot, env, "relatives.contact_date", "2017-06-02")
    assert "not saved" not in page.nav.progress_text("relatives")
    assert "NOT saved" not in page.indicator.text()
    assert not [i for i in view.items if i.question_id == "relatives.contact_date"]
    page.goto_question("relatives.contact_date")
    box.edit.selectAll()
    QTest.keyClicks(box.edit, "last week")
    QTest.keyClick(box.edit, Qt.Key.Key_Return)

    def leave(dialog: Any) -> int:
        dialog.show()
        next(b for b in dialog.buttons() if b.text() == "Leave without it").click()
        return 0

    page.exec_dialog = leave
    page.back_button.click()
    assert closed == [True], "told to leave: leaves"
    assert env.stored()["relatives.contact_date"] == "2017-06-02", "the saved answer is kept"


def test_discharge_phases_after_death_in_admission_offer_not_applicable(
    qtbot: Any, env: Env
) -> None:
    page = env.page
    died_in = next(r for r in env.case_refs if env.service.case(r).discharge_date is None)
    discharged = next(r for r in env.case_refs if env.service.case(r).discharge_date is not None)
    page.open_case(discharged)
    page.goto_section("phase.discharge")
    assert not page.not_applicable_bar.isVisible(), "a discharge happened: nothing to offer"
    click(qtbot, radio(env, "phase.discharge.score", "3 – Adequate"))
    assert not page.not_applicable_bar.isVisible(), "a discharge happened: nothing to offer"
    page.open_case(died_in)
    page.goto_section("phase.discharge")
    bar = page.not_applicable_bar
    assert bar.isVisible(), "offered on arrival, before any score is given"
    assert bar.text.text() == (
        "Died in the index admission: mark the discharge phases not applicable, unless care "
        "was transferred? (Alt+N)"
    )
    assert bar.toolTip() == (
        "Marks “Discharge and transfer” and “Care after discharge (community)” not applicable"
    )
    assert "Alt+N" in bar.button.text()
    form_top = page.splitter.mapTo(page, page.splitter.rect().topLeft()).y()
    click(qtbot, radio(env, "phase.discharge.score", "3 – Adequate"))
    assert bar.isVisible(), "still offered once scored"
    warnings = page.row("phase.discharge.score").shown_messages[1]
    assert "died during the index admission" in warnings
    score = radio(env, "phase.discharge.score", "3 – Adequate")
    score.setFocus()
    QTest.keyClick(score, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # one key accepts
    assert bar.isVisible() and not bar.button.isVisible(), "the bar stays: the form stays"
    assert bar.text.text() == "Died in the index admission: the discharge phases need no score now."
    qtbot.wait(20)  # the layout settles
    assert page.splitter.mapTo(page, page.splitter.rect().topLeft()).y() == form_top, (
        "the form moved when the offer went: its room is kept"
    )
    chosen = radio(env, "phase.discharge.score", "Not applicable")
    assert QApplication.focusWidget() is chosen, "the frame stays on the replaced score"
    assert page.window().testAttribute(Qt.WidgetAttribute.WA_KeyboardFocusChange)
    for question_id in ("phase.discharge.score", "phase.after_discharge.score"):
        assert page.row(question_id).field.value() == "not_applicable"
        wait_saved(qtbot, env, question_id, "not_applicable")
    assert page.row("phase.after_discharge.score").shown_messages == ("", "")
    page.row("phase.discharge.score").field.clear_value()  # unanswered again: offered again
    assert bar.isVisible() and bar.toolTip() == "Marks “Discharge and transfer” not applicable"
    qtbot.wait(20)
    assert page.splitter.mapTo(page, page.splitter.rect().topLeft()).y() == form_top


# --- the header: review mode, co-reviewer, co-signature ----------------------------------------


@dataclass(frozen=True)
class Pairing:
    review_mode: ReviewMode
    co_reviewer_name: str | None = None
    second_reviewer: bool = False
    cosigned_by: str | None = None
    cosigned_at: datetime | None = None


def test_the_header_names_the_mode_the_co_reviewer_and_the_co_signature(qtbot: Any) -> None:
    joint = Pairing(ReviewMode.JOINT, "Dr Rao")
    assert pairing_text(joint, ReviewStatus.IN_PROGRESS) == (
        "Joint review with Dr Rao  ·  Dr Rao co-signs after you sign"
    )
    assert pairing_text(joint, ReviewStatus.AWAITING_COSIGNATURE) == (
        "Joint review with Dr Rao  ·  Awaiting co-signature by Dr Rao"
    )
    done = Pairing(
        ReviewMode.JOINT, "Dr Rao", cosigned_by="Dr Rao", cosigned_at=datetime(2026, 3, 4, 9)
    )
    assert pairing_text(done, ReviewStatus.SIGNED).endswith("Co-signed by Dr Rao on 4 Mar 2026")
    second = Pairing(ReviewMode.INDEPENDENT, second_reviewer=True)
    assert pairing_text(second, ReviewStatus.IN_PROGRESS) == (
        "Second independent review: their answers are not shown"
    )
    assert (
        pairing_text(Pairing(ReviewMode.INDEPENDENT), ReviewStatus.SIGNED) == "Independent review"
    )


def test_the_page_shows_the_pairing_of_the_case_on_screen(qtbot: Any, env: Env) -> None:
    asked: list[str] = []

    def pairing(case_ref: str) -> Pairing | None:
        asked.append(case_ref)
        return Pairing(ReviewMode.JOINT, "Dr Rao") if case_ref == env.case_refs[0] else None

    page = ReviewPage(env.service, env.writer, pairing=pairing)
    qtbot.addWidget(page)
    try:
        page.open_case(env.case_refs[0])
        assert page.header.pairing.text().startswith("Joint review with Dr Rao")
        page.open_case(env.case_refs[1])
        assert page.header.pairing.text() == "" and asked == env.case_refs[:2]
    finally:
        page.close_case()
        dispose(page)
