"""Property tests: CSV intake through the study never imports part of a file, never crashes.

Random bytes and mutated valid files go through ``Study.add_cohort`` / ``add_reviewers``:
either the whole file is imported (every case it holds is then in the study, exactly as the
reader parsed it), or a clear ``InvalidInputError`` is raised and the database is unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer_app.errors import InvalidInputError
from reviewer_app.services.intake import study_intake
from reviewer_app.services.intake.cohort_csv import read_cohort
from reviewer_app.services.intake.panel_csv import read_panel
from reviewer_app.services.study import Study
from reviewer_app.storage.study.cohort import CohortStore
from reviewer_app.storage.study.panel import PanelStore
from tests.support.study_fixtures import cohort_bytes, new_study, panel_bytes, snapshot

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID = cohort_bytes(8, seed=11)


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    s = new_study(tmp_path_factory.mktemp("props") / "study", cases=4)
    yield s
    s.close()


def _mutate(data: st.DataObject, original: bytes) -> bytes:
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(1, 5))):
        kind = data.draw(st.sampled_from(["flip", "delete", "insert", "swap_char"]))
        at = data.draw(st.integers(0, max(0, len(mutated) - 1)))
        if kind == "flip" and mutated:
            mutated[at] = data.draw(st.integers(0, 255))
        elif kind == "delete":
            del mutated[at : at + data.draw(st.integers(1, 20))]
        elif kind == "insert":
            mutated[at:at] = data.draw(
                st.sampled_from([b",", b"\n", b'"', b"\r\n", b"\xef\xbb\xbf", b"=1+1", b"\x00"])
            )
        else:
            mutated[at:at] = data.draw(st.text(max_size=4)).encode("utf-8")
    return bytes(mutated)


def _check_all_or_nothing(study: Study, data: bytes) -> None:
    before = snapshot(study.db)
    try:
        report = study_intake.add_cohort(study, data, "fuzz.csv")
    except InvalidInputError as err:
        assert str(err).strip()
        assert snapshot(study.db) == before
        return
    parsed = read_cohort(data, "fuzz.csv")
    stored = {c.case_ref: c for c in CohortStore(study.db).cases()}
    for case in parsed.cases:  # every row of the file is there, as parsed
        assert stored[case.case_ref] == case
    assert len(report.changes.added) + len(report.changes.updated) + report.changes.unchanged == (
        len(parsed.cases)
    )


@FUZZ
@given(data=st.data())
def test_mutated_cohorts_import_whole_or_not_at_all(study: Study, data: st.DataObject) -> None:
    _check_all_or_nothing(study, _mutate(data, VALID))


@FUZZ
@given(raw=st.binary(max_size=1024))
def test_random_bytes_never_crash_the_cohort_intake(study: Study, raw: bytes) -> None:
    _check_all_or_nothing(study, raw)


@FUZZ
@given(data=st.data())
def test_mutated_panels_import_whole_or_not_at_all(study: Study, data: st.DataObject) -> None:
    raw = _mutate(data, panel_bytes())
    before = snapshot(study.db)
    try:
        study_intake.add_reviewers(study, raw, "fuzz.csv")
    except InvalidInputError:
        assert snapshot(study.db) == before
        return
    parsed = read_panel(raw, "fuzz.csv")
    stored = {r.reviewer_ref: r for r in PanelStore(study.db).all()}
    for reviewer in parsed.reviewers:
        assert stored[reviewer.reviewer_ref] == reviewer


def test_the_property_checker_sees_a_partial_import(tmp_path: Path) -> None:
    """Guard: the all-or-nothing check fails when a file's rows are not all stored."""
    with new_study(tmp_path / "s", cases=0) as s:
        study_intake.add_cohort(s, cohort_bytes(3), "first.csv")
        parsed = read_cohort(cohort_bytes(5), "x.csv")
        stored = {c.case_ref for c in CohortStore(s.db).cases()}
        assert {c.case_ref for c in parsed.cases} - stored  # what the checker would catch
