"""Child side of the SIGKILL test: a fork server running the REAL autosave writer.

Started once by ``test_kill_safety.py`` (``python kill_safety_child.py FOLDER PASSPHRASE
REVIEW_ID``). It imports everything and derives the key once, then, for each ``go N`` line on
stdin, forks a child that opens its own connection, starts ``AutosaveCore.run`` on a writer
thread with the real ``ReviewService`` sink, and types values as fast as it can. A value is
printed (``ok N question json``) only from the writer's ``on_saved`` confirmation, i.e. after
the transaction committed. The test kills the child with SIGKILL at a random moment; this
server reports ``done N`` once the child is gone, so every ``ok`` line precedes it in the pipe.

Forking keeps 200 kills fast: each child starts in milliseconds instead of re-importing.
The server itself never opens the database, so no connection crosses a fork.
"""

from __future__ import annotations

import json
import os
import random
import sys
import threading
import time
from pathlib import Path

from reviewer_app.services.review.autosave_core import AutosaveCore, SavedBatch
from reviewer_app.services.review.service import review_sink
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.database import Database
from reviewer_app.storage.keys import DatabaseKey, unlock_key

TEXT_QUESTIONS = (
    "avoidability.comment",
    "learning.poor_care",
    "learning.good_practice",
    "readiness.note",
    "phase.overall.comment",
)
OTHER_VALUES = (
    ("phase.overall.score", [1, 2, 3, 4, 5]),
    ("screening.autism", ["yes", "no", "unknown"]),
)
CHILD_MAX_SECONDS = 10.0


def emit(line: str) -> None:
    # One write() per line: a pipe write under PIPE_BUF is atomic, so lines never interleave.
    os.write(1, (line + "\n").encode())


def child(folder: Path, key: DatabaseKey, review_id: int, round_no: int) -> None:
    db_path = Workspace.db_path_in(folder)
    rng = random.Random(round_no)

    def confirmed(batch: SavedBatch) -> None:
        for question_id, value in batch.values.items():
            emit(f"ok {round_no} {question_id} {json.dumps(value)}")

    core = AutosaveCore(
        actor="kill-test",
        on_saved=confirmed,
        debounce=rng.choice((0.0, 0.002, 0.01)),
        max_delay=rng.choice((0.005, 0.02)),
    )
    writer = threading.Thread(
        target=core.run, args=(lambda: review_sink(lambda: Database(db_path, key)),)
    )
    writer.start()
    started = time.monotonic()
    seq = 0
    while time.monotonic() - started < CHILD_MAX_SECONDS:
        seq += 1
        if seq % 7 == 0:
            question_id, values = OTHER_VALUES[seq % len(OTHER_VALUES)]
            core.put(review_id, question_id, values[seq % len(values)])
        else:
            question_id = TEXT_QUESTIONS[seq % len(TEXT_QUESTIONS)]
            core.put(review_id, question_id, f"round {round_no:04d} value {seq:07d}")
        if seq % 50 == 0:
            core.save_now()
        time.sleep(rng.choice((0.0, 0.0005, 0.001)))
    core.stop()
    writer.join()


def main() -> None:
    folder, passphrase, review_id = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    key = unlock_key(Workspace.key_check_path_in(folder), passphrase)
    emit("ready")
    for line in sys.stdin:
        words = line.split()
        if not words or words[0] != "go":
            break
        round_no = int(words[1])
        pid = os.fork()
        if pid == 0:
            try:
                child(folder, key, review_id, round_no)
            finally:
                os._exit(0)
        emit(f"pid {round_no} {pid}")
        _, status = os.waitpid(pid, 0)
        emit(f"done {round_no} {status}")


if __name__ == "__main__":
    main()
