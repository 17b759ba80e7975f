"""Settings' "Your spelling dictionary": the words the reviewer added, and removing them.

The list shows what "Add to dictionary" kept in this workspace. "Remove" (or Delete) takes the
selected words off the list; they leave the dictionary when Settings is saved (Cancel keeps
them), and every spell-checked box is then judged again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.gui.spelling import ADD_TO_DICTIONARY, rehighlight_all

if TYPE_CHECKING:
    from reviewer_app.services.spelling.checker import SpellChecker

TITLE = "Your spelling dictionary"
KEPT = "Kept in this workspace only (encrypted, never returned); removed words go on Save."
EMPTY = (
    "No words yet: right-click a word underlined in red and choose "
    f'"{ADD_TO_DICTIONARY.replace("&", "")}".'
)


class OwnWordsBox(QGroupBox):
    """The reviewer's own words, with Remove; ``apply()`` removes what was taken off."""

    def __init__(self, checker: SpellChecker, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.setAccessibleName(TITLE)
        self._checker = checker
        self._removed: list[str] = []
        layout = QVBoxLayout(self)
        self.hint = QLabel(KEPT, self)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        self.words = QListWidget(self)
        self.words.setAccessibleName("Words you added")
        self.words.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.words.addItems(checker.own_words())
        self.words.setMaximumHeight(self.fontMetrics().lineSpacing() * 6 + 8)
        row.addWidget(self.words, 1)
        self.remove = QPushButton("&Remove", self)
        self.remove.setAccessibleName("Remove the selected words from your dictionary")
        self.remove.clicked.connect(self._remove_selected)
        row.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(row)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.words)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.activated.connect(self._remove_selected)
        self.words.itemSelectionChanged.connect(self._show_state)
        self._show_state()

    def _remove_selected(self) -> None:
        for item in self.words.selectedItems():
            self._removed.append(item.text())
            self.words.takeItem(self.words.row(item))
        self._show_state()

    def _show_state(self) -> None:
        empty = self.words.count() == 0
        self.words.setVisible(not empty)
        self.remove.setVisible(not empty)
        self.remove.setEnabled(bool(self.words.selectedItems()))
        if empty:
            self.hint.setText(EMPTY)

    def pending_removals(self) -> list[str]:
        return list(self._removed)

    def apply(self) -> None:
        """Remove from the dictionary the words taken off the list (on Save)."""
        for word in self._removed:
            self._checker.remove_from_dictionary(word)
        if self._removed:
            rehighlight_all(self._checker)
        self._removed = []
