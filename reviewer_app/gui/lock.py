"""When to lock the workspace: idle time, Ctrl+L (in the main window), and the machine sleeping.

``LockTriggers`` only decides *when*; the main window decides what locking means (every patient
detail leaves the screen). Sleep is detected three ways, best effort, any of which suffices:

* the application being suspended (``applicationStateChanged``);
* logind's ``PrepareForSleep`` and the desktop screensaver's ``ActiveChanged`` over D-Bus, on
  Linux desktops that have them;
* a clock-jump detector: a timer ticks every second; if far more wall-clock (or monotonic) time
  passed between two ticks than the interval, the process was frozen, i.e. the machine slept.

Idle time is measured from the last key press, click, wheel turn or mouse move anywhere in the
app. The check runs on the same tick instead of restarting a timer on every input event, so the
event filter costs one comparison per event.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from reviewer_app.gui.case_list_page import CaseListPage

log = logging.getLogger(__name__)

_INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
        QEvent.Type.ShortcutOverride,
    }
)
SLEEP_GAP_SECONDS = 30.0
DEFAULT_TICK_MS = 1000


@dataclass(frozen=True)
class Place:
    """Where the reviewer was when the workspace locked (kept in memory only)."""

    case_ref: str | None = None
    section: str | None = None
    field: str | None = None
    search_text: str = ""
    status_filter: int = 0
    selected_case: str | None = None

    @classmethod
    def of(
        cls,
        case_list: CaseListPage,
        case_ref: str | None = None,
        section: str | None = None,
        field: str | None = None,
    ) -> Place:
        """The place: the case open in the form (if any) and the case list's search."""
        return cls(
            case_ref=case_ref,
            section=section,
            field=field,
            search_text=case_list.search.text(),
            status_filter=case_list.status_filter.currentIndex(),
            selected_case=case_list.current_case_ref(),
        )

    def restore_list(self, case_list: CaseListPage) -> None:
        """The case list's filter, search and selection as they were."""
        case_list.status_filter.setCurrentIndex(self.status_filter)
        case_list.search.setText(self.search_text)
        if self.selected_case:
            case_list.select_case(self.selected_case)


class LockTriggers(QObject):
    """Emits ``lock_requested(reason)`` for idle time and for sleep; ``arm``/``disarm`` it."""

    lock_requested = Signal(str)

    def __init__(
        self,
        idle_ms: int,
        parent: QObject | None = None,
        *,
        tick_ms: int | None = None,
        wall_clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        sleep_gap_s: float = SLEEP_GAP_SECONDS,
        listen_to_system: bool = True,
    ) -> None:
        super().__init__(parent)
        self._idle_s = idle_ms / 1000
        self._wall = wall_clock
        self._mono = monotonic
        self._gap = sleep_gap_s
        self._armed = False
        self._last_input = self._mono()
        self._last_tick_wall = self._wall()
        self._last_tick_mono = self._last_input
        self._timer = QTimer(self)
        self._timer.setInterval(tick_ms or min(DEFAULT_TICK_MS, max(idle_ms // 4, 20)))
        self._timer.timeout.connect(self.check)
        app = QGuiApplication.instance()
        if app is not None:
            app.installEventFilter(self)
            if isinstance(app, QGuiApplication):
                app.applicationStateChanged.connect(self._on_state)
        self.system_signals: list[str] = []
        if listen_to_system:
            self._listen_to_dbus()

    # -- control

    @property
    def idle_ms(self) -> int:
        return round(self._idle_s * 1000)

    def set_idle_ms(self, idle_ms: int) -> None:
        self._idle_s = idle_ms / 1000
        self._timer.setInterval(min(DEFAULT_TICK_MS, max(idle_ms // 4, 20)))

    def arm(self) -> None:
        """Start watching (the workspace is unlocked)."""
        self._armed = True
        self.note_activity()
        self._last_tick_wall, self._last_tick_mono = self._wall(), self._mono()
        self._timer.start()

    def disarm(self) -> None:
        """Stop watching (the workspace is locked or closing)."""
        self._armed = False
        self._timer.stop()

    def note_activity(self) -> None:
        self._last_input = self._mono()

    # -- the checks

    @Slot()
    def check(self) -> None:
        """One tick: did the machine sleep since the last tick, or has the reviewer gone idle?"""
        if not self._armed:
            return
        wall, mono = self._wall(), self._mono()
        expected = self._timer.interval() / 1000
        gap = max(wall - self._last_tick_wall, mono - self._last_tick_mono) - expected
        self._last_tick_wall, self._last_tick_mono = wall, mono
        if gap > self._gap:
            self._request("sleep")
        elif mono - self._last_input >= self._idle_s:
            self._request("idle")

    def _request(self, reason: str) -> None:
        if self._armed:
            log.info("locking the workspace (%s)", reason)
            self.disarm()
            self.lock_requested.emit(reason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._mono()
        return False

    @Slot(Qt.ApplicationState)
    def _on_state(self, state: Qt.ApplicationState) -> None:
        if state == Qt.ApplicationState.ApplicationSuspended:
            self._request("suspended")

    # -- D-Bus (Linux desktops), best effort

    @Slot(bool)
    def _on_prepare_for_sleep(self, going_to_sleep: bool) -> None:
        if going_to_sleep:
            self._request("sleep")

    @Slot(bool)
    def _on_screensaver(self, active: bool) -> None:
        if active:
            self._request("screen locked")

    def _listen_to_dbus(self) -> None:
        try:
            from PySide6.QtCore import SLOT
            from PySide6.QtDBus import QDBusConnection
        except ImportError:  # pragma: no cover - QtDBus ships with PySide6-Essentials
            return
        try:
            system: Any = QDBusConnection.systemBus()  # the stubs want bytes for SLOT()
            if system.isConnected() and system.connect(
                "org.freedesktop.login1",
                "/org/freedesktop/login1",
                "org.freedesktop.login1.Manager",
                "PrepareForSleep",
                self,
                SLOT("_on_prepare_for_sleep(bool)"),
            ):
                self.system_signals.append("PrepareForSleep")
            session: Any = QDBusConnection.sessionBus()
            if session.isConnected() and session.connect(
                "",
                "/org/freedesktop/ScreenSaver",
                "org.freedesktop.ScreenSaver",
                "ActiveChanged",
                self,
                SLOT("_on_screensaver(bool)"),
            ):
                self.system_signals.append("ScreenSaver.ActiveChanged")
        except Exception:  # a missing bus must never stop the app
            log.info("system sleep signals are not available; the clock check still works")
