"""What every repository holds: its open database and the clock that stamps what it writes
(``utc_now`` unless a test passes a fixed one). The workspace's repositories, the study's and
the audit log all start here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from reviewer_app.storage.clock import utc_now
from reviewer_app.storage.database import Database


class Repository:
    """A repository on one open database; subclasses add the reads and writes of its tables."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = db
        self._clock = clock
