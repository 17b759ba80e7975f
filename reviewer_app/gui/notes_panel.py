"""The private scratch notes of the case on screen, beside the review form.

Labelled on screen as what they are: "Private notes: only on this laptop; never signed,
printed or returned" (services/notes/scratch.py). Autosave as the form does it: typing is
saved a moment after it stops (``debounce_ms``), when the notes lose focus, when another case
is shown and before locking or quitting (``flush``); the line below says "Notes saved
14:02:11", "Notes not saved yet" or why it could not save, and what could not be saved stays
in the box.
A note is one small row, so it is written on the GUI thread's connection (no writer thread).

Ctrl+Shift+N (``FOCUS_KEYS``) puts the cursor in the notes from anywhere in the host.
"""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from reviewer_app.errors import UserError
from reviewer_app.services.notes.scratch import MAX_NOTE_CHARS, NOTES_LABEL, SavedNote

log = logging.getLogger(__name__)

FOCUS_KEYS = "Ctrl+Shift+N"
DEBOUNCE_MS = 800


class NotesBackend(Protocol):
    """What the panel needs (services.notes.scratch.ScratchNotes fits)."""

    def read(self, case_ref: str) -> SavedNote: ...
    def save(self, case_ref: str, text: str) -> SavedNote: ...


class NotesPanel(QWidget):
    """The notes of one case at a time; ``set_case(None)`` takes them off the screen."""

    saved = Signal(str)  # case_ref
    save_failed = Signal(str)  # case_ref

    def __init__(
        self,
        backend: NotesBackend,
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("notesPanel")
        self.setAccessibleName("Private notes")
        self._backend = backend
        self._case_ref: str | None = None
        self._dirty = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.title = QLabel(NOTES_LABEL, self)
        self.title.setObjectName("notesLabel")
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        layout.addWidget(self.title)
        self.editor = QPlainTextEdit(self)
        self.editor.setAccessibleName("Private notes")
        self.editor.setAccessibleDescription(NOTES_LABEL)
        self.editor.setPlaceholderText(
            "Your own jottings while reading the records (page numbers, things to check). "
            f"{FOCUS_KEYS} comes here."
        )
        self.editor.setTabChangesFocus(True)  # Tab moves on, as in every other field
        self.editor.installEventFilter(self)
        layout.addWidget(self.editor, 1)
        self.status = QLabel(self)
        self.status.setObjectName("hint")
        self.status.setAccessibleName("Private notes save status")
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.flush)
        self.editor.textChanged.connect(self._changed)
        self._show_case_state()

    # -- the case on screen

    @property
    def case_ref(self) -> str | None:
        return self._case_ref

    @property
    def unsaved(self) -> bool:
        return self._dirty

    def set_case(self, case_ref: str | None) -> bool:
        """Show ``case_ref``'s note (saving the one on screen first). False when the note on
        screen could not be saved: it stays, and the case is not changed."""
        if case_ref == self._case_ref:
            return True
        if not self.flush():
            return False
        self._case_ref = case_ref
        text = ""
        if case_ref is not None:
            try:
                text = self._backend.read(case_ref).text
            except UserError as err:
                self._set_status(str(err), error=True)
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        self._dirty = False
        self._show_case_state()
        return True

    def clear(self) -> bool:
        """Save, then take the note off the screen (locking, closing the case)."""
        saved = self.set_case(None)
        if not saved:  # never leave patient details on a locked screen
            self._timer.stop()
            self.editor.blockSignals(True)
            self.editor.clear()
            self.editor.blockSignals(False)
            self._case_ref, self._dirty = None, False
            self._show_case_state()
        return saved

    # -- saving

    def flush(self) -> bool:
        """Save pending typing now. True when nothing is left unsaved."""
        self._timer.stop()
        if not self._dirty or self._case_ref is None:
            return True
        case_ref = self._case_ref
        try:
            note = self._backend.save(case_ref, self.editor.toPlainText())
        except UserError as err:  # said in words that quote no note
            self._set_status(str(err), error=True)
            self.save_failed.emit(case_ref)
            return False
        except Exception as err:  # a disk or database failure: the text stays in the box
            log.error("could not save a private note (%s)", type(err).__name__)
            self._set_status(
                "Could not save your private note; it is still here. It will be tried again "
                "when you next type or leave the notes.",
                error=True,
            )
            self.save_failed.emit(case_ref)
            return False
        self._dirty = False
        when = note.updated_at.astimezone().strftime("%H:%M:%S") if note.updated_at else None
        self._set_status(f"Notes saved {when}" if when else "Notes cleared (saved)")
        self.saved.emit(case_ref)
        return True

    def _changed(self) -> None:
        if self._case_ref is None:
            return
        self._dirty = True
        length = len(self.editor.toPlainText())
        if length > MAX_NOTE_CHARS:
            self._set_status(
                f"Too long to save: {length:,} of at most {MAX_NOTE_CHARS:,} characters.",
                error=True,
            )
        else:
            self._set_status("Notes not saved yet")
        self._timer.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.FocusOut:
            self.flush()
        return super().eventFilter(watched, event)

    # -- shown state

    def _show_case_state(self) -> None:
        has_case = self._case_ref is not None
        self.editor.setEnabled(has_case)
        if not has_case:
            self._set_status("No case is open.")
        elif not self._dirty:
            self._set_status("")

    def _set_status(self, text: str, *, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setProperty("error", error)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def install_shortcut(self, host: QWidget, keys: str = FOCUS_KEYS) -> QShortcut:
        """``keys`` anywhere in ``host`` puts the cursor in the notes."""
        shortcut = QShortcut(QKeySequence(keys), host)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.focus_notes)
        return shortcut

    def focus_notes(self) -> None:
        if self.isVisible() and self.editor.isEnabled():
            self.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)
