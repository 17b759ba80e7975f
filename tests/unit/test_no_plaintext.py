"""No patient identifier reaches the disk in plaintext, even when the app is killed mid-save.

A real session runs in a subprocess (logging on at DEBUG, temp files pointed at the app's temp
folder), then a second subprocess saves answers in a loop and is SIGKILLed. Every file under
the app home (workspace, backups, log, temp, cache) is then scanned for the canary names and
NHS numbers in every encoding a careless write could produce. The database must then pass
``PRAGMA integrity_check`` and hold every answer confirmed before the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pytest

from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.audit import verify_audit
from reviewer_app.storage.workspace.reviews import ReviewStore

pytestmark = pytest.mark.skipif(os.name == "nt", reason="SIGKILL and fork-style subprocesses")

REPO = Path(__file__).resolve().parents[2]
PASSPHRASE = "canary workspace passphrase"
NAMES = ("Zielińska", "Nguyễn", "Ó Súilleabháin", "Siobhán")
NHS_NUMBERS = ("9990000018", "9990000026", "9990000034")
KILL_AFTER = 150

SCRIPT = r"""
import logging, sys
from datetime import date
from reviewer_app.domain.case import Case, PlaceOfDeath, Sex
from reviewer_app.logging_setup import configure_logging
from reviewer_app.paths import AppPaths, ensure_local_folder
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.cases import CaseStore
from reviewer_app.storage.keys import TEST_KDF
from reviewer_app.storage.workspace.reviews import ReviewStore

PASSPHRASE = "canary workspace passphrase"
mode = sys.argv[1]
paths = AppPaths.from_environment()
for folder in paths.all_dirs():
    ensure_local_folder(folder, "an app folder")
configure_logging(paths.log_dir, level=logging.DEBUG)
log = logging.getLogger("canary-session")
folder = paths.default_workspace_dir

if mode == "session":
    workspace = Workspace.create(folder, PASSPHRASE, kdf=TEST_KDF)
    people = [
        ("NSR-0001", "9990000018", "Zielińska", "Agnieszka"),
        ("NSR-0002", "9990000026", "Nguyễn", "Thi Siobhán"),
        ("NSR-0003", "9990000034", "Ó Súilleabháin", "Pádraig"),
    ]
    cases = [
        Case(case_ref=ref, nhs_number=nhs, family_name=family, given_names=given,
             date_of_birth=date(1941, 3, 4), sex=Sex.UNKNOWN, admission_date=date(2017, 5, 1),
             date_of_death=date(2017, 5, 20), place_of_death=PlaceOfDeath.ACUTE_HOSPITAL)
        for ref, nhs, family, given in people
    ]
    CaseStore(workspace.db).upsert_many(cases)
    reviews = ReviewStore(workspace.db)
    for ref, nhs, family, given in people:
        review = reviews.open_review(ref, "sjr", "1", "R01 Dr Reviewer")
        reviews.save_answers(review.id, {
            "phase_admission_comment": f"{given} {family} (NHS {nhs[:3]} {nhs[3:6]} {nhs[6:]}) "
                                       "was seen late; family of " + family + " not told.",
            "phase_admission_score": 2,
        }, "R01 Dr Reviewer")
        reviews.save_answer(review.id, "phase_admission_score", 3, "R01 Dr Reviewer",
                            reason=f"re-read notes for {family}")
        reviews.set_ui_state("last_case", ref)
    log.info("session finished: %d cases", len(cases))
    workspace.close()
else:
    workspace = Workspace.unlock(folder, PASSPHRASE)
    reviews = ReviewStore(workspace.db)
    review = reviews.open_review("NSR-0002", "sjr", "1", "R01 Dr Reviewer")
    n = 0
    while True:
        n += 1
        text = f"loop {n}: Nguyễn Zielińska Ó Súilleabháin NHS 999 000 0026 / 9990000018"
        reviews.save_answer(review.id, f"free_{n}", {"text": text, "n": n}, "R01 Dr Reviewer")
        sys.stdout.write(f"saved {n}\n")
        sys.stdout.flush()
"""


def _needles() -> dict[bytes, str]:
    texts: list[str] = list(NAMES)
    for number in NHS_NUMBERS:
        texts += [number, f"{number[:3]} {number[3:6]} {number[6:]}"]
    needles: dict[bytes, str] = {}
    for text in texts:
        for variant in {text, text.upper()}:
            for form in ("NFC", "NFD"):
                normalised = unicodedata.normalize(form, variant)
                for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                    needles[normalised.encode(encoding)] = f"{text!r} {form} {encoding}"
    return needles


def _scan(roots: list[Path]) -> tuple[list[str], int]:
    """Every (file, canary) hit under ``roots``, and how many files were read."""
    needles = _needles()
    hits: list[str] = []
    files = 0
    for root in roots:
        for path in sorted(root.rglob("*")):
            if not path.is_file():
                continue
            files += 1
            data = path.read_bytes()
            hits += [f"{path.name}: {label}" for needle, label in needles.items() if needle in data]
    return hits, files


def _env(paths: AppPaths, home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        REVIEWER_APP_HOME=str(home),
        TMPDIR=str(paths.temp_dir),
        SQLITE_TMPDIR=str(paths.temp_dir),
        PYTHONPATH=str(REPO),
    )
    return env


def _run_session(home: Path) -> AppPaths:
    paths = AppPaths.from_environment({"REVIEWER_APP_HOME": str(home)})
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, "session"],
        env=_env(paths, home),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return paths


def _run_and_kill(home: Path, paths: AppPaths) -> list[int]:
    """Start the save loop, SIGKILL it after KILL_AFTER confirmed saves; return them."""
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, "loop"],
        env=_env(paths, home),
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    confirmed: list[int] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 120
        while len(confirmed) < KILL_AFTER and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            confirmed.append(int(line.split()[1]))
    finally:
        process.send_signal(signal.SIGKILL)
        _, stderr = process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert len(confirmed) == KILL_AFTER, stderr[-2000:]
    return confirmed


@pytest.fixture(scope="module")
def killed_session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AppPaths, list[int]]:
    home = tmp_path_factory.mktemp("canary-home")
    paths = _run_session(home)
    confirmed = _run_and_kill(home, paths)
    return home, paths, confirmed


@pytest.mark.slow
def test_no_identifier_in_any_file_after_session_and_kill(
    killed_session: tuple[Path, AppPaths, list[int]],
) -> None:
    home, paths, _ = killed_session
    workspace_files = {p.name for p in paths.default_workspace_dir.iterdir()}
    assert {"workspace.db", "workspace.key.json", "workspace.db-wal"} <= workspace_files, (
        "the kill should leave the write-ahead log behind, so it is scanned too"
    )
    assert any(paths.log_dir.iterdir()), "the session logged, so the log is scanned too"
    hits, files = _scan([home, *paths.all_dirs()])
    assert files >= 4
    assert hits == []


def test_the_scanner_finds_a_planted_canary(tmp_path: Path) -> None:
    """The scan above can fail: every encoding it looks for is really found."""
    planted = [
        "Ó Súilleabháin".encode(),
        unicodedata.normalize("NFD", "NGUYỄN").encode("utf-8"),
        "Zielińska".encode("utf-16-le"),
        "999 000 0034".encode("utf-16-be"),
        b"9990000018",
    ]
    for i, data in enumerate(planted):
        (tmp_path / f"f{i}.bin").write_bytes(b"xx" + data + b"yy")
    hits, files = _scan([tmp_path])
    assert files == len(planted)
    assert {hit.split(":")[0] for hit in hits} == {f"f{i}.bin" for i in range(len(planted))}


@pytest.mark.slow
def test_database_survives_the_kill_with_every_confirmed_save(
    killed_session: tuple[Path, AppPaths, list[int]],
) -> None:
    _, paths, confirmed = killed_session
    with Workspace.unlock(paths.default_workspace_dir, PASSPHRASE) as workspace:
        assert workspace.db.integrity_check() == ["ok"]
        reviews = ReviewStore(workspace.db)
        review = reviews.open_review("NSR-0002", "sjr", "1", "R01 Dr Reviewer")
        answers = reviews.answers(review.id)
        missing = [n for n in confirmed if answers.get(f"free_{n}", {}).get("n") != n]
        assert missing == []
        assert answers["phase_admission_score"] == 3
        assert verify_audit(workspace.db).ok
