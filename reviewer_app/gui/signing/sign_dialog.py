"""The sign dialog: validation first, every warning acknowledged, then the passphrase.

What it shows comes from ``services.signing.background.prepare_signing`` (the sign-off service's own
check); what it does is ``sign(passphrase, acknowledged_codes, progress)``, run off the GUI
thread by the runner. The service decides; this dialog refuses early only to say why sooner:

* errors: listed, and the dialog offers nothing but Close;
* not enrolled: the reason, and Close;
* warnings: one tick box each; Sign stays disabled until every one is ticked;
* a refusal from the service (wrong passphrase, the review changed meanwhile, …) is shown in
  the dialog in plain words and the reviewer can try again; nothing was signed.

On success the dialog shows what was signed and where the summary is; ``outcome`` holds it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.issues import Issue
from reviewer_app.gui.signing.common import (
    MessageLine,
    SigningDialog,
    SummaryButtons,
    add_summary_buttons,
    done_page,
    headed_page,
    make_close_button,
    paragraph,
    primary_button,
    section,
)
from reviewer_app.gui.signing.pdf_preview import PreviewWork, SummaryPreviewPanel, preview_panel
from reviewer_app.gui.signing.redaction_preview import RedactionPreview
from reviewer_app.gui.tasks import Progress, Runner
from reviewer_app.services.signing.background import SignedOutcome, SignPreparation

SignWork = Callable[[str, Sequence[str], Progress], SignedOutcome]

WRONG_PASSPHRASE = (
    "That passphrase is not right, so nothing was signed. Type the passphrase you use to open "
    "this workspace."
)


def _count(count: int, one: str, many: str) -> str:
    return one if count == 1 else f"these {count} {many}"


class _ClickableLabel(QLabel):
    """The text of a warning: clicking it ticks its box, like a check box's own label."""

    def __init__(self, text: str, box: QCheckBox, parent: QWidget) -> None:
        super().__init__(text, parent)
        self._box = box
        self.setWordWrap(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._box.isEnabled():
            self._box.toggle()
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)


class WarningRow(QWidget):
    """One warning: a tick box and its wrapped text; the box's accessible name is the text."""

    def __init__(self, issue: Issue, number: int, total: int, parent: QWidget) -> None:
        super().__init__(parent)
        self.issue = issue
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        self.box = QCheckBox(self)
        self.box.setAccessibleName(f"Warning {number} of {total}: {issue.message}")
        self.box.setAccessibleDescription("Tick to confirm you have read and considered it")
        self.label = _ClickableLabel(issue.message, self.box, self)
        layout.addWidget(self.box, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)

    @property
    def ticked(self) -> bool:
        return self.box.isChecked()


class SignDialog(SigningDialog):
    def __init__(
        self,
        prep: SignPreparation,
        sign: SignWork,
        runner: Runner,
        parent: QWidget | None = None,
        *,
        preview: PreviewWork | None = None,
        signed_preview: PreviewWork | None = None,
        summary_buttons: SummaryButtons | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.prep = prep
        self._sign = sign
        self._signed_preview = signed_preview
        self._summary_buttons = summary_buttons
        self.outcome: SignedOutcome | None = None
        self.titled(f"Sign case {prep.case_ref}")
        self.rows: list[WarningRow] = []
        self.passphrase: QLineEdit | None = None
        self.sign_button = primary_button("&Sign", "Sign this review", self)
        self.preview: SummaryPreviewPanel | None = None
        layout = self.stack_pages(self._form_page, lambda: self._preview_panel(preview))
        self.add_buttons(layout, self.sign_button, offered=prep.can_sign)
        if not prep.can_sign:
            self.sign_button.hide()
        self._update()
        self._focus_first()

    # -- layout

    def _preview_panel(self, work: PreviewWork | None) -> QWidget | None:
        """What will be signed, beside the form (only for a review that can be signed)."""
        if work is None or not self.prep.can_sign:
            return None
        self.preview = preview_panel(self, self._runner, work, title="What you sign")
        return self.preview

    def _form_page(self) -> QWidget:
        prep = self.prep
        what = "review" if not prep.status.is_outcome else f"outcome ({prep.status.label})"
        page, layout = headed_page(
            self, f"Sign the {what} of case {prep.case_ref}, version {prep.version}"
        )
        if prep.not_enrolled_reason is not None:
            self.problem = paragraph(prep.not_enrolled_reason, page, name="Why you cannot sign")
            self.problem.setProperty("severity", "error")
            layout.addWidget(self.problem)
            layout.addStretch(1)
            return page
        if prep.signer_name:
            detail = f" ({prep.signer_detail})" if prep.signer_detail else ""
            layout.addWidget(paragraph(f"You sign as {prep.signer_name}{detail}.", page))
        if prep.errors:
            layout.addWidget(self._errors(page))
            return page
        ok = paragraph("✓ Validation found no errors.", page, name="Validation found no errors")
        layout.addWidget(ok)
        if prep.warnings:
            layout.addWidget(self._warnings(page))
        else:
            layout.addWidget(paragraph("There are no warnings to acknowledge.", page))
        self.redaction_preview = RedactionPreview(prep.redactions, page)
        layout.addWidget(self.redaction_preview)
        what_happens = (
            "Signing locks this version: it can then only be corrected by an amendment. The "
            "signed PDF summary (and its taskforce copy) is stored and is what every print or "
            "save hands out."
        )
        if prep.co_reviewer_name:
            what_happens += (
                f" This is a joint review: {prep.co_reviewer_name} co-signs afterwards "
                "(Case ▸ Co-sign…); until then the case is awaiting co-signature."
            )
        layout.addWidget(paragraph(what_happens, page))
        self.passphrase = self.add_passphrase(
            layout,
            page,
            "Your workspace &passphrase:",
            "Workspace passphrase",
            "The passphrase you use to open this workspace",
        )
        self.state_hint = paragraph("", page, name="What is still needed")
        layout.addWidget(self.state_hint)
        self.message = MessageLine("Signing problem", page)
        layout.addWidget(self.message)
        layout.addStretch(1)
        return page

    def _errors(self, page: QWidget) -> QWidget:
        box, layout = section(page)
        count = len(self.prep.errors)
        intro = paragraph(
            f"This review cannot be signed yet. Fix {_count(count, 'this problem', 'problems')} "
            "in the form first (the readiness panel takes you to each one), then sign:",
            box,
            name="This review cannot be signed yet",
        )
        intro.setProperty("severity", "error")
        layout.addWidget(intro)
        self.error_list = QListWidget(box)
        self.error_list.setAccessibleName(f"Problems to fix before signing, {count}")
        self.error_list.setWordWrap(True)
        for issue in self.prep.errors:
            item = QListWidgetItem(f"✖ {issue.message}")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"Problem: {issue.message}")
            self.error_list.addItem(item)
        self.error_list.setCurrentRow(0)
        layout.addWidget(self.error_list)
        return box

    def _warnings(self, page: QWidget) -> QWidget:
        box, layout = section(page)
        count = len(self.prep.warnings)
        layout.addWidget(
            paragraph(
                f"Read {'the warning' if count == 1 else f'each of the {count} warnings'} and "
                "tick it to confirm you have considered it. A warning does not stop signing, "
                "but what you acknowledge is sealed into what you sign: each warning's code "
                "and text go into the signed record, the audit trail and the box “Warnings "
                "acknowledged at sign-off” on both PDFs.",
                box,
            )
        )
        inner = QWidget(box)
        rows = QVBoxLayout(inner)
        rows.setContentsMargins(4, 4, 4, 4)
        for number, issue in enumerate(self.prep.warnings, start=1):
            row = WarningRow(issue, number, count, inner)
            row.box.toggled.connect(self._update)
            self.rows.append(row)
            rows.addWidget(row)
        rows.addStretch(1)
        scroll = QScrollArea(box)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.StyledPanel)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setMaximumHeight(260)
        scroll.setMinimumHeight(min(inner.sizeHint().height() + 8, 260))
        layout.addWidget(scroll)
        return box

    def _focus_first(self) -> None:
        if self.rows:
            self.rows[0].box.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.passphrase is not None:
            self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)
        elif self.prep.errors:
            self.error_list.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- state

    @property
    def acknowledged(self) -> tuple[str, ...]:
        return tuple(sorted({r.issue.code for r in self.rows if r.ticked}))

    @property
    def all_ticked(self) -> bool:
        return all(r.ticked for r in self.rows)

    def _update(self) -> None:
        if self.passphrase is None:
            self.sign_button.setEnabled(False)
            return
        missing = sum(1 for r in self.rows if not r.ticked)
        has_passphrase = bool(self.passphrase.text())
        self.sign_button.setEnabled(
            self.prep.can_sign and missing == 0 and has_passphrase and not self.busy
        )
        if missing:
            self.state_hint.setText(
                f"Tick {'the warning' if missing == 1 else f'the {missing} warnings'} still "
                "unticked to sign."
            )
        elif not has_passphrase:
            self.state_hint.setText("Type your passphrase to sign.")
        else:
            self.state_hint.setText("")
        self.state_hint.setVisible(bool(self.state_hint.text()))

    def busy_controls(self) -> Sequence[QWidget]:
        boxes = [row.box for row in self.rows]
        return boxes if self.passphrase is None else [*boxes, self.passphrase]

    # -- signing

    def submit(self) -> None:
        if self.busy or self.passphrase is None or not self.sign_button.isEnabled():
            if self.passphrase is not None and not self.all_ticked:
                self.message.show_problem("Tick every warning first: each must be acknowledged.")
            return
        passphrase = self.passphrase.text()
        acknowledged = self.acknowledged
        self.message.clear_message()

        def work(progress: Progress) -> SignedOutcome:
            return self._sign(passphrase, acknowledged, progress)

        self.start(work, self._signed, self._refused, "Signing the review…")

    def _signed(self, outcome: Any) -> None:
        self.set_busy(False)
        assert isinstance(outcome, SignedOutcome)
        self.outcome = outcome
        if self.passphrase is not None:
            self.passphrase.clear()
        self._show_done(outcome)

    def _refused(self, err: BaseException) -> None:
        if self.nothing_signed(err, "signing", self.passphrase, WRONG_PASSPHRASE):
            self.message.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_done(self, outcome: SignedOutcome) -> None:
        page, layout = done_page(
            self,
            f"Case {outcome.case_ref}, version {outcome.version} is signed",
            f"Signed by {outcome.signer_name}. This version is now locked; a correction needs "
            "an amendment. The signed PDF summary and its taskforce copy are stored in the "
            "workspace: save or print them here, or later from the Case menu.",
            "Signed",
        )
        if self.prep.co_reviewer_name:
            layout.addWidget(
                paragraph(
                    f"Joint review: {self.prep.co_reviewer_name} can now co-sign "
                    "(Case ▸ Co-sign…).",
                    page,
                )
            )
        fingerprint = paragraph(
            f"Review content SHA-256: {outcome.content_sha256}", page, name="Content hash"
        )
        fingerprint.setObjectName("hint")
        layout.addWidget(fingerprint)
        if self._summary_buttons is not None:
            self.save_button, self.print_button = add_summary_buttons(
                layout, page, self, self._summary_buttons
            )
        layout.addStretch(1)
        if self.preview is not None:  # it showed the summary before its signature
            if self._signed_preview is None:
                self.preview.hide()
            else:
                self.preview.show_stored(self._signed_preview, "What you signed (as stored)")
        self.show_page(page)
        self.sign_button.hide()
        make_close_button(self.cancel_button)

    def work_done(self) -> bool:
        return self.outcome is not None  # Escape after signing: it did happen
