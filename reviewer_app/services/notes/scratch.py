"""Private scratch notes: what a reviewer jots down about a case while reading its records.

A note is kept only in the encrypted workspace on this laptop (storage/workspace/
scratch_notes.py). It is never part of the review: nothing that is signed (the canonical
content), printed (the PDF summaries), exported or returned (the return bundle, with its
audit entries) reads it, and writing one makes no audit entry. The tests in
tests/unit/notes/ prove each of those with a canary note.

The note may hold anything the reviewer types, patient details included, so its text is
never logged and never quoted in an error message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from reviewer_app.errors import InvalidInputError
from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.database import Database
from reviewer_app.storage.workspace.scratch_notes import MAX_NOTE_CHARS, ScratchNoteStore

NOTES_LABEL = "Private notes: only on this laptop; never signed, printed or returned"
"""How every screen that shows a note labels it."""

__all__ = ["MAX_NOTE_CHARS", "NOTES_LABEL", "NoteTooLongError", "SavedNote", "ScratchNotes"]


class NoteTooLongError(InvalidInputError):
    """A note longer than the workspace keeps (said in numbers, never quoting the note)."""


@dataclass(frozen=True)
class SavedNote:
    text: str
    updated_at: datetime | None  # None: the case has no note


def _normalised(text: str) -> str:
    """Line ends as "\\n"; a note of only white space is no note."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if text.strip() else ""


class ScratchNotes:
    """Read and keep the notes of one workspace (on the caller's connection)."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._store = ScratchNoteStore(db, clock=clock)

    def read(self, case_ref: str) -> SavedNote:
        note = self._store.get(case_ref)
        if note is None:
            return SavedNote("", None)
        return SavedNote(note.text, note.updated_at)

    def save(self, case_ref: str, text: str) -> SavedNote:
        """Keep the case's note (empty or blank: the note is removed). Refuses, changing
        nothing, a note over ``MAX_NOTE_CHARS`` characters or for a case not here."""
        text = _normalised(text)
        if len(text) > MAX_NOTE_CHARS:
            raise NoteTooLongError(
                f"This private note is {len(text):,} characters long; a note can hold up to "
                f"{MAX_NOTE_CHARS:,}. Shorten it (or keep longer notes elsewhere) and it will "
                "be saved."
            )
        stored_at = self._store.put(case_ref, text)
        return SavedNote(text, stored_at if text else None)
