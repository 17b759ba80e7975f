"""The never-lose-work writer, without Qt: pending changes, debounce, durable commit, confirm.

The form calls ``put`` on every edit (cheap, any thread). A writer thread runs ``run``: it
waits until the changes have settled (``debounce`` after the last edit, but never longer than
``max_delay`` after the first unsaved one, so steady typing still saves about every second),
or until ``save_now``/``flush`` asks, then commits every pending change through the sink
(``ReviewService.save``: one transaction with its audit entries) and only then reports the
values as saved through ``on_saved``. Whatever was confirmed is on disk.

Changes are coalesced per field: typing "abc" quickly saves "abc" once. A save that fails
with a problem people can fix (disk full, database locked: ``UserError``) is reported at once
through ``on_failed`` and retried with a growing delay; the values stay pending, and newer
edits made meanwhile win over them. A refused save (the review became read-only, a value the
form cannot take) is reported and dropped: retrying cannot help. Unexpected errors (bugs) are
logged with their traceback, reported, and retried like the others: silence is never an
option, and giving up would lose the text.

The sink is opened and closed on the writer thread (SQLite connections belong to the thread
that made them), so ``run`` takes a factory rather than a sink.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Protocol

from reviewer_app.domain.values import JsonValue
from reviewer_app.errors import InvalidInputError, NotFoundError, ReadOnlyError, UserError

log = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_DEBOUNCE_S",
    "DEFAULT_MAX_DELAY_S",
    "AutosaveCore",
    "SaveFailure",
    "SaveSink",
    "SavedBatch",
]

DEFAULT_DEBOUNCE_S: Final = 0.8
DEFAULT_MAX_DELAY_S: Final = 1.0
RETRY_DELAYS_S: Final = (0.5, 1.0, 2.0, 4.0, 8.0)
BUG_MESSAGE: Final = (
    "Your last changes could not be saved because of a problem in the app. They are kept "
    "on screen and will be tried again; the details are in the log."
)

_PERMANENT: Final = (ReadOnlyError, InvalidInputError, NotFoundError)


class SaveSink(Protocol):
    """Where the writer commits (``ReviewService`` fits): durable when the call returns."""

    def save(self, review_id: int, changes: Mapping[str, JsonValue | None], actor: str) -> Any:
        """Commit the answers of one review; the return value is passed to ``on_saved``."""

    def save_ui_state(self, values: Mapping[str, str | None]) -> None:
        """Commit remembered UI facts (last case, section, field)."""


SinkFactory = Callable[[], AbstractContextManager[SaveSink]]


@dataclass(frozen=True, slots=True)
class SavedBatch:
    """Changes that are now on disk. ``result`` is whatever the sink's ``save`` returned."""

    review_id: int | None
    values: dict[str, JsonValue | None]
    result: Any
    saved_at: datetime


@dataclass(frozen=True, slots=True)
class SaveFailure:
    """A save that did not happen. ``retrying``: still pending, tried again in ``retry_in``."""

    message: str
    retrying: bool
    attempt: int
    retry_in: float
    review_id: int | None = None
    fields: tuple[str, ...] = ()


@dataclass
class _Pending:
    answers: dict[int, dict[str, JsonValue | None]] = field(default_factory=dict)
    ui_state: dict[str, str | None] = field(default_factory=dict)
    first_at: float | None = None
    last_at: float | None = None

    def __bool__(self) -> bool:
        return bool(self.answers or self.ui_state)


def _noop(_: Any) -> None:
    return None


class AutosaveCore:
    """Thread-safe pending changes plus the writer loop that commits them."""

    def __init__(
        self,
        *,
        actor: str,
        on_saved: Callable[[SavedBatch], None] = _noop,
        on_failed: Callable[[SaveFailure], None] = _noop,
        on_pending: Callable[[bool], None] = _noop,
        debounce: float = DEFAULT_DEBOUNCE_S,
        max_delay: float = DEFAULT_MAX_DELAY_S,
        retry_delays: tuple[float, ...] = RETRY_DELAYS_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.actor = actor
        self._on_saved = on_saved
        self._on_failed = on_failed
        self._on_pending = on_pending
        self._debounce = debounce
        self._max_delay = max_delay
        self._retry_delays = retry_delays
        self._clock = clock
        self._cond = threading.Condition()
        self._pending = _Pending()
        self._in_flight = False
        self._urgent = False
        self._stopping = False
        self._running = False
        self._failures = 0
        self._retry_at: float | None = None
        self._announced = False  # on_pending(True) was sent for answers not yet saved

    # -- the form's side (any thread)

    def put(self, review_id: int, question_id: str, value: JsonValue | None) -> None:
        """Record an edit (``None`` clears the answer); the latest value per field wins."""
        with self._cond:
            self._pending.answers.setdefault(review_id, {})[question_id] = value
            self._touch(answers=True)

    def put_ui_state(self, key: str, value: str | None) -> None:
        with self._cond:
            self._pending.ui_state[key] = value
            self._touch(answers=False)

    def _touch(self, *, answers: bool) -> None:
        """Note the time of an edit; ``on_pending(True)`` when answers start to wait."""
        now = self._clock()
        was_empty = self._pending.first_at is None
        if was_empty:
            self._pending.first_at = now
        self._pending.last_at = now
        self._cond.notify_all()
        if answers and not self._announced:
            self._announced = True
            self._on_pending(True)

    def save_now(self) -> None:
        """Save what is pending without waiting for the debounce (leaving a field, section)."""
        with self._cond:
            if self._pending:
                self._urgent = True
                self._retry_at = None
                self._cond.notify_all()

    @property
    def has_unsaved(self) -> bool:
        with self._cond:
            return bool(self._pending) or self._in_flight

    def pending_value(self, review_id: int, question_id: str) -> tuple[bool, JsonValue | None]:
        """``(True, value)`` when an edit of that field is not on disk yet."""
        with self._cond:
            fields = self._pending.answers.get(review_id, {})
            if question_id in fields:
                return True, fields[question_id]
            return False, None

    def flush(self, timeout: float) -> bool:
        """Save everything now and wait up to ``timeout`` seconds; True when all is on disk.

        Needs a running writer (``run`` on another thread); without one, use ``save_pending``.
        """
        deadline = self._clock() + timeout
        with self._cond:
            self._urgent = True
            self._retry_at = None
            self._cond.notify_all()
            while self._pending or self._in_flight:
                left = deadline - self._clock()
                if left <= 0 or not self._running:
                    return not (self._pending or self._in_flight)
                self._cond.wait(min(left, 0.05))
            return True

    def stop(self) -> None:
        """Ask the writer to save what is pending and finish."""
        with self._cond:
            self._stopping = True
            self._urgent = True
            self._cond.notify_all()

    # -- the writer's side

    def run(self, open_sink: SinkFactory) -> None:
        """The writer thread's body: opens the sink here, saves until ``stop``, closes it."""
        with self._cond:
            self._running = True
            self._stopping = False
        try:
            with open_sink() as sink:
                while self._wait_for_work():
                    self._save_batch(sink)
                    with self._cond:
                        stop_now = self._stopping and (not self._pending or self._failures > 0)
                    if stop_now:
                        break
        finally:
            with self._cond:
                self._running = False
                self._cond.notify_all()

    def save_pending(self, sink: SaveSink) -> bool:
        """Save everything pending now on the calling thread (tests, single-threaded tools)."""
        with self._cond:
            if not self._pending:
                return True
        return self._save_batch(sink)

    def _wait_for_work(self) -> bool:
        """Block until a batch is due; False when stopping with nothing left to do."""
        with self._cond:
            while True:
                if not self._pending:
                    if self._stopping:
                        return False
                    self._cond.wait(0.5)
                    continue
                due = self._due_at()
                now = self._clock()
                if due <= now or (self._stopping and self._failures == 0):
                    return True
                if self._stopping:
                    return True  # one last attempt even while retrying
                self._cond.wait(min(due - now, 0.5))

    def _due_at(self) -> float:
        if self._retry_at is not None:
            return self._retry_at
        if self._urgent:
            return self._clock()
        first = self._clock() if self._pending.first_at is None else self._pending.first_at
        last = first if self._pending.last_at is None else self._pending.last_at
        return min(last + self._debounce, first + self._max_delay)

    def _take(self) -> _Pending:
        with self._cond:
            batch = self._pending
            self._pending = _Pending()
            self._in_flight = True
            self._urgent = False
            return batch

    def _save_batch(self, sink: SaveSink) -> bool:
        batch = self._take()
        failed: _Pending | None = None
        failure: BaseException | None = None
        failed_review: int | None = None
        try:
            if batch.ui_state:
                try:
                    sink.save_ui_state(dict(batch.ui_state))
                except Exception as err:
                    failed, failure = _Pending(ui_state=dict(batch.ui_state)), err
            for review_id, values in batch.answers.items():
                if failure is not None:
                    failed = failed or _Pending()
                    failed.answers[review_id] = values  # not tried yet: keep it pending
                    continue
                try:
                    result = sink.save(review_id, dict(values), self.actor)
                except Exception as err:
                    failed = failed or _Pending()
                    failed.answers[review_id] = values
                    failure, failed_review = err, review_id
                    continue
                self._on_saved(
                    SavedBatch(review_id, dict(values), result, datetime.now().astimezone())
                )
        finally:
            self._finish(batch, failed, failure, failed_review)
        return failure is None

    def _finish(
        self,
        batch: _Pending,
        failed: _Pending | None,
        failure: BaseException | None,
        failed_review: int | None,
    ) -> None:
        report: SaveFailure | None = None
        with self._cond:
            if failure is None:
                self._failures = 0
                self._retry_at = None
            elif isinstance(failure, _PERMANENT):
                self._failures = 0
                self._retry_at = None
                fields = tuple(failed.answers.get(failed_review or -1, {})) if failed else ()
                if failed is not None and failed_review is not None:
                    failed.answers.pop(failed_review, None)  # refused for good: drop it
                report = SaveFailure(str(failure), False, 1, 0.0, failed_review, fields)
            else:
                self._failures += 1
                delay = self._retry_delays[min(self._failures, len(self._retry_delays)) - 1]
                self._retry_at = self._clock() + delay
                message = str(failure) if isinstance(failure, UserError) else BUG_MESSAGE
                if not isinstance(failure, UserError):
                    log.error("autosave failed unexpectedly", exc_info=failure)
                else:
                    log.warning("autosave failed (%s); retrying", type(failure).__name__)
                fields = tuple(failed.answers.get(failed_review or -1, {})) if failed else ()
                report = SaveFailure(message, True, self._failures, delay, failed_review, fields)
            if failed:
                self._restore(failed, batch)
            self._in_flight = False
            settled = self._announced and not self._pending.answers
            if settled:
                self._announced = False
            self._cond.notify_all()
        if report is not None:
            self._on_failed(report)
        if settled:
            self._on_pending(False)

    def _restore(self, failed: _Pending, batch: _Pending) -> None:
        """Put unsaved changes back under any newer edits made while saving."""
        newer = self._pending
        merged = _Pending(first_at=batch.first_at, last_at=newer.last_at or batch.last_at)
        for review_id in {*failed.answers, *newer.answers}:
            values = dict(failed.answers.get(review_id, {}))
            values.update(newer.answers.get(review_id, {}))
            if values:
                merged.answers[review_id] = values
        merged.ui_state = {**failed.ui_state, **newer.ui_state}
        if not merged:
            merged.first_at = merged.last_at = None
        self._pending = merged

    def pending_items(self) -> Iterator[tuple[int, str, JsonValue | None]]:
        """A snapshot of pending answer edits (for diagnostics and tests)."""
        with self._cond:
            snapshot = {r: dict(v) for r, v in self._pending.answers.items()}
        for review_id, values in snapshot.items():
            for question_id, value in values.items():
                yield review_id, question_id, value
