"""The one clock storage writes with, and the one spelling of a moment in both databases.

Every stored time is UTC with microseconds, so rows sort by time as text and no local clock
change can reorder them; a naive time is refused rather than guessed at. Repositories take a
``clock`` argument defaulting to ``utc_now`` so tests can fix the time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware (UTC)")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
