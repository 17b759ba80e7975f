"""Collection: the real path (study, packs, workspaces, sign, return, collect)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer_app.domain.vocabulary import CollectedAs
from reviewer_app.services.collection import records
from reviewer_app.services.collection.collector import collect
from reviewer_app.services.packs.maker import make_packs
from reviewer_app.storage.study.returns import ReturnsStore
from tests.support.study_fixtures import snapshot
from tests.unit.collection.collect_support import Returned, returned_world


@pytest.fixture(scope="session")
def template_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp() / "collect-templates"


@pytest.fixture
def rw(tmp_path: Path, template_root: Path) -> Returned:
    return returned_world(tmp_path, template_root)


def test_two_reviewers_returns_are_verified_and_stored(rw: Returned) -> None:
    files = rw.files()
    assert [f.name for f in files] == ["return-R01-0001.p7m", "return-R02-0001.p7m"]
    with rw.study() as study:
        make_packs(study, rw.shared)  # nothing new to send: remembers the folder (copied world)
        report = collect(study)  # the shared folder is where packs were made
        states = records.returned_states(study)
        store = ReturnsStore(study.db)
        stored = {(v.case_ref, v.reviewer_ref): v for v in store.versions()}
    assert report.files_collected == 2 and report.quarantined == []
    assert report.counts("R01").new == 2 and report.counts("R02").new == 2
    assert sorted(ref for _, ref in states) == ["R01", "R01", "R02", "R02"]
    outcomes = sorted(s.outcome for s in states.values())
    assert outcomes == ["full_review", "full_review", "full_review", "handed_back"]
    assert all(s.version == 1 and not s.amended and not s.conflict for s in states.values())
    assert all(v.bundle_id and v.content_sha256 for v in stored.values())
    assert [f.name for f in rw.files()] == [f.name for f in files]  # left in place


def test_the_json_report_says_the_same(rw: Returned) -> None:
    with rw.study() as study:
        report = collect(study, rw.shared)
    doc = json.loads(json.dumps(report.to_json()))
    assert doc["totals"]["new"] == 4 and doc["totals"]["quarantined"] == 0
    assert doc["by_reviewer"]["R01"]["new"] == 2
    assert "4 new" in report.summary_lines()[1]


def test_collecting_again_changes_nothing_and_reads_no_bundle_twice(rw: Returned) -> None:
    with rw.study() as study:
        collect(study, rw.shared)
        before = snapshot(study.db)
        again = collect(study, rw.shared)
        after = snapshot(study.db)
    assert again.files_already == 2 and again.files_collected == 0
    assert {k: v for k, v in before.items() if k != "collection_runs"} == {
        k: v for k, v in after.items() if k != "collection_runs"
    }
    assert again.counts("R01").new == 0


def test_moving_processed_bundles(rw: Returned) -> None:
    with rw.study() as study:
        report = collect(study, rw.shared, move_processed=True)
    assert report.files_moved == 2 and rw.files() == []
    assert sorted(p.name for p in (rw.shared / "collected").iterdir()) == [
        "return-R01-0001.p7m",
        "return-R02-0001.p7m",
    ]


def test_a_writers_temporary_file_is_left_alone(rw: Returned) -> None:
    half = rw.shared / ".return-R01-0002.p7m.x1y2.tmp"
    half.write_bytes(rw.files()[0].read_bytes()[:100])
    with rw.study() as study:
        report = collect(study, rw.shared)
    assert report.files_seen == 2 and report.quarantined == [] and half.exists()


def test_outcomes_are_reported_per_item_kind(rw: Returned) -> None:
    """The JSON report counts every kind of outcome by its wire name, zero or not."""
    with rw.study() as study:
        totals = collect(study, rw.shared).to_json()["totals"]
    kinds = {o.value for o in CollectedAs}
    assert kinds == {"new", "superseded", "unchanged", "conflict", "older"}
    # the JSON counts conflicts in the plural, every other kind by its own name
    assert {"new", "superseded", "unchanged", "conflicts", "older"} <= set(totals)
    assert totals["new"] >= 1 and totals["conflicts"] == 0
