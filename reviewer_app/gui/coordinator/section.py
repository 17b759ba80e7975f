"""What every section of the coordinator's window is: a page that reads the study's services,
shows what they say, and runs their long work off the GUI thread.

A section is told ``refresh()`` when it is shown (and after anything changed the study) and
``clear()`` when the study locks (every row off the screen). ``link`` asks the window to
show another section filtered (the overview's figures). Errors a person can fix (``UserError``)
are said in words on the section's message line, with what to do; anything else is a bug
(the crash dialog and the log).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from reviewer_app.errors import UserError
from reviewer_app.gui.coordinator.files import CHOOSER, Chooser
from reviewer_app.gui.coordinator.snapshot import LOADING, SnapshotCache
from reviewer_app.gui.coordinator.widgets import (
    Cancelled,
    MessageLine,
    TablePanel,
    WorkBar,
    controls_row,
    heading,
    hint,
    named,
)
from reviewer_app.gui.tasks import Runner

if TYPE_CHECKING:
    from reviewer_app.gui.coordinator.desk import StudyDesk
    from reviewer_app.progress import Progress
    from reviewer_app.services.reconciliation.study_snapshot import StudySnapshot
    from reviewer_app.services.study import Study

log = logging.getLogger(__name__)

STOPPED = "Stopped. Everything finished before you pressed Cancel is kept; run it again to go on."


def report_bug(err: BaseException, parent: QWidget) -> None:
    from reviewer_app.gui.crash_dialog import report_exception

    report_exception(err, parent)


class Section(QWidget):
    """One page of the window (see the module docstring)."""

    title: ClassVar[str] = ""
    intro: ClassVar[str] = ""
    link = Signal(str, str)  # section key, filter value
    changed = Signal()  # the study changed: the window refreshes the other sections

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.runner = runner
        self.snapshots = SnapshotCache(desk, runner, self)  # the window gives its shared one
        self.on_bug: Callable[[BaseException, QWidget], None] = report_bug
        self.chooser: Chooser = CHOOSER  # the file dialogs (tests stand another in)
        self.setAccessibleName(self.title)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(16, 12, 16, 12)
        self.body.setSpacing(8)
        self.body.addWidget(heading(self.title, self))
        if self.intro:
            self.body.addWidget(hint(self.intro, self))
        self.loading = named(QLabel(LOADING, self), f"{self.title}: loading")
        self.loading.setObjectName("hint")
        self.loading.hide()
        self.body.addWidget(self.loading)
        self.message = MessageLine(self, f"{self.title} message")
        self.work = WorkBar(self, self.title)
        self.loaded = False
        self.waiting = False  # asked for the shared snapshot, not yet filled from it

    def add_status_rows(self) -> None:
        """The message line and the progress bar, where the section wants them."""
        self.body.addWidget(self.message)
        self.body.addWidget(self.work)

    def button_row(self, *items: QWidget | int, into: QBoxLayout | None = None) -> QHBoxLayout:
        """A row of buttons (``controls_row``), next in the section's body or in ``into``."""
        return controls_row(self.body if into is None else into, *items)

    def table_tab(
        self, what: str, columns: Sequence[str]
    ) -> tuple[QWidget, QVBoxLayout, TablePanel]:
        """A tab that is a table of ``what`` (taking the room), then what the caller adds to
        the tab's layout (its row of controls: ``button_row(..., into=layout)``)."""
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        table = TablePanel(what, columns, tab)
        layout.addWidget(table, 1)
        return tab, layout, table

    # -- what the window calls

    def use_snapshots(self, cache: SnapshotCache) -> None:
        """Share the window's snapshot of the study (sections that show it: SnapshotSection)."""
        self.snapshots = cache

    def open(self) -> None:
        """The section is shown and not filled: fill it (from what is read already, if the
        section uses the shared snapshot)."""
        self.refresh()

    def refresh(self) -> None:
        """Read the study again and show it."""
        self.loaded = True

    def clear(self) -> None:
        """Take every row off the screen (the study is locking)."""
        self.loaded = False
        self.waiting = False
        self.loading.hide()
        self.message.clear_message()

    def apply_link(self, value: str) -> None:
        """Show the rows behind an overview figure (``value`` says which)."""

    @property
    def busy(self) -> bool:
        return self.work.running

    # -- doing things

    def attempt(self, fn: Callable[[], Any], done: str | Callable[[Any], str] = "") -> Any:
        """A quick service call on the GUI thread: its error said in words, nothing changed."""
        try:
            result = fn()
        except UserError as err:
            self.message.say(str(err), "error")
            return None
        except Exception as err:
            log.exception("a coordinator action failed")
            self.on_bug(err, self)
            return None
        text = done(result) if callable(done) else done
        if text:
            self.message.say(text)
        return result if result is not None else True

    def after_change(self, table: TablePanel, key: str, *inputs: QLineEdit) -> None:
        """A change to row ``key`` of ``table`` is recorded: ``inputs`` emptied, the section
        read again with the row still selected, and the other sections told."""
        for edit in inputs:
            edit.clear()
        self.refresh()
        table.select_key(key)
        self.changed.emit()

    def import_with(
        self,
        run: Callable[[], Any],
        rejected: type[Exception],
        show_rejection: Callable[[Any], None],
        imported: Callable[[Any], Sequence[str]],
        name: str,
    ) -> bool:
        """An import on the GUI thread: ``run()``'s result shown as ``imported(result)`` lines;
        a ``rejected`` error (every problem, with line and column) by ``show_rejection``, any
        other refusal in words; nothing imported then. True when imported."""
        try:
            result = run()
        except rejected as err:
            show_rejection(err)
            return False
        except UserError as err:
            self.message.say(str(err), "error")
            return False
        except Exception as err:
            self.on_bug(err, self)
            return False
        self.show_report(imported(result))
        self.message.say(f"{name} imported.")
        self.refresh()
        self.changed.emit()
        return True

    def show_report(self, lines: Sequence[str]) -> None:
        """A service's report lines (the sections with a report box show them there)."""
        report = getattr(self, "report", None)
        if report is not None:
            report.show_lines(lines)

    def run_long(
        self,
        label: str,
        work: Callable[[Study, Progress], Any],
        on_done: Callable[[Any], None],
        *,
        cancellable: bool,
    ) -> None:
        """``work(study, progress)`` on a worker thread, on its own connection to the study."""
        if self.work.running:
            self.message.say("Wait for the work in progress to finish (or cancel it).", "warning")
            return
        self.message.clear_message()
        progress = self.work.start(label, cancellable=cancellable)
        opener = self.desk.worker_study

        def in_worker(_runner_progress: Progress) -> Any:
            with opener() as study:
                return work(study, progress)

        def finished(result: Any) -> None:
            self.work.finish()
            on_done(result)
            self.changed.emit()

        self.runner.run(
            in_worker, finished, self._long_failed, label=label, parent=self, show_progress=False
        )

    def _long_failed(self, err: BaseException) -> None:
        self.work.finish()
        if isinstance(err, Cancelled):
            self.message.say(STOPPED, "warning")
            self.changed.emit()
        elif isinstance(err, UserError):
            self.message.say(str(err), "error")
            self.changed.emit()
        else:
            log.error("coordinator work failed: %s", type(err).__name__)
            self.on_bug(err, self)


class SnapshotSection(Section):
    """A section that shows the study's returns from the shared snapshot (snapshot.py): filled
    at once when it is read already, otherwise "Loading…" until the worker thread has read it.
    Subclasses say how to show one (``show_snapshot``) and how to empty themselves
    (``clear``); one that shows resolved cases says so (``needs_resolved``) and is filled when
    they are in."""

    needs_resolved: ClassVar[bool] = False

    def __init__(self, desk: StudyDesk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(desk, runner, parent)
        self.use_snapshots(self.snapshots)

    def _signal(self, cache: SnapshotCache) -> Any:
        return cache.resolved if self.needs_resolved else cache.ready

    def use_snapshots(self, cache: SnapshotCache) -> None:
        if cache is not self.snapshots:
            self._signal(self.snapshots).disconnect(self._on_ready)
            self.snapshots.failed.disconnect(self._on_failed)
        self.snapshots = cache
        self._signal(cache).connect(self._on_ready)
        cache.failed.connect(self._on_failed)

    def show_snapshot(self, snapshot: StudySnapshot) -> None:
        raise NotImplementedError

    def open(self) -> None:
        snapshot = self.snapshots.request(resolved=self.needs_resolved)
        if snapshot is None:
            self._wait()
        else:
            self.fill(snapshot)

    def refresh(self) -> None:
        """Read the study again (on the worker thread) and show it."""
        self.snapshots.invalidate()
        self._wait()
        # at once with the tests' synchronous runner
        snapshot = self.snapshots.request(resolved=self.needs_resolved)
        if snapshot is not None and self.waiting:
            self.fill(snapshot)

    def _wait(self) -> None:
        self.waiting = True
        self.loaded = False
        self.loading.show()

    def fill(self, snapshot: StudySnapshot) -> None:
        self.waiting = False
        self.loading.hide()
        try:
            self.show_snapshot(snapshot)
        except Exception as err:
            log.exception("a coordinator section could not show the study")
            self.on_bug(err, self)
            return
        self.loaded = True

    def _on_ready(self, snapshot: StudySnapshot) -> None:
        if self.waiting or (self.loaded and self.isVisible()):
            self.fill(snapshot)
        else:
            self.loaded = False  # filled from the new snapshot when next shown

    def _on_failed(self, err: BaseException) -> None:
        if not self.waiting:
            return
        self.waiting = False
        self.loading.hide()
        if isinstance(err, UserError):
            self.message.say(str(err), "error")
        else:
            log.error("reading the study failed: %s", type(err).__name__)
            self.on_bug(err, self)
