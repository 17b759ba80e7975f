"""The save indicator of the case on screen: never another case's "Saved 14:02".

One writer saves every case, so its signals tell of whichever case's answers just landed. The
form's indicator starts afresh for each case it shows and reports only that case's saves and
typing; a failure is always shown, whichever case it concerns (never hidden by a switch).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from reviewer_app.gui.autosave import AutosaveWriter, SaveIndicator
from reviewer_app.services.review.autosave_core import SavedBatch

NOTHING_TO_SAVE = "All changes saved"


class CaseSaveIndicator(SaveIndicator):
    """``SaveIndicator`` for one case at a time (``show_case``)."""

    def __init__(self, writer: AutosaveWriter, parent: QWidget | None = None) -> None:
        self._writer = writer
        self.review_id: int | None = None
        self._dates_not_saved = 0
        self._shown: tuple[str, str, str] = ("idle", NOTHING_TO_SAVE, "")
        super().__init__(writer, parent)

    def show_dates_not_saved(self, count: int) -> None:
        """Date boxes whose text is not saved: said here too, never "✓ Saved" over them."""
        if count != self._dates_not_saved:
            self._dates_not_saved = count
            self._set(*self._shown)

    def _set(self, state: str, text: str, tooltip: str = "") -> None:
        self._shown = (state, text, tooltip)
        count = self._dates_not_saved
        if count and state != "failed":
            plural = "s" if count != 1 else ""
            state, text = "failed", f"✖ {count} date{plural} NOT saved (the rest is: {text})"
        super()._set(state, text, tooltip)

    def show_case(self, review_id: int | None) -> None:
        """From now on, the saves of this review (``None``: of none). The form keeps the
        case it closed until it opens another: its last saves still land after closing."""
        self.review_id = review_id
        self._failing = False
        self._dates_not_saved = 0
        if review_id is not None and self._writer.pending_changes(review_id):
            self._set("saving", "Saving…")
        else:
            self._set("idle", NOTHING_TO_SAVE)

    def _saved(self, batch: SavedBatch) -> None:
        if batch.review_id is None or batch.review_id == self.review_id:
            super()._saved(batch)

    def _pending(self, unsaved: bool) -> None:
        if self.review_id is not None and self._writer.pending_changes(self.review_id):
            super()._pending(unsaved)
