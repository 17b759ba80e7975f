"""Child side of the GUI SIGKILL test: the real ReviewPage, offscreen, typing via QTest.

``python kill_safety_gui_child.py FOLDER PASSPHRASE CASE_REF QUESTION_ID`` opens the case,
puts the cursor at the end of the free-text question and types a character every few
milliseconds. Each time the writer confirms a save of that question it prints
``ok <json value>`` (after the commit). The parent kills it with SIGKILL at a random moment.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from reviewer_app.gui.autosave import AutosaveWriter
from reviewer_app.gui.form import ReviewPage
from reviewer_app.services.review.autosave_core import SavedBatch
from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.workspace import Workspace


def emit(line: str) -> None:
    os.write(1, (line + "\n").encode())


def main() -> None:
    folder, passphrase, case_ref, question_id = sys.argv[1:5]
    app = QApplication([])
    workspace = Workspace.unlock(Path(folder), passphrase)
    writer = AutosaveWriter(workspace.connect, "gui-kill-test", debounce=0.05, max_delay=0.2)
    writer.start()
    page = ReviewPage(ReviewService(workspace.db), writer)
    page.resize(1093, 614)
    page.show()
    page.activateWindow()
    page.open_case(case_ref)
    page.goto_question(question_id)
    target = page.row(question_id).field.focus_target()
    target.setFocus()
    QTest.keyClick(target, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)

    def confirmed(batch: SavedBatch) -> None:
        if question_id in batch.values:
            emit(f"ok {json.dumps(batch.values[question_id])}")

    writer.saved.connect(confirmed)
    letters = "the quick brown fox jumps over the lazy dog "
    state = {"n": 0}

    def type_one() -> None:
        QTest.keyClicks(target, letters[state["n"] % len(letters)])
        state["n"] += 1

    timer = QTimer()
    timer.timeout.connect(type_one)
    timer.start(3)
    emit("ready")
    QTimer.singleShot(20_000, app.quit)  # never reached: the parent kills first
    app.exec()


if __name__ == "__main__":
    main()
