"""The case list's "Due" column: when each review is due back, and whether it is overdue.

The due date comes from the assignment pack (``packs.format.due_date_for``: the day the case
was first sent to this reviewer plus the study's return window). A case is overdue from the
day after its due date while something is still owed to the coordinator: not signed (or
closed without a full review), not withdrawn, not an amendment of a version already returned.
A case without a due date (from a pack made before packs carried one) shows none and is never
overdue: nothing is guessed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.status import OUTCOMES, ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag
from reviewer_app.gui.theme import _STATE_COLOURS

if TYPE_CHECKING:
    from reviewer_app.gui.case_table_model import CaseRow

_NOTHING_OWED = frozenset({ReviewStatus.SIGNED, ReviewStatus.AMENDMENT_IN_PROGRESS, *OUTCOMES})
OVERDUE_MARK = " (overdue)"


def due_date_of(row: CaseRow) -> date | None:
    """The row's ``due_date`` (None: the pack gave none, or the row has no such field)."""
    due: Any = getattr(row, "due_date", None)
    return due if isinstance(due, date) else None


def is_overdue(row: CaseRow, today: date) -> bool:
    """Past its due date on ``today`` and still owed (see the module docstring)."""
    due = due_date_of(row)
    if due is None or due >= today or CaseFlag.WITHDRAWN in row.flags:
        return False
    try:
        status = ReviewStatus(row.status)
    except ValueError:
        return True  # a status this list does not know: still owed, as far as it can tell
    return status not in _NOTHING_OWED


def due_text(row: CaseRow, today: date) -> str:
    """ "12 Jan 2027", with " (overdue)" when overdue on ``today``; blank without a date."""
    due = due_date_of(row)
    if due is None:
        return ""
    return due.strftime("%d %b %Y") + (OVERDUE_MARK if is_overdue(row, today) else "")


def due_key(row: CaseRow) -> tuple[bool, str]:
    """Sorts by date, cases without a due date last."""
    due = due_date_of(row)
    return (due is None, "" if due is None else due.isoformat())


def warning_colour() -> QColor:
    """The warning colour of the theme applied (``gui.theme``): dark's in dark, else light's."""
    app = QApplication.instance()
    theme = app.property("reviewerTheme") if app is not None else None
    return QColor(_STATE_COLOURS["dark" if theme == "dark" else "light"]["warning"])
