"""The study's stores read back what they wrote, field for field, through the shared
row-to-record converter (collection runs, second-stage allocations)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.returns import ReturnsStore, RunRow
from reviewer_app.storage.study.second_stage import SecondStageAllocation, SecondStageStore
from tests.support.study_fixtures import new_study

T1 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 2, 9, 5, tzinfo=UTC)


@pytest.fixture
def study(tmp_path: Path) -> Iterator[Study]:
    opened = new_study(tmp_path / "study", cases=2)
    yield opened
    opened.close()


def test_a_finished_run_and_an_unfinished_one_read_back_as_written(study: Study) -> None:
    times = iter([T1, T2, T2])
    store = ReturnsStore(study.db, clock=lambda: next(times))
    first = store.start_run("/shared/returns")
    store.finish_run(first, {"new": 2, "quarantined": 1})
    second = store.start_run("/shared/other")
    assert store.runs() == [
        RunRow(first, "/shared/returns", T1, T2, {"new": 2, "quarantined": 1}),
        RunRow(second, "/shared/other", T2, None, {}),
    ]


def test_second_stage_allocations_read_back_in_order_with_their_triggers(study: Study) -> None:
    first, second = sorted(c.case_ref for c in CohortStore(study.db).cases())
    store = SecondStageStore(study.db, clock=lambda: T1)
    store.allocate(second, "R03", ("problems_harm", "discordant_avoidability"), "coordinator")
    store.allocate(first, "R04", (), "lead")
    assert store.history() == [
        SecondStageAllocation(
            second, "R03", ("problems_harm", "discordant_avoidability"), "coordinator", T1
        ),
        SecondStageAllocation(first, "R04", (), "lead", T1),
    ]
