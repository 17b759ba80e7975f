"""The reason dialog for outcomes and reopening: explicit, with the reason written down.

The dialog only collects the text; the service decides whether the reason is enough
(``ReasonTooShortError``) and whether the outcome may be recorded. A refusal is shown inside
the dialog, which stays open with the text kept, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.errors import UserError

# Called with the reason; raises UserError to refuse (message shown in the dialog).
Submit = Callable[[str], None]


class ReasonDialog(QDialog):
    def __init__(
        self,
        title: str,
        explanation: str,
        action: str,
        submit: Submit,
        parent: QWidget | None = None,
        *,
        hint: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.setMinimumWidth(460)
        self._submit = submit
        layout = QVBoxLayout(self)
        intro = QLabel(explanation, self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        label = QLabel("&Reason (no patient identifiers):", self)
        layout.addWidget(label)
        self.reason = QPlainTextEdit(self)
        self.reason.setTabChangesFocus(True)
        self.reason.setAccessibleName("Reason")
        self.reason.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        label.setBuddy(self.reason)
        layout.addWidget(self.reason)
        self.hint = QLabel(hint, self)
        self.hint.setObjectName("lengthHint")
        layout.addWidget(self.hint)
        self.error = QLabel(self)
        self.error.setProperty("severity", "error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.error.setAccessibleName("Why this could not be done")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(action)
        ok.setAccessibleName(action)
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.setFocus(Qt.FocusReason.OtherFocusReason)

    def _try_accept(self) -> None:
        try:
            self._submit(self.reason.toPlainText())
        except UserError as err:
            self.error.setText(f"✖ {err}")
            self.error.setVisible(True)
            self.reason.setFocus()
            return
        self.accept()
