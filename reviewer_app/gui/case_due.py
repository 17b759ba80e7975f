"""The case list's "Due" column: when each review is due back, and whether it is overdue.

The due date comes from the assignment pack (``domain.review_timing.due_date_for``: the day
the case was first sent to this reviewer plus the study's return window). A case is overdue
from the (UK) day after its due date (``review_timing.is_past_due``, the coordinator's rule)
while something is still owed to the coordinator: not signed (or closed without a full
review), not withdrawn, not an amendment of a version already returned.
A case without a due date (from a pack made before packs carried one) shows none and is never
overdue: nothing is guessed.

"Returned" is what this workspace records when a return bundle is written: the bundle file
is written atomically to the shared folder, then its signed versions are recorded in
``returned_versions`` in one transaction (``services.returns.writer``,
``storage.workspace.returns.ReturnStore.record_bundle``). The row's ``returned_version`` (the
newest version so recorded, from the case list's one query) says it. So an amendment in
progress owes nothing only when an earlier version of the case was returned: the coordinator
has been sent a version to hold in force. An amendment of a version signed but never
returned is still owed, as the coordinator's chase list counts it. A row without
``returned_version`` is read as nothing returned. A signed case owes nothing here, returned
or not (the README's rule for the Due column).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.review_timing import is_past_due, uk_today
from reviewer_app.domain.status import OUTCOMES, ReviewStatus
from reviewer_app.domain.vocabulary import CaseFlag
from reviewer_app.gui.theme import _STATE_COLOURS

if TYPE_CHECKING:
    from reviewer_app.gui.case_table_model import CaseRow

_NOTHING_OWED = frozenset({ReviewStatus.SIGNED, *OUTCOMES})
OVERDUE_MARK = " (overdue)"


def _now() -> datetime:
    return datetime.now(UTC)


def today_in_the_uk() -> date:
    """The day the list counts by: the UK calendar day, as the coordinator's status counts
    (not the laptop's own zone, which may be set to UTC)."""
    return uk_today(_now())


def due_date_of(row: CaseRow) -> date | None:
    """The row's ``due_date`` (None: the pack gave none, or the row has no such field)."""
    due: Any = getattr(row, "due_date", None)
    return due if isinstance(due, date) else None


def is_overdue(row: CaseRow, today: date) -> bool:
    """Past its due date on ``today`` and still owed (see the module docstring)."""
    due = due_date_of(row)
    if due is None or not is_past_due(due, today) or CaseFlag.WITHDRAWN in row.flags:
        return False
    try:
        status = ReviewStatus(row.status)
    except ValueError:
        return True  # a status this list does not know: still owed, as far as it can tell
    if status is ReviewStatus.AMENDMENT_IN_PROGRESS:
        return not _earlier_version_returned(row)
    return status not in _NOTHING_OWED


def _earlier_version_returned(row: CaseRow) -> bool:
    """Whether the row says a version of its case was returned (see the module docstring)."""
    returned: Any = getattr(row, "returned_version", None)
    return isinstance(returned, int) and not isinstance(returned, bool) and returned >= 1


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
