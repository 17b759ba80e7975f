"""kill -9 never loses saved work: SIGKILLs at random moments against the real writer.

Part 1 (headless, 200 kills): ``kill_safety_child.py`` forks a child per round that runs the
real ``AutosaveCore`` writer thread with the real ``ReviewService`` on its own SQLCipher
connection and prints each value only after the writer confirmed it committed. The test kills
the child at a random moment (during start-up, mid-transaction, between saves), then opens the
database and checks: ``PRAGMA integrity_check`` is ok, every confirmed value is in the audit
trail as a saved answer, each field holds its last confirmed value or a newer one from the
same round, and the audit hash chain verifies. One workspace is reused across all kills.

Part 2 (GUI, a few kills): ``kill_safety_gui_child.py`` runs the real ``ReviewPage``
offscreen and types into a comment with QTest; it prints the text each time the writer
confirms it saved. After each kill, the saved text in the database starts with (is at least)
the last confirmed text.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer_app.services.review.service import ReviewService
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import AuditLog
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.workspace.reviews import ReviewStore
from tests.support.review_fixtures import make_case

PASSPHRASE = "kill safety passphrase"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]
KILLS = 200
GUI_KILLS = 3

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL"),
]


class Lines:
    """Lines of a child's stdout, read on a thread, taken with a timeout."""

    def __init__(self, stream: object) -> None:
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:  # type: ignore[no-untyped-def]
        for raw in stream:
            self._queue.put(raw.decode().rstrip("\n"))
        self._queue.put(None)

    def get(self, timeout: float) -> str | None:
        return self._queue.get(timeout=timeout)

    def join(self) -> None:
        self._thread.join(5)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONWARNINGS"] = "ignore"
    return env


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    folder = tmp_path / "ws"
    with Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF) as ws:
        CaseStore(ws.db).upsert_many([make_case()])
        review_id = ReviewService(ws.db).open("C-0001", "kill-test").review_id
    yield folder, review_id


def _check_round(
    ws: Workspace, review_id: int, round_no: int, confirmed: list[tuple[str, str]], since: int
) -> int:
    """Integrity, every confirmed value durable, latest values not older; returns audit head."""
    db = ws.db
    assert db.integrity_check() == ["ok"], f"round {round_no}"
    saved = {
        (field, new_json)
        for field, new_json in db.query_all(
            "SELECT field, new_json FROM audit WHERE review_id = ? AND action = 'answer' "
            "AND seq > ?",
            (review_id, since),
        )
    }
    answers = ReviewStore(db).answers(review_id)
    last_text: dict[str, str] = {}
    for question_id, value_json in confirmed:
        value = json.loads(value_json)
        if isinstance(value, str) and value.startswith("round "):
            # text values are unique, so each one saved has its own audit entry
            assert (question_id, value_json) in saved, f"round {round_no}: lost {question_id}"
            last_text[question_id] = value
        else:
            assert question_id in answers
    for question_id, value in last_text.items():
        now = answers[question_id]
        assert isinstance(now, str) and now.startswith(f"round {round_no:04d}")
        assert now >= value, f"round {round_no}: {question_id} went back to an older value"
    head = db.query_one("SELECT max(seq) FROM audit")
    return int(head[0]) if head and head[0] is not None else 0


def _confirmation(line: str | None, round_no: int) -> tuple[str, str]:
    """A confirmed save the child printed: ``ok N question json`` (question, value)."""
    assert line is not None, "the fork server ended early"
    word, number, question_id, value_json = line.split(" ", 3)
    assert word == "ok" and int(number) == round_no, line
    return question_id, value_json


def test_two_hundred_sigkills_against_headless_writer(workspace: tuple[Path, int]) -> None:
    folder, review_id = workspace
    rng = random.Random(4242)
    started = time.monotonic()
    server = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "kill_safety_child.py"),
            str(folder),
            PASSPHRASE,
            str(review_id),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=_env(),
    )
    assert server.stdin is not None and server.stdout is not None
    lines = Lines(server.stdout)
    ws = Workspace.unlock(folder, PASSPHRASE)
    total_confirmed = 0
    killed_after_confirm = 0
    planned_after_save = 0
    since = 0
    try:
        assert lines.get(30) == "ready"
        for round_no in range(1, KILLS + 1):
            server.stdin.write(f"go {round_no}\n".encode())
            server.stdin.flush()
            line = lines.get(10)
            assert line is not None and line.startswith(f"pid {round_no} ")
            pid = int(line.split()[2])
            confirmed: list[tuple[str, str]] = []
            # The moment of the kill: during start-up or the first commit (2 rounds in 5), or
            # after the writer has confirmed a save, mid-commit or between saves (3 in 5:
            # waiting for a confirmation, not for a time, so a loaded machine changes nothing).
            after_a_save = rng.random() < 0.6
            if after_a_save:
                confirmed.append(_confirmation(lines.get(10), round_no))
                time.sleep(rng.uniform(0, 0.1))
            else:
                time.sleep(rng.choice((0.0, rng.uniform(0, 0.01))))
            planned_after_save += after_a_save
            os.kill(pid, signal.SIGKILL)
            while True:
                line = lines.get(10)
                assert line is not None, "the fork server ended early"
                if line.startswith("done "):
                    assert line.split()[1] == str(round_no)
                    status = int(line.split()[2])
                    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                    break
                confirmed.append(_confirmation(line, round_no))
            total_confirmed += len(confirmed)
            killed_after_confirm += bool(confirmed)
            since = _check_round(ws, review_id, round_no, confirmed, since)
            if round_no % 25 == 0 or round_no == KILLS:
                verification = AuditLog(ws.db).verify()
                assert verification.ok, verification.problem
    finally:
        if server.stdin:
            server.stdin.close()
        server.wait(10)
        lines.join()
        server.stdout.close()
        ws.close()
    elapsed = time.monotonic() - started
    print(
        f"\n{KILLS} SIGKILLs, {total_confirmed} confirmed values all durable, "
        f"{killed_after_confirm} kills after at least one confirmation, {elapsed:.1f} s"
    )
    assert total_confirmed > KILLS, "the writer confirmed saves between kills"
    assert killed_after_confirm >= planned_after_save > KILLS // 3, "most kills land after saves"


def test_sigkills_against_the_gui(workspace: tuple[Path, int]) -> None:
    folder, _review_id = workspace
    rng = random.Random(77)
    question_id = "learning.poor_care"
    ws = Workspace.unlock(folder, PASSPHRASE)
    try:
        for round_no in range(1, GUI_KILLS + 1):
            child = subprocess.Popen(
                [
                    sys.executable,
                    str(HERE / "kill_safety_gui_child.py"),
                    str(folder),
                    PASSPHRASE,
                    "C-0001",
                    question_id,
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,  # the offscreen plugin's chatter; "ready" proves start
                env=_env(),
            )
            assert child.stdout is not None
            lines = Lines(child.stdout)
            assert lines.get(60) == "ready", "the GUI child did not start"
            # Killed a random moment after its first confirmed save (waiting for the save,
            # not for a time: a loaded machine changes nothing), mid-typing or mid-commit.
            first = lines.get(30)
            assert first is not None and first.startswith("ok "), f"round {round_no}: no save"
            confirmed: list[str] = [json.loads(first[3:])]
            time.sleep(rng.uniform(0.0, 0.8))
            os.kill(child.pid, signal.SIGKILL)
            child.wait(10)
            lines.join()
            child.stdout.close()
            while True:
                line = lines.get(1)
                if line is None:
                    break
                assert line.startswith("ok ")
                confirmed.append(json.loads(line[3:]))
            assert confirmed, f"round {round_no}: the GUI confirmed no save before the kill"
            assert ws.db.integrity_check() == ["ok"]
            stored = ReviewStore(ws.db).answers(
                ReviewService(ws.db).open("C-0001", "check").review_id
            )[question_id]
            # typing only appends, so what is on disk starts with the last confirmed text
            assert stored.startswith(confirmed[-1]), f"round {round_no}: confirmed text lost"
            verification = AuditLog(ws.db).verify()
            assert verification.ok, verification.problem
    finally:
        ws.close()
