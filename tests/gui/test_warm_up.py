"""The types a window's first build makes are made while the passphrase is typed
(gui/warm_up.py): PySide6 makes a Qt class's Python type, with all its enum types, the first
time one of its objects reaches Python, and under the idle lock's event filter every object
that gets an event does. Checked in a fresh interpreter, where nothing is made yet."""

from __future__ import annotations

from tests.support.fresh_interpreter import run_probe

PROBE = r"""
import enum, json, sys
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QTableView, QVBoxLayout, QWidget

made = []
_create = enum.EnumType._create_

def counted(cls, name, *args, **kwargs):
    made.append(name)
    return _create(cls, name, *args, **kwargs)

enum.EnumType._create_ = counted
app = QApplication([])

class Lock(QObject):  # as gui/lock.py watches every event
    def eventFilter(self, watched, event):
        return False

if sys.argv[1] == "warm":
    from reviewer_app.gui.warm_up import make_common_types
    make_common_types()
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # what the event loop does next
left = [w for w in app.topLevelWidgets() if not w.isHidden()]
lock = Lock()
app.installEventFilter(lock)
before = len(made)
window = QWidget()
QVBoxLayout(window).addWidget(QTableView(window))
window.show()
app.processEvents()
print(json.dumps({"made_while_building": made[before:], "left_shown": len(left)}))
"""


def test_after_the_warm_up_building_a_table_under_the_lock_makes_no_types() -> None:
    cold = run_probe(PROBE, "cold")
    warm = run_probe(PROBE, "warm")
    assert "SliderAction" in cold["made_while_building"]  # what the warm-up is for
    assert warm["made_while_building"] == []
    assert warm["left_shown"] == 0  # the throwaway widgets are gone, nothing on screen
