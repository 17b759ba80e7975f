"""What the main window may ask of the review page: the one seam between the two.

The window shows the page in its stack, opens and closes cases on it, saves before leaving,
and remembers where the reviewer was (for locking and restarting). It never reaches past
this interface, so the page can change inside without the window knowing, and a test can
stand a small fake in its place. ``ReviewPage`` (review_page.py) is the real one; a page
must also be a ``QWidget`` (the window checks when it builds one).
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import SignalInstance


class ReviewPageView(Protocol):
    """The review page as the main window sees it."""

    @property
    def status_changed(self) -> SignalInstance:
        """``(case_ref, status value)``: a case's review status changed (case list row)."""

    @property
    def close_requested(self) -> SignalInstance:
        """The reviewer asked to go back to the case list."""

    @property
    def sign_requested(self) -> SignalInstance:
        """The form's Sign… button: the window runs the sign-off."""

    @property
    def current_case_ref(self) -> str | None: ...

    @property
    def current_section_id(self) -> str | None: ...

    @property
    def current_question_id(self) -> str | None: ...

    def open_case(
        self, case_ref: str, section_id: str | None = None, question_id: str | None = None
    ) -> bool:
        """Show a case (at a section and question); False when it could not be opened."""

    def restore_position(self) -> bool:
        """Back to the case, section and field of the last session; False when none."""

    def save_now(self) -> None:
        """Start saving pending typing now (leaving the form, quitting)."""

    def close_case(self, timeout: float = ...) -> bool:
        """Save everything (waiting at most ``timeout`` s) and take the case off the screen;
        True when all of it is on disk."""

    def refuses_signing(self) -> bool:
        """True (and the form shows the first such field) while a typed date is not saved:
        nothing is signed past it."""
