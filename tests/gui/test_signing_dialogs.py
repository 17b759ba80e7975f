"""Sign, co-sign and amend from the GUI, on a real enrolled workspace (synthetic cases).

The dialogs are driven through ``SigningDesk.exec_dialog`` (no nested event loop): each test
fills the dialog the way a reviewer would (tick boxes, type, click) and then checks what the
services stored: status, signatures, and a stored PDF that verifies.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox

from reviewer_app.domain.status import ReviewStatus
from reviewer_app.gui.main_window import MainWindow
from reviewer_app.gui.signing.amend_dialog import AmendDialog
from reviewer_app.gui.signing.cosign_dialog import CosignDialog
from reviewer_app.gui.signing.menu_actions import SigningDesk
from reviewer_app.gui.signing.sign_dialog import WRONG_PASSPHRASE, SignDialog
from reviewer_app.gui.signing.summary_actions import CopyChoiceDialog
from reviewer_app.services.session import ReviewerSession
from reviewer_app.services.signing.pades_verify import verify_pdf
from reviewer_app.services.summary.answers import AnswerSource
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.workspace.reviews import ReviewStore
from reviewer_app.storage.workspace.signatures import DocumentKind, SignatureStore
from tests.gui.signing_helpers import driving, new_desk, record_bugs, settle
from tests.support.crypto_fixtures import study_a
from tests.support.signoff_fixtures import (
    COSIGNER_PASSPHRASE,
    PASSPHRASE,
    Bench,
    bob_pkcs12,
    make_bench,
)

CASE = "SIG-0001"


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "ws")
    yield made
    made.workspace.close()


@pytest.fixture
def unexpected(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    return record_bugs(monkeypatch)


@pytest.fixture
def desk(
    qapp: Any, bench: Bench, tmp_path: Path, unexpected: list[BaseException]
) -> Iterator[SigningDesk]:
    made = new_desk(bench, tmp_path)
    yield made
    settle()
    assert unexpected == [], [type(e).__name__ for e in unexpected]


def with_two_warnings(bench: Bench) -> int:
    review_id = bench.complete_review(CASE)
    case = bench.reviews.case(CASE)
    bench.reviews.save(
        review_id,
        {
            "avoidability.comment": f"Discussed with {case.family_name}'s GP.",
            "phase.overall.comment": f"Seen by the {case.family_name} family.",
        },
        "R01",
    )
    assert len(bench.signoff.check(review_id).warnings) == 2
    return review_id


def nothing_signed(bench: Bench, review_id: int) -> bool:
    store = SignatureStore(bench.workspace.db)
    return not store.signatures(review_id) and not store.documents(review_id)


def sign_with(dialog: SignDialog, passphrase: str = PASSPHRASE) -> None:
    for row in dialog.rows:
        row.box.setChecked(True)
    assert dialog.passphrase is not None
    dialog.passphrase.setText(passphrase)
    dialog.sign_button.click()


# --- signing ----------------------------------------------------------------------------------


def test_sign_dialog_lists_errors_and_refuses(bench: Bench, desk: SigningDesk) -> None:
    review_id = bench.reviews.open(CASE, "R01").review_id  # nothing answered: errors
    seen: dict[str, Any] = {}

    def drive(dialog: Any) -> None:
        assert isinstance(dialog, SignDialog)
        seen["errors"] = dialog.error_list.count()
        seen["passphrase"] = dialog.passphrase
        seen["sign_hidden"] = dialog.sign_button.isHidden()
        seen["close"] = dialog.cancel_button.text()
        dialog.submit()  # even if asked, it does nothing
        dialog.reject()

    driving(desk, drive)
    desk.sign(CASE, None, lambda _ref: pytest.fail("nothing changed"))
    assert seen["errors"] == len(bench.signoff.check(review_id).errors) > 0
    assert seen["passphrase"] is None  # no passphrase is even asked
    assert seen["sign_hidden"] and seen["close"] == "Close"
    assert nothing_signed(bench, review_id)


def test_every_warning_must_be_ticked(bench: Bench, desk: SigningDesk) -> None:
    review_id = with_two_warnings(bench)
    prep_dialogs: list[SignDialog] = []

    def drive(dialog: Any) -> None:
        prep_dialogs.append(dialog)
        assert dialog.passphrase is not None
        dialog.passphrase.setText(PASSPHRASE)
        assert len(dialog.rows) == 2
        assert not dialog.sign_button.isEnabled()
        dialog.rows[0].box.setChecked(True)
        assert not dialog.sign_button.isEnabled(), "one warning still unticked"
        assert "still unticked" in dialog.state_hint.text()
        dialog.submit()  # Enter in the passphrase field: refused in the dialog
        assert "Tick every warning" in dialog.message.text()
        assert dialog.outcome is None
        dialog.rows[1].label.mouseReleaseEvent(_left_click())  # clicking the text ticks too
        assert dialog.rows[1].ticked
        assert dialog.sign_button.isEnabled()
        dialog.reject()

    driving(desk, drive)
    desk.sign(CASE, None, lambda _ref: pytest.fail("cancelled"))
    assert nothing_signed(bench, review_id)
    names = [row.box.accessibleName() for row in prep_dialogs[0].rows]
    assert names[0].startswith("Warning 1 of 2:") and names[1].startswith("Warning 2 of 2:")


def _left_click() -> Any:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent

    return QMouseEvent(
        QMouseEvent.Type.MouseButtonRelease,
        QPointF(2, 2),
        QPointF(2, 2),
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )


def test_wrong_passphrase_is_said_plainly_and_nothing_is_signed(
    bench: Bench, desk: SigningDesk
) -> None:
    review_id = with_two_warnings(bench)
    seen: dict[str, Any] = {}

    def drive(dialog: Any) -> None:
        sign_with(dialog, "not my passphrase")
        seen["message"] = dialog.message.text()
        seen["still_open"] = dialog.outcome is None and not dialog.sign_button.isHidden()
        seen["focus_ready"] = dialog.passphrase.selectedText() == "not my passphrase"
        dialog.reject()

    driving(desk, drive)
    desk.sign(CASE, None, lambda _ref: pytest.fail("not signed"))
    assert seen["message"] == WRONG_PASSPHRASE
    assert seen["still_open"] and seen["focus_ready"]
    assert nothing_signed(bench, review_id)


def test_signs_a_complete_review_and_stores_a_verifying_pdf(
    bench: Bench, desk: SigningDesk
) -> None:
    review_id = with_two_warnings(bench)
    changed: list[str] = []
    progress = desk.runner.progress_calls  # type: ignore[attr-defined]

    said: list[str] = []

    def drive(dialog: Any) -> None:
        said.extend(label.text() for label in dialog.findChildren(QLabel))
        sign_with(dialog)
        assert dialog.outcome is not None
        assert dialog.sign_button.isHidden() and dialog.cancel_button.text() == "Close"
        dialog.reject()  # Escape after signing closes as done

    shown = driving(desk, drive)
    desk.sign(CASE, None, changed.append)
    assert changed == [CASE]
    assert shown[0].result() == QDialog.DialogCode.Accepted
    assert ReviewStore(bench.workspace.db).get(review_id).status is ReviewStatus.SIGNED
    assert [p[2] for p in progress][:2] == [
        "Checking your passphrase…",
        "Making and signing the PDF summary…",
    ]
    for kind in DocumentKind:
        stored = SignatureStore(bench.workspace.db).latest_document(review_id, kind)
        assert stored is not None
        verdict = verify_pdf(stored.pdf, study_a().root)
        assert verdict.ok, verdict.failures
        assert [s.signer_ref for s in verdict.signatures] == ["R01"]
    state = desk.state(CASE)
    assert (state.can_sign, state.can_amend, state.has_summary) == (False, True, True)
    assert any("sealed into what you sign" in text for text in said)
    # What the dialog promised: both warnings sealed, in the audit entry and on both PDFs.
    warnings = bench.signoff.check(review_id).warnings  # the version is frozen: same ones
    entry = [e for e in AuditLog(bench.workspace.db).entries(review_id) if e.action == "signed"]
    assert {w["code"] for w in entry[-1].new_value["acknowledged_warnings"]} == {
        w.code for w in warnings
    }
    for kind in DocumentKind:
        stored = SignatureStore(bench.workspace.db).latest_document(review_id, kind)
        assert stored is not None
        text = " ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(stored.pdf)).pages)
        assert "Warnings acknowledged at sign-off" in " ".join(text.split())
        assert all(w.code in text for w in warnings)


def test_signing_an_already_signed_case_is_refused_plainly(bench: Bench, desk: SigningDesk) -> None:
    bench.sign(CASE)
    shown = driving(desk, lambda dialog: dialog.done(0))
    desk.sign(CASE, None, lambda _ref: pytest.fail("nothing to change"))
    assert isinstance(shown[0], QMessageBox)
    assert "already signed" in shown[0].text() and "Amend" in shown[0].text()


# --- co-signing -------------------------------------------------------------------------------


def test_cosign_with_a_pkcs12_file_then_remove_the_slot(
    bench: Bench, desk: SigningDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench.joint(CASE, co_ref="R02", co_name="Bob Example")
    review_id = bench.sign(CASE)
    p12 = tmp_path / "bob.p12"
    p12.write_bytes(bob_pkcs12())
    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(p12), ""))
    )
    changed: list[str] = []
    seen: dict[str, Any] = {}

    def drive(dialog: Any) -> None:
        assert isinstance(dialog, CosignDialog)
        assert not dialog.cosign_button.isEnabled()
        dialog.choose_file()
        assert dialog.identity_file == str(p12)
        dialog.passphrase.setText("not bob's passphrase")
        dialog.submit()
        seen["wrong"] = dialog.message.text()
        seen["held_after_wrong"] = len(bench.signoff.cosigners())
        dialog.passphrase.setText(COSIGNER_PASSPHRASE)
        dialog.submit()
        assert dialog.outcome is not None
        seen["held_after_cosign"] = len(bench.signoff.cosigners())
        dialog.remove_button.click()
        seen["removed"] = dialog.removed
        dialog.reject()

    driving(desk, drive)
    desk.cosign(CASE, None, changed.append)
    assert "does not open the co-reviewer's identity" in seen["wrong"]
    assert seen["held_after_wrong"] == 0
    assert seen["held_after_cosign"] == 1
    assert seen["removed"] and bench.signoff.cosigners() == []
    assert changed == [CASE]
    assert [s.signer_ref for s in bench.signoff.signatures(review_id)] == ["R01", "R02"]
    document = bench.signoff.document(CASE)
    assert document.signature_count == 2
    verdict = verify_pdf(document.pdf, study_a().root)
    assert verdict.ok, verdict.failures
    assert [s.signer_ref for s in verdict.signatures] == ["R01", "R02"]
    assert not desk.state(CASE).can_cosign


def test_cosign_can_keep_the_slot_and_use_it_from_the_list(bench: Bench, desk: SigningDesk) -> None:
    """The co-signer previews the STORED signed file (the bytes their signature is added
    to), with the key judgements; afterwards the co-signed file, with Save and Print."""
    bench.joint(CASE, co_ref="R02", co_name="Bob Example")
    review_id = bench.sign(CASE)
    slot = bench.signoff.add_cosigner(bob_pkcs12(), COSIGNER_PASSPHRASE)
    signed = SignatureStore(bench.workspace.db).latest_document(review_id, DocumentKind.FULL)
    assert signed is not None
    seen: dict[str, Any] = {}

    def drive(dialog: Any) -> None:
        assert isinstance(dialog, CosignDialog) and dialog.preview is not None
        panel = dialog.preview
        seen["before"] = (panel.preview.pdfs[DocumentKind.FULL], panel.preview.stored)
        seen["labels"] = [label.text() for label, _v in _form_rows(panel.judgements_box)]
        assert dialog.slot_id == slot.id  # the held identity is offered first
        assert dialog.choose_button.isHidden()
        dialog.passphrase.setText(COSIGNER_PASSPHRASE)
        dialog.submit()
        assert dialog.outcome is not None
        seen["after"] = panel.preview.pdfs[DocumentKind.FULL]
        seen["buttons"] = (dialog.save_button.text(), dialog.print_button.text())
        dialog.cancel_button.click()  # "Keep it for now"

    driving(desk, drive)
    desk.cosign(CASE, None, lambda _ref: None)
    assert [s.id for s in bench.signoff.cosigners()] == [slot.id]
    cosigned = bench.signoff.document(CASE)
    assert cosigned.signature_count == 2
    assert seen["before"] == (signed.pdf, True)
    assert seen["after"] == cosigned.pdf != signed.pdf
    assert "Overall care score:" in seen["labels"]
    assert seen["buttons"] == ("Save a &copy…", "&Print…")


def test_cosign_is_refused_for_a_case_that_is_not_joint(bench: Bench, desk: SigningDesk) -> None:
    bench.sign(CASE)
    shown = driving(desk, lambda dialog: dialog.done(0))
    desk.cosign(CASE, None, lambda _ref: pytest.fail("nothing to change"))
    assert isinstance(shown[0], QMessageBox) and "not a joint review" in shown[0].text()


# --- amending ---------------------------------------------------------------------------------


def test_amend_needs_a_reason_then_opens_a_new_version(bench: Bench, desk: SigningDesk) -> None:
    v1 = bench.sign(CASE)
    v1_pdf = bench.signoff.document(CASE).pdf
    changed: list[str] = []

    def drive(dialog: Any) -> None:
        assert isinstance(dialog, AmendDialog)
        assert not dialog.amend_button.isEnabled()
        dialog.reason.setPlainText("  typo  ")  # too short once trimmed
        assert not dialog.amend_button.isEnabled()
        assert "more needed" in dialog.counter.text()
        dialog.submit()
        assert "at least" in dialog.message.text() and dialog.outcome is None
        dialog.reason.setPlainText("..............")  # long enough, says nothing
        assert not dialog.amend_button.isEnabled()
        assert "not one repeated character" in dialog.counter.text()
        dialog.submit()
        assert "punctuation or one repeated character" in dialog.message.text()
        assert dialog.outcome is None
        dialog.reason.setPlainText("Relatives' concerns were recorded under the wrong phase")
        assert dialog.amend_button.isEnabled()
        dialog.amend_button.click()

    shown = driving(desk, drive)
    desk.amend(CASE, None, changed.append)
    assert shown[0].result() == QDialog.DialogCode.Accepted
    assert changed == [CASE]
    latest = ReviewStore(bench.workspace.db).latest(CASE)
    assert latest is not None and latest.version == 2 and latest.amends_review_id == v1
    assert latest.status is ReviewStatus.AMENDMENT_IN_PROGRESS
    assert latest.amendment_reason == "Relatives' concerns were recorded under the wrong phase"
    state = desk.state(CASE)
    assert state.can_sign and not state.can_amend
    assert state.has_summary and state.latest_signed_version == 1  # v1's PDF stays available
    assert bench.signoff.document(CASE).pdf == v1_pdf


def test_cancelling_the_amendment_changes_nothing(bench: Bench, desk: SigningDesk) -> None:
    bench.sign(CASE)
    driving(desk, lambda dialog: dialog.reject())
    desk.amend(CASE, None, lambda _ref: pytest.fail("cancelled"))
    latest = ReviewStore(bench.workspace.db).latest(CASE)
    assert latest is not None and latest.version == 1


# --- the Case menu ----------------------------------------------------------------------------


def test_case_menu_follows_the_selected_cases_state(qtbot, bench: Bench, desk: SigningDesk) -> None:
    bench.complete_review(CASE)
    bench.sign("SIG-0002")
    session = ReviewerSession(bench.workspace)
    window = MainWindow(
        session.list_cases(),
        runner=desk.runner,  # type: ignore[arg-type]
        listen_to_system=False,
        signing=desk,
    )
    qtbot.addWidget(window)
    window.case_list.select_case(CASE)
    enabled = {a.text(): a.isEnabled() for a in window.case_actions}
    assert enabled == {
        "&Sign…": True,
        "C&o-sign…": False,
        "&Amend…": False,
        "&Print summary…": False,
        "Op&en summary": False,
        "Sa&ve summary as…": False,
    }
    window.case_list.select_case("SIG-0002")
    assert not window.sign_action.isEnabled()
    assert window.amend_action.isEnabled() and window.print_action.isEnabled()
    assert window.export_action.isEnabled()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Go", "&Case", "&Help"]

    # Sign from the menu: the row's status follows, and the menu with it.
    driving(desk, lambda dialog: (sign_with(dialog), dialog.accept()))
    window.case_list.select_case(CASE)
    window.sign_action.trigger()
    assert (
        window.case_list.model.row_at(window.case_list.model.visible_row_of(CASE) or 0).status
        is ReviewStatus.SIGNED
    )
    assert not window.sign_action.isEnabled() and window.print_action.isEnabled()

    window.lock("shortcut")
    assert not any(a.isEnabled() for a in (*window.case_actions, window.export_action))


def test_without_a_desk_the_case_menu_is_there_and_disabled(qtbot) -> None:
    from tests.gui.gui_fixtures import ROWS

    window = MainWindow(ROWS, listen_to_system=False)
    qtbot.addWidget(window)
    window.case_list.select_case("NSR-0003")
    assert not any(a.isEnabled() for a in window.case_actions)
    window.sign_action.trigger()  # harmless


def test_signing_by_keyboard_alone(qtbot, bench: Bench, desk: SigningDesk) -> None:
    """Space ticks, Tab moves on (warnings, then the passphrase), Enter signs."""
    from reviewer_app.services.signing.background import prepare_signing

    review_id = with_two_warnings(bench)
    prep = prepare_signing(bench.workspace, CASE)
    dialog = SignDialog(prep, desk._sign_work(review_id), desk.runner)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is dialog.rows[0].box
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.rows[1].box
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    # the identifier behind the R8 warning: what the taskforce copy will print instead
    assert dialog.focusWidget() is dialog.redaction_preview.list
    assert "[name]" in dialog.redaction_preview.list.currentItem().text()
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
    assert dialog.focusWidget() is dialog.passphrase
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.outcome is not None
    assert ReviewStore(bench.workspace.db).get(review_id).status is ReviewStatus.SIGNED
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_escape_cancels_without_signing(qtbot, bench: Bench, desk: SigningDesk) -> None:
    from reviewer_app.services.signing.background import prepare_signing

    review_id = with_two_warnings(bench)
    dialog = SignDialog(
        prepare_signing(bench.workspace, CASE), desk._sign_work(review_id), desk.runner
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert nothing_signed(bench, review_id)


def test_the_case_list_row_is_fresh_at_once_after_signing(
    qtbot: Any, bench: Bench, desk: SigningDesk
) -> None:
    """Progress and flags (not only the status) reach the list without a lock and unlock."""
    from reviewer_app.domain.vocabulary import CaseFlag

    session = ReviewerSession(bench.workspace)
    window = MainWindow(
        session.list_cases(),  # listed before the review was written: 0%, no flag
        reload_rows=session.list_cases,
        reload_row=session.case_row,
        runner=desk.runner,  # type: ignore[arg-type]
        listen_to_system=False,
        signing=desk,
    )
    qtbot.addWidget(window)
    from datetime import UTC, datetime, timedelta

    bench.clock.now = datetime.now(UTC) - timedelta(hours=1)  # the review began an hour ago
    review_id = bench.complete_review(CASE)
    told = datetime.now(UTC) - timedelta(minutes=1)  # after it began, not in the future
    bench.reviews.record_immediate_concern(review_id, "Duty manager", told, "R01")
    # An immediate safety concern is an escalation trigger: it needs a decision.
    bench.reviews.save(
        review_id,
        {
            "escalation.decision": "not_escalating",
            "escalation.not_escalating_reason": "The duty manager acted on it the same day.",
        },
        "R01",
    )

    def drive(dialog: Any) -> None:
        sign_with(dialog)
        dialog.accept()

    driving(desk, drive)
    window.case_list.select_case(CASE)
    window.update_case_actions()  # as opening the Case menu does
    window.sign_action.trigger()
    model = window.case_list.model
    row = model.row_at(model.visible_row_of(CASE) or 0)
    assert row.status is ReviewStatus.SIGNED
    assert row.progress == 1.0
    assert CaseFlag.URGENT in row.flags


# --- signing what you have seen: the key judgements and the summary itself ----------------


def text_of(pdf: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )


def pdfs_under(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.exists() for p in folder.rglob("*.pdf")}


def test_the_signer_sees_what_is_signed_then_saves_it_from_the_result(
    bench: Bench, desk: SigningDesk, tmp_path: Path
) -> None:
    review_id = bench.complete_review(CASE)
    case = bench.reviews.case(CASE)
    bench.reviews.save(
        review_id, {"avoidability.comment": f"Discussed with {case.family_name}'s GP."}, "R01"
    )
    warnings = bench.signoff.check(review_id).warnings
    assert warnings  # the identifier in free text: a warning to acknowledge
    before = pdfs_under(bench.workspace.folder, desk.temp_dir, tmp_path)
    saved_to = tmp_path / "out" / "chosen.pdf"
    saved_to.parent.mkdir()
    suggested: list[Path] = []

    def ask_save_path(_parent: Any, suggestion: Path) -> Path:
        suggested.append(suggestion)
        return saved_to

    desk.summaries.ask_save_path = ask_save_path
    seen: dict[str, Any] = {}

    def drive(dialog: Any) -> None:
        if isinstance(dialog, CopyChoiceDialog):  # Save a copy… asks which copy first
            seen["copy_dialog"] = dialog.windowTitle()
            dialog.accept()  # the full summary is offered first
            return
        assert isinstance(dialog, SignDialog) and dialog.preview is not None
        panel = dialog.preview
        seen["preparing_at_start"] = panel.preparing
        seen["judgements"] = [
            (label.text(), value.text()) for label, value in _form_rows(panel.judgements_box)
        ]
        seen["pages"] = panel.page_count()
        seen["full"] = panel.preview.pdfs[DocumentKind.FULL]
        panel.choice.taskforce.setChecked(True)  # rendered when asked for
        seen["taskforce"] = panel.preview.pdfs[DocumentKind.TASKFORCE]
        seen["shown"] = panel.shown_kind
        seen["no_file"] = pdfs_under(bench.workspace.folder, desk.temp_dir, tmp_path) == before
        for row in dialog.rows:
            row.box.setChecked(True)
        dialog.passphrase.setText(PASSPHRASE)
        dialog.sign_button.click()
        assert dialog.outcome is not None
        seen["hash"] = dialog.outcome.content_sha256
        seen["after"] = (panel.isHidden(), panel.preview.stored, panel.shown_kind)
        seen["after_bytes"] = panel.preview.pdfs[DocumentKind.TASKFORCE]
        dialog.save_button.click()
        dialog.accept()

    driving(desk, drive)
    desk.sign(CASE, None, lambda _ref: None)

    assert seen["preparing_at_start"] is False  # the sync runner rendered it at once
    assert seen["pages"] >= 1 and seen["shown"] is DocumentKind.TASKFORCE
    assert seen["no_file"], "the preview wrote a PDF to disk"
    # After signing, the panel shows the stored signed file (the copy chosen).
    assert seen["after"] == (False, True, DocumentKind.TASKFORCE)
    # The key judgements are the summary's printed answers of this review.
    src = AnswerSource(_full_input(bench, review_id))
    definition = src.definition
    overall = definition.find("phase.overall.score")
    grade = definition.find("avoidability.grade")
    assert overall is not None and grade is not None
    shown = dict(seen["judgements"])
    assert shown["Overall care score:"] == src.show(overall.question)
    assert shown[f"{grade.question.label}:"] == src.show(grade.question)
    assert "grade" in shown[f"{grade.question.label}:"]  # with its scale, as printed
    assert "Escalation decision:" in shown and "Do you request a second review?" in shown
    # Exactly what was signed: the same content hash and the same words as the stored PDFs.
    store = SignatureStore(bench.workspace.db)
    previewed = {DocumentKind.FULL: text_of(seen["full"])}
    previewed[DocumentKind.TASKFORCE] = text_of(seen["taskforce"])
    for kind, text in previewed.items():
        stored = store.latest_document(review_id, kind)
        assert stored is not None
        assert seen["hash"] in text
        assert _without_signature_lines(text) == _without_signature_lines(text_of(stored.pdf))
    taskforce = store.latest_document(review_id, DocumentKind.TASKFORCE)
    assert taskforce is not None and seen["after_bytes"] == taskforce.pdf
    assert case.family_name.upper() not in previewed[DocumentKind.TASKFORCE].upper()
    assert case.family_name.upper() in previewed[DocumentKind.FULL].upper()
    # Saved from the result page: which copy was asked, the name says identifiable, 0600.
    assert "case SIG-0001" in seen["copy_dialog"]
    assert [p.name for p in suggested] == ["SIG-0001-v1-identifiable.pdf"]
    assert saved_to.read_bytes() == store.latest_document(review_id, DocumentKind.FULL).pdf  # type: ignore[union-attr]
    if os.name == "posix":
        assert saved_to.stat().st_mode & 0o777 == 0o600


def _form_rows(box: Any) -> list[tuple[Any, Any]]:
    from PySide6.QtWidgets import QFormLayout

    form = box.findChild(QFormLayout)
    assert form is not None
    return [
        (
            form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget(),
            form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget(),
        )
        for row in range(form.rowCount())
    ]


def _full_input(bench: Bench, review_id: int) -> Any:
    from reviewer_app.services.summary.input import Signer

    inputs = bench.signoff._inputs
    review = bench.signoff.check(review_id).review
    draft = inputs.draft(review, bench.signoff._audit.head(), Signer(name="R", profession="R"))
    return inputs.summary_input(draft, DocumentKind.FULL)


def _without_signature_lines(text: str) -> str:
    """The words a signature adds (its date and time in the signer's box) aside."""
    cut = text.find("Signatures")
    return text if cut < 0 else text[:cut]
