"""What the taskforce copy will redact, shown before signing: one row per replacement.

The sign dialog embeds ``RedactionPreview`` with the list from
``services.summary.taskforce.redaction_preview`` (carried by the sign preparation). Each row
says where the text is, what kind of identifier was found, the words as written and the
words as the taskforce copy will print them, so that nothing clinical disappears unseen.
The list takes focus with Tab and is read row by row with the arrow keys; every row has an
accessible text that reads the same as what is shown.

Only the attributes of each entry are read here (``where``, ``kind.label``, ``before``,
``after``), so this module imports no service and stays light at start-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.signing.common import paragraph

if TYPE_CHECKING:
    from reviewer_app.services.summary.taskforce import ShownRedaction

NOTHING_REDACTED = "Nothing in this review is redacted in the taskforce copy."
LIST_NAME = "Redactions in the taskforce copy"


def _intro(count: int) -> str:
    what = "1 identifier" if count == 1 else f"{count} identifiers"
    return (
        f"The taskforce copy replaces {what} in your free text with a marker such as [name]; "
        "the words around each stay. Check that nothing clinical is lost: if it is, reword "
        "that answer in the form before signing."
    )


def row_text(entry: ShownRedaction) -> str:
    """What a row shows: where, what was found, as written, as the taskforce copy prints."""
    return (
        f"{entry.where} ({entry.kind.label})\n"
        f"As written: {entry.before}\n"
        f"Taskforce copy: {entry.after}"
    )


class RedactionPreview(QWidget):
    """The redactions of one review version as a keyboard-readable list (or a sentence
    saying there are none)."""

    def __init__(self, redactions: Sequence[ShownRedaction], parent: QWidget | None = None):
        super().__init__(parent)
        self.redactions = tuple(redactions)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        count = len(self.redactions)
        self.setAccessibleName(f"{LIST_NAME}, {count}")
        self.intro = paragraph(
            _intro(count) if count else NOTHING_REDACTED, self, name="About the taskforce copy"
        )
        layout.addWidget(self.intro)
        self.list = QListWidget(self)
        self.list.setAccessibleName(f"{LIST_NAME}, {count}")
        self.list.setAccessibleDescription(
            "Each row: where the text is, what was found, the words as written and as the "
            "taskforce copy prints them"
        )
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for number, entry in enumerate(self.redactions, start=1):
            item = QListWidgetItem(row_text(entry))
            item.setData(
                Qt.ItemDataRole.AccessibleTextRole,
                f"Redaction {number} of {count}: " + row_text(entry).replace("\n", ". "),
            )
            item.setToolTip(entry.after)
            self.list.addItem(item)
        if count:
            self.list.setCurrentRow(0)
            self.list.setMinimumHeight(min(60 * count, 180))
            self.list.setMaximumHeight(240)  # the list scrolls; the dialog stays on screen
        else:
            self.list.hide()
        layout.addWidget(self.list)

    @property
    def count(self) -> int:
        return len(self.redactions)
