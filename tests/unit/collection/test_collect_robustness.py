"""Bad bundles change nothing but the quarantine; SIGKILL during collect loses nothing.

On a practice study (built once per run, copied) collected once in full, each kind of bad
file is dropped into the shared folder and collected: the study database must be unchanged
apart from the collection's own bookkeeping (the run, the file's row) and the quarantine
record. Bundles are crafted with the format's lower-level pieces (the reviewer's real key
from their workspace, ``cms.sign_attached`` and ``cms.envelope``).

Then ``collect`` is SIGKILLed at seeded random moments in a forked child: after each kill the
database passes ``PRAGMA integrity_check``, every bundle file is wholly stored or not at all,
and a re-run completes the job with the same final state as an uninterrupted collection.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.services.collection.collector import collect
from reviewer_app.services.demo.practice import (
    PRACTICE_STUDY_PASSPHRASE,
    PRACTICE_WORKSPACE_PASSPHRASE,
)
from reviewer_app.services.returns.format import (
    MAX_BUNDLE_BYTES,
    MAX_BUNDLE_DEPTH,
    MAX_BUNDLE_ITEMS,
    ReturnBundle,
    build_bundle,
    canonical,
    open_bundle,
)
from reviewer_app.services.study import Study
from reviewer_app.services.trust import cms
from reviewer_app.services.trust.authority import load_certificate
from reviewer_app.services.trust.workspace_identity import load_private_key
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.workspace.identity_store import IdentityStore
from tests.support.practice_fixtures import Practice, practice_copy
from tests.support.study_fixtures import snapshot

FLIPS = 200
KILLS = 25
BOOKKEEPING = ("collection_runs", "bundle_files", "quarantine")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Practice:
    """An uncollected copy (the kill rounds restore from it)."""
    return practice_copy(
        tmp_path_factory.mktemp("robust") / "pristine", tmp_path_factory.getbasetemp()
    )


@pytest.fixture(scope="module")
def collected(pristine: Practice, tmp_path_factory: pytest.TempPathFactory) -> Practice:
    target = tmp_path_factory.mktemp("robust-collected") / "p"
    shutil.copytree(pristine.layout.root, target)
    copy = Practice(type(pristine.layout)(target), pristine.plan, pristine.built)
    with Study.open(copy.layout.study, PRACTICE_STUDY_PASSPHRASE) as study:
        report = collect(study, copy.layout.shared)
    assert not report.quarantined
    return copy


@pytest.fixture
def study(collected: Practice) -> Iterator[Study]:
    with Study.open(collected.layout.study, PRACTICE_STUDY_PASSPHRASE) as opened:
        yield opened


class Signer:
    """A practice reviewer's real identity and the study's certificates, for crafting."""

    def __init__(self, practice: Practice, study: Study, ref: str) -> None:
        with Workspace.unlock(practice.layout.reviewer(ref), PRACTICE_WORKSPACE_PASSPHRASE) as ws:
            stored = IdentityStore(ws.db).get()
            assert stored is not None and stored.cert_pem is not None
            self.key = load_private_key(stored)
            self.cert = load_certificate(stored.cert_pem)
        self.ref = ref
        self.root = study.root_certificate()
        self.collection_key, self.collection_cert = study.collection_authority()

    def seal(self, document: bytes) -> bytes:
        signed = cms.sign_attached(document, self.key, self.cert, chain=(self.root,))
        return cms.envelope(signed, self.collection_cert)

    def opened(self, data: bytes) -> ReturnBundle:
        return open_bundle(data, self.collection_key, self.collection_cert, self.root).bundle


def _returns(practice: Practice) -> list[Path]:
    return sorted(practice.layout.shared.glob("return-*.p7m"))


def _amending_reviewer(practice: Practice) -> tuple[str, Path, Path]:
    """A reviewer with two returns: the first (version 1 of the amended case) and the second."""
    for ref in practice.plan.reviewers():
        mine = [p for p in _returns(practice) if p.name.startswith(f"return-{ref}-")]
        if len(mine) == 2:
            return ref, mine[0], mine[1]
    raise AssertionError("the practice study has an amendment")


def _kept(db_state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {k: v for k, v in db_state.items() if k not in BOOKKEEPING}


def _collect_bad(
    study: Study, folder: Path, files: dict[str, bytes]
) -> tuple[list[Any], dict[str, Any]]:
    """Drop the files in, collect, take them out; the quarantine rows added and the report."""
    before = snapshot(study.db)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    try:
        report = collect(study, folder)
    finally:
        for name in files:
            (folder / name).unlink()
    after = snapshot(study.db)
    assert _kept(after) == _kept(before), "the study changed beyond its quarantine record"
    added = [row for row in after["quarantine"] if row not in before["quarantine"]]
    return added, report.to_json()


def _name(ref: str, seq: int) -> str:
    return f"return-{ref}-{seq:04d}.p7m"


@pytest.mark.slow
def test_a_byte_flipped_anywhere_is_quarantined_or_changes_nothing(
    collected: Practice, study: Study
) -> None:
    ref, _, second = _amending_reviewer(collected)
    data = second.read_bytes()
    rng = random.Random(12)
    offsets = sorted({0, len(data) - 1, *rng.sample(range(len(data)), FLIPS)})
    assert len(offsets) >= FLIPS
    files = {}
    for n, offset in enumerate(offsets):
        flipped = bytearray(data)
        flipped[offset] ^= 1 << rng.randrange(8)
        files[_name(ref, 5000 + n)] = bytes(flipped)
    added, report = _collect_bad(study, collected.layout.shared, files)
    # Flips in parts nothing relies on (the copy of the root certificate the signature
    # carries, say) leave a bundle that verifies and says nothing new: "unchanged".
    accepted = report["totals"]["files_collected"]
    assert len(added) + accepted == len(files)
    assert len(added) >= len(files) * 0.9
    assert report["totals"].get("new", 0) == report["totals"].get("superseded", 0) == 0


def test_truncated_and_half_written_files_change_nothing(collected: Practice, study: Study) -> None:
    ref, first, _ = _amending_reviewer(collected)
    data = first.read_bytes()
    files = {
        _name(ref, 6001): data[: len(data) // 2],
        _name(ref, 6002): data[:-1],
        _name(ref, 6003): data[:10],
        _name(ref, 6004): b"",
    }
    added, _ = _collect_bad(study, collected.layout.shared, files)
    assert len(added) == len(files)
    # A crashed writer's temporary file is not a return: left alone, not even quarantined.
    partial = collected.layout.shared / f".{_name(ref, 6005)}.abc123.tmp"
    partial.write_bytes(data[:1000])
    try:
        added, report = _collect_bad(study, collected.layout.shared, {})
    finally:
        assert partial.exists()
        partial.unlink()
    assert added == [] and report["totals"]["files_seen"] == len(_returns(collected))


def test_a_replayed_older_version_changes_nothing(collected: Practice, study: Study) -> None:
    ref, first, _ = _amending_reviewer(collected)
    signer = Signer(collected, study, ref)
    original = signer.opened(first.read_bytes())
    replay = original.model_copy(update={"sequence": 7001})
    data = build_bundle(replay, signer.key, signer.cert, signer.root, signer.collection_cert)
    added, report = _collect_bad(study, collected.layout.shared, {_name(ref, 7001): data})
    assert added == []  # not bad: simply nothing new
    assert report["totals"].get("new", 0) == report["totals"].get("superseded", 0) == 0


def _manifest(signer: Signer, bundle: ReturnBundle, **changes: Any) -> bytes:
    doc = bundle.model_dump(mode="json")
    doc.update(changes)
    return signer.seal(canonical(doc))


def test_oversized_nested_and_future_manifests_are_quarantined(
    collected: Practice, study: Study, tmp_path: Path
) -> None:
    ref, _, second = _amending_reviewer(collected)
    signer = Signer(collected, study, ref)
    bundle = signer.opened(second.read_bytes())
    item = bundle.items[0].model_dump(mode="json")
    nested: Any = "deep"
    for _ in range(MAX_BUNDLE_DEPTH + 5):
        nested = [nested]
    files = {
        _name(ref, 8001): _manifest(signer, bundle, items=[item] * (MAX_BUNDLE_ITEMS + 1)),
        _name(ref, 8002): _manifest(signer, bundle, extra=nested),
        _name(ref, 8003): _manifest(signer, bundle, format_version=2),
        _name(ref, 8004): signer.seal(b"[" * 100_000),
        _name(ref, 8005): signer.seal(json.dumps({"format": "something else"}).encode()),
    }
    added, _ = _collect_bad(study, collected.layout.shared, files)
    reasons = {row[1]: row[3] for row in added}  # file_name -> reason
    assert reasons == {
        _name(ref, 8001): "too_large",
        _name(ref, 8002): "too_large",
        _name(ref, 8003): "newer_format",
        _name(ref, 8004): "too_large",
        _name(ref, 8005): "not_a_bundle",
    }
    huge = _name(ref, 8006)
    with (collected.layout.shared / huge).open("wb") as handle:
        handle.truncate(MAX_BUNDLE_BYTES + 1)  # sparse: no disk used
    try:
        added, _ = _collect_bad(study, collected.layout.shared, {})
    finally:
        (collected.layout.shared / huge).unlink()
    assert [row[3] for row in added] == ["too_large"]


# --- SIGKILL during collect ------------------------------------------------------------


def _final_state(study: Study) -> dict[str, list[tuple[Any, ...]]]:
    """What collection leaves, without its times and run numbers."""
    state = snapshot(study.db)
    versions = study.db.query_all(
        "SELECT case_ref, reviewer_ref, version, outcome, content_sha256 FROM returned_versions"
    )
    files = study.db.query_all("SELECT file_sha256, file_name FROM bundle_files")
    return {
        "versions": sorted(versions),
        "files": sorted(files),
        "quarantine": state["quarantine"],
        "conflicts": state["return_conflicts"],
    }


def _collect_in_child(study_dir: str, shared: str) -> None:  # pragma: no cover - child
    with Study.open(Path(study_dir), PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, Path(shared))
    os._exit(0)


def _whole_files_only(study: Study) -> None:
    """Every bundle file recorded has all its versions stored (one transaction each)."""
    rows = study.db.query_all(
        "SELECT b.file_sha256, count(v.id) FROM bundle_files b "
        "LEFT JOIN returned_versions v ON v.bundle_file_sha256 = b.file_sha256 "
        "WHERE b.verdict = 'accepted' GROUP BY b.file_sha256"
    )
    assert all(count > 0 for _, count in rows), rows


@pytest.mark.slow
def test_sigkill_during_collect_leaves_the_database_intact_and_a_rerun_completes(
    pristine: Practice, tmp_path: Path
) -> None:
    # One reviewer's returns (version 1 of an amended case, then version 2): a short run,
    # so that 25 kills land at every stage of it in a few seconds.
    shared = tmp_path / "shared"
    shared.mkdir()
    _, first, second = _amending_reviewer(pristine)
    for path in (first, second):
        shutil.copy(path, shared / path.name)
    reference = tmp_path / "reference"
    shutil.copytree(pristine.layout.study, reference)
    started = time.perf_counter()
    with Study.open(reference, PRACTICE_STUDY_PASSPHRASE) as study:
        collect(study, shared)
        expected = _final_state(study)
    duration = time.perf_counter() - started
    context = multiprocessing.get_context("fork")
    rng = random.Random(99)
    completed_before_kill = 0
    for round_no in range(KILLS):
        target = tmp_path / f"round-{round_no}"
        shutil.copytree(pristine.layout.study, target)
        child = context.Process(target=_collect_in_child, args=(str(target), str(shared)))
        child.start()
        time.sleep(rng.uniform(0, duration * 1.1))
        if child.pid is not None and child.exitcode is None:
            os.kill(child.pid, signal.SIGKILL)
        child.join(10)
        completed_before_kill += child.exitcode == 0
        with Study.open(target, PRACTICE_STUDY_PASSPHRASE) as study:
            assert study.db.integrity_check() == ["ok"], round_no
            _whole_files_only(study)
            collect(study, shared)
            assert _final_state(study) == expected, round_no
        shutil.rmtree(target)
    # Kill times are drawn over the collection's measured length, so most land mid-collection;
    # how many depends on the machine's load between the measurement and the rounds, so only
    # "some" is asserted (each round's outcome above is what the test is for).
    assert completed_before_kill <= KILLS - 3, "at least three kills landed mid-collection"
