"""``tasks.after_first_paint``: work the window does not need waits until it has been painted
(issue 15: the dictionary's load held the GIL while the case list was being painted)."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QApplication, QLabel

from reviewer_app.gui.tasks import after_first_paint


def test_called_once_after_the_first_paint_and_not_before(qtbot) -> None:
    label = QLabel("Your cases")
    qtbot.addWidget(label)
    calls: list[bool] = []
    after_first_paint(label, 0, lambda: calls.append(label.isVisible()))
    QApplication.processEvents()
    assert calls == [], "not shown, so not painted: nothing is called yet"
    label.show()
    qtbot.waitUntil(lambda: calls == [True], timeout=5_000)
    label.repaint()  # painted again, at once
    QApplication.processEvents()  # a second call (0 ms) would have come now
    assert calls == [True], "called once, not on every paint"


def test_nothing_is_called_for_a_widget_deleted_before_its_time_came(qtbot) -> None:
    calls: list[str] = []
    label = QLabel("Your cases")

    def painted() -> None:
        calls.append("painted")
        shiboken6.delete(label)  # at once: long before the other call's 500 ms are up

    after_first_paint(label, 500, lambda: calls.append("deleted"))
    after_first_paint(label, 0, painted)
    label.show()
    qtbot.waitUntil(lambda: calls == ["painted"], timeout=5_000)
    assert not shiboken6.isValid(label)
    later = QLabel("another window")
    qtbot.addWidget(later)
    after_first_paint(later, 700, lambda: calls.append("later"))  # due after the 500 ms one
    later.show()
    qtbot.waitUntil(lambda: calls[-1] == "later", timeout=5_000)
    assert calls == ["painted", "later"]
