"""Making PySide6's Python types while a passphrase is typed, not after Enter.

PySide6 makes a Qt class's Python type, with all its enum types, the first time one of its
objects reaches Python. The windows' idle lock watches every event through a Python event
filter (gui/lock.py), so once a window is built every object that gets an event reaches Python:
building the reviewer's case list or the coordinator's overview made some 130 enum types, about
20 ms, after Enter. ``make_types`` builds a throwaway widget tree and shows it (never on screen)
under such a filter, and touches the D-Bus types the lock listens with, so those types exist
before the window is built.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget


class _Watcher(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        return False  # only so that what gets an event reaches Python, as under the lock


def make_types(build: Callable[[QWidget], object]) -> None:
    """``build(parent)`` a throwaway widget tree in a hidden parent, shown off screen under a
    Python event filter, then delete it (see the module docstring)."""
    app = QApplication.instance()
    watcher = _Watcher()
    hidden = QWidget()
    hidden.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    if app is not None:
        app.installEventFilter(watcher)
    try:
        build(hidden)
        hidden.show()
        _touch_dbus_types()
    finally:
        if app is not None:
            app.removeEventFilter(watcher)
        hidden.deleteLater()
        watcher.deleteLater()


def _touch_dbus_types() -> None:
    from PySide6.QtCore import QMetaMethod

    try:
        from PySide6.QtDBus import (
            QDBusConnection,
            QDBusConnectionInterface,
            QDBusServiceWatcher,
        )
    except ImportError:  # pragma: no cover - QtDBus ships with PySide6-Essentials
        return
    _ = (
        QDBusConnection.BusType,
        QDBusConnection.RegisterOption,
        QDBusConnectionInterface.ServiceQueueOptions,
        QDBusServiceWatcher.WatchModeFlag,
        QMetaMethod.Access,
    )


def make_common_types() -> None:
    """``make_types`` for the widgets every window is built of (the reviewer's case list and
    form: tables, boxes, lists, buttons, tabs)."""
    from PySide6.QtWidgets import (
        QComboBox,
        QLineEdit,
        QListWidget,
        QPlainTextEdit,
        QPushButton,
        QTableView,
        QTabWidget,
        QVBoxLayout,
    )

    def build(parent: QWidget) -> None:
        layout = QVBoxLayout(parent)
        for kind in (QLineEdit, QTableView, QListWidget, QComboBox, QPushButton):
            layout.addWidget(kind(parent))
        tabs = QTabWidget(parent)
        tabs.addTab(QPlainTextEdit(tabs), "text")
        layout.addWidget(tabs)

    make_types(build)
